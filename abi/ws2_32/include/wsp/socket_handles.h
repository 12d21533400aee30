/* wsp/socket_handles.h: a SOCKET used as a Win32 HANDLE (included by winsock2.h).
 *
 * On Windows a socket of the base provider is a file handle, and programs pass it to the
 * file-I/O functions: GetOverlappedResult((HANDLE)s, ...), CancelIo((HANDLE)s),
 * CancelIoEx((HANDLE)s, ov), SetFileCompletionNotificationModes((HANDLE)s, ...). The shim
 * implements these for its sockets (exports wsp_GetOverlappedResult, ...). A handle that
 * is not a socket gives ERROR_INVALID_HANDLE.
 *
 * OVERLAPPED.Internal holds the request's NTSTATUS as on Windows: STATUS_PENDING (0x103)
 * while it is pending (HasOverlappedIoCompleted tests this), then STATUS_SUCCESS,
 * STATUS_CANCELLED, STATUS_CONNECTION_RESET, ...; InternalHigh holds the byte count.
 * WSAGetOverlappedResult still reports Winsock errors (WSA_OPERATION_ABORTED, ...), and
 * GetOverlappedResult the Win32 errors Windows derives from the NTSTATUS
 * (ERROR_OPERATION_ABORTED, ERROR_NETNAME_DELETED, ...).
 *
 * Every name is guarded, so windows.h may declare the same functions first. */
#ifndef WSP_SOCKET_HANDLES_H
#define WSP_SOCKET_HANDLES_H

#ifdef __cplusplus
extern "C" {
#endif

#ifndef STATUS_PENDING
#define STATUS_PENDING ((DWORD)0x00000103L)
#endif
#ifndef HasOverlappedIoCompleted
#define HasOverlappedIoCompleted(lpOverlapped) (((DWORD)(lpOverlapped)->Internal) != STATUS_PENDING)
#endif
#ifndef FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#endif
#ifndef FILE_SKIP_SET_EVENT_ON_HANDLE
#define FILE_SKIP_SET_EVENT_ON_HANDLE 0x2
#endif
#ifndef ERROR_NOT_FOUND
#define ERROR_NOT_FOUND 1168L
#endif

#ifndef GetOverlappedResult
#define GetOverlappedResult wsp_GetOverlappedResult
BOOL WINAPI wsp_GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                    LPDWORD lpNumberOfBytesTransferred, BOOL bWait);
#endif
#ifndef CancelIo
#define CancelIo wsp_CancelIo
BOOL WINAPI wsp_CancelIo(HANDLE hFile);
#endif
#ifndef CancelIoEx
#define CancelIoEx wsp_CancelIoEx
BOOL WINAPI wsp_CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
#endif
#ifndef SetFileCompletionNotificationModes
#define SetFileCompletionNotificationModes wsp_SetFileCompletionNotificationModes
BOOL WINAPI wsp_SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);
#endif

#ifdef __cplusplus
}
#endif

#endif /* WSP_SOCKET_HANDLES_H */
