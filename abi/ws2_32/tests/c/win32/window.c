/* Message-only windows and the message loop, the way WSAAsyncSelect programs use them:
 * a registered class, CreateWindowEx(HWND_MESSAGE), messages posted from another thread
 * reaching the window procedure through GetMessage/DispatchMessage, DestroyWindow sending
 * WM_DESTROY, PostQuitMessage ending the loop. */
#include <windows.h>
#include "check.h"

#define WM_SOCKET (WM_USER + 1)
#define POSTS 500

static HWND main_window;
static int got_nccreate, got_create, got_destroy, got_ncdestroy;
static int socket_msgs;
static WPARAM last_wparam;
static LPVOID create_param;

static LRESULT CALLBACK proc(HWND h, UINT msg, WPARAM w, LPARAM l)
{
    switch (msg) {
    case WM_NCCREATE:
        got_nccreate++;
        break;
    case WM_CREATE:
        got_create++;
        create_param = ((CREATESTRUCTA *)l)->lpCreateParams;
        return 0;
    case WM_SOCKET:
        if (h != main_window || (LPARAM)(w * 2) != l)
            return -5;
        socket_msgs++;
        last_wparam = w;
        if (socket_msgs == POSTS)
            DestroyWindow(h);
        return 1;
    case WM_DESTROY:
        got_destroy++;
        PostQuitMessage(7);
        return 0;
    case WM_NCDESTROY:
        got_ncdestroy++;
        return 0;
    }
    return DefWindowProcA(h, msg, w, l);
}

static DWORD WINAPI poster(LPVOID param)
{
    HWND h = (HWND)param;
    UINT_PTR i;
    for (i = 1; i <= POSTS; i++)
        if (!PostMessageA(h, WM_SOCKET, (WPARAM)i, (LPARAM)(i * 2)))
            return 1;
    return 0;
}

static DWORD WINAPI destroy_elsewhere(LPVOID param)
{
    if (DestroyWindow((HWND)param))
        return 1;
    return GetLastError();
}

static LRESULT CALLBACK quiet(HWND h, UINT msg, WPARAM w, LPARAM l)
{
    return DefWindowProcW(h, msg, w, l);
}

static DWORD WINAPI post_to_second(LPVOID param)
{
    return PostMessageA((HWND)param, WM_USER + 9, 9, 0) ? 0 : 1;
}

int main(void)
{
    WNDCLASSEXA wc;
    WNDCLASSW wcw;
    MSG msg;
    HANDLE t;
    DWORD code = 0;
    BOOL r;
    int loops = 0;
    HWND w1, w2;
    ATOM atom;

    ZeroMemory(&wc, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = proc;
    wc.cbWndExtra = sizeof(LONG_PTR);
    wc.lpszClassName = "wsp-test-class";
    atom = RegisterClassExA(&wc);
    CHECK(atom != 0);
    CHECK(RegisterClassExA(&wc) == 0 && GetLastError() == ERROR_CLASS_ALREADY_EXISTS);
    wc.lpszClassName = "WSP-TEST-CLASS"; /* class names are case-insensitive */
    CHECK(RegisterClassExA(&wc) == 0 && GetLastError() == ERROR_CLASS_ALREADY_EXISTS);
    wc.cbSize = 12;
    wc.lpszClassName = "another";
    CHECK(RegisterClassExA(&wc) == 0 && GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(CreateWindowExA(0, "no such class", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                          NULL) == NULL);
    CHECK(GetLastError() == ERROR_CANNOT_FIND_WND_CLASS);

    /* Creation sends WM_NCCREATE and WM_CREATE with the CREATESTRUCT. */
    main_window = CreateWindowExA(0, "wsp-test-class", "async select", 0, 0, 0, 0, 0,
                                  HWND_MESSAGE, NULL, NULL, &loops);
    CHECK(main_window != NULL);
    CHECK(got_nccreate == 1 && got_create == 1 && create_param == &loops);
    CHECK(IsWindow(main_window));
    CHECK(!CloseHandle((HANDLE)main_window)); /* a window is not a kernel handle */
    CHECK(GetLastError() == ERROR_INVALID_HANDLE);
    CHECK(IsWindow(main_window));

    /* Per-window data. */
    CHECK(SetWindowLongPtrA(main_window, GWLP_USERDATA, 1234) == 0);
    CHECK(GetWindowLongPtrA(main_window, GWLP_USERDATA) == 1234);
    CHECK(SetWindowLongPtrA(main_window, 0, 77) == 0);
    CHECK(GetWindowLongPtrA(main_window, 0) == 77);
    CHECK(GetWindowLongPtrA(main_window, 8) == 0 && GetLastError() == 1413);
    CHECK(GetWindowLongPtrA(main_window, GWLP_WNDPROC) == (LONG_PTR)proc);

    /* PeekMessage: nothing yet; PM_NOREMOVE leaves it, PM_REMOVE takes it. */
    CHECK(!PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE));
    CHECK(PostMessageA(main_window, WM_USER + 2, 5, 6));
    CHECK(PeekMessageA(&msg, NULL, 0, 0, PM_NOREMOVE) && msg.message == WM_USER + 2);
    CHECK(!PeekMessageA(&msg, NULL, WM_USER + 3, WM_USER + 4, PM_REMOVE)); /* filtered */
    CHECK(PeekMessageA(&msg, main_window, 0, 0, PM_REMOVE));
    CHECK(msg.hwnd == main_window && msg.message == WM_USER + 2 && msg.wParam == 5 &&
          msg.lParam == 6);
    CHECK(!PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE));

    /* Thread messages: PostMessage(NULL) and PostThreadMessage; DispatchMessage ignores
     * them. */
    CHECK(PostMessageA(NULL, WM_USER + 3, 1, 0));
    CHECK(PostThreadMessageA(GetCurrentThreadId(), WM_USER + 4, 2, 0));
    CHECK(GetMessageA(&msg, NULL, 0, 0) > 0 && msg.hwnd == NULL && msg.message == WM_USER + 3);
    CHECK(DispatchMessageA(&msg) == 0);
    CHECK(GetMessageA(&msg, (HWND)-1, 0, 0) > 0 && msg.message == WM_USER + 4);
    CHECK(!PostThreadMessageA(0x7ffffff0, WM_USER, 0, 0));
    CHECK(GetLastError() == ERROR_INVALID_THREAD_ID);

    /* DestroyWindow belongs to the window's thread. */
    t = CreateThread(NULL, 0, destroy_elsewhere, main_window, 0, NULL);
    CHECK(WaitForSingleObject(t, INFINITE) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t, &code) && code == ERROR_ACCESS_DENIED);
    CloseHandle(t);

    /* The loop: another thread posts; the procedure destroys the window after the last
     * one; WM_DESTROY posts the quit; GetMessage returns 0 with the exit code. */
    t = CreateThread(NULL, 0, poster, main_window, 0, NULL);
    while ((r = GetMessageA(&msg, NULL, 0, 0)) != 0) {
        CHECK(r != -1);
        if (r == -1)
            break;
        TranslateMessage(&msg);
        CHECK(DispatchMessageA(&msg) == 1);
        loops++;
    }
    CHECK(msg.message == WM_QUIT && msg.wParam == 7 && msg.hwnd == NULL);
    CHECK(loops == POSTS && socket_msgs == POSTS && last_wparam == POSTS);
    CHECK(got_destroy == 1 && got_ncdestroy == 1);
    CHECK(!IsWindow(main_window));
    CHECK(WaitForSingleObject(t, INFINITE) == WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t, &code) && code == 0);
    CloseHandle(t);
    CHECK(!PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE)); /* the quit was taken */

    /* A destroyed window is gone for good. */
    CHECK(!PostMessageA(main_window, WM_SOCKET, 0, 0));
    CHECK(GetLastError() == ERROR_INVALID_WINDOW_HANDLE);
    CHECK(!DestroyWindow(main_window) && GetLastError() == ERROR_INVALID_WINDOW_HANDLE);
    CHECK(GetMessageA(&msg, main_window, 0, 0) == -1);
    CHECK(GetLastError() == ERROR_INVALID_WINDOW_HANDLE);

    /* Two windows on one thread (W functions): GetMessage(NULL) wakes for a post to the
     * second one from another thread. */
    ZeroMemory(&wcw, sizeof wcw);
    wcw.lpfnWndProc = quiet;
    wcw.lpszClassName = u"wsp-wide";
    CHECK(RegisterClassW(&wcw) != 0);
    w1 = CreateWindowExW(0, u"wsp-wide", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    w2 = CreateWindowExW(0, u"WSP-WIDE", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    CHECK(w1 != NULL && w2 != NULL && w1 != w2);
    t = CreateThread(NULL, 0, post_to_second, w2, 0, NULL);
    CHECK(GetMessageW(&msg, NULL, 0, 0) > 0);
    CHECK(msg.hwnd == w2 && msg.message == WM_USER + 9 && msg.wParam == 9);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    CHECK(!UnregisterClassW(u"wsp-wide", NULL) && GetLastError() == ERROR_CLASS_HAS_WINDOWS);
    CHECK(SendMessageW(w1, WM_CLOSE, 0, 0) == 0); /* DefWindowProc destroys it */
    CHECK(!IsWindow(w1) && IsWindow(w2));
    CHECK(DestroyWindow(w2));
    CHECK(UnregisterClassW(u"wsp-wide", NULL));
    CHECK(!UnregisterClassA("wsp-wide", NULL) && GetLastError() == ERROR_CLASS_DOES_NOT_EXIST);

    /* The predefined STATIC class, subclassed; and class atoms. */
    w1 = CreateWindowExA(0, "STATIC", "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    CHECK(w1 != NULL);
    CHECK(SetWindowLongPtrA(w1, GWLP_WNDPROC, (LONG_PTR)quiet) != 0);
    CHECK(DestroyWindow(w1));
    w1 = CreateWindowExA(0, MAKEINTATOM(atom), "", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL,
                         NULL);
    CHECK(w1 != NULL && got_create == 2);
    got_destroy = 0;
    CHECK(DestroyWindow(w1) && got_destroy == 1);
    CHECK(PeekMessageA(&msg, NULL, 0, 0, PM_REMOVE) && msg.message == WM_QUIT);
    CHECK(UnregisterClassA("wsp-test-class", NULL));
    return finish("window");
}
