/* wsapoll_server.c: a WSAPoll() echo server, with its clients in the same thread.
 *
 * The server keeps one WSAPOLLFD array: the listener first, then a slot per connection
 * (a closed connection's slot gets fd = -1, which WSAPoll ignores, as Microsoft's
 * WSAPOLLFD page describes, so the array never needs compacting). Three non-blocking
 * clients connect and send a line each; the same WSAPoll loop accepts, echoes, and reads
 * the echoes back; each client then closes and the server sees POLLHUP. Prints the port,
 * one line per echo, and "wsapoll ok". */
#include <winsock2.h>
#include <stdio.h>
#include <string.h>

#define CLIENTS 3
#define SLOTS (1 + 2 * CLIENTS)

static int fail(const char *what)
{
    printf("%s failed: %d\n", what, WSAGetLastError());
    return 1;
}

int main(void)
{
    WSADATA wsa;
    WSAPOLLFD fds[SLOTS];
    SOCKET listener, clients[CLIENTS];
    int sent[CLIENTS] = {0}, echoed = 0, hangups = 0, i, rounds = 0;
    struct sockaddr_in addr;
    int len = sizeof(addr);
    u_long nonblocking = 1;
    char buf[128];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        return 1;
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR ||
        listen(listener, 8) == SOCKET_ERROR ||
        getsockname(listener, (struct sockaddr *)&addr, &len) == SOCKET_ERROR)
        return fail("listener");
    printf("listening on port %u\n", (unsigned)ntohs(addr.sin_port));
    ioctlsocket(listener, FIONBIO, &nonblocking);

    /* Slot 0: the listener. Slots 1..CLIENTS: the clients (waiting to be writable, then
     * readable). The rest: accepted connections. */
    for (i = 0; i < SLOTS; i++) {
        fds[i].fd = (SOCKET)-1; /* ignored by WSAPoll */
        fds[i].events = 0;
        fds[i].revents = 0;
    }
    fds[0].fd = listener;
    fds[0].events = POLLRDNORM;
    for (i = 0; i < CLIENTS; i++) {
        clients[i] = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        ioctlsocket(clients[i], FIONBIO, &nonblocking);
        if (connect(clients[i], (struct sockaddr *)&addr, sizeof(addr)) == SOCKET_ERROR &&
            WSAGetLastError() != WSAEWOULDBLOCK)
            return fail("connect");
        fds[1 + i].fd = clients[i];
        fds[1 + i].events = POLLWRNORM;
    }

    while (hangups < CLIENTS && rounds++ < 1000) {
        int ready = WSAPoll(fds, SLOTS, 5000);
        if (ready == SOCKET_ERROR)
            return fail("WSAPoll");
        if (ready == 0)
            return fail("WSAPoll (timed out)");
        /* The listener: accept into a free slot. */
        if (fds[0].revents & POLLRDNORM) {
            SOCKET c = accept(listener, NULL, NULL);
            if (c != INVALID_SOCKET) {
                for (i = 1 + CLIENTS; i < SLOTS && fds[i].fd != (SOCKET)-1; i++)
                    ;
                if (i == SLOTS)
                    return fail("no free slot");
                fds[i].fd = c;
                fds[i].events = POLLRDNORM;
            }
        }
        /* Clients: send their line once connected, then read the echo and close. */
        for (i = 0; i < CLIENTS; i++) {
            WSAPOLLFD *p = &fds[1 + i];
            if (p->fd == (SOCKET)-1 || p->revents == 0)
                continue;
            if (p->revents & (POLLERR | POLLHUP))
                return fail("client connection");
            if (!sent[i] && (p->revents & POLLWRNORM)) {
                char line[32];
                sprintf(line, "poll %d", i);
                if (send(clients[i], line, (int)strlen(line), 0) == SOCKET_ERROR)
                    return fail("send");
                sent[i] = 1;
                p->events = POLLRDNORM;
            } else if (p->revents & POLLRDNORM) {
                int n = recv(clients[i], buf, sizeof(buf) - 1, 0);
                if (n <= 0)
                    return fail("client recv");
                buf[n] = 0;
                printf("echoed: %s\n", buf);
                echoed++;
                closesocket(clients[i]);
                p->fd = (SOCKET)-1;
            }
        }
        /* Server connections: echo, or notice the client hung up. */
        for (i = 1 + CLIENTS; i < SLOTS; i++) {
            WSAPOLLFD *p = &fds[i];
            if (p->fd == (SOCKET)-1 || p->revents == 0)
                continue;
            if (p->revents & POLLRDNORM) {
                int n = recv(p->fd, buf, sizeof(buf), 0);
                if (n > 0) {
                    send(p->fd, buf, n, 0);
                    continue;
                }
            }
            if (p->revents & (POLLHUP | POLLERR | POLLRDNORM)) {
                closesocket(p->fd);
                p->fd = (SOCKET)-1;
                hangups++;
            }
        }
    }
    closesocket(listener);
    WSACleanup();
    if (echoed != CLIENTS || hangups != CLIENTS)
        return fail("echo count");
    printf("wsapoll ok\n");
    return 0;
}
