/* wsbench.c: the wsp-bench scenarios as one plain Winsock 2 program.
 *
 * Built two ways by wsp-bench (bench/src/shim.rs): with gcc against the ws2_32 shim
 * (-I abi/ws2_32/include -I abi/ws2_32/include/mixed-case -lws2_32), and with
 * x86_64-w64-mingw32-gcc for Windows, run under Wine. The source is the same; nothing in
 * it knows which one it is.
 *
 *   wsbench [--smoke | --quick | --full] [--div K] [--rounds N] [--scenario NAME]... [--list]
 *
 * --div K divides every iteration count (bytes, messages, calls) by K, down to the smoke
 * size at least: Wine runs shorter rounds, the rates stay per call.
 * Each selected scenario runs once at smoke size (an untimed warm-up, unless the run is a
 * smoke run), then N rounds, and prints one JSON object on one line:
 *
 *   {"scenario":"stream","unit":"MiB/s","better":"higher","median":1234.5,"rounds":[...]}
 *
 * Scenario names, units and sizes are those of the Rust benchmark (bench/src/scenarios),
 * so the runner pairs them by name; "overlapped" and "iocp_echo" have no Rust row yet.
 * All traffic is on loopback, ports chosen by the system. Any failure prints the call and
 * its WSAGetLastError() to stderr and exits with status 1. Nothing here asserts a time. */
#define FD_SETSIZE 1024 /* before winsock2.h: select over up to 1024 sockets */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)
#define MIB (1024.0 * 1024.0)

enum scale { SMOKE, QUICK, FULL };

static enum scale scale = FULL;
static long divisor = 1; /* --div: iteration counts divided by this, at least the smoke size */
static const char *current = "startup";

static long pick(long smoke, long quick, long full)
{
    long v = scale == SMOKE ? smoke : scale == QUICK ? quick : full;

    v /= divisor;
    return v < smoke ? smoke : v;
}

static void die(const char *what)
{
    fprintf(stderr, "wsbench: %s: %s failed: %d\n", current, what, WSAGetLastError());
    fflush(stderr);
    exit(1);
}

static double now(void)
{
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;

    if (freq.QuadPart == 0 && !QueryPerformanceFrequency(&freq))
        die("QueryPerformanceFrequency");
    if (!QueryPerformanceCounter(&t))
        die("QueryPerformanceCounter");
    return (double)t.QuadPart / (double)freq.QuadPart;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL) {
        fprintf(stderr, "wsbench: out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- sockets ---------------------------------------------------------------------------- */

/* A TCP listener on 127.0.0.1, port 0, SOMAXCONN backlog; its address in *addr. */
static SOCKET listener(struct sockaddr_in *addr)
{
    int len = (int)sizeof(*addr);
    SOCKET l = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);

    if (l == INVALID_SOCKET)
        die("WSASocket(listener)");
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l, (struct sockaddr *)addr, (int)sizeof(*addr)) == SOCKET_ERROR)
        die("bind");
    if (listen(l, SOMAXCONN) == SOCKET_ERROR)
        die("listen");
    if (getsockname(l, (struct sockaddr *)addr, &len) == SOCKET_ERROR)
        die("getsockname");
    return l;
}

/* A blocking client socket connected to addr. */
static SOCKET connect_to(const struct sockaddr_in *addr)
{
    SOCKET c = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);

    if (c == INVALID_SOCKET)
        die("WSASocket(client)");
    if (connect(c, (const struct sockaddr *)addr, (int)sizeof(*addr)) == SOCKET_ERROR)
        die("connect");
    return c;
}

static SOCKET accept_one(SOCKET l)
{
    SOCKET s = accept(l, NULL, NULL);

    if (s == INVALID_SOCKET)
        die("accept");
    return s;
}

/* A connected pair of blocking TCP sockets (client, server). */
static void tcp_pair(SOCKET *c, SOCKET *s)
{
    struct sockaddr_in addr;
    SOCKET l = listener(&addr);

    *c = connect_to(&addr);
    *s = accept_one(l);
    closesocket(l);
}

static void nodelay(SOCKET s)
{
    BOOL on = TRUE;

    if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on, (int)sizeof(on)) ==
        SOCKET_ERROR)
        die("setsockopt(TCP_NODELAY)");
}

/* send all n bytes (blocking socket); 0 on success. */
static int send_all(SOCKET s, const char *buf, int n)
{
    while (n > 0) {
        int m = send(s, buf, n, 0);
        if (m == SOCKET_ERROR)
            return -1;
        buf += m;
        n -= m;
    }
    return 0;
}

static HANDLE spawn(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);

    if (t == NULL)
        die("CreateThread");
    return t;
}

/* Wait for a thread; die unless it returned 0. */
static void join(HANDLE t)
{
    DWORD code = 1;

    if (WaitForSingleObject(t, INFINITE) != WAIT_OBJECT_0 || !GetExitCodeThread(t, &code))
        die("WaitForSingleObject(thread)");
    CloseHandle(t);
    if (code != 0) {
        fprintf(stderr, "wsbench: %s: a helper thread failed (%lu)\n", current,
                (unsigned long)code);
        exit(1);
    }
}

/* ---- stream: blocking 64 KiB send/recv -------------------------------------------------- */

struct sender {
    SOCKET s;
    long long total;
};

/* Send total bytes in 64 KiB blocking sends, then shut down the sending side. */
static DWORD WINAPI stream_sender(LPVOID p)
{
    struct sender *a = p;
    char *buf = xmalloc(CHUNK);
    long long sent = 0;

    memset(buf, 0x5a, CHUNK);
    while (sent < a->total) {
        long long left = a->total - sent;
        int n = send(a->s, buf, left < CHUNK ? (int)left : CHUNK, 0);
        if (n == SOCKET_ERROR) {
            free(buf);
            return 1;
        }
        sent += n;
    }
    free(buf);
    return shutdown(a->s, SD_SEND) == SOCKET_ERROR;
}

static double run_stream(void)
{
    struct sender a;
    SOCKET c, s;
    char *buf = xmalloc(CHUNK);
    long long got = 0;
    double start, secs;
    HANDLE t;

    a.total = pick(1L << 20, 64L << 20, 512L << 20);
    tcp_pair(&c, &s);
    a.s = c;
    start = now();
    t = spawn(stream_sender, &a);
    while (got < a.total) {
        int n = recv(s, buf, CHUNK, 0);
        if (n == SOCKET_ERROR)
            die("recv");
        if (n == 0)
            die("recv (early end of stream)");
        got += n;
    }
    join(t);
    secs = now() - start;
    closesocket(c);
    closesocket(s);
    free(buf);
    return (double)a.total / secs / MIB;
}

/* ---- overlapped: 4 outstanding 64 KiB WSARecv ------------------------------------------- */

#define OUTSTANDING 4

static void post_recv(SOCKET s, WSAOVERLAPPED *ov, char *buf)
{
    WSABUF b;
    DWORD flags = 0;
    WSAEVENT ev = ov->hEvent;

    memset(ov, 0, sizeof(*ov));
    ov->hEvent = ev;
    b.buf = buf;
    b.len = CHUNK;
    if (WSARecv(s, &b, 1, NULL, &flags, ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING)
        die("WSARecv(overlapped)");
}

/* The sender is the stream one (blocking sends); the receiver keeps four overlapped
 * receives posted and waits for them in order with WSAGetOverlappedResult. */
static double run_overlapped(void)
{
    struct sender a;
    SOCKET c, s;
    WSAOVERLAPPED ov[OUTSTANDING];
    char *bufs = xmalloc((size_t)OUTSTANDING * CHUNK);
    long long got = 0;
    int i = 0, k, posted = OUTSTANDING;
    double start, secs;
    HANDLE t;

    a.total = pick(1L << 20, 64L << 20, 512L << 20);
    tcp_pair(&c, &s);
    a.s = c;
    for (k = 0; k < OUTSTANDING; k++) {
        ov[k].hEvent = WSACreateEvent();
        if (ov[k].hEvent == WSA_INVALID_EVENT)
            die("WSACreateEvent");
    }
    start = now();
    for (k = 0; k < OUTSTANDING; k++)
        post_recv(s, &ov[k], bufs + (size_t)k * CHUNK);
    t = spawn(stream_sender, &a);
    while (got < a.total) {
        DWORD n = 0, flags = 0;
        if (!WSAGetOverlappedResult(s, &ov[i], &n, TRUE, &flags))
            die("WSAGetOverlappedResult");
        posted--;
        if (n == 0)
            die("WSARecv (early end of stream)");
        got += n;
        if (got < a.total) {
            post_recv(s, &ov[i], bufs + (size_t)i * CHUNK);
            posted++;
        }
        i = (i + 1) % OUTSTANDING;
    }
    secs = now() - start;
    join(t);
    /* The receives still posted complete with 0 bytes: the sender shut down. */
    while (posted > 0) {
        DWORD n = 0, flags = 0;
        if (!WSAGetOverlappedResult(s, &ov[i], &n, TRUE, &flags))
            die("WSAGetOverlappedResult(drain)");
        if (n != 0)
            die("WSARecv (data after the end)");
        posted--;
        i = (i + 1) % OUTSTANDING;
    }
    for (k = 0; k < OUTSTANDING; k++)
        WSACloseEvent(ov[k].hEvent);
    closesocket(c);
    closesocket(s);
    free(bufs);
    return (double)a.total / secs / MIB;
}

/* ---- pingpong: 1-byte round trips -------------------------------------------------------- */

static long pingpong_count(void)
{
    return pick(50, 3000, 20000);
}

static DWORD WINAPI echo_blocking(LPVOID p)
{
    SOCKET s = *(SOCKET *)p;
    char b[1];

    while (recv(s, b, 1, 0) == 1)
        if (send(s, b, 1, 0) != 1)
            return 1;
    return 0;
}

static double run_pingpong(void)
{
    long n = pingpong_count(), i;
    SOCKET c, s;
    char b[1] = {7};
    double start, secs;
    HANDLE t;

    tcp_pair(&c, &s);
    t = spawn(echo_blocking, &s);
    start = now();
    for (i = 0; i < n; i++) {
        if (send(c, b, 1, 0) != 1)
            die("send");
        if (recv(c, b, 1, 0) != 1)
            die("recv (short echo)");
    }
    secs = now() - start;
    if (shutdown(c, SD_SEND) == SOCKET_ERROR)
        die("shutdown");
    join(t);
    closesocket(c);
    closesocket(s);
    return (double)n / secs;
}

struct evsock {
    SOCKET s;
    WSAEVENT ev;
};

static void wait_event(WSAEVENT ev)
{
    if (WSAWaitForMultipleEvents(1, &ev, FALSE, WSA_INFINITE, FALSE) != WSA_WAIT_EVENT_0)
        die("WSAWaitForMultipleEvents");
}

/* The echo side of the event-select ping-pong: wait, enumerate, receive, send back. */
static DWORD WINAPI echo_event(LPVOID p)
{
    struct evsock *e = p;
    char b[64];

    for (;;) {
        WSANETWORKEVENTS ne;
        wait_event(e->ev);
        if (WSAEnumNetworkEvents(e->s, e->ev, &ne) == SOCKET_ERROR)
            return 1;
        if (ne.lNetworkEvents & FD_READ) {
            int k = recv(e->s, b, (int)sizeof(b), 0);
            if (k == 0)
                return 0;
            if (k > 0 && send_all(e->s, b, k) != 0)
                return 1;
            if (k == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK)
                return 1;
        }
        if (ne.lNetworkEvents & FD_CLOSE)
            return 0;
    }
}

static double run_pingpong_event(void)
{
    long n = pingpong_count(), i;
    struct evsock cl, sv;
    char b[1] = {7};
    double start, secs;
    HANDLE t;

    tcp_pair(&cl.s, &sv.s);
    cl.ev = WSACreateEvent();
    sv.ev = WSACreateEvent();
    if (cl.ev == WSA_INVALID_EVENT || sv.ev == WSA_INVALID_EVENT)
        die("WSACreateEvent");
    if (WSAEventSelect(cl.s, cl.ev, FD_READ | FD_CLOSE) == SOCKET_ERROR ||
        WSAEventSelect(sv.s, sv.ev, FD_READ | FD_CLOSE) == SOCKET_ERROR)
        die("WSAEventSelect");
    t = spawn(echo_event, &sv);
    start = now();
    for (i = 0; i < n; i++) {
        int done = 0;
        if (send(cl.s, b, 1, 0) != 1)
            die("send");
        while (!done) {
            WSANETWORKEVENTS ne;
            wait_event(cl.ev);
            if (WSAEnumNetworkEvents(cl.s, cl.ev, &ne) == SOCKET_ERROR)
                die("WSAEnumNetworkEvents");
            if (ne.lNetworkEvents & FD_READ) {
                int k = recv(cl.s, b, 1, 0);
                if (k == 1)
                    done = 1;
                else if (k != SOCKET_ERROR || WSAGetLastError() != WSAEWOULDBLOCK)
                    die("recv (short echo)");
            }
        }
    }
    secs = now() - start;
    if (shutdown(cl.s, SD_SEND) == SOCKET_ERROR)
        die("shutdown");
    join(t);
    closesocket(cl.s);
    closesocket(sv.s);
    WSACloseEvent(cl.ev);
    WSACloseEvent(sv.ev);
    return (double)n / secs;
}

/* ---- fanin: 60 connections x N messages of 64 B into one event-select loop -------------- */

#define CONNS 60
#define MSG 64

struct fan_senders {
    SOCKET s[CONNS];
    long per_conn;
};

/* One thread, blocking sockets with TCP_NODELAY, one 64-byte send per message,
 * round-robin over the connections. */
static DWORD WINAPI fan_send(LPVOID p)
{
    struct fan_senders *a = p;
    char msg[MSG];
    long i;
    int k;

    memset(msg, 0x42, sizeof(msg));
    for (i = 0; i < a->per_conn; i++)
        for (k = 0; k < CONNS; k++)
            if (send_all(a->s[k], msg, MSG) != 0)
                return 1;
    return 0;
}

static double run_fanin(void)
{
    struct fan_senders a;
    struct sockaddr_in addr;
    SOCKET l, socks[CONNS];
    WSAEVENT evs[CONNS];
    char *buf = xmalloc(CHUNK);
    long long total, got = 0;
    double start, secs;
    HANDLE t;
    int i;

    a.per_conn = pick(20, 1000, 10000);
    l = listener(&addr);
    for (i = 0; i < CONNS; i++) {
        a.s[i] = connect_to(&addr);
        nodelay(a.s[i]);
        socks[i] = accept_one(l);
        evs[i] = WSACreateEvent();
        if (evs[i] == WSA_INVALID_EVENT)
            die("WSACreateEvent");
        if (WSAEventSelect(socks[i], evs[i], FD_READ | FD_CLOSE) == SOCKET_ERROR)
            die("WSAEventSelect");
    }
    total = (long long)CONNS * a.per_conn * MSG;
    start = now();
    t = spawn(fan_send, &a);
    while (got < total) {
        /* The canonical loop: wait for any, then check each event from the one returned
         * on (zero-timeout waits), enumerate and receive once from each signalled one. */
        DWORD first = WSAWaitForMultipleEvents(CONNS, evs, FALSE, WSA_INFINITE, FALSE);
        if (first >= WSA_WAIT_EVENT_0 + CONNS)
            die("WSAWaitForMultipleEvents");
        for (i = (int)(first - WSA_WAIT_EVENT_0); i < CONNS; i++) {
            WSANETWORKEVENTS ne;
            if (WSAWaitForMultipleEvents(1, &evs[i], FALSE, 0, FALSE) != WSA_WAIT_EVENT_0)
                continue;
            if (WSAEnumNetworkEvents(socks[i], evs[i], &ne) == SOCKET_ERROR)
                die("WSAEnumNetworkEvents");
            if (ne.lNetworkEvents & FD_READ) {
                int n = recv(socks[i], buf, CHUNK, 0);
                if (n > 0)
                    got += n;
                else if (n == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
                    die("recv");
            }
        }
    }
    secs = now() - start;
    join(t);
    for (i = 0; i < CONNS; i++) {
        closesocket(a.s[i]);
        closesocket(socks[i]);
        WSACloseEvent(evs[i]);
    }
    closesocket(l);
    free(buf);
    return (double)(CONNS * a.per_conn) / secs;
}

/* ---- iocp_echo: a completion-port echo server, 64 clients -------------------------------- */

#define CLIENTS 64

enum op_state { READING, WRITING };

struct conn {
    WSAOVERLAPPED ov; /* first: a completion's lpOverlapped is the connection */
    enum op_state state;
    SOCKET s;
    char buf[MSG];
};

struct iocp_server {
    HANDLE port;
    struct conn conns[CLIENTS];
};

static int iocp_post_recv(struct conn *c)
{
    WSABUF b;
    DWORD flags = 0;

    memset(&c->ov, 0, sizeof(c->ov));
    c->state = READING;
    b.buf = c->buf;
    b.len = MSG;
    return WSARecv(c->s, &b, 1, NULL, &flags, &c->ov, NULL) == SOCKET_ERROR &&
           WSAGetLastError() != WSA_IO_PENDING;
}

static int iocp_post_send(struct conn *c, DWORD n)
{
    WSABUF b;

    memset(&c->ov, 0, sizeof(c->ov));
    c->state = WRITING;
    b.buf = c->buf;
    b.len = n;
    return WSASend(c->s, &b, 1, NULL, 0, &c->ov, NULL) == SOCKET_ERROR &&
           WSAGetLastError() != WSA_IO_PENDING;
}

/* The worker: every read and write completion; end of stream closes a connection. */
static DWORD WINAPI iocp_worker(LPVOID p)
{
    struct iocp_server *sv = p;
    int closed = 0;

    while (closed < CLIENTS) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        struct conn *c;

        if (!GetQueuedCompletionStatus(sv->port, &bytes, &key, &ov, INFINITE))
            return 1;
        c = (struct conn *)ov;
        if (key != (ULONG_PTR)c)
            return 1;
        if (c->state == READING) {
            if (bytes == 0) {
                closed++;
                continue;
            }
            if (iocp_post_send(c, bytes))
                return 1;
        } else if (iocp_post_recv(c)) {
            return 1;
        }
    }
    return 0;
}

/* One client thread drives 64 blocking connections in lock step: a 64-byte message on
 * each, then each one's echo. */
static double run_iocp_echo(void)
{
    static struct iocp_server sv;
    struct sockaddr_in addr;
    SOCKET l, clients[CLIENTS];
    char msg[MSG], back[MSG];
    long rounds = pick(5, 500, 5000), r;
    double start, secs;
    HANDLE t;
    int i;

    memset(msg, 0x33, sizeof(msg));
    sv.port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (sv.port == NULL)
        die("CreateIoCompletionPort");
    l = listener(&addr);
    for (i = 0; i < CLIENTS; i++) {
        struct conn *c = &sv.conns[i];
        clients[i] = connect_to(&addr);
        nodelay(clients[i]);
        c->s = accept_one(l);
        nodelay(c->s);
        if (CreateIoCompletionPort((HANDLE)c->s, sv.port, (ULONG_PTR)c, 0) != sv.port)
            die("CreateIoCompletionPort(socket)");
        if (iocp_post_recv(c))
            die("WSARecv");
    }
    t = spawn(iocp_worker, &sv);
    start = now();
    for (r = 0; r < rounds; r++) {
        for (i = 0; i < CLIENTS; i++)
            if (send_all(clients[i], msg, MSG) != 0)
                die("send");
        for (i = 0; i < CLIENTS; i++) {
            int have = 0;
            while (have < MSG) {
                int n = recv(clients[i], back + have, MSG - have, 0);
                if (n <= 0)
                    die("recv (echo)");
                have += n;
            }
        }
    }
    secs = now() - start;
    for (i = 0; i < CLIENTS; i++)
        if (shutdown(clients[i], SD_SEND) == SOCKET_ERROR)
            die("shutdown");
    join(t);
    for (i = 0; i < CLIENTS; i++) {
        closesocket(clients[i]);
        closesocket(sv.conns[i].s);
    }
    closesocket(l);
    CloseHandle(sv.port);
    return (double)(rounds * CLIENTS) / secs;
}

/* ---- select over N sockets ---------------------------------------------------------------- */

/* N accepted connections and their peers. */
struct selset {
    int n;
    SOCKET *socks, *peers;
};

static void selset_open(struct selset *ss, int n)
{
    struct sockaddr_in addr;
    SOCKET l = listener(&addr);
    int i;

    ss->n = n;
    ss->socks = xmalloc(sizeof(SOCKET) * (size_t)n);
    ss->peers = xmalloc(sizeof(SOCKET) * (size_t)n);
    for (i = 0; i < n; i++) {
        ss->peers[i] = connect_to(&addr);
        ss->socks[i] = accept_one(l);
    }
    closesocket(l);
}

static void selset_close(struct selset *ss)
{
    int i;

    for (i = 0; i < ss->n; i++) {
        closesocket(ss->peers[i]);
        closesocket(ss->socks[i]);
    }
    free(ss->socks);
    free(ss->peers);
}

/* FD_ZERO then FD_SET of each socket, written straight into the documented fd_set
 * layout: FD_SET's duplicate check would make the refill itself quadratic in N. */
static void refill(fd_set *set, const struct selset *ss)
{
    set->fd_count = (u_int)ss->n;
    memcpy(set->fd_array, ss->socks, sizeof(SOCKET) * (size_t)ss->n);
}

/* Zero-timeout select with the N sockets in the read set (all) or the write set;
 * expect answers; ns per call. */
static double select_cost(int n, int write_set, long budget)
{
    static fd_set set;
    struct selset ss;
    struct timeval zero = {0, 0};
    long calls = budget / n < 2 ? 2 : budget / n, i, spins = 0;
    int expect = write_set ? n : 1;
    double start, secs;

    selset_open(&ss, n);
    if (!write_set && send(ss.peers[0], "x", 1, 0) != 1)
        die("send");
    /* Until the byte (or every socket's writability) has been seen. */
    for (;;) {
        int got;
        refill(&set, &ss);
        got = write_set ? select(0, NULL, &set, NULL, &zero)
                        : select(0, &set, NULL, NULL, &zero);
        if (got == SOCKET_ERROR)
            die("select");
        if (got == expect)
            break;
        if (++spins > 100000)
            die("select (never ready)");
        Sleep(0);
    }
    start = now();
    for (i = 0; i < calls; i++) {
        int got;
        refill(&set, &ss);
        got = write_set ? select(0, NULL, &set, NULL, &zero)
                        : select(0, &set, NULL, NULL, &zero);
        if (got != expect)
            die("select (lost a ready socket)");
    }
    secs = now() - start;
    selset_close(&ss);
    return secs * 1e9 / (double)calls;
}

static double run_select_8(void) { return select_cost(8, 0, pick(8, 200000, 1000000)); }
static double run_select_64(void) { return select_cost(64, 0, pick(8, 200000, 1000000)); }
static double run_select_1024(void) { return select_cost(1024, 0, pick(8, 200000, 1000000)); }
static double run_select_all_8(void) { return select_cost(8, 1, pick(8, 100000, 400000)); }
static double run_select_all_64(void) { return select_cost(64, 1, pick(8, 100000, 400000)); }
static double run_select_all_1024(void) { return select_cost(1024, 1, pick(8, 100000, 400000)); }

/* ---- create_close ------------------------------------------------------------------------ */

static double run_create_close(void)
{
    long n = pick(20, 20000, 100000), i;
    double start = now();

    for (i = 0; i < n; i++) {
        SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        if (s == INVALID_SOCKET)
            die("socket");
        if (closesocket(s) == SOCKET_ERROR)
            die("closesocket");
    }
    return (double)n / (now() - start);
}

/* ---- dgram: batches of 32 sendto then 32 recvfrom, one thread ---------------------------- */

#define BATCH 32

static SOCKET udp_bound(struct sockaddr_in *addr)
{
    int len = (int)sizeof(*addr);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

    if (s == INVALID_SOCKET)
        die("socket(UDP)");
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)addr, (int)sizeof(*addr)) == SOCKET_ERROR ||
        getsockname(s, (struct sockaddr *)addr, &len) == SOCKET_ERROR)
        die("bind(UDP)");
    return s;
}

static double run_dgram(void)
{
    long batches = pick(2, 3000, 20000), i;
    struct sockaddr_in aaddr, baddr;
    SOCKET a = udp_bound(&aaddr), b = udp_bound(&baddr);
    char msg[MSG], buf[2048];
    double start, secs;
    int k;

    memset(msg, 0x17, sizeof(msg));
    start = now();
    for (i = 0; i < batches; i++) {
        for (k = 0; k < BATCH; k++)
            if (sendto(a, msg, MSG, 0, (struct sockaddr *)&baddr, (int)sizeof(baddr)) != MSG)
                die("sendto");
        for (k = 0; k < BATCH; k++) {
            struct sockaddr_in from;
            int flen = (int)sizeof(from);
            if (recvfrom(b, buf, (int)sizeof(buf), 0, (struct sockaddr *)&from, &flen) != MSG)
                die("recvfrom");
        }
    }
    secs = now() - start;
    closesocket(a);
    closesocket(b);
    return (double)(batches * BATCH) / secs;
}

/* ---- the runner --------------------------------------------------------------------------- */

struct scenario {
    const char *name, *unit, *better;
    int rounds; /* in a full run, as the Rust scenario */
    double (*run)(void);
};

static const struct scenario scenarios[] = {
    {"stream", "MiB/s", "higher", 5, run_stream},
    {"overlapped", "MiB/s", "higher", 5, run_overlapped},
    {"pingpong", "rt/s", "higher", 9, run_pingpong},
    {"pingpong_event", "rt/s", "higher", 9, run_pingpong_event},
    {"fanin", "msg/s", "higher", 5, run_fanin},
    {"iocp_echo", "msg/s", "higher", 5, run_iocp_echo},
    {"select_8", "ns/call", "lower", 7, run_select_8},
    {"select_64", "ns/call", "lower", 7, run_select_64},
    {"select_1024", "ns/call", "lower", 7, run_select_1024},
    {"select_all_8", "ns/call", "lower", 5, run_select_all_8},
    {"select_all_64", "ns/call", "lower", 5, run_select_all_64},
    {"select_all_1024", "ns/call", "lower", 5, run_select_all_1024},
    {"create_close", "ops/s", "higher", 7, run_create_close},
    {"dgram", "dgram/s", "higher", 7, run_dgram},
};
#define NSCENARIOS ((int)(sizeof(scenarios) / sizeof(scenarios[0])))

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double *s = xmalloc(sizeof(double) * (size_t)n), m;

    memcpy(s, v, sizeof(double) * (size_t)n);
    qsort(s, (size_t)n, sizeof(double), cmp_double);
    m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    free(s);
    return m;
}

static void measure(const struct scenario *sc, int rounds)
{
    double *v;
    int r;

    current = sc->name;
    if (rounds <= 0)
        rounds = scale == SMOKE ? 1 : scale == QUICK ? 3 : sc->rounds;
    if (scale != SMOKE) {
        enum scale saved = scale;
        scale = SMOKE;
        sc->run();
        scale = saved;
    }
    v = xmalloc(sizeof(double) * (size_t)rounds);
    for (r = 0; r < rounds; r++)
        v[r] = sc->run();
    printf("{\"scenario\":\"%s\",\"unit\":\"%s\",\"better\":\"%s\",\"median\":%.9g,\"rounds\":[",
           sc->name, sc->unit, sc->better, median(v, rounds));
    for (r = 0; r < rounds; r++)
        printf("%s%.9g", r ? "," : "", v[r]);
    printf("]}\n");
    fflush(stdout);
    free(v);
}

static int usage(void)
{
    fprintf(stderr, "usage: wsbench [--smoke|--quick|--full] [--div K] [--rounds N] "
                    "[--scenario NAME]... "
                    "[--list]\n");
    return 2;
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    int chosen[NSCENARIOS], any = 0, rounds = 0, i, k;

    memset(chosen, 0, sizeof(chosen));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            scale = SMOKE;
        } else if (strcmp(argv[i], "--quick") == 0) {
            scale = QUICK;
        } else if (strcmp(argv[i], "--full") == 0) {
            scale = FULL;
        } else if (strcmp(argv[i], "--div") == 0 && i + 1 < argc) {
            divisor = atol(argv[++i]);
            if (divisor <= 0)
                return usage();
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            if (rounds <= 0)
                return usage();
        } else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            for (k = 0; k < NSCENARIOS; k++)
                if (strcmp(scenarios[k].name, name) == 0)
                    break;
            if (k == NSCENARIOS) {
                fprintf(stderr, "wsbench: no scenario %s\n", name);
                return 2;
            }
            chosen[k] = any = 1;
        } else if (strcmp(argv[i], "--list") == 0) {
            for (k = 0; k < NSCENARIOS; k++)
                printf("%s %s %s\n", scenarios[k].name, scenarios[k].unit, scenarios[k].better);
            return 0;
        } else {
            return usage();
        }
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        fprintf(stderr, "wsbench: WSAStartup failed\n");
        return 1;
    }
    for (k = 0; k < NSCENARIOS; k++)
        if (!any || chosen[k])
            measure(&scenarios[k], rounds);
    WSACleanup();
    return 0;
}
