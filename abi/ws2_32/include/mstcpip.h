/* mstcpip.h for the wsp ws2_32 shim: the Microsoft TCP/IP extensions: SIO_* vendor ioctls,
 * struct tcp_keepalive, RCVALL_VALUE, and the inline INETADDR_* / IN4ADDR_* / IN6ADDR_*
 * address helpers over SOCKADDR / SOCKADDR_IN / SOCKADDR_IN6, as the Windows SDK names
 * them (independent definitions; semantics from the SDK header and the SIO_* pages).
 *
 * Which of these ioctls the in-tree provider builds: SIO_KEEPALIVE_VALS (sets the host's
 * keep-alive), SIO_LOOPBACK_FAST_PATH (accepted on TCP sockets and ignored: the fast path
 * is a Windows loopback optimisation with no observable result here); SIO_RCVALL and the
 * other raw-capture ioctls fail with WSAEOPNOTSUPP. */
#ifndef _MSTCPIP_
#define _MSTCPIP_

#include "winsock2.h"
#include "ws2ipdef.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MSTCPIP_INLINE
#  ifdef __cplusplus
#    define MSTCPIP_INLINE inline
#  else
#    define MSTCPIP_INLINE static inline
#  endif
#endif

/* ---- SIO_KEEPALIVE_VALS ------------------------------------------------------------------ */
struct tcp_keepalive {
    ULONG onoff;
    ULONG keepalivetime;     /* milliseconds of idle time before the first probe */
    ULONG keepaliveinterval; /* milliseconds between probes */
};

/* ---- SIO_RCVALL ---------------------------------------------------------------------------- */
typedef enum {
    RCVALL_OFF = 0,
    RCVALL_ON = 1,
    RCVALL_SOCKETLEVELONLY = 2,
    RCVALL_IPLEVEL = 3
} RCVALL_VALUE, *PRCVALL_VALUE;
#define RCVALL_MAX RCVALL_IPLEVEL

typedef struct {
    RCVALL_VALUE Mode;
    ULONG Interface;
} RCVALL_IF, *PRCVALL_IF;

/* ---- vendor ioctls ------------------------------------------------------------------------- */
#define SIO_RCVALL _WSAIOW(IOC_VENDOR, 1)
#define SIO_RCVALL_MCAST _WSAIOW(IOC_VENDOR, 2)
#define SIO_RCVALL_IGMPMCAST _WSAIOW(IOC_VENDOR, 3)
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4)
#define SIO_ABSORB_RTRALERT _WSAIOW(IOC_VENDOR, 5)
#define SIO_UCAST_IF _WSAIOW(IOC_VENDOR, 6)
#define SIO_LIMIT_BROADCASTS _WSAIOW(IOC_VENDOR, 7)
#define SIO_INDEX_BIND _WSAIOW(IOC_VENDOR, 8)
#define SIO_INDEX_MCASTIF _WSAIOW(IOC_VENDOR, 9)
#define SIO_INDEX_ADD_MCAST _WSAIOW(IOC_VENDOR, 10)
#define SIO_INDEX_DEL_MCAST _WSAIOW(IOC_VENDOR, 11)
#define SIO_RCVALL_MCAST_IF _WSAIOW(IOC_VENDOR, 13)
#define SIO_RCVALL_IF _WSAIOW(IOC_VENDOR, 14)
#define SIO_LOOPBACK_FAST_PATH _WSAIOW(IOC_VENDOR, 16)
#define SIO_TCP_INITIAL_RTO _WSAIOW(IOC_VENDOR, 17)
#define SIO_APPLY_TRANSPORT_SETTING _WSAIOW(IOC_VENDOR, 19)
#define SIO_QUERY_TRANSPORT_SETTING _WSAIOW(IOC_VENDOR, 20)
#define SIO_TCP_SET_ICW _WSAIOW(IOC_VENDOR, 22)
#define SIO_TCP_SET_ACK_FREQUENCY _WSAIOW(IOC_VENDOR, 23)

typedef struct _TCP_INITIAL_RTO_PARAMETERS {
    USHORT Rtt;
    UCHAR MaxSynRetransmissions;
} TCP_INITIAL_RTO_PARAMETERS, *PTCP_INITIAL_RTO_PARAMETERS;
#define TCP_INITIAL_RTO_UNSPECIFIED_RTT ((USHORT)-1)
#define TCP_INITIAL_RTO_UNSPECIFIED_MAX_SYN_RETRANSMISSIONS ((UCHAR)-1)
#define TCP_INITIAL_RTO_DEFAULT_RTT 0
#define TCP_INITIAL_RTO_DEFAULT_MAX_SYN_RETRANSMISSIONS 0

/* ---- IN4ADDR_* over SOCKADDR_IN ---------------------------------------------------------- */
MSTCPIP_INLINE VOID IN4ADDR_SETANY(PSOCKADDR_IN a) {
    a->sin_family = AF_INET;
    a->sin_port = 0;
    a->sin_addr.s_addr = INADDR_ANY;
    memset(a->sin_zero, 0, sizeof(a->sin_zero));
}
MSTCPIP_INLINE VOID IN4ADDR_SETLOOPBACK(PSOCKADDR_IN a) {
    a->sin_family = AF_INET;
    a->sin_port = 0;
    /* 127.0.0.1 in network byte order, whatever the host's. */
    ((UCHAR *)&a->sin_addr)[0] = 127;
    ((UCHAR *)&a->sin_addr)[1] = 0;
    ((UCHAR *)&a->sin_addr)[2] = 0;
    ((UCHAR *)&a->sin_addr)[3] = 1;
    memset(a->sin_zero, 0, sizeof(a->sin_zero));
}
MSTCPIP_INLINE BOOLEAN IN4ADDR_ISANY(const SOCKADDR_IN *a) {
    return (BOOLEAN)IN4_IS_ADDR_UNSPECIFIED(&a->sin_addr);
}
MSTCPIP_INLINE BOOLEAN IN4ADDR_ISLOOPBACK(const SOCKADDR_IN *a) {
    return (BOOLEAN)IN4_IS_ADDR_LOOPBACK(&a->sin_addr);
}
MSTCPIP_INLINE BOOLEAN IN4ADDR_ISEQUAL(const SOCKADDR_IN *a, const SOCKADDR_IN *b) {
    return (BOOLEAN)(a->sin_family == AF_INET && b->sin_family == AF_INET &&
                     IN4_ADDR_EQUAL(&a->sin_addr, &b->sin_addr));
}
MSTCPIP_INLINE BOOLEAN IN4ADDR_ISUNSPECIFIED(const SOCKADDR_IN *a) {
    return (BOOLEAN)(a->sin_family == AF_INET && IN4_IS_ADDR_UNSPECIFIED(&a->sin_addr));
}

/* ---- IN6ADDR_* over SOCKADDR_IN6 --------------------------------------------------------- */
MSTCPIP_INLINE VOID IN6_SET_ADDR_UNSPECIFIED(PIN6_ADDR a) {
    memset(a->s6_bytes, 0, sizeof(IN6_ADDR));
}
MSTCPIP_INLINE VOID IN6_SET_ADDR_LOOPBACK(PIN6_ADDR a) {
    memset(a->s6_bytes, 0, sizeof(IN6_ADDR));
    a->s6_bytes[15] = 1;
}
MSTCPIP_INLINE VOID IN6ADDR_SETANY(PSOCKADDR_IN6 a) {
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_UNSPECIFIED(&a->sin6_addr);
    a->sin6_scope_id = 0;
}
MSTCPIP_INLINE VOID IN6ADDR_SETLOOPBACK(PSOCKADDR_IN6 a) {
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_LOOPBACK(&a->sin6_addr);
    a->sin6_scope_id = 0;
}
MSTCPIP_INLINE BOOLEAN IN6ADDR_ISANY(const SOCKADDR_IN6 *a) {
    return (BOOLEAN)(a->sin6_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr));
}
MSTCPIP_INLINE BOOLEAN IN6ADDR_ISLOOPBACK(const SOCKADDR_IN6 *a) {
    return (BOOLEAN)(a->sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->sin6_addr));
}
MSTCPIP_INLINE BOOLEAN IN6ADDR_ISEQUAL(const SOCKADDR_IN6 *a, const SOCKADDR_IN6 *b) {
    return (BOOLEAN)(a->sin6_scope_id == b->sin6_scope_id &&
                     IN6_ADDR_EQUAL(&a->sin6_addr, &b->sin6_addr));
}
MSTCPIP_INLINE BOOLEAN IN6ADDR_ISUNSPECIFIED(const SOCKADDR_IN6 *a) {
    return (BOOLEAN)(a->sin6_scope_id == 0 && IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr));
}


/* ---- INETADDR_*: either family, by sa_family (AF_INET or AF_INET6; anything else is a
 * caller error, which the SDK asserts and these treat as AF_INET6) ------------------------- */
MSTCPIP_INLINE BOOLEAN INETADDR_ISANY(const SOCKADDR *a) {
    if (a->sa_family == AF_INET)
        return IN4ADDR_ISANY((const SOCKADDR_IN *)(const void *)a);
    return IN6ADDR_ISANY((const SOCKADDR_IN6 *)(const void *)a);
}
MSTCPIP_INLINE BOOLEAN INETADDR_ISLOOPBACK(const SOCKADDR *a) {
    if (a->sa_family == AF_INET)
        return IN4ADDR_ISLOOPBACK((const SOCKADDR_IN *)(const void *)a);
    return IN6ADDR_ISLOOPBACK((const SOCKADDR_IN6 *)(const void *)a);
}
MSTCPIP_INLINE VOID INETADDR_SETANY(PSOCKADDR a) {
    if (a->sa_family == AF_INET)
        IN4ADDR_SETANY((PSOCKADDR_IN)(void *)a);
    else
        IN6ADDR_SETANY((PSOCKADDR_IN6)(void *)a);
}
MSTCPIP_INLINE VOID INETADDR_SETLOOPBACK(PSOCKADDR a) {
    if (a->sa_family == AF_INET)
        IN4ADDR_SETLOOPBACK((PSOCKADDR_IN)(void *)a);
    else
        IN6ADDR_SETLOOPBACK((PSOCKADDR_IN6)(void *)a);
}
/* The port, in network byte order (sin_port and sin6_port share their offset). */
MSTCPIP_INLINE USHORT INETADDR_PORT(const SOCKADDR *a) {
    return ((const SOCKADDR_IN *)(const void *)a)->sin_port;
}
MSTCPIP_INLINE VOID INETADDR_SET_PORT(PSOCKADDR a, USHORT port) {
    ((PSOCKADDR_IN)(void *)a)->sin_port = port;
}
/* The address bytes (4 or 16, network byte order). */
MSTCPIP_INLINE const UCHAR *INETADDR_ADDRESS(const SOCKADDR *a) {
    if (a->sa_family == AF_INET)
        return (const UCHAR *)&((const SOCKADDR_IN *)(const void *)a)->sin_addr;
    return (const UCHAR *)&((const SOCKADDR_IN6 *)(const void *)a)->sin6_addr;
}
MSTCPIP_INLINE VOID INETADDR_SET_ADDRESS(PSOCKADDR a, const UCHAR *address) {
    if (a->sa_family == AF_INET)
        memcpy(&((PSOCKADDR_IN)(void *)a)->sin_addr, address, sizeof(IN_ADDR));
    else
        memcpy(&((PSOCKADDR_IN6)(void *)a)->sin6_addr, address, sizeof(IN6_ADDR));
}
MSTCPIP_INLINE BOOLEAN INETADDR_ISEQUAL(const SOCKADDR *a, const SOCKADDR *b) {
    if (a->sa_family == AF_INET)
        return IN4ADDR_ISEQUAL((const SOCKADDR_IN *)(const void *)a,
                               (const SOCKADDR_IN *)(const void *)b);
    return (BOOLEAN)(b->sa_family == AF_INET6 &&
                     IN6ADDR_ISEQUAL((const SOCKADDR_IN6 *)(const void *)a,
                                     (const SOCKADDR_IN6 *)(const void *)b));
}
MSTCPIP_INLINE BOOLEAN INETADDR_ISUNSPECIFIED(const SOCKADDR *a) {
    if (a->sa_family == AF_INET)
        return IN4ADDR_ISUNSPECIFIED((const SOCKADDR_IN *)(const void *)a);
    return IN6ADDR_ISUNSPECIFIED((const SOCKADDR_IN6 *)(const void *)a);
}

#ifdef __cplusplus
}
#endif

#endif /* _MSTCPIP_ */
