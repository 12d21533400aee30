/* ws2tcpip.h for the wsp ws2_32 shim: Windows' names, values and x64 layouts.
 * addrinfo here is Winsock's: ai_canonname comes BEFORE ai_addr (glibc's is the other
 * way round); AI_* and NI_* values are Windows' and are translated by the shim. */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include "winsock2.h"
#include "ws2ipdef.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int socklen_t;

/* IP_* / IPV6_* options, ip_mreq, IN_PKTINFO / IN6_PKTINFO, IN4_* / IN6_*: ws2ipdef.h. */

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

/* ADDRINFOW: ADDRINFOA with 16-bit WCHAR ai_canonname (GetAddrInfoW / FreeAddrInfoW). */
typedef struct addrinfoW {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    size_t ai_addrlen;
    PWSTR ai_canonname;
    struct sockaddr *ai_addr;
    struct addrinfoW *ai_next;
} ADDRINFOW, *PADDRINFOW;

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
#define InetPtonW wsp_InetPtonW
#define InetNtopW wsp_InetNtopW
#define GetAddrInfoW wsp_GetAddrInfoW
#define FreeAddrInfoW wsp_FreeAddrInfoW
#define GetNameInfoW wsp_GetNameInfoW
#define GetAddrInfoA getaddrinfo
#define FreeAddrInfoA freeaddrinfo
#define GetNameInfoA getnameinfo
#ifdef UNICODE
#define InetPton InetPtonW
#define InetNtop InetNtopW
#define GetAddrInfo GetAddrInfoW
#define FreeAddrInfo FreeAddrInfoW
#define GetNameInfo GetNameInfoW
typedef ADDRINFOW ADDRINFOT, *PADDRINFOT;
#else
#define InetPton InetPtonA
#define InetNtop InetNtopA
#define GetAddrInfo GetAddrInfoA
#define FreeAddrInfo FreeAddrInfoA
#define GetNameInfo GetNameInfoA
typedef ADDRINFOA ADDRINFOT, *PADDRINFOT;
#endif
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

WINSOCK_API_LINKAGE INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf);
WINSOCK_API_LINKAGE PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf,
                                            size_t StringBufSize);
WINSOCK_API_LINKAGE INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName,
                                            const ADDRINFOW *pHints, PADDRINFOW *ppResult);
WINSOCK_API_LINKAGE VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo);
WINSOCK_API_LINKAGE INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                            PWCHAR pNodeBuffer, DWORD NodeBufferSize,
                                            PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                            INT Flags);

/* SIO_IDEAL_SEND_BACKLOG_QUERY / _CHANGE wrappers, inline as in the SDK's ws2tcpip.h. */
#ifndef WS2TCPIP_INLINE
#  ifdef __cplusplus
#    define WS2TCPIP_INLINE inline
#  else
#    define WS2TCPIP_INLINE static inline
#  endif
#endif
WS2TCPIP_INLINE int idealsendbacklogquery(SOCKET s, ULONG *pISB) {
    DWORD bytes;
    return WSAIoctl(s, SIO_IDEAL_SEND_BACKLOG_QUERY, NULL, 0, pISB, sizeof(*pISB), &bytes, NULL,
                    NULL);
}
WS2TCPIP_INLINE int idealsendbacklognotify(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                           LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    DWORD bytes;
    return WSAIoctl(s, SIO_IDEAL_SEND_BACKLOG_CHANGE, NULL, 0, NULL, 0, &bytes, lpOverlapped,
                    lpCompletionRoutine);
}

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
