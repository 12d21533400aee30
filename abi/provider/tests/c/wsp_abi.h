/* wsp_abi.h: the ws2spi.h types the wsp provider exports, for C hosts on Linux, macOS
 * and (with the real headers absent) anywhere else. Hand-written from the Windows SDK
 * declarations; the _Static_asserts pin the Windows x64 layout that abi/provider/src/abi.rs
 * also asserts on the Rust side.
 *
 * Windows' DWORD/long are 32 bits everywhere; SOCKET, HANDLE, HWND, WPARAM and DWORD_PTR
 * are pointer-sized. On Windows itself WSPAPI is __stdcall (the same as the C convention
 * on x64); elsewhere it is the C convention. */
#ifndef WSP_ABI_H
#define WSP_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#define WSPAPI __stdcall
#else
#define WSPAPI
#endif

typedef int32_t INT;
typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef uint16_t WORD;
typedef uintptr_t SOCKET;
typedef uintptr_t HANDLE;
typedef uintptr_t HWND;
typedef uintptr_t WPARAM;
typedef intptr_t LPARAM;
typedef uintptr_t DWORD_PTR;
typedef uint32_t GROUP;
typedef uint16_t WCHAR;

#define INVALID_SOCKET ((SOCKET)~(SOCKET)0)
#define SOCKET_ERROR (-1)
#define FD_SETSIZE 64

#define AF_INET 2
#define AF_INET6 23
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define FD_READ 0x01
#define FD_WRITE 0x02
#define FD_ACCEPT 0x08
#define FD_CLOSE 0x20
#define FIONREAD 0x4004667f

#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_IO_PENDING 997
#define WSA_IO_INCOMPLETE 996
#define STATUS_PENDING 0x103
#define SIO_GET_EXTENSION_FUNCTION_POINTER 0xc8000006u

#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAENOTSOCK 10038
#define WSAENOBUFS 10055
#define WSANOTINITIALISED 10093

typedef struct { uint32_t Data1; uint16_t Data2, Data3; uint8_t Data4[8]; } GUID;
typedef struct { INT ChainLen; DWORD ChainEntries[7]; } WSAPROTOCOLCHAIN;
typedef struct {
    DWORD dwServiceFlags1, dwServiceFlags2, dwServiceFlags3, dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    INT iVersion, iAddressFamily, iMaxSockAddr, iMinSockAddr, iSocketType, iProtocol;
    INT iProtocolMaxOffset, iNetworkByteOrder, iSecurityScheme;
    DWORD dwMessageSize, dwProviderReserved;
    WCHAR szProtocol[256];
} WSAPROTOCOL_INFOW;
typedef struct { WORD wVersion, wHighVersion; WCHAR szDescription[256]; } WSPDATA; /* WSPDESCRIPTION_LEN + 1 */
typedef struct { DWORD len; char *buf; } WSABUF;
typedef struct { uintptr_t Internal, InternalHigh; DWORD Offset, OffsetHigh; HANDLE hEvent; } WSAOVERLAPPED;
typedef struct { uint32_t fd_count; SOCKET fd_array[FD_SETSIZE]; } fd_set_w;
typedef struct { int32_t tv_sec, tv_usec; } TIMEVAL;
typedef struct { DWORD r[8]; } FLOWSPEC;
typedef struct { FLOWSPEC SendingFlowspec, ReceivingFlowspec; WSABUF ProviderSpecific; } QOS;
typedef struct { uint16_t sa_family; uint8_t sa_data[14]; } SOCKADDR;
typedef struct { uint16_t sin_family; uint16_t sin_port; uint8_t sin_addr[4]; uint8_t sin_zero[8]; } SOCKADDR_IN;
typedef struct { INT lNetworkEvents; INT iErrorCode[10]; } WSANETWORKEVENTS;
typedef struct { HANDLE ThreadHandle; DWORD_PTR Reserved; } WSATHREADID;

typedef void *WSPFN; /* entries this host never calls are declared opaque */
typedef SOCKET (WSPAPI *LPWSPACCEPT)(SOCKET, SOCKADDR *, INT *, void *, DWORD_PTR, INT *);
typedef INT (WSPAPI *LPWSPBIND)(SOCKET, const SOCKADDR *, INT, INT *);
typedef INT (WSPAPI *LPWSPCLEANUP)(INT *);
typedef INT (WSPAPI *LPWSPCLOSESOCKET)(SOCKET, INT *);
typedef INT (WSPAPI *LPWSPCONNECT)(SOCKET, const SOCKADDR *, INT, WSABUF *, WSABUF *, QOS *, QOS *, INT *);
typedef INT (WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET, HANDLE, WSANETWORKEVENTS *, INT *);
typedef INT (WSPAPI *LPWSPEVENTSELECT)(SOCKET, HANDLE, INT, INT *);
typedef INT (WSPAPI *LPWSPGETSOCKNAME)(SOCKET, SOCKADDR *, INT *, INT *);
typedef INT (WSPAPI *LPWSPIOCTL)(SOCKET, DWORD, void *, DWORD, void *, DWORD, DWORD *, WSAOVERLAPPED *, void *, WSATHREADID *, INT *);
typedef INT (WSPAPI *LPWSPLISTEN)(SOCKET, INT, INT *);
typedef INT (WSPAPI *LPWSPRECV)(SOCKET, WSABUF *, DWORD, DWORD *, DWORD *, WSAOVERLAPPED *, void *, WSATHREADID *, INT *);
typedef INT (WSPAPI *LPWSPSELECT)(INT, fd_set_w *, fd_set_w *, fd_set_w *, const TIMEVAL *, INT *);
typedef INT (WSPAPI *LPWSPSEND)(SOCKET, WSABUF *, DWORD, DWORD *, DWORD, WSAOVERLAPPED *, void *, WSATHREADID *, INT *);
typedef INT (WSPAPI *LPWSPSHUTDOWN)(SOCKET, INT, INT *);
typedef SOCKET (WSPAPI *LPWSPSOCKET)(INT, INT, INT, WSAPROTOCOL_INFOW *, GROUP, DWORD, INT *);

typedef struct {
    LPWSPACCEPT lpWSPAccept;
    WSPFN lpWSPAddressToString, lpWSPAsyncSelect;
    LPWSPBIND lpWSPBind;
    WSPFN lpWSPCancelBlockingCall;
    LPWSPCLEANUP lpWSPCleanup;
    LPWSPCLOSESOCKET lpWSPCloseSocket;
    LPWSPCONNECT lpWSPConnect;
    WSPFN lpWSPDuplicateSocket;
    LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;
    LPWSPEVENTSELECT lpWSPEventSelect;
    BOOL (WSPAPI *lpWSPGetOverlappedResult)(SOCKET, WSAOVERLAPPED *, DWORD *, BOOL, DWORD *, INT *);
    WSPFN lpWSPGetPeerName;
    LPWSPGETSOCKNAME lpWSPGetSockName;
    WSPFN lpWSPGetSockOpt, lpWSPGetQOSByName;
    LPWSPIOCTL lpWSPIoctl;
    WSPFN lpWSPJoinLeaf;
    LPWSPLISTEN lpWSPListen;
    LPWSPRECV lpWSPRecv;
    WSPFN lpWSPRecvDisconnect, lpWSPRecvFrom;
    LPWSPSELECT lpWSPSelect;
    LPWSPSEND lpWSPSend;
    WSPFN lpWSPSendDisconnect, lpWSPSendTo, lpWSPSetSockOpt;
    LPWSPSHUTDOWN lpWSPShutdown;
    LPWSPSOCKET lpWSPSocket;
    WSPFN lpWSPStringToAddress;
} WSPPROC_TABLE;

typedef struct {
    BOOL (WSPAPI *lpWPUCloseEvent)(HANDLE, INT *);
    INT (WSPAPI *lpWPUCloseSocketHandle)(SOCKET, INT *);
    HANDLE (WSPAPI *lpWPUCreateEvent)(INT *);
    SOCKET (WSPAPI *lpWPUCreateSocketHandle)(DWORD, DWORD_PTR, INT *);
    INT (WSPAPI *lpWPUFDIsSet)(SOCKET, fd_set_w *);
    INT (WSPAPI *lpWPUGetProviderPath)(GUID *, WCHAR *, INT *, INT *);
    SOCKET (WSPAPI *lpWPUModifyIFSHandle)(DWORD, SOCKET, INT *);
    BOOL (WSPAPI *lpWPUPostMessage)(HWND, unsigned, WPARAM, LPARAM);
    INT (WSPAPI *lpWPUQueryBlockingCallback)(DWORD, void **, DWORD_PTR *, INT *);
    INT (WSPAPI *lpWPUQuerySocketHandleContext)(SOCKET, DWORD_PTR *, INT *);
    INT (WSPAPI *lpWPUQueueApc)(WSATHREADID *, void (WSPAPI *)(DWORD_PTR), DWORD_PTR, INT *);
    BOOL (WSPAPI *lpWPUResetEvent)(HANDLE, INT *);
    BOOL (WSPAPI *lpWPUSetEvent)(HANDLE, INT *);
    INT (WSPAPI *lpWPUOpenCurrentThread)(WSATHREADID *, INT *);
    INT (WSPAPI *lpWPUCloseThread)(WSATHREADID *, INT *);
} WSPUPCALLTABLE;

/* mswsock extension functions, as SIO_GET_EXTENSION_FUNCTION_POINTER hands them out. */
typedef BOOL (WSPAPI *LPFN_DISCONNECTEX)(SOCKET, WSAOVERLAPPED *, DWORD, DWORD);
typedef void (WSPAPI *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD, DWORD, WSAOVERLAPPED *, DWORD);

typedef INT (WSPAPI *LPWSPSTARTUP)(WORD, WSPDATA *, WSAPROTOCOL_INFOW *, WSPUPCALLTABLE, WSPPROC_TABLE *);
/* wsp's catalog export: WSCEnumProtocols-style sizing (see WSPEnumCatalog in the crate). */
typedef INT (WSPAPI *LPWSPENUMCATALOG)(WSAPROTOCOL_INFOW *, DWORD *, INT *);

#if UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(WSAPROTOCOL_INFOW) == 628, "WSAPROTOCOL_INFOW");
_Static_assert(offsetof(WSAPROTOCOL_INFOW, szProtocol) == 116, "szProtocol");
_Static_assert(sizeof(WSPDATA) == 516, "WSPDATA");
_Static_assert(sizeof(WSABUF) == 16, "WSABUF");
_Static_assert(sizeof(WSAOVERLAPPED) == 32, "WSAOVERLAPPED");
_Static_assert(sizeof(fd_set_w) == 520, "fd_set");
_Static_assert(sizeof(QOS) == 80, "QOS");
_Static_assert(sizeof(WSANETWORKEVENTS) == 44, "WSANETWORKEVENTS");
_Static_assert(sizeof(WSPPROC_TABLE) == 30 * 8, "WSPPROC_TABLE");
_Static_assert(offsetof(WSPPROC_TABLE, lpWSPSelect) == 22 * 8, "lpWSPSelect");
_Static_assert(sizeof(WSPUPCALLTABLE) == 15 * 8, "WSPUPCALLTABLE");
_Static_assert(offsetof(WSPUPCALLTABLE, lpWPUSetEvent) == 12 * 8, "lpWPUSetEvent");
#endif

#endif
