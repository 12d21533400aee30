/* echo.c: load the wsp provider library, start it with this program's own upcall table,
 * and run a loopback echo through the returned WSPPROC_TABLE.
 *
 *   echo PATH-TO-PROVIDER-LIBRARY
 *
 * Built with gcc on Linux (dlopen) by abi/provider/tests/c_echo.rs, and with mingw for the
 * Wine smoke test (LoadLibraryA) by abi/provider/ci/windows-smoke.sh. Prints "echo ok" and
 * exits 0 on success; prints the failing step and exits 1 otherwise.
 *
 * The upcall table's events are this program's own: an atomic flag per event, waited on
 * by polling, so the test does not depend on the host's event API. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include "wsp_abi.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
/* kernel32, declared by hand: <windows.h> would clash with wsp_abi.h's own types. */
__declspec(dllimport) void *__stdcall LoadLibraryA(const char *name);
__declspec(dllimport) void *__stdcall GetProcAddress(void *module, const char *name);
__declspec(dllimport) void __stdcall Sleep(unsigned long ms);
static void *load(const char *path) { return LoadLibraryA(path); }
static void *sym(void *lib, const char *name) { return GetProcAddress(lib, name); }
static void nap(void) { Sleep(1); }
#else
#include <dlfcn.h>
#include <time.h>
static void *load(const char *path) { return dlopen(path, RTLD_NOW); }
static void *sym(void *lib, const char *name) { return dlsym(lib, name); }
static void nap(void) {
    struct timespec t = { 0, 1000000 };
    nanosleep(&t, NULL);
}
#endif

#define CHECK(cond, ...)                                             \
    do {                                                             \
        if (!(cond)) {                                               \
            fprintf(stderr, "echo.c:%d: ", __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                            \
            fprintf(stderr, "\n");                                   \
            exit(1);                                                 \
        }                                                            \
    } while (0)

/* ---- this host's upcalls ---------------------------------------------------------- */

#define MAX_EVENTS 8
static atomic_int events[MAX_EVENTS];
static atomic_int sets_seen;
static atomic_int posts_seen;

/* Event handles are 0x100 + index, so 0 stays "no event"; overlapped requests use even
 * handles (hEvent with the low bit set means "skip the completion port"). */
static atomic_int *event_of(HANDLE h) {
    if (h < 0x100 || h >= 0x100 + MAX_EVENTS) return NULL;
    return &events[h - 0x100];
}

static BOOL WSPAPI up_set_event(HANDLE h, INT *err) {
    atomic_int *e = event_of(h);
    if (!e) { *err = 6; return 0; }
    atomic_store(e, 1);
    atomic_fetch_add(&sets_seen, 1);
    return 1;
}
static BOOL WSPAPI up_reset_event(HANDLE h, INT *err) {
    atomic_int *e = event_of(h);
    if (!e) { *err = 6; return 0; }
    atomic_store(e, 0);
    return 1;
}
static HANDLE WSPAPI up_create_event(INT *err) { *err = WSAENOBUFS; return 0; }
static BOOL WSPAPI up_close_event(HANDLE h, INT *err) { (void)h; (void)err; return 1; }
static BOOL WSPAPI up_post_message(HWND w, unsigned m, WPARAM wp, LPARAM lp) {
    (void)w; (void)m; (void)wp; (void)lp;
    atomic_fetch_add(&posts_seen, 1);
    return 1;
}

/* Socket handles for a non-IFS provider (what the DLL is on Windows): 0x5000 + 4 * slot,
 * each carrying the provider's context. */
#define MAX_SOCKETS 32
static DWORD_PTR socket_ctx[MAX_SOCKETS];
static int socket_used[MAX_SOCKETS];
static SOCKET WSPAPI up_create_socket_handle(DWORD entry, DWORD_PTR ctx, INT *err) {
    (void)entry;
    for (int i = 0; i < MAX_SOCKETS; i++) {
        if (!socket_used[i]) {
            socket_used[i] = 1;
            socket_ctx[i] = ctx;
            return (SOCKET)(0x5000 + 4 * i);
        }
    }
    *err = WSAENOBUFS;
    return INVALID_SOCKET;
}
static int socket_slot(SOCKET s) {
    if (s < 0x5000 || s >= 0x5000 + 4 * MAX_SOCKETS || (s & 3)) return -1;
    int i = (int)((s - 0x5000) / 4);
    return socket_used[i] ? i : -1;
}
static INT WSPAPI up_query_socket_handle_context(SOCKET s, DWORD_PTR *ctx, INT *err) {
    int i = socket_slot(s);
    if (i < 0) { *err = WSAENOTSOCK; return SOCKET_ERROR; }
    *ctx = socket_ctx[i];
    return 0;
}
static INT WSPAPI up_close_socket_handle(SOCKET s, INT *err) {
    int i = socket_slot(s);
    if (i < 0) { *err = WSAENOTSOCK; return SOCKET_ERROR; }
    socket_used[i] = 0;
    return 0;
}

/* APCs: WPUQueueApc records the routine; the test runs it in its own "alertable wait". */
static void (WSPAPI *apc_fn)(DWORD_PTR);
static DWORD_PTR apc_ctx;
static atomic_int apc_queued;
static INT WSPAPI up_queue_apc(WSATHREADID *t, void (WSPAPI *f)(DWORD_PTR), DWORD_PTR ctx, INT *err) {
    if (!t || t->ThreadHandle != 0x77 || atomic_load(&apc_queued)) { *err = WSAEINVAL; return -1; }
    apc_fn = f;
    apc_ctx = ctx;
    atomic_store(&apc_queued, 1);
    return 0;
}
static DWORD routine_err = 1, routine_bytes;
static WSAOVERLAPPED *routine_ov;
static void WSPAPI on_complete(DWORD e, DWORD n, WSAOVERLAPPED *ov, DWORD flags) {
    (void)flags;
    routine_err = e;
    routine_bytes = n;
    routine_ov = ov;
}

static int wait_event(HANDLE h, int ms) {
    atomic_int *e = event_of(h);
    for (int i = 0; i < ms; i++) {
        if (atomic_load(e)) return 1;
        nap();
    }
    return 0;
}

/* ---- the test ------------------------------------------------------------------------ */

static SOCKADDR_IN loopback(uint16_t port) {
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = (uint16_t)((port >> 8) | (port << 8));
    a.sin_addr[0] = 127; a.sin_addr[3] = 1;
    return a;
}

int main(int argc, char **argv) {
    CHECK(argc == 2, "usage: echo PROVIDER-LIBRARY");
    void *lib = load(argv[1]);
    CHECK(lib, "cannot load %s", argv[1]);
    LPWSPSTARTUP startup = (LPWSPSTARTUP)sym(lib, "WSPStartup");
    LPWSPENUMCATALOG enum_catalog = (LPWSPENUMCATALOG)sym(lib, "WSPEnumCatalog");
    CHECK(startup && enum_catalog, "missing exports");

    /* The catalog, WSCEnumProtocols-style: ask for the size, then fill. */
    DWORD len = 0;
    INT err = 0;
    CHECK(enum_catalog(NULL, &len, &err) == SOCKET_ERROR && err == WSAENOBUFS,
          "size query: err %d", err);
    CHECK(len % sizeof(WSAPROTOCOL_INFOW) == 0 && len > 0, "catalog length %u", len);
    WSAPROTOCOL_INFOW *cat = malloc(len);
    INT n = enum_catalog(cat, &len, &err);
    CHECK(n == (INT)(len / sizeof(WSAPROTOCOL_INFOW)), "catalog count %d", n);
    CHECK(cat[0].iAddressFamily == AF_INET && cat[0].iSocketType == SOCK_STREAM,
          "first entry is not TCP/IPv4");

    WSPUPCALLTABLE up;
    memset(&up, 0, sizeof up);
    up.lpWPUSetEvent = up_set_event;
    up.lpWPUResetEvent = up_reset_event;
    up.lpWPUCreateEvent = up_create_event;
    up.lpWPUCloseEvent = up_close_event;
    up.lpWPUPostMessage = up_post_message;
    up.lpWPUQueueApc = up_queue_apc;
    up.lpWPUCreateSocketHandle = up_create_socket_handle;
    up.lpWPUQuerySocketHandleContext = up_query_socket_handle_context;
    up.lpWPUCloseSocketHandle = up_close_socket_handle;

    WSPDATA data;
    WSPPROC_TABLE t;
    memset(&t, 0, sizeof t);
    CHECK(startup(0x0101, &data, &cat[0], up, &t) != 0, "startup 1.1 should fail");
    CHECK(startup(0x0202, NULL, &cat[0], up, &t) == WSAEFAULT, "null WSPDATA");
    CHECK(startup(0x0202, &data, &cat[0], up, &t) == 0, "WSPStartup failed");
    CHECK(data.wVersion == 0x0202, "version %#x", data.wVersion);
    void **entries = (void **)&t;
    for (int i = 0; i < 30; i++) CHECK(entries[i], "table entry %d is null", i);

    /* Pointer discipline. */
    CHECK(t.lpWSPCloseSocket(0x7bad, NULL) == SOCKET_ERROR, "null lpErrno");
    CHECK(t.lpWSPCloseSocket(0x7bad, &err) == SOCKET_ERROR && err == WSAENOTSOCK,
          "garbage handle: %d", err);

    SOCKET l = t.lpWSPSocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, &cat[0], 0, 0, &err);
    CHECK(l != INVALID_SOCKET, "socket: %d", err);
    SOCKADDR_IN any = loopback(0);
    CHECK(t.lpWSPBind(l, (SOCKADDR *)&any, 15, &err) == SOCKET_ERROR && err == WSAEFAULT,
          "short bind name: %d", err);
    CHECK(t.lpWSPBind(l, NULL, 16, &err) == SOCKET_ERROR && err == WSAEFAULT,
          "null bind name: %d", err);
    CHECK(t.lpWSPBind(l, (SOCKADDR *)&any, sizeof any, &err) == 0, "bind: %d", err);
    CHECK(t.lpWSPListen(l, 5, &err) == 0, "listen: %d", err);
    SOCKADDR_IN bound;
    INT blen = sizeof bound;
    CHECK(t.lpWSPGetSockName(l, (SOCKADDR *)&bound, NULL, &err) == SOCKET_ERROR &&
              err == WSAEFAULT, "null namelen: %d", err);
    CHECK(t.lpWSPGetSockName(l, (SOCKADDR *)&bound, &blen, &err) == 0, "getsockname: %d", err);
    CHECK(blen == 16, "name length %d", blen);

    SOCKET c = t.lpWSPSocket(AF_INET, SOCK_STREAM, 0, NULL, 0, 0, &err);
    CHECK(c != INVALID_SOCKET, "client socket: %d", err);
    CHECK(t.lpWSPConnect(c, (SOCKADDR *)&bound, sizeof bound, NULL, NULL, NULL, NULL, &err) == 0,
          "connect: %d", err);
    SOCKADDR_IN peer;
    INT plen = sizeof peer;
    SOCKET a = t.lpWSPAccept(l, (SOCKADDR *)&peer, &plen, NULL, 0, &err);
    CHECK(a != INVALID_SOCKET, "accept: %d", err);

    /* Event select with this host's own event: the provider must call WPUSetEvent. */
    HANDLE ev = 0x100;
    CHECK(t.lpWSPEventSelect(a, ev, FD_READ | FD_CLOSE, &err) == 0, "event select: %d", err);

    char msg[] = "hello through the table";
    WSABUF out = { (DWORD)strlen(msg), msg };
    DWORD sent = 0;
    CHECK(t.lpWSPSend(c, &out, 1, &sent, 0, NULL, NULL, NULL, &err) == 0, "send: %d", err);
    CHECK(sent == strlen(msg), "sent %u", sent);
    CHECK(t.lpWSPSend(c, NULL, 1, &sent, 0, NULL, NULL, NULL, &err) == SOCKET_ERROR &&
              err == WSAEFAULT, "null WSABUF array: %d", err);

    CHECK(wait_event(ev, 5000), "FD_READ never signalled the host's event");
    WSANETWORKEVENTS ne;
    CHECK(t.lpWSPEnumNetworkEvents(a, ev, &ne, &err) == 0, "enum: %d", err);
    CHECK(ne.lNetworkEvents & FD_READ, "events %#x", ne.lNetworkEvents);
    CHECK(!atomic_load(&events[0]), "enum did not reset the host's event");

    char in[64];
    WSABUF ib = { sizeof in, in };
    DWORD got = 0, flags = 0;
    CHECK(t.lpWSPRecv(a, &ib, 1, &got, &flags, NULL, NULL, NULL, &err) == 0, "recv: %d", err);
    CHECK(got == sent && memcmp(in, msg, got) == 0, "received %u bytes", got);

    /* Echo back and read it on the client through select. */
    WSABUF back = { got, in };
    CHECK(t.lpWSPSend(a, &back, 1, &sent, 0, NULL, NULL, NULL, &err) == 0, "echo: %d", err);
    fd_set_w rs;
    rs.fd_count = 1;
    rs.fd_array[0] = c;
    TIMEVAL tv = { 5, 0 };
    CHECK(t.lpWSPSelect(0, &rs, NULL, NULL, &tv, &err) == 1, "select: %d", err);
    CHECK(rs.fd_count == 1 && rs.fd_array[0] == c, "select set");
    char echo[64];
    WSABUF eb = { sizeof echo, echo };
    flags = 0;
    CHECK(t.lpWSPRecv(c, &eb, 1, &got, &flags, NULL, NULL, NULL, &err) == 0, "recv echo: %d", err);
    CHECK(got == strlen(msg) && memcmp(echo, msg, got) == 0, "echo mismatch");

    /* Overlapped I/O with this host's own event and APC queue. */
    SOCKET l2 = t.lpWSPSocket(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED, &err);
    CHECK(l2 != INVALID_SOCKET, "overlapped listener: %d", err);
    CHECK(t.lpWSPBind(l2, (SOCKADDR *)&any, sizeof any, &err) == 0, "bind l2: %d", err);
    CHECK(t.lpWSPListen(l2, 5, &err) == 0, "listen l2: %d", err);
    blen = sizeof bound;
    CHECK(t.lpWSPGetSockName(l2, (SOCKADDR *)&bound, &blen, &err) == 0, "name l2: %d", err);
    SOCKET c2 = t.lpWSPSocket(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED, &err);
    CHECK(c2 != INVALID_SOCKET, "overlapped client: %d", err);
    CHECK(t.lpWSPConnect(c2, (SOCKADDR *)&bound, sizeof bound, NULL, NULL, NULL, NULL, &err) == 0,
          "connect c2: %d", err);
    SOCKET a2 = t.lpWSPAccept(l2, NULL, NULL, NULL, 0, &err);
    CHECK(a2 != INVALID_SOCKET, "accept a2: %d", err);

    WSAOVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = 0x104;
    char ovbuf[16];
    WSABUF ovb = { sizeof ovbuf, ovbuf };
    flags = 0;
    CHECK(t.lpWSPRecv(a2, &ovb, 1, NULL, &flags, &ov, NULL, NULL, &err) == SOCKET_ERROR &&
              err == WSA_IO_PENDING, "overlapped recv: %d", err);
    CHECK(ov.Internal == STATUS_PENDING, "Internal %#lx while pending", (unsigned long)ov.Internal);
    DWORD cb = 99, oflags = 99;
    CHECK(!t.lpWSPGetOverlappedResult(a2, &ov, &cb, 0, &oflags, &err) && err == WSA_IO_INCOMPLETE,
          "GetOverlappedResult while pending: %d", err);
    WSABUF five = { 5, msg };
    CHECK(t.lpWSPSend(c2, &five, 1, &sent, 0, NULL, NULL, NULL, &err) == 0, "send c2: %d", err);
    CHECK(wait_event(0x104, 5000), "overlapped completion never signalled the host event (Internal %#lx, high %lu)", (unsigned long)ov.Internal, (unsigned long)ov.InternalHigh);
    CHECK(ov.Internal == 0 && ov.InternalHigh == 5, "WSAOVERLAPPED %#lx %lu",
          (unsigned long)ov.Internal, (unsigned long)ov.InternalHigh);
    CHECK(t.lpWSPGetOverlappedResult(a2, &ov, &cb, 1, &oflags, &err) && cb == 5 && oflags == 0,
          "GetOverlappedResult: %d cb %u", err, cb);
    CHECK(memcmp(ovbuf, msg, 5) == 0, "overlapped data");

    /* A completion routine goes through WPUQueueApc to the issuing thread's id. */
    WSAOVERLAPPED ov2;
    memset(&ov2, 0, sizeof ov2);
    WSATHREADID me = { 0x77, 0 };
    CHECK(t.lpWSPRecv(a2, &ovb, 1, NULL, &flags, &ov2, (void *)on_complete, &me, &err) == SOCKET_ERROR &&
              err == WSA_IO_PENDING, "overlapped recv with routine: %d", err);
    CHECK(t.lpWSPSend(c2, &five, 1, &sent, 0, NULL, NULL, NULL, &err) == 0, "send c2: %d", err);
    for (int i = 0; i < 5000 && !atomic_load(&apc_queued); i++) nap();
    CHECK(atomic_load(&apc_queued), "no APC queued for the completion routine");
    CHECK(routine_err == 1, "routine ran before the alertable wait");
    apc_fn(apc_ctx);
    CHECK(routine_err == 0 && routine_bytes == 5 && routine_ov == &ov2, "routine (%u, %u)",
          routine_err, routine_bytes);

    /* An extension function through the ioctl: DisconnectEx, blocking (null overlapped). */
    GUID disconnect_ex = { 0x7fda2e11, 0x8630, 0x436f, { 0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57 } };
    LPFN_DISCONNECTEX dx = NULL;
    DWORD ret = 0;
    CHECK(t.lpWSPIoctl(c2, SIO_GET_EXTENSION_FUNCTION_POINTER, &disconnect_ex, sizeof disconnect_ex,
                       (void *)&dx, sizeof dx, &ret, NULL, NULL, NULL, &err) == 0 && dx && ret == sizeof dx,
          "SIO_GET_EXTENSION_FUNCTION_POINTER: %d", err);
    CHECK(dx(c2, NULL, 0, 0), "DisconnectEx failed");
    flags = 0;
    memset(&ov, 0, sizeof ov);
    CHECK(t.lpWSPRecv(a2, &ovb, 1, &got, &flags, &ov, NULL, NULL, &err) == 0 ||
              err == WSA_IO_PENDING, "recv after DisconnectEx: %d", err);
    CHECK(t.lpWSPGetOverlappedResult(a2, &ov, &cb, 1, &oflags, &err) && cb == 0,
          "end of stream after DisconnectEx: %d cb %u", err, cb);
    CHECK(t.lpWSPCloseSocket(a2, &err) == 0, "close a2: %d", err);
    CHECK(t.lpWSPCloseSocket(c2, &err) == 0, "close c2: %d", err);
    CHECK(t.lpWSPCloseSocket(l2, &err) == 0, "close l2: %d", err);

    CHECK(t.lpWSPShutdown(c, 1, &err) == 0, "shutdown: %d", err);
    CHECK(t.lpWSPCloseSocket(a, &err) == 0, "close a: %d", err);
    CHECK(t.lpWSPCloseSocket(c, &err) == 0, "close c: %d", err);
    CHECK(t.lpWSPCloseSocket(l, &err) == 0, "close l: %d", err);
    CHECK(t.lpWSPCleanup(&err) == 0, "cleanup: %d", err);
    CHECK(t.lpWSPSocket(AF_INET, SOCK_STREAM, 0, NULL, 0, 0, &err) == INVALID_SOCKET &&
              err == WSANOTINITIALISED, "socket after cleanup: %d", err);
    free(cat);
    printf("echo ok (%d event sets)\n", atomic_load(&sets_seen));
    return 0;
}
