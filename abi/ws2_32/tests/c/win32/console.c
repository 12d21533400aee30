/* Console control handlers: a signal or GenerateConsoleCtrlEvent runs the handlers on a new
 * thread, newest first, until one returns TRUE; no TRUE (or a close event) ends the process.
 * Console handles and ExitProcess. Sources: Microsoft's pages for SetConsoleCtrlHandler,
 * HandlerRoutine, GenerateConsoleCtrlEvent, GetStdHandle, WriteConsole, ExitProcess. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
#include "check.h"

static HANDLE done;
static volatile LONG calls;
static volatile LONG order[8];
static volatile DWORD handler_tid[8];
static volatile DWORD seen_event[8];

static void note(LONG who, DWORD ev)
{
    LONG i = InterlockedIncrement(&calls) - 1;
    if (i < 8) {
        order[i] = who;
        handler_tid[i] = GetCurrentThreadId();
        seen_event[i] = ev;
    }
}

static BOOL WINAPI first(DWORD ev)
{
    note(1, ev);
    SetEvent(done);
    return TRUE;
}

static BOOL WINAPI second(DWORD ev)
{
    note(2, ev);
    return FALSE; /* pass it on to `first` */
}

static BOOL WINAPI refuse(DWORD ev)
{
    printf("refuse saw %lu\n", (unsigned long)ev);
    return FALSE;
}

static BOOL WINAPI accept_all(DWORD ev)
{
    printf("accept saw %lu\n", (unsigned long)ev);
    return TRUE;
}

static void on_exit_hook(void)
{
    printf("atexit ran\n");
}

/* Run `body` in a child; return its wait status. */
static int child(void (*body)(void))
{
    int status = 0;
    pid_t pid;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        alarm(20); /* a broken handler path must not leave the child waiting forever */
        body();
        _exit(100);
    }
    waitpid(pid, &status, 0);
    return status;
}

static void default_ends_process(void)
{
    SetConsoleCtrlHandler(first, FALSE); /* inherited from the parent */
    SetConsoleCtrlHandler(refuse, TRUE);
    raise(SIGINT);
    for (;;)
        pause();
}

static void close_ends_process(void)
{
    SetConsoleCtrlHandler(first, FALSE);
    SetConsoleCtrlHandler(accept_all, TRUE);
    raise(SIGTERM);
    for (;;)
        pause();
}

static void exit_process(void)
{
    atexit(on_exit_hook);
    ExitProcess(7);
}

int main(void)
{
    DWORD main_tid = GetCurrentThreadId(), written = 0;
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    WCHAR wtext[] = {'w', 'i', 'd', 'e', 0xE9, '\n'};
    int st;

    done = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK(SetConsoleCtrlHandler(first, TRUE));
    CHECK(SetConsoleCtrlHandler(second, TRUE));

    /* Ctrl-C as the host sends it: second (newest) then first, on another thread. */
    raise(SIGINT);
    CHECK(WaitForSingleObject(done, 10000) == WAIT_OBJECT_0);
    CHECK(calls == 2 && order[0] == 2 && order[1] == 1);
    CHECK(seen_event[0] == CTRL_C_EVENT && seen_event[1] == CTRL_C_EVENT);
    CHECK(handler_tid[0] != main_tid && handler_tid[0] == handler_tid[1]);

    /* GenerateConsoleCtrlEvent in-process: a new thread again. */
    calls = 0;
    CHECK(GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0));
    CHECK(WaitForSingleObject(done, 10000) == WAIT_OBJECT_0);
    CHECK(calls == 2 && seen_event[1] == CTRL_BREAK_EVENT);
    CHECK(handler_tid[1] != main_tid);
    CHECK(!GenerateConsoleCtrlEvent(CTRL_CLOSE_EVENT, 0) && GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 1) && GetLastError() == ERROR_INVALID_PARAMETER);

    /* Removing: once, then it is gone. */
    CHECK(SetConsoleCtrlHandler(second, FALSE));
    CHECK(!SetConsoleCtrlHandler(second, FALSE) && GetLastError() == ERROR_INVALID_PARAMETER);
    calls = 0;
    raise(SIGQUIT); /* Ctrl-Break */
    CHECK(WaitForSingleObject(done, 10000) == WAIT_OBJECT_0);
    CHECK(calls == 1 && order[0] == 1 && seen_event[0] == CTRL_BREAK_EVENT);
    CHECK(SetConsoleCtrlHandler(NULL, TRUE) && SetConsoleCtrlHandler(NULL, FALSE));

    /* No handler returns TRUE: the default ends the process (with SIGINT, here). */
    st = child(default_ends_process);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
    /* A close event ends the process after the handlers, whatever they return. */
    st = child(close_ends_process);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    /* ExitProcess: the exit code, after atexit functions. */
    st = child(exit_process);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);

    /* ---- console handles ---- */
    CHECK(out != NULL && out != INVALID_HANDLE_VALUE && GetStdHandle(STD_OUTPUT_HANDLE) == out);
    CHECK(GetStdHandle(STD_ERROR_HANDLE) != out && GetStdHandle(STD_INPUT_HANDLE) != NULL);
    CHECK(GetStdHandle(5) == INVALID_HANDLE_VALUE && GetLastError() == ERROR_INVALID_HANDLE);
    fflush(stdout);
    CHECK(WriteConsoleA(out, "console line\n", 13, &written, NULL) && written == 13);
    CHECK(WriteConsoleW(out, wtext, 6, &written, NULL) && written == 6);
    CHECK(WriteFile(out, "file line\n", 10, &written, NULL) && written == 10);
    CHECK(!WriteFile(done, "x", 1, &written, NULL) && GetLastError() == ERROR_INVALID_HANDLE);
    {
        HANDLE dup = NULL;
        CHECK(DuplicateHandle(GetCurrentProcess(), out, GetCurrentProcess(), &dup, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
        CHECK(dup != out && WriteFile(dup, "dup line\n", 9, &written, NULL) && written == 9);
        CHECK(CloseHandle(dup));
    }
    CloseHandle(done);
    return finish("console");
}
