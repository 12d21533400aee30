/* ws2ipdef.h for the wsp ws2_32 shim: IP-level definitions (packet-info structures and
 * the IN4_* / IN6_* address tests) with Windows' names, values and x64 layouts.
 *
 * On Windows ws2tcpip.h includes this header; here too. The IP_* / IPV6_* option numbers
 * are Windows' (IP_PKTINFO 19, IPV6_PKTINFO 19), translated to the host by the provider.
 * Sources: the IN_PKTINFO / IN6_PKTINFO pages and ws2ipdef.h / mstcpip.h of the Windows
 * SDK (names and semantics; this is an independent definition). */
#ifndef _WS2IPDEF_
#define _WS2IPDEF_

#include "winsock2.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WS2IPDEF_INLINE
#  ifdef __cplusplus
#    define WS2IPDEF_INLINE inline
#  else
#    define WS2IPDEF_INLINE static inline
#  endif
#endif

/* ---- IPv4 / IPv6 option numbers ------------------------------------------------------ */
#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IP_DONTFRAGMENT 14
#define IP_ADD_SOURCE_MEMBERSHIP 15
#define IP_DROP_SOURCE_MEMBERSHIP 16
#define IP_BLOCK_SOURCE 17
#define IP_UNBLOCK_SOURCE 18
#define IP_PKTINFO 19
#define IP_HOPLIMIT 21
#define IP_RECVTTL 21
#define IP_RECEIVE_BROADCAST 22
#define IP_RECVIF 24
#define IP_RECVDSTADDR 25
#define IP_IFLIST 28
#define IP_ADD_IFLIST 29
#define IP_DEL_IFLIST 30
#define IP_UNICAST_IF 31
#define IP_RTHDR 32
#define IP_GET_IFLIST 33
#define IP_RECVRTHDR 38
#define IP_TCLASS 39
#define IP_RECVTCLASS 40
#define IP_RECVTOS 40
#define IP_ORIGINAL_ARRIVAL_IF 47
#define IP_ECN 50
#define IP_PKTINFO_EX 51
#define IP_WFP_REDIRECT_RECORDS 60
#define IP_WFP_REDIRECT_CONTEXT 70
#define IP_MTU_DISCOVER 71
#define IP_MTU 73
#define IP_NRT_INTERFACE 74
#define IP_RECVERR 75
#define IP_USER_MTU 76
#define IP_UNSPECIFIED_TYPE_OF_SERVICE (-1)
#define IP_DEFAULT_MULTICAST_TTL 1
#define IP_DEFAULT_MULTICAST_LOOP 1
#define IP_MAX_MEMBERSHIPS 20

#define IPV6_HOPOPTS 1
#define IPV6_HDRINCL 2
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_ADD_MEMBERSHIP 12
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP 13
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_DONTFRAG 14
#define IPV6_PKTINFO 19
#define IPV6_HOPLIMIT 21
#define IPV6_PROTECTION_LEVEL 23
#define IPV6_RECVIF 24
#define IPV6_RECVDSTADDR 25
#define IPV6_CHECKSUM 26
#define IPV6_V6ONLY 27
#define IPV6_IFLIST 28
#define IPV6_ADD_IFLIST 29
#define IPV6_DEL_IFLIST 30
#define IPV6_UNICAST_IF 31
#define IPV6_RTHDR 32
#define IPV6_GET_IFLIST 33
#define IPV6_RECVRTHDR 38
#define IPV6_TCLASS 39
#define IPV6_RECVTCLASS 40
#define IPV6_ECN 50
#define IPV6_PKTINFO_EX 51
#define IPV6_WFP_REDIRECT_RECORDS 60
#define IPV6_WFP_REDIRECT_CONTEXT 70
#define IPV6_MTU_DISCOVER 71
#define IPV6_MTU 72
#define IPV6_NRT_INTERFACE 74
#define IPV6_RECVERR 75
#define IPV6_USER_MTU 76

#define IP_UNSPECIFIED_HOP_LIMIT (-1)
#define PROTECTION_LEVEL_UNRESTRICTED 10
#define PROTECTION_LEVEL_EDGERESTRICTED 20
#define PROTECTION_LEVEL_RESTRICTED 30
#define PROTECTION_LEVEL_DEFAULT ((UINT)-1)

/* IPPROTO_TCP options beyond winsock2.h's TCP_NODELAY. */
#define TCP_EXPEDITED_1122 0x0002
#define TCP_KEEPALIVE 3
#define TCP_MAXSEG 4
#define TCP_MAXRT 5
#define TCP_STDURG 6
#define TCP_NOURG 7
#define TCP_ATMARK 8
#define TCP_NOSYNRETRIES 9
#define TCP_TIMESTAMPS 10
#define TCP_OFFLOAD_PREFERENCE 11
#define TCP_CONGESTION_ALGORITHM 12
#define TCP_DELAY_FIN_ACK 13
#define TCP_MAXRTMS 14
#define TCP_FASTOPEN 15
#define TCP_KEEPCNT 16
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define TCP_KEEPINTVL 17
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18
#define TCP_ICMP_ERROR_INFO 19

#define UDP_NOCHECKSUM 1
#define UDP_SEND_MSG_SIZE 2
#define UDP_RECV_MAX_COALESCED_SIZE 3
#define UDP_CHECKSUM_COVERAGE 20

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

/* ---- structures ------------------------------------------------------------------------ */
typedef struct ip_mreq {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_interface;
} IP_MREQ, *PIP_MREQ;

typedef struct ip_mreq_source {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_sourceaddr;
    IN_ADDR imr_interface;
} IP_MREQ_SOURCE, *PIP_MREQ_SOURCE;

typedef struct ipv6_mreq {
    IN6_ADDR ipv6mr_multiaddr;
    ULONG ipv6mr_interface;
} IPV6_MREQ, *PIPV6_MREQ;

/* IP_PKTINFO control data: the datagram's destination address and arriving interface. */
typedef struct in_pktinfo {
    IN_ADDR ipi_addr;
    ULONG ipi_ifindex;
} IN_PKTINFO, *PIN_PKTINFO;

/* IPV6_PKTINFO control data. */
typedef struct in6_pktinfo {
    IN6_ADDR ipi6_addr;
    ULONG ipi6_ifindex;
} IN6_PKTINFO, *PIN6_PKTINFO;

#ifdef __cplusplus
static_assert(sizeof(IN_PKTINFO) == 8, "IN_PKTINFO is 8 bytes on Windows");
static_assert(sizeof(IN6_PKTINFO) == 20, "IN6_PKTINFO is 20 bytes on Windows");
#else
_Static_assert(sizeof(IN_PKTINFO) == 8, "IN_PKTINFO is 8 bytes on Windows");
_Static_assert(sizeof(IN6_PKTINFO) == 20, "IN6_PKTINFO is 20 bytes on Windows");
#endif

/* ---- address constants ----------------------------------------------------------------- */
#define IN6ADDR_ANY_INIT { { { 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }
#define IN6ADDR_ALLNODESONNODE_INIT { { { 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 } } }
#define IN6ADDR_ALLNODESONLINK_INIT { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 } } }
#define IN6ADDR_ALLROUTERSONLINK_INIT { { { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 } } }
#define IN6ADDR_V4MAPPEDPREFIX_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 } } }
#define IN6ADDR_LINKLOCALPREFIX_INIT { { { 0xfe, 0x80 } } }
#define IN6ADDR_MULTICASTPREFIX_INIT { { { 0xff, 0x00 } } }

/* ---- IN4_* (IPv4 addresses, network byte order) ------------------------------------------ */
#define IN4_CLASSA(i) (((LONG)(i) & 0x00000080) == 0)
#define IN4_CLASSB(i) (((LONG)(i) & 0x000000c0) == 0x00000080)
#define IN4_CLASSC(i) (((LONG)(i) & 0x000000e0) == 0x000000c0)
#define IN4_CLASSD(i) (((LONG)(i) & 0x000000f0) == 0x000000e0)
#define IN4_MULTICAST(i) IN4_CLASSD(i)

#define IN4_ADDR_EQUAL(a, b) ((a)->s_addr == (b)->s_addr)
#define IN4_UNALIGNED_ADDR_EQUAL(a, b) ((a)->s_addr == (b)->s_addr)
#define IN4_IS_ADDR_UNSPECIFIED(a) ((a)->s_addr == 0)
#define IN4_IS_UNALIGNED_ADDR_UNSPECIFIED(a) IN4_IS_ADDR_UNSPECIFIED(a)
#define IN4_IS_ADDR_LOOPBACK(a) (((const UCHAR *)(a))[0] == 0x7f)
#define IN4_IS_UNALIGNED_ADDR_LOOPBACK(a) IN4_IS_ADDR_LOOPBACK(a)
#define IN4_IS_ADDR_BROADCAST(a) ((a)->s_addr == 0xffffffffu)
#define IN4_IS_UNALIGNED_ADDR_BROADCAST(a) IN4_IS_ADDR_BROADCAST(a)
#define IN4_IS_ADDR_MULTICAST(a) IN4_MULTICAST((a)->s_addr)
#define IN4_IS_UNALIGNED_ADDR_MULTICAST(a) IN4_IS_ADDR_MULTICAST(a)
#define IN4_IS_ADDR_LINKLOCAL(a) (((a)->s_addr & 0xffff) == 0xfea9)
#define IN4_IS_UNALIGNED_ADDR_LINKLOCAL(a) IN4_IS_ADDR_LINKLOCAL(a)
#define IN4_IS_ADDR_SITELOCAL(a) 0
#define IN4_IS_UNALIGNED_ADDR_SITELOCAL(a) 0
#define IN4_IS_ADDR_RFC1918(a)                                                                \
    ((((a)->s_addr & 0x00ff) == 0x0a) || (((a)->s_addr & 0xf0ff) == 0x10ac) ||                \
     (((a)->s_addr & 0xffff) == 0xa8c0))
#define IN4_IS_UNALIGNED_ADDR_RFC1918(a) IN4_IS_ADDR_RFC1918(a)
#define IN4_IS_ADDR_MC_LINKLOCAL(a) (((a)->s_addr & 0xffffff) == 0xe0)
#define IN4_IS_ADDR_MC_ADMINLOCAL(a) (((a)->s_addr & 0xffff) == 0xffef)
#define IN4_IS_ADDR_MC_SITELOCAL(a)                                                           \
    ((((a)->s_addr & 0xff) == 0xef) && !IN4_IS_ADDR_MC_ADMINLOCAL(a))

/* ---- IN6_* (IPv6 addresses) -------------------------------------------------------------- */
WS2IPDEF_INLINE BOOLEAN IN6_ADDR_EQUAL(const IN6_ADDR *x, const IN6_ADDR *y) {
    return (BOOLEAN)(memcmp(x, y, sizeof(IN6_ADDR)) == 0);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_UNSPECIFIED(const IN6_ADDR *a) {
    int i;
    for (i = 0; i < 16; i++)
        if (a->s6_bytes[i] != 0)
            return FALSE;
    return TRUE;
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_LOOPBACK(const IN6_ADDR *a) {
    int i;
    for (i = 0; i < 15; i++)
        if (a->s6_bytes[i] != 0)
            return FALSE;
    return (BOOLEAN)(a->s6_bytes[15] == 1);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MULTICAST(const IN6_ADDR *a) {
    return (BOOLEAN)(a->s6_bytes[0] == 0xff);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_EUI64(const IN6_ADDR *a) {
    /* Format prefixes 001 through 111, except multicast (RFC 4291 section 2.5.1). */
    return (BOOLEAN)(((a->s6_bytes[0] & 0xe0) != 0) && !IN6_IS_ADDR_MULTICAST(a));
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_SUBNET_ROUTER_ANYCAST(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_EUI64(a) && a->s6_words[4] == 0 && a->s6_words[5] == 0 &&
                     a->s6_words[6] == 0 && a->s6_words[7] == 0);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_SUBNET_RESERVED_ANYCAST(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_EUI64(a) && a->s6_words[4] == 0xfffd &&
                     a->s6_words[5] == 0xffff && a->s6_words[6] == 0xffff &&
                     (a->s6_words[7] & 0x80ff) == 0x80ff);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_ANYCAST(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_SUBNET_RESERVED_ANYCAST(a) ||
                     IN6_IS_ADDR_SUBNET_ROUTER_ANYCAST(a));
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_LINKLOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(a->s6_bytes[0] == 0xfe && (a->s6_bytes[1] & 0xc0) == 0x80);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_SITELOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(a->s6_bytes[0] == 0xfe && (a->s6_bytes[1] & 0xc0) == 0xc0);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_GLOBAL(const IN6_ADDR *a) {
    /* 2000::/3 */
    return (BOOLEAN)((a->s6_bytes[0] & 0xe0) == 0x20);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_V4MAPPED(const IN6_ADDR *a) {
    return (BOOLEAN)(a->s6_words[0] == 0 && a->s6_words[1] == 0 && a->s6_words[2] == 0 &&
                     a->s6_words[3] == 0 && a->s6_words[4] == 0 &&
                     a->s6_words[5] == 0xffff);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_V4COMPAT(const IN6_ADDR *a) {
    /* ::a.b.c.d, excluding :: and ::1 */
    return (BOOLEAN)(a->s6_words[0] == 0 && a->s6_words[1] == 0 && a->s6_words[2] == 0 &&
                     a->s6_words[3] == 0 && a->s6_words[4] == 0 && a->s6_words[5] == 0 &&
                     !(a->s6_words[6] == 0 && a->s6_bytes[14] == 0 &&
                       (a->s6_bytes[15] == 0 || a->s6_bytes[15] == 1)));
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_V4TRANSLATED(const IN6_ADDR *a) {
    /* ::ffff:0:a.b.c.d */
    return (BOOLEAN)(a->s6_words[0] == 0 && a->s6_words[1] == 0 && a->s6_words[2] == 0 &&
                     a->s6_words[3] == 0 && a->s6_words[4] == 0xffff &&
                     a->s6_words[5] == 0);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MC_NODELOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == 1);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MC_LINKLOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == 2);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MC_SITELOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == 5);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MC_ORGLOCAL(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == 8);
}
WS2IPDEF_INLINE BOOLEAN IN6_IS_ADDR_MC_GLOBAL(const IN6_ADDR *a) {
    return (BOOLEAN)(IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == 0xe);
}
#ifdef __cplusplus
}
#endif

#endif /* _WS2IPDEF_ */
