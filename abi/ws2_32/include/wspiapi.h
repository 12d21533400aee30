/* wspiapi.h for the wsp ws2_32 shim: the getaddrinfo compatibility wrappers.
 *
 * On Windows this header let programs built for Windows 2000 and earlier call
 * getaddrinfo/freeaddrinfo/getnameinfo through WspiapiGetAddrInfo, WspiapiFreeAddrInfo and
 * WspiapiGetNameInfo, which use ws2_32's functions when present and an IPv4-only emulation
 * otherwise. The shim always has the real functions, so the wrappers simply call them
 * (getaddrinfo -> wsp_getaddrinfo, ...): the same results, the same Winsock error codes
 * (EAI_* = WSA* values) and the same WSAGetLastError. Unlike the SDK header, this one does
 * not redefine getaddrinfo/freeaddrinfo/getnameinfo; programs may call either name. */
#ifndef _WSPIAPI_H_
#define _WSPIAPI_H_

#include "ws2tcpip.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WSPIAPI_INLINE
#  ifdef __cplusplus
#    define WSPIAPI_INLINE inline
#  else
#    define WSPIAPI_INLINE static inline
#  endif
#endif

WSPIAPI_INLINE int WINAPI WspiapiGetAddrInfo(const char *nodename, const char *servname,
                                             const struct addrinfo *hints,
                                             struct addrinfo **res) {
    return getaddrinfo(nodename, servname, hints, res);
}

WSPIAPI_INLINE void WINAPI WspiapiFreeAddrInfo(struct addrinfo *ai) {
    freeaddrinfo(ai);
}

WSPIAPI_INLINE int WINAPI WspiapiGetNameInfo(const struct sockaddr *sa, socklen_t salen,
                                             char *host, size_t hostlen, char *serv,
                                             size_t servlen, int flags) {
    return getnameinfo(sa, salen, host, (DWORD)hostlen, serv, (DWORD)servlen, flags);
}

#ifdef __cplusplus
}
#endif

#endif /* _WSPIAPI_H_ */
