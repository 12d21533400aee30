/* ws2tcpip.h for the wsp ws2_32 shim: Windows' names, values and x64 layouts.
 * addrinfo here is Winsock's: ai_canonname comes BEFORE ai_addr (glibc's is the other
 * way round); AI_* and NI_* values are Windows' and are translated by the shim. */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include "winsock2.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int socklen_t;

/* ---- IPv4 / IPv6 options (ws2ipdef.h values) -------------------------------------------- */
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
#define IP_RECVTTL 21
#define IP_RECEIVE_BROADCAST 22
#define IP_RECVIF 24
#define IP_UNICAST_IF 31
#define IP_MTU_DISCOVER 71
#define IP_MTU 73
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
#define IPV6_V6ONLY 27
#define IPV6_UNICAST_IF 31
#define IPV6_MTU 72
#define IPV6_MTU_DISCOVER 71

#define UDP_NOCHECKSUM 1
#define UDP_CHECKSUM_COVERAGE 20

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

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

#define IN6ADDR_ANY_INIT { { { 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }
#define IN6_IS_ADDR_UNSPECIFIED(a) wsp_in6_is_all((a), 0)
#define IN6_IS_ADDR_LOOPBACK(a) wsp_in6_is_all((a), 1)
#define IN6_IS_ADDR_MULTICAST(a) ((a)->s6_bytes[0] == 0xff)
#define IN6_IS_ADDR_LINKLOCAL(a) ((a)->s6_bytes[0] == 0xfe && ((a)->s6_bytes[1] & 0xc0) == 0x80)
#define IN6_IS_ADDR_V4MAPPED(a)                                                              \
    ((a)->s6_words[0] == 0 && (a)->s6_words[1] == 0 && (a)->s6_words[2] == 0 &&              \
     (a)->s6_words[3] == 0 && (a)->s6_words[4] == 0 && (a)->s6_words[5] == 0xffff)
static inline int wsp_in6_is_all(const IN6_ADDR *a, unsigned char last) {
    int i;
    for (i = 0; i < 15; i++)
        if (a->s6_bytes[i] != 0)
            return 0;
    return a->s6_bytes[15] == last;
}

/* ---- getaddrinfo -------------------------------------------------------------------------- */
typedef struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    char *ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfo *ai_next;
} ADDRINFOA, *PADDRINFOA;

#undef AI_PASSIVE
#undef AI_CANONNAME
#undef AI_NUMERICHOST
#undef AI_NUMERICSERV
#undef AI_ALL
#undef AI_ADDRCONFIG
#undef AI_V4MAPPED
#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800

#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA WSANO_DATA

#define getaddrinfo wsp_getaddrinfo
#define freeaddrinfo wsp_freeaddrinfo
#define getnameinfo wsp_getnameinfo
#define inet_pton wsp_inet_pton
#define inet_ntop wsp_inet_ntop
#define InetPtonA wsp_inet_pton
#define InetNtopA wsp_inet_ntop
#define gai_strerror gai_strerrorA

WINSOCK_API_LINKAGE INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName,
                                           const ADDRINFOA *pHints, PADDRINFOA *ppResult);
WINSOCK_API_LINKAGE VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo);
WINSOCK_API_LINKAGE INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                           PCHAR pNodeBuffer, DWORD NodeBufferSize,
                                           PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                           INT Flags);
WINSOCK_API_LINKAGE INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf);
WINSOCK_API_LINKAGE PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf,
                                           size_t StringBufSize);

/* gai_strerrorA: Windows defines it inline in this header too. */
static inline const char *gai_strerrorA(int ecode) {
    switch (ecode) {
    case 0: return "Success";
    case EAI_AGAIN: return "A temporary failure in name resolution occurred.";
    case EAI_BADFLAGS: return "An invalid value was provided for the ai_flags member.";
    case EAI_FAIL: return "A nonrecoverable failure in name resolution occurred.";
    case EAI_FAMILY: return "The ai_family member is not supported.";
    case EAI_MEMORY: return "A memory allocation failure occurred.";
    case EAI_NONAME: return "The name does not resolve for the supplied parameters.";
    case EAI_SERVICE: return "The service is not supported for ai_socktype.";
    case EAI_SOCKTYPE: return "The ai_socktype member is not supported.";
    case EAI_NODATA: return "The requested name is valid, but no data of the requested type was found.";
    default: return "Unknown error.";
    }
}

#ifdef __cplusplus
}
#endif

#endif /* _WS2TCPIP_H_ */
