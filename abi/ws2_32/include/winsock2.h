/* winsock2.h for the wsp ws2_32 shim: Windows' names, values and x64 struct layouts.
 *
 * Differences a porter must know (see README "Porting C code (ws2_32 shim)"):
 *  - The Winsock functions are macros naming the shim's exports (socket -> wsp_socket,
 *    select -> wsp_select, ...), so libc's own socket()/select() are never replaced.
 *    Do not include host socket headers (<sys/socket.h>, <netinet/in.h>, <netdb.h>,
 *    <arpa/inet.h>, <poll.h>) in the same translation unit.
 *  - fd_set, timeval, u_long, ... are Winsock's (renamed with macros: wsp_fd_set, ...),
 *    even when <stdlib.h> already brought glibc's in; `struct timeval` has two 32-bit
 *    longs, so it cannot be passed to gettimeofday().
 *  - FD_SETSIZE is 64 unless the program defines it before this header. */
#ifndef _WINSOCK2API_
#define _WINSOCK2API_
#define _WINSOCKAPI_ /* as the SDK: winsock.h after winsock2.h adds nothing */

#include "wsp/winsock_host.h"

#if defined(__has_include)
#  if __has_include(<windows.h>)
#    include <windows.h>
#  else
#    include "wsp/basetypes.h"
#  endif
#else
#  include "wsp/basetypes.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINSOCK_API_LINKAGE
#define WINSOCK_API_LINKAGE
#endif

/* ---- base types ----------------------------------------------------------------------- */
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef uint32_t u_long; /* 32 bits, as on Windows */
typedef UINT_PTR SOCKET;
typedef USHORT ADDRESS_FAMILY;
typedef unsigned int GROUP;
typedef HANDLE WSAEVENT, *LPWSAEVENT;
#ifndef WSP_HWND_DEFINED
#define WSP_HWND_DEFINED
typedef struct HWND__ *HWND;
#endif
#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    uint32_t Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID;
#endif
typedef GUID *LPGUID;
#ifndef WSP_WINDOWS_H
/* windows.h (the shim's Win32 half) defines OVERLAPPED; this is the same shape. */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;
#endif
typedef struct _OVERLAPPED WSAOVERLAPPED, *LPWSAOVERLAPPED;

#ifndef MAKEWORD
#define MAKEWORD(a, b) ((WORD)(((BYTE)((DWORD_PTR)(a) & 0xff)) | ((WORD)((BYTE)((DWORD_PTR)(b) & 0xff))) << 8))
#endif
#ifndef LOBYTE
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#endif
#ifndef HIBYTE
#define HIBYTE(w) ((BYTE)(((DWORD_PTR)(w) >> 8) & 0xff))
#endif
#ifndef LOWORD
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#endif
#ifndef HIWORD
#define HIWORD(l) ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#endif

#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)

/* ---- fd_set and select ------------------------------------------------------------------ */
typedef struct fd_set {
    u_int fd_count;
    SOCKET fd_array[FD_SETSIZE];
} fd_set, FD_SET, *PFD_SET, *LPFD_SET;

WINSOCK_API_LINKAGE int WSAAPI wsp___WSAFDIsSet(SOCKET fd, fd_set *set);
#define __WSAFDIsSet wsp___WSAFDIsSet

#define FD_CLR(fd, set)                                                                  \
    do {                                                                                 \
        u_int wsp_i_;                                                                    \
        for (wsp_i_ = 0; wsp_i_ < ((fd_set *)(set))->fd_count; wsp_i_++) {               \
            if (((fd_set *)(set))->fd_array[wsp_i_] == (SOCKET)(fd)) {                   \
                while (wsp_i_ + 1 < ((fd_set *)(set))->fd_count) {                       \
                    ((fd_set *)(set))->fd_array[wsp_i_] =                                \
                        ((fd_set *)(set))->fd_array[wsp_i_ + 1];                         \
                    wsp_i_++;                                                            \
                }                                                                        \
                ((fd_set *)(set))->fd_count--;                                           \
                break;                                                                   \
            }                                                                            \
        }                                                                                \
    } while (0)

#define FD_SET(fd, set)                                                                  \
    do {                                                                                 \
        u_int wsp_i_;                                                                    \
        for (wsp_i_ = 0; wsp_i_ < ((fd_set *)(set))->fd_count; wsp_i_++) {               \
            if (((fd_set *)(set))->fd_array[wsp_i_] == (SOCKET)(fd))                     \
                break;                                                                   \
        }                                                                                \
        if (wsp_i_ == ((fd_set *)(set))->fd_count && wsp_i_ < FD_SETSIZE) {              \
            ((fd_set *)(set))->fd_array[wsp_i_] = (SOCKET)(fd);                          \
            ((fd_set *)(set))->fd_count++;                                               \
        }                                                                                \
    } while (0)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)
#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))

struct timeval {
    LONG tv_sec;
    LONG tv_usec;
};
typedef struct timeval TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

/* ---- ioctls ----------------------------------------------------------------------------- */
#define IOCPARM_MASK 0x7f
#define IOC_VOID 0x20000000
#define IOC_OUT 0x40000000
#define IOC_IN 0x80000000
#define IOC_INOUT (IOC_IN | IOC_OUT)
#define _IO(x, y) (IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t) (IOC_OUT | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t) (IOC_IN | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define FIONREAD _IOR('f', 127, u_long)
#define FIONBIO _IOW('f', 126, u_long)
#define FIOASYNC _IOW('f', 125, u_long)
#define SIOCSHIWAT _IOW('s', 0, u_long)
#define SIOCGHIWAT _IOR('s', 1, u_long)
#define SIOCSLOWAT _IOW('s', 2, u_long)
#define SIOCGLOWAT _IOR('s', 3, u_long)
#define SIOCATMARK _IOR('s', 7, u_long)

#define IOC_UNIX 0x00000000
#define IOC_WS2 0x08000000
#define IOC_PROTOCOL 0x10000000
#define IOC_VENDOR 0x18000000
#define _WSAIO(x, y) (IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (IOC_INOUT | (x) | (y))
#define SIO_ASSOCIATE_HANDLE _WSAIOW(IOC_WS2, 1)
#define SIO_ENABLE_CIRCULAR_QUEUEING _WSAIO(IOC_WS2, 2)
#define SIO_FIND_ROUTE _WSAIOR(IOC_WS2, 3)
#define SIO_FLUSH _WSAIO(IOC_WS2, 4)
#define SIO_GET_BROADCAST_ADDRESS _WSAIOR(IOC_WS2, 5)
#define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)
#define SIO_GET_QOS _WSAIORW(IOC_WS2, 7)
#define SIO_GET_GROUP_QOS _WSAIORW(IOC_WS2, 8)
#define SIO_MULTIPOINT_LOOPBACK _WSAIOW(IOC_WS2, 9)
#define SIO_MULTICAST_SCOPE _WSAIOW(IOC_WS2, 10)
#define SIO_SET_QOS _WSAIOW(IOC_WS2, 11)
#define SIO_SET_GROUP_QOS _WSAIOW(IOC_WS2, 12)
#define SIO_TRANSLATE_HANDLE _WSAIORW(IOC_WS2, 13)
#define SIO_ROUTING_INTERFACE_QUERY _WSAIORW(IOC_WS2, 20)
#define SIO_ROUTING_INTERFACE_CHANGE _WSAIOW(IOC_WS2, 21)
#define SIO_ADDRESS_LIST_QUERY _WSAIOR(IOC_WS2, 22)
#define SIO_ADDRESS_LIST_CHANGE _WSAIO(IOC_WS2, 23)
#define SIO_QUERY_TARGET_PNP_HANDLE _WSAIOR(IOC_WS2, 24)
#define SIO_ADDRESS_LIST_SORT _WSAIORW(IOC_WS2, 25)
#define SIO_RESERVED_1 _WSAIOW(IOC_WS2, 26)
#define SIO_RESERVED_2 _WSAIOW(IOC_WS2, 33)
/* Ideal send backlog (the idealsendbacklogquery/notify helpers are in ws2tcpip.h). */
#define SIO_IDEAL_SEND_BACKLOG_QUERY _IOR('t', 123, ULONG)
#define SIO_IDEAL_SEND_BACKLOG_CHANGE _IO('t', 122)

/* ---- addresses -------------------------------------------------------------------------- */
struct in_addr {
    union {
        struct { u_char s_b1, s_b2, s_b3, s_b4; } S_un_b;
        struct { u_short s_w1, s_w2; } S_un_w;
        u_long S_addr;
    } S_un;
};
typedef struct in_addr IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr
#define s_host S_un.S_un_b.s_b2
#define s_net S_un.S_un_b.s_b1
#define s_imp S_un.S_un_w.s_w2
#define s_impno S_un.S_un_b.s_b4
#define s_lh S_un.S_un_b.s_b3

struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR sa_data[14];
};
typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
};
typedef struct sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
};
typedef struct in6_addr IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define in_addr6 in6_addr
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    ULONG sin6_scope_id;
};
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef struct sockaddr_in6 SOCKADDR_IN6_LH, *PSOCKADDR_IN6_LH;

#define _SS_MAXSIZE 128
#define _SS_ALIGNSIZE (sizeof(int64_t))
#define _SS_PAD1SIZE (_SS_ALIGNSIZE - sizeof(USHORT))
#define _SS_PAD2SIZE (_SS_MAXSIZE - (sizeof(USHORT) + _SS_PAD1SIZE + _SS_ALIGNSIZE))
struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[_SS_PAD1SIZE];
    int64_t __ss_align;
    CHAR __ss_pad2[_SS_PAD2SIZE];
};
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

/* SOCKET_ADDRESS (ws2def.h on Windows) and SOCKET_ADDRESS_LIST (SIO_ADDRESS_LIST_QUERY,
 * SIO_ADDRESS_LIST_SORT). */
typedef struct _SOCKET_ADDRESS {
    LPSOCKADDR lpSockaddr;
    INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;
typedef struct _SOCKET_ADDRESS_LIST {
    INT iAddressCount;
    SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;
#define SIZEOF_SOCKET_ADDRESS_LIST(AddressCount)                                             \
    (offsetof(SOCKET_ADDRESS_LIST, Address) + (AddressCount) * sizeof(SOCKET_ADDRESS))

struct linger {
    u_short l_onoff;
    u_short l_linger;
};
typedef struct linger LINGER, *PLINGER, *LPLINGER;

struct hostent {
    char *h_name;
    char **h_aliases;
    short h_addrtype;
    short h_length;
    char **h_addr_list;
#define h_addr h_addr_list[0]
};
typedef struct hostent HOSTENT, *PHOSTENT, *LPHOSTENT;

struct servent {
    char *s_name;
    char **s_aliases;
    char *s_proto; /* x64 order: s_proto before s_port */
    short s_port;
};
typedef struct servent SERVENT, *PSERVENT, *LPSERVENT;

struct protoent {
    char *p_name;
    char **p_aliases;
    short p_proto;
};
typedef struct protoent PROTOENT, *PPROTOENT, *LPPROTOENT;

/* ---- constants -------------------------------------------------------------------------- */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_IMPLINK 3
#define AF_PUP 4
#define AF_CHAOS 5
#define AF_NS 6
#define AF_IPX AF_NS
#define AF_ISO 7
#define AF_OSI AF_ISO
#define AF_ECMA 8
#define AF_DATAKIT 9
#define AF_CCITT 10
#define AF_SNA 11
#define AF_DECnet 12
#define AF_DLI 13
#define AF_LAT 14
#define AF_HYLINK 15
#define AF_APPLETALK 16
#define AF_NETBIOS 17
#define AF_VOICEVIEW 18
#define AF_FIREFOX 19
#define AF_UNKNOWN1 20
#define AF_BAN 21
#define AF_ATM 22
#define AF_INET6 23
#define AF_CLUSTER 24
#define AF_12844 25
#define AF_IRDA 26
#define AF_NETDES 28
#define AF_MAX 35
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_MAX AF_MAX

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5

#define IPPROTO_IP 0
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_GGP 3
#define IPPROTO_IPV4 4
#define IPPROTO_TCP 6
#define IPPROTO_PUP 12
#define IPPROTO_UDP 17
#define IPPROTO_IDP 22
#define IPPROTO_IPV6 41
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ESP 50
#define IPPROTO_AH 51
#define IPPROTO_ICMPV6 58
#define IPPROTO_NONE 59
#define IPPROTO_DSTOPTS 60
#define IPPROTO_ND 77
#define IPPROTO_RAW 255
#define IPPROTO_MAX 256

#define IPPORT_RESERVED 1024
#define INADDR_ANY ((ULONG)0x00000000)
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST ((ULONG)0xffffffff)
#define INADDR_NONE 0xffffffff
#define ADDR_ANY INADDR_ANY

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_WAITALL 0x8
#define MSG_INTERRUPT 0x10
#define MSG_PUSH_IMMEDIATE 0x20
#define MSG_PARTIAL 0x8000
#define MSG_MAXIOVLEN 16

#define SOL_SOCKET 0xffff
#define SO_DEBUG 0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_DONTROUTE 0x0010
#define SO_BROADCAST 0x0020
#define SO_USELOOPBACK 0x0040
#define SO_LINGER 0x0080
#define SO_OOBINLINE 0x0100
#define SO_DONTLINGER ((int)(~SO_LINGER))
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008
#define SO_BSP_STATE 0x1009
#define SO_GROUP_ID 0x2001
#define SO_GROUP_PRIORITY 0x2002
#define SO_MAX_MSG_SIZE 0x2003
#define SO_PROTOCOL_INFOA 0x2004
#define SO_PROTOCOL_INFOW 0x2005
#define SO_CONDITIONAL_ACCEPT 0x3002
#define SO_PAUSE_ACCEPT 0x3003
#ifdef UNICODE
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOW
#else
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOA
#endif
#define PVD_CONFIG 0x3001
#define TCP_NODELAY 0x0001

#define SOMAXCONN 0x7fffffff
#define SOMAXCONN_HINT(b) (-(b))

#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

#define WSAMAKEASYNCREPLY(buflen, error) ((LONG)(((WORD)(buflen)) | (((DWORD)(WORD)(error)) << 16)))
#define WSAMAKESELECTREPLY(event, error) ((LONG)(((WORD)(event)) | (((DWORD)(WORD)(error)) << 16)))
#define WSAGETASYNCBUFLEN(lParam) ((WORD)((DWORD_PTR)(lParam) & 0xffff))
#define WSAGETASYNCERROR(lParam) ((WORD)(((DWORD_PTR)(lParam) >> 16) & 0xffff))
#define WSAGETSELECTEVENT(lParam) ((WORD)((DWORD_PTR)(lParam) & 0xffff))
#define WSAGETSELECTERROR(lParam) ((WORD)(((DWORD_PTR)(lParam) >> 16) & 0xffff))

/* ---- errors ----------------------------------------------------------------------------- */
#define WSABASEERR 10000
#define WSAEINTR 10004L
#define WSAEBADF 10009L
#define WSAEACCES 10013L
#define WSAEFAULT 10014L
#define WSAEINVAL 10022L
#define WSAEMFILE 10024L
#define WSAEWOULDBLOCK 10035L
#define WSAEINPROGRESS 10036L
#define WSAEALREADY 10037L
#define WSAENOTSOCK 10038L
#define WSAEDESTADDRREQ 10039L
#define WSAEMSGSIZE 10040L
#define WSAEPROTOTYPE 10041L
#define WSAENOPROTOOPT 10042L
#define WSAEPROTONOSUPPORT 10043L
#define WSAESOCKTNOSUPPORT 10044L
#define WSAEOPNOTSUPP 10045L
#define WSAEPFNOSUPPORT 10046L
#define WSAEAFNOSUPPORT 10047L
#define WSAEADDRINUSE 10048L
#define WSAEADDRNOTAVAIL 10049L
#define WSAENETDOWN 10050L
#define WSAENETUNREACH 10051L
#define WSAENETRESET 10052L
#define WSAECONNABORTED 10053L
#define WSAECONNRESET 10054L
#define WSAENOBUFS 10055L
#define WSAEISCONN 10056L
#define WSAENOTCONN 10057L
#define WSAESHUTDOWN 10058L
#define WSAETOOMANYREFS 10059L
#define WSAETIMEDOUT 10060L
#define WSAECONNREFUSED 10061L
#define WSAELOOP 10062L
#define WSAENAMETOOLONG 10063L
#define WSAEHOSTDOWN 10064L
#define WSAEHOSTUNREACH 10065L
#define WSAENOTEMPTY 10066L
#define WSAEPROCLIM 10067L
#define WSAEUSERS 10068L
#define WSAEDQUOT 10069L
#define WSAESTALE 10070L
#define WSAEREMOTE 10071L
#define WSASYSNOTREADY 10091L
#define WSAVERNOTSUPPORTED 10092L
#define WSANOTINITIALISED 10093L
#define WSAEDISCON 10101L
#define WSAENOMORE 10102L
#define WSAECANCELLED 10103L
#define WSAEINVALIDPROCTABLE 10104L
#define WSAEINVALIDPROVIDER 10105L
#define WSAEPROVIDERFAILEDINIT 10106L
#define WSASYSCALLFAILURE 10107L
#define WSASERVICE_NOT_FOUND 10108L
#define WSATYPE_NOT_FOUND 10109L
#define WSA_E_NO_MORE 10110L
#define WSA_E_CANCELLED 10111L
#define WSAEREFUSED 10112L
#define WSAHOST_NOT_FOUND 11001L
#define WSATRY_AGAIN 11002L
#define WSANO_RECOVERY 11003L
#define WSANO_DATA 11004L
#define WSANO_ADDRESS WSANO_DATA
#define HOST_NOT_FOUND WSAHOST_NOT_FOUND
#define TRY_AGAIN WSATRY_AGAIN
#define NO_RECOVERY WSANO_RECOVERY
#define NO_DATA WSANO_DATA
#define NO_ADDRESS WSANO_ADDRESS
#define h_errno WSAGetLastError()

#define WSA_IO_PENDING 997L
#define WSA_IO_INCOMPLETE 996L
#define WSA_INVALID_HANDLE 6L
#define WSA_INVALID_PARAMETER 87L
#define WSA_NOT_ENOUGH_MEMORY 8L
#define WSA_OPERATION_ABORTED 995L
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS 64
#define WSA_WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define WSA_WAIT_EVENT_0 ((DWORD)0)
#define WSA_WAIT_IO_COMPLETION ((DWORD)0xC0)
#define WSA_WAIT_TIMEOUT ((DWORD)258)
#define WSA_INFINITE ((DWORD)0xFFFFFFFF)

/* ---- Winsock 2 structures --------------------------------------------------------------- */
typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets; /* x64 order: these three before the strings */
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

typedef struct _WSABUF {
    ULONG len;
    CHAR *buf;
} WSABUF, *LPWSABUF;

/* WSAMSG and control-message headers (ws2def.h on Windows), for WSARecvMsg/WSASendMsg.
 * Alignment is Windows x64's: WSACMSGHDR is 16 bytes, headers align to 8
 * (TYPE_ALIGNMENT(WSACMSGHDR)) and data to 8 (MAX_NATURAL_ALIGNMENT). */
typedef struct _WSAMSG {
    LPSOCKADDR name;
    INT namelen;
    LPWSABUF lpBuffers;
    ULONG dwBufferCount;
    WSABUF Control;
    ULONG dwFlags;
} WSAMSG, *PWSAMSG, *LPWSAMSG;

typedef struct _WSACMSGHDR {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
    /* followed by UCHAR cmsg_data[] */
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR;
typedef WSACMSGHDR CMSGHDR, *PCMSGHDR;

#define WSA_CMSGHDR_ALIGN(length) (((length) + 8 - 1) & ~((SIZE_T)8 - 1))
#define WSA_CMSGDATA_ALIGN(length) (((length) + 8 - 1) & ~((SIZE_T)8 - 1))
#define WSA_CMSG_FIRSTHDR(msg)                                                               \
    (((msg)->Control.len >= sizeof(WSACMSGHDR)) ? (LPWSACMSGHDR)(void *)(msg)->Control.buf     \
                                                : (LPWSACMSGHDR)NULL)
#define WSA_CMSG_NXTHDR(msg, cmsg)                                                           \
    (((cmsg) == NULL)                                                                        \
         ? WSA_CMSG_FIRSTHDR(msg)                                                            \
         : ((((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) + sizeof(WSACMSGHDR)) >    \
             (PUCHAR)((msg)->Control.buf) + (msg)->Control.len)                              \
                ? (LPWSACMSGHDR)NULL                                                         \
                : (LPWSACMSGHDR)(void *)((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len))))
#define WSA_CMSG_DATA(cmsg) ((PUCHAR)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))
#ifndef CMSG_FIRSTHDR
#define CMSGHDR_ALIGN WSA_CMSGHDR_ALIGN
#define CMSGDATA_ALIGN WSA_CMSGDATA_ALIGN
#define CMSG_FIRSTHDR WSA_CMSG_FIRSTHDR
#define CMSG_NXTHDR WSA_CMSG_NXTHDR
#define CMSG_DATA WSA_CMSG_DATA
#define CMSG_SPACE WSA_CMSG_SPACE
#define CMSG_LEN WSA_CMSG_LEN
#endif

/* WSAMSG.dwFlags bits reported by WSARecvMsg. */
#define MSG_TRUNC 0x0100
#define MSG_CTRUNC 0x0200
#define MSG_BCAST 0x0400
#define MSG_MCAST 0x0800
#define MSG_ERRQUEUE 0x1000

typedef ULONG SERVICETYPE;
typedef struct _flowspec {
    ULONG TokenRate;
    ULONG TokenBucketSize;
    ULONG PeakBandwidth;
    ULONG Latency;
    ULONG DelayVariation;
    SERVICETYPE ServiceType;
    ULONG MaxSduSize;
    ULONG MinimumPolicedSize;
} FLOWSPEC, *PFLOWSPEC, *LPFLOWSPEC;
typedef struct _QualityOfService {
    FLOWSPEC SendingFlowspec;
    FLOWSPEC ReceivingFlowspec;
    WSABUF ProviderSpecific;
} QOS, *LPQOS;

typedef struct _WSANETWORKEVENTS {
    LONG lNetworkEvents;
    int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL 1
#define LAYERED_PROTOCOL 0
typedef struct _WSAPROTOCOLCHAIN {
    int ChainLen;
    DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

#define WSAPROTOCOL_LEN 255
typedef struct _WSAPROTOCOL_INFOA {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;
typedef struct _WSAPROTOCOL_INFOW {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;
#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

#define PFL_MULTIPLE_PROTO_ENTRIES 0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN 0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO 0x00000008
#define PFL_NETWORKDIRECT_PROVIDER 0x00000010
#define XP1_CONNECTIONLESS 0x00000001
#define XP1_GUARANTEED_DELIVERY 0x00000002
#define XP1_GUARANTEED_ORDER 0x00000004
#define XP1_MESSAGE_ORIENTED 0x00000008
#define XP1_PSEUDO_STREAM 0x00000010
#define XP1_GRACEFUL_CLOSE 0x00000020
#define XP1_EXPEDITED_DATA 0x00000040
#define XP1_CONNECT_DATA 0x00000080
#define XP1_DISCONNECT_DATA 0x00000100
#define XP1_SUPPORT_BROADCAST 0x00000200
#define XP1_SUPPORT_MULTIPOINT 0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE 0x00001000
#define XP1_QOS_SUPPORTED 0x00002000
#define XP1_INTERRUPT 0x00004000
#define XP1_UNI_SEND 0x00008000
#define XP1_UNI_RECV 0x00010000
#define XP1_IFS_HANDLES 0x00020000
#define XP1_PARTIAL_MESSAGE 0x00040000
#define XP1_SAN_SUPPORT_SDP 0x00080000
#define BIGENDIAN 0x0000
#define LITTLEENDIAN 0x0001
#define SECURITY_PROTOCOL_NONE 0x0000
#define FROM_PROTOCOL_INFO (-1)

#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT 0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF 0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT 0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF 0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#define WSA_FLAG_REGISTERED_IO 0x100

#define JL_SENDER_ONLY 0x01
#define JL_RECEIVER_ONLY 0x02
#define JL_BOTH 0x04
#define SG_UNCONSTRAINED_GROUP 0x01
#define SG_CONSTRAINED_GROUP 0x02
#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002

typedef int(CALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS,
                                      LPQOS lpGQOS, LPWSABUF lpCalleeId, LPWSABUF lpCalleeData,
                                      GROUP *g, DWORD_PTR dwCallbackData);
typedef void(CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                          LPWSAOVERLAPPED lpOverlapped,
                                                          DWORD dwFlags);

typedef struct pollfd {
    SOCKET fd;
    short events;
    short revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;
#undef POLLRDNORM
#undef POLLRDBAND
#undef POLLIN
#undef POLLPRI
#undef POLLWRNORM
#undef POLLOUT
#undef POLLWRBAND
#undef POLLERR
#undef POLLHUP
#undef POLLNVAL
#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN (POLLRDNORM | POLLRDBAND)
#define POLLPRI 0x0400
#define POLLWRNORM 0x0010
#define POLLOUT (POLLWRNORM)
#define POLLWRBAND 0x0020
#define POLLERR 0x0001
#define POLLHUP 0x0002
#define POLLNVAL 0x0004

/* ---- functions: Winsock names map onto the shim's exports --------------------------------- */
#define WSAStartup wsp_WSAStartup
#define WSACleanup wsp_WSACleanup
#define WSAGetLastError wsp_WSAGetLastError
#define WSASetLastError wsp_WSASetLastError
#define socket wsp_socket
#define WSASocketA wsp_WSASocketA
#define WSASocketW wsp_WSASocketW
#define closesocket wsp_closesocket
#define shutdown wsp_shutdown
#define bind wsp_bind
#define listen wsp_listen
#define accept wsp_accept
#define WSAAccept wsp_WSAAccept
#define connect wsp_connect
#define WSAConnect wsp_WSAConnect
#define WSAJoinLeaf wsp_WSAJoinLeaf
#define send wsp_send
#define recv wsp_recv
#define sendto wsp_sendto
#define recvfrom wsp_recvfrom
#define WSASend wsp_WSASend
#define WSARecv wsp_WSARecv
#define WSASendTo wsp_WSASendTo
#define WSARecvFrom wsp_WSARecvFrom
#define WSASendDisconnect wsp_WSASendDisconnect
#define WSARecvDisconnect wsp_WSARecvDisconnect
#define WSAGetOverlappedResult wsp_WSAGetOverlappedResult
#define select wsp_select
#define WSAPoll wsp_WSAPoll
#define ioctlsocket wsp_ioctlsocket
#define WSAIoctl wsp_WSAIoctl
#define getsockopt wsp_getsockopt
#define setsockopt wsp_setsockopt
#define getsockname wsp_getsockname
#define getpeername wsp_getpeername
#define WSACreateEvent wsp_WSACreateEvent
#define WSACloseEvent wsp_WSACloseEvent
#define WSASetEvent wsp_WSASetEvent
#define WSAResetEvent wsp_WSAResetEvent
#define WSAWaitForMultipleEvents wsp_WSAWaitForMultipleEvents
#define WSAEventSelect wsp_WSAEventSelect
#define WSAEnumNetworkEvents wsp_WSAEnumNetworkEvents
#define WSAAsyncSelect wsp_WSAAsyncSelect
#define WSACancelBlockingCall wsp_WSACancelBlockingCall
#define WSAGetQOSByName wsp_WSAGetQOSByName
#define WSADuplicateSocketA wsp_WSADuplicateSocketA
#define WSADuplicateSocketW wsp_WSADuplicateSocketW
#define WSAEnumProtocolsA wsp_WSAEnumProtocolsA
#define WSAEnumProtocolsW wsp_WSAEnumProtocolsW
#define WSAAddressToStringA wsp_WSAAddressToStringA
#define WSAAddressToStringW wsp_WSAAddressToStringW
#define WSAStringToAddressA wsp_WSAStringToAddressA
#define WSAStringToAddressW wsp_WSAStringToAddressW
#define htons wsp_htons
#define htonl wsp_htonl
#define ntohs wsp_ntohs
#define ntohl wsp_ntohl
#define inet_addr wsp_inet_addr
#define inet_ntoa wsp_inet_ntoa
#define gethostbyname wsp_gethostbyname
#define gethostname wsp_gethostname
#define getservbyname wsp_getservbyname
#define WSAConnectByNameA wsp_WSAConnectByNameA
#define WSAConnectByNameW wsp_WSAConnectByNameW
#define WSAConnectByList wsp_WSAConnectByList

#ifdef UNICODE
#define WSASocket WSASocketW
#define WSADuplicateSocket WSADuplicateSocketW
#define WSAEnumProtocols WSAEnumProtocolsW
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#define WSAConnectByName WSAConnectByNameW
#else
#define WSASocket WSASocketA
#define WSADuplicateSocket WSADuplicateSocketA
#define WSAEnumProtocols WSAEnumProtocolsA
#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA
#define WSAConnectByName WSAConnectByNameA
#endif

WINSOCK_API_LINKAGE int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
WINSOCK_API_LINKAGE int WSAAPI WSACleanup(void);
WINSOCK_API_LINKAGE int WSAAPI WSAGetLastError(void);
WINSOCK_API_LINKAGE void WSAAPI WSASetLastError(int iError);
WINSOCK_API_LINKAGE SOCKET WSAAPI socket(int af, int type, int protocol);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSASocketA(int af, int type, int protocol,
                                             LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                                             DWORD dwFlags);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSASocketW(int af, int type, int protocol,
                                             LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                                             DWORD dwFlags);
WINSOCK_API_LINKAGE int WSAAPI closesocket(SOCKET s);
WINSOCK_API_LINKAGE int WSAAPI shutdown(SOCKET s, int how);
WINSOCK_API_LINKAGE int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen);
WINSOCK_API_LINKAGE int WSAAPI listen(SOCKET s, int backlog);
WINSOCK_API_LINKAGE SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                            LPCONDITIONPROC lpfnCondition,
                                            DWORD_PTR dwCallbackData);
WINSOCK_API_LINKAGE int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen);
WINSOCK_API_LINKAGE int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen,
                                          LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                          LPQOS lpSQOS, LPQOS lpGQOS);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr *name,
                                              int namelen, LPWSABUF lpCallerData,
                                              LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                              LPQOS lpGQOS, DWORD dwFlags);
WINSOCK_API_LINKAGE int WSAAPI send(SOCKET s, const char *buf, int len, int flags);
WINSOCK_API_LINKAGE int WSAAPI recv(SOCKET s, char *buf, int len, int flags);
WINSOCK_API_LINKAGE int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags,
                                      const struct sockaddr *to, int tolen);
WINSOCK_API_LINKAGE int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags,
                                        struct sockaddr *from, int *fromlen);
WINSOCK_API_LINKAGE int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                       LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                       LPWSAOVERLAPPED lpOverlapped,
                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                       LPWSAOVERLAPPED lpOverlapped,
                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                         LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                         const struct sockaddr *lpTo, int iTolen,
                                         LPWSAOVERLAPPED lpOverlapped,
                                         LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                           LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                           struct sockaddr *lpFrom, LPINT lpFromlen,
                                           LPWSAOVERLAPPED lpOverlapped,
                                           LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData);
WINSOCK_API_LINKAGE int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                       LPDWORD lpcbTransfer, BOOL fWait,
                                                       LPDWORD lpdwFlags);
WINSOCK_API_LINKAGE int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds,
                                      fd_set *exceptfds, const struct timeval *timeout);
WINSOCK_API_LINKAGE int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout);
WINSOCK_API_LINKAGE int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp);
WINSOCK_API_LINKAGE int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                        DWORD cbInBuffer, LPVOID lpvOutBuffer,
                                        DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                                        LPWSAOVERLAPPED lpOverlapped,
                                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval,
                                          int *optlen);
WINSOCK_API_LINKAGE int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval,
                                          int optlen);
WINSOCK_API_LINKAGE int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen);
WINSOCK_API_LINKAGE int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen);
WINSOCK_API_LINKAGE WSAEVENT WSAAPI WSACreateEvent(void);
WINSOCK_API_LINKAGE BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT *lphEvents,
                                                         BOOL fWaitAll, DWORD dwTimeout,
                                                         BOOL fAlertable);
WINSOCK_API_LINKAGE int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                                    LPWSANETWORKEVENTS lpNetworkEvents);
WINSOCK_API_LINKAGE int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);
WINSOCK_API_LINKAGE int WSAAPI WSACancelBlockingCall(void);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS);
WINSOCK_API_LINKAGE int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo);
WINSOCK_API_LINKAGE int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols,
                                                 LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                                                 LPDWORD lpdwBufferLength);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols,
                                                 LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                                 LPDWORD lpdwBufferLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                                   LPSTR lpszAddressString,
                                                   LPDWORD lpdwAddressStringLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                   LPWSTR lpszAddressString,
                                                   LPDWORD lpdwAddressStringLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                                   LPSOCKADDR lpAddress, LPINT lpAddressLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                   LPSOCKADDR lpAddress, LPINT lpAddressLength);
WINSOCK_API_LINKAGE u_short WSAAPI htons(u_short hostshort);
WINSOCK_API_LINKAGE u_long WSAAPI htonl(u_long hostlong);
WINSOCK_API_LINKAGE u_short WSAAPI ntohs(u_short netshort);
WINSOCK_API_LINKAGE u_long WSAAPI ntohl(u_long netlong);
WINSOCK_API_LINKAGE u_long WSAAPI inet_addr(const char *cp);
WINSOCK_API_LINKAGE char *WSAAPI inet_ntoa(struct in_addr in);
WINSOCK_API_LINKAGE struct hostent *WSAAPI gethostbyname(const char *name);
WINSOCK_API_LINKAGE int WSAAPI gethostname(char *name, int namelen);
WINSOCK_API_LINKAGE struct servent *WSAAPI getservbyname(const char *name, const char *proto);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename,
                                                 LPDWORD LocalAddressLength,
                                                 LPSOCKADDR LocalAddress,
                                                 LPDWORD RemoteAddressLength,
                                                 LPSOCKADDR RemoteAddress,
                                                 const struct timeval *timeout,
                                                 LPWSAOVERLAPPED Reserved);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                                                 LPDWORD LocalAddressLength,
                                                 LPSOCKADDR LocalAddress,
                                                 LPDWORD RemoteAddressLength,
                                                 LPSOCKADDR RemoteAddress,
                                                 const struct timeval *timeout,
                                                 LPWSAOVERLAPPED Reserved);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddress,
                                                LPDWORD LocalAddressLength,
                                                LPSOCKADDR LocalAddress,
                                                LPDWORD RemoteAddressLength,
                                                LPSOCKADDR RemoteAddress,
                                                const struct timeval *timeout,
                                                LPWSAOVERLAPPED Reserved);

#ifdef __cplusplus
}
#endif

/* Sockets used as Win32 HANDLEs: GetOverlappedResult, CancelIo(Ex),
 * SetFileCompletionNotificationModes, HasOverlappedIoCompleted. */
#include "wsp/socket_handles.h"

#endif /* _WINSOCK2API_ */
