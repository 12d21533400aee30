/* Heaps, local memory, virtual memory with real page protection, the memory macros.
 * Sources: Microsoft's pages for HeapAlloc, HeapReAlloc, HeapSize, HeapFree, LocalAlloc,
 * LocalFree, VirtualAlloc, VirtualProtect, VirtualFree, SecureZeroMemory. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>
#include "check.h"

/* Run `touch` in a child process; report how the child ended: 0 exited normally, else
 * the signal that ended it. */
static int in_child(void (*touch)(volatile char *), volatile char *p)
{
    int status = 0;
    pid_t pid;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        touch(p);
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void write_byte(volatile char *p) { p[0] = 1; }
static void read_byte(volatile char *p) { (void)p[0]; }

int main(void)
{
    HANDLE heap = GetProcessHeap();
    unsigned char *p, *q;
    SIZE_T i;
    HLOCAL l;
    SYSTEM_INFO si;
    DWORD old = 0;
    char *v, *r;
    MEMORY_BASIC_INFORMATION mbi;
    char secret[16];
    int ok;

    /* ---- heaps ---- */
    CHECK(heap != NULL);
    CHECK(GetProcessHeap() == heap);
    p = (unsigned char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    CHECK(p != NULL && ((uintptr_t)p % 16) == 0);
    ok = 1;
    for (i = 0; i < 100; i++)
        ok &= p[i] == 0;
    CHECK(ok);
    CHECK(HeapSize(heap, 0, p) == 100);
    memset(p, 0xAB, 100);
    q = (unsigned char *)HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 300);
    CHECK(q != NULL);
    CHECK(HeapSize(heap, 0, q) == 300);
    ok = 1;
    for (i = 0; i < 100; i++)
        ok &= q[i] == 0xAB; /* contents kept */
    for (i = 100; i < 300; i++)
        ok &= q[i] == 0; /* growth zeroed */
    CHECK(ok);
    /* In place only: shrinking keeps the block, growing fails and leaves it. */
    CHECK(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 50) == q);
    CHECK(HeapSize(heap, 0, q) == 50);
    CHECK(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 5000) == NULL);
    CHECK(HeapSize(heap, 0, q) == 50);
    CHECK(HeapFree(heap, 0, q));
    CHECK(HeapFree(heap, 0, NULL)); /* NULL is allowed */
    {
        char stack[32] __attribute__((aligned(16)));
        memset(stack, 0, sizeof stack);
        SetLastError(0);
        CHECK(!HeapFree(heap, 0, stack + 16)); /* not a heap block: refused, not freed */
        CHECK(GetLastError() == ERROR_INVALID_PARAMETER);
        CHECK(HeapSize(heap, 0, stack + 16) == (SIZE_T)-1);
    }
    {
        HANDLE h = HeapCreate(0, 0, 0);
        void *a = HeapAlloc(h, 0, 10), *b = HeapAlloc(h, HEAP_ZERO_MEMORY, 20);
        CHECK(h != NULL && a != NULL && b != NULL);
        CHECK(HeapSize(h, 0, b) == 20);
        CHECK(HeapFree(h, 0, a));
        CHECK(HeapDestroy(h)); /* frees b */
        CHECK(!HeapDestroy(h) && GetLastError() == ERROR_INVALID_HANDLE);
        CHECK(!HeapDestroy(heap)); /* the process heap cannot be destroyed */
    }

    /* ---- local memory ---- */
    l = LocalAlloc(LPTR, 64);
    CHECK(l != NULL && ((unsigned char *)l)[63] == 0);
    CHECK(LocalSize(l) == 64);
    l = LocalReAlloc(l, 128, LMEM_ZEROINIT);
    CHECK(l != NULL && LocalSize(l) == 128 && ((unsigned char *)l)[127] == 0);
    CHECK(LocalFree(l) == NULL);
    CHECK(LocalFree(NULL) == NULL);
    l = GlobalAlloc(GPTR, 8);
    CHECK(l != NULL && GlobalFree(l) == NULL);

    /* ---- memory macros ---- */
    {
        char a[8] = "abcdefg", b[8];
        FillMemory(b, sizeof b, 'x');
        CHECK(b[0] == 'x' && b[7] == 'x');
        CopyMemory(b, a, sizeof a);
        CHECK(strcmp(b, "abcdefg") == 0);
        MoveMemory(b + 1, b, 4);
        CHECK(memcmp(b, "aabcdfg", 7) == 0);
        ZeroMemory(b, sizeof b);
        CHECK(b[0] == 0 && b[7] == 0);
        memset(secret, 0x5A, sizeof secret);
        CHECK(SecureZeroMemory(secret, sizeof secret) == secret);
        CHECK(secret[0] == 0 && secret[15] == 0);
        CHECK(RtlEqualMemory(a, "abcdefg", 8));
    }

    /* ---- virtual memory ---- */
    GetSystemInfo(&si);
    v = (char *)VirtualAlloc(NULL, 3 * si.dwPageSize, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(v != NULL);
    CHECK(((uintptr_t)v % si.dwAllocationGranularity) == 0);
    CHECK(v[0] == 0 && v[3 * si.dwPageSize - 1] == 0); /* committed pages are zero */
    v[0] = 'a';
    CHECK(VirtualProtect(v, si.dwPageSize, PAGE_READONLY, &old));
    CHECK(old == PAGE_READWRITE);
    CHECK(v[0] == 'a'); /* still readable */
    CHECK(in_child(write_byte, v) == SIGSEGV);          /* a write faults */
    CHECK(in_child(write_byte, v + si.dwPageSize) == 0); /* the next page is untouched */
    CHECK(VirtualProtect(v, si.dwPageSize, PAGE_NOACCESS, &old) && old == PAGE_READONLY);
    CHECK(in_child(read_byte, v) == SIGSEGV);            /* even a read faults */
    CHECK(VirtualProtect(v, si.dwPageSize, PAGE_READWRITE | PAGE_GUARD, &old));
    CHECK(in_child(read_byte, v) == SIGSEGV);            /* guard: approximated as no access */
    CHECK(VirtualProtect(v, si.dwPageSize, PAGE_READWRITE, &old));
    CHECK(old == (PAGE_READWRITE | PAGE_GUARD));
    CHECK(VirtualQuery(v + si.dwPageSize, &mbi, sizeof mbi) == sizeof mbi);
    CHECK(mbi.AllocationBase == v && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE);
    CHECK(mbi.BaseAddress == v + si.dwPageSize);
    CHECK(!VirtualProtect(v, si.dwPageSize, PAGE_READONLY, NULL) &&
          GetLastError() == ERROR_NOACCESS);
    CHECK(!VirtualProtect(v, si.dwPageSize, 0x12345, &old) &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    /* Decommit the middle page: it faults, and reads zero once committed again. */
    v[si.dwPageSize] = 'm';
    CHECK(VirtualFree(v + si.dwPageSize, si.dwPageSize, MEM_DECOMMIT));
    CHECK(in_child(read_byte, v + si.dwPageSize) == SIGSEGV);
    CHECK(!VirtualProtect(v + si.dwPageSize, 1, PAGE_READWRITE, &old) &&
          GetLastError() == ERROR_INVALID_ADDRESS);
    CHECK(VirtualAlloc(v + si.dwPageSize, 1, MEM_COMMIT, PAGE_READWRITE) == v + si.dwPageSize);
    CHECK(v[si.dwPageSize] == 0 && v[0] == 'a');
    /* Release: base and size 0 only. */
    CHECK(!VirtualFree(v, si.dwPageSize, MEM_RELEASE) && GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(!VirtualFree(v + si.dwPageSize, 0, MEM_RELEASE) && GetLastError() == ERROR_INVALID_ADDRESS);
    CHECK(VirtualFree(v, 0, MEM_RELEASE));
    /* Reserve, then commit part of it. */
    r = (char *)VirtualAlloc(NULL, 16 * si.dwPageSize, MEM_RESERVE, PAGE_NOACCESS);
    CHECK(r != NULL);
    CHECK(in_child(read_byte, r) == SIGSEGV);
    CHECK(VirtualAlloc(r + 4 * si.dwPageSize, si.dwPageSize, MEM_COMMIT, PAGE_READWRITE) ==
          r + 4 * si.dwPageSize);
    r[4 * si.dwPageSize] = 1;
    CHECK(VirtualQuery(r, &mbi, sizeof mbi) == sizeof mbi && mbi.State == MEM_RESERVE &&
          mbi.RegionSize == 4 * si.dwPageSize);
    CHECK(VirtualFree(r, 0, MEM_RELEASE));
    CHECK(VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE) == NULL &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    CHECK(VirtualAlloc(NULL, 4096, 0, PAGE_READWRITE) == NULL &&
          GetLastError() == ERROR_INVALID_PARAMETER);
    return finish("memory");
}
