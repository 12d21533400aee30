//! The C side of the SPI: `#[repr(C)]` mirrors of the `ws2spi.h`/`winsock2.h` structures
//! and function-pointer types, with Windows x64 layout.
//!
//! Windows' `long`/`u_long`/`DWORD` are 32 bits on every target; `SOCKET`, `HANDLE`,
//! `HWND`, `WPARAM`, `DWORD_PTR` are pointer-sized (here `usize`, `LPARAM` `isize`). So a
//! C program on Linux x86_64 that uses `unsigned int` for `DWORD` and `uintptr_t` for the
//! handles (as `tests/c/wsp_abi.h` does) sees the same layout as a Windows x64 program.
//! The sizes and offsets are pinned by the tests at the bottom of this file, and again on
//! the C side by `_Static_assert`s in `tests/c/wsp_abi.h`.
//!
//! Function pointers are `Option<unsafe extern "system" fn ...>`: a null entry is `None`.

#![allow(non_camel_case_types, non_snake_case)]

use wsp::types::FLOWSPEC;
pub use wsp::types::{GUID, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPROTOCOL_INFOW, WSPDATA};

/// `INT`/`int`.
pub type INT = i32;
/// `DWORD` (32 bits on Windows).
pub type DWORD = u32;
/// `BOOL`.
pub type BOOL = i32;
/// `WORD`.
pub type WORD = u16;
/// `HANDLE`, `WSAEVENT`: pointer-sized.
pub type HANDLE = usize;
/// `HWND`: pointer-sized.
pub type HWND = usize;
/// `WPARAM`.
pub type WPARAM = usize;
/// `LPARAM`.
pub type LPARAM = isize;
/// `DWORD_PTR`.
pub type DWORD_PTR = usize;
/// `GROUP`.
pub type GROUP = u32;

/// `FD_SETSIZE` as `winsock2.h` defines it by default.
pub const FD_SETSIZE: usize = 64;
/// `TRUE`.
pub const TRUE: BOOL = 1;
/// `FALSE`.
pub const FALSE: BOOL = 0;

/// `WSABUF`: a length (`u_long`, 32 bits) and a pointer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSABUF {
    /// Buffer length in bytes.
    pub len: u32,
    /// The buffer.
    pub buf: *mut u8,
}

/// `WSAOVERLAPPED` (= `OVERLAPPED`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WSAOVERLAPPED {
    /// Status (an `NTSTATUS`-like code; providers keep their error here).
    pub Internal: usize,
    /// Bytes transferred.
    pub InternalHigh: usize,
    /// Offset (unused for sockets).
    pub Offset: u32,
    /// High offset (unused for sockets).
    pub OffsetHigh: u32,
    /// Event signalled on completion, or 0.
    pub hEvent: HANDLE,
}

/// Winsock's `fd_set`: a count and an array (not a bitmap).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FD_SET {
    /// Number of handles used in `fd_array`.
    pub fd_count: u32,
    /// The handles.
    pub fd_array: [SOCKET; FD_SETSIZE],
}

impl Default for FD_SET {
    fn default() -> Self {
        FD_SET {
            fd_count: 0,
            fd_array: [0; FD_SETSIZE],
        }
    }
}

/// `QOS`: two flow specs and a provider-specific buffer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct QOS {
    /// Sending flow.
    pub SendingFlowspec: FLOWSPEC,
    /// Receiving flow.
    pub ReceivingFlowspec: FLOWSPEC,
    /// Provider-specific bytes.
    pub ProviderSpecific: WSABUF,
}

/// `SOCKADDR` (`struct sockaddr`, Windows layout: no `sa_len`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SOCKADDR {
    /// Address family.
    pub sa_family: u16,
    /// Address bytes.
    pub sa_data: [u8; 14],
}

/// `WSATHREADID`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WSATHREADID {
    /// The thread's handle.
    pub ThreadHandle: HANDLE,
    /// Reserved for ws2_32.
    pub Reserved: DWORD_PTR,
}

/// `LPCONDITIONPROC`.
pub type LPCONDITIONPROC = Option<
    unsafe extern "system" fn(
        lpCallerId: *mut WSABUF,
        lpCallerData: *mut WSABUF,
        lpSQOS: *mut QOS,
        lpGQOS: *mut QOS,
        lpCalleeId: *mut WSABUF,
        lpCalleeData: *mut WSABUF,
        g: *mut GROUP,
        dwCallbackData: DWORD_PTR,
    ) -> INT,
>;

/// `LPWSAOVERLAPPED_COMPLETION_ROUTINE`.
pub type LPWSAOVERLAPPED_COMPLETION_ROUTINE = Option<
    unsafe extern "system" fn(
        dwError: DWORD,
        cbTransferred: DWORD,
        lpOverlapped: *mut WSAOVERLAPPED,
        dwFlags: DWORD,
    ),
>;

/// `LPWSAUSERAPC`.
pub type LPWSAUSERAPC = Option<unsafe extern "system" fn(dwContext: DWORD_PTR)>;
/// `LPBLOCKINGCALLBACK`.
pub type LPBLOCKINGCALLBACK = Option<unsafe extern "system" fn(dwContext: DWORD_PTR) -> BOOL>;

macro_rules! fn_types {
    ($($(#[$m:meta])* $name:ident = fn($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        $($(#[$m])* pub type $name = Option<unsafe extern "system" fn($($arg: $ty),*) -> $ret>;)*
    };
}

fn_types! {
    /// `LPWSPACCEPT`.
    LPWSPACCEPT = fn(s: SOCKET, addr: *mut SOCKADDR, addrlen: *mut INT, lpfnCondition: LPCONDITIONPROC, dwCallbackData: DWORD_PTR, lpErrno: *mut INT) -> SOCKET;
    /// `LPWSPADDRESSTOSTRING`.
    LPWSPADDRESSTOSTRING = fn(lpsaAddress: *mut SOCKADDR, dwAddressLength: DWORD, lpProtocolInfo: *mut WSAPROTOCOL_INFOW, lpszAddressString: *mut u16, lpdwAddressStringLength: *mut DWORD, lpErrno: *mut INT) -> INT;
    /// `LPWSPASYNCSELECT`.
    LPWSPASYNCSELECT = fn(s: SOCKET, hWnd: HWND, wMsg: u32, lEvent: i32, lpErrno: *mut INT) -> INT;
    /// `LPWSPBIND`.
    LPWSPBIND = fn(s: SOCKET, name: *const SOCKADDR, namelen: INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPCANCELBLOCKINGCALL`.
    LPWSPCANCELBLOCKINGCALL = fn(lpErrno: *mut INT) -> INT;
    /// `LPWSPCLEANUP`.
    LPWSPCLEANUP = fn(lpErrno: *mut INT) -> INT;
    /// `LPWSPCLOSESOCKET`.
    LPWSPCLOSESOCKET = fn(s: SOCKET, lpErrno: *mut INT) -> INT;
    /// `LPWSPCONNECT`.
    LPWSPCONNECT = fn(s: SOCKET, name: *const SOCKADDR, namelen: INT, lpCallerData: *mut WSABUF, lpCalleeData: *mut WSABUF, lpSQOS: *mut QOS, lpGQOS: *mut QOS, lpErrno: *mut INT) -> INT;
    /// `LPWSPDUPLICATESOCKET`.
    LPWSPDUPLICATESOCKET = fn(s: SOCKET, dwProcessId: DWORD, lpProtocolInfo: *mut WSAPROTOCOL_INFOW, lpErrno: *mut INT) -> INT;
    /// `LPWSPENUMNETWORKEVENTS`.
    LPWSPENUMNETWORKEVENTS = fn(s: SOCKET, hEventObject: HANDLE, lpNetworkEvents: *mut WSANETWORKEVENTS, lpErrno: *mut INT) -> INT;
    /// `LPWSPEVENTSELECT`.
    LPWSPEVENTSELECT = fn(s: SOCKET, hEventObject: HANDLE, lNetworkEvents: i32, lpErrno: *mut INT) -> INT;
    /// `LPWSPGETOVERLAPPEDRESULT`.
    LPWSPGETOVERLAPPEDRESULT = fn(s: SOCKET, lpOverlapped: *mut WSAOVERLAPPED, lpcbTransfer: *mut DWORD, fWait: BOOL, lpdwFlags: *mut DWORD, lpErrno: *mut INT) -> BOOL;
    /// `LPWSPGETPEERNAME`.
    LPWSPGETPEERNAME = fn(s: SOCKET, name: *mut SOCKADDR, namelen: *mut INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPGETSOCKNAME`.
    LPWSPGETSOCKNAME = fn(s: SOCKET, name: *mut SOCKADDR, namelen: *mut INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPGETSOCKOPT`.
    LPWSPGETSOCKOPT = fn(s: SOCKET, level: INT, optname: INT, optval: *mut u8, optlen: *mut INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPGETQOSBYNAME`.
    LPWSPGETQOSBYNAME = fn(s: SOCKET, lpQOSName: *mut WSABUF, lpQOS: *mut QOS, lpErrno: *mut INT) -> BOOL;
    /// `LPWSPIOCTL`.
    LPWSPIOCTL = fn(s: SOCKET, dwIoControlCode: DWORD, lpvInBuffer: *mut u8, cbInBuffer: DWORD, lpvOutBuffer: *mut u8, cbOutBuffer: DWORD, lpcbBytesReturned: *mut DWORD, lpOverlapped: *mut WSAOVERLAPPED, lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE, lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWSPJOINLEAF`.
    LPWSPJOINLEAF = fn(s: SOCKET, name: *const SOCKADDR, namelen: INT, lpCallerData: *mut WSABUF, lpCalleeData: *mut WSABUF, lpSQOS: *mut QOS, lpGQOS: *mut QOS, dwFlags: DWORD, lpErrno: *mut INT) -> SOCKET;
    /// `LPWSPLISTEN`.
    LPWSPLISTEN = fn(s: SOCKET, backlog: INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPRECV`.
    LPWSPRECV = fn(s: SOCKET, lpBuffers: *mut WSABUF, dwBufferCount: DWORD, lpNumberOfBytesRecvd: *mut DWORD, lpFlags: *mut DWORD, lpOverlapped: *mut WSAOVERLAPPED, lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE, lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWSPRECVDISCONNECT`.
    LPWSPRECVDISCONNECT = fn(s: SOCKET, lpInboundDisconnectData: *mut WSABUF, lpErrno: *mut INT) -> INT;
    /// `LPWSPRECVFROM`.
    LPWSPRECVFROM = fn(s: SOCKET, lpBuffers: *mut WSABUF, dwBufferCount: DWORD, lpNumberOfBytesRecvd: *mut DWORD, lpFlags: *mut DWORD, lpFrom: *mut SOCKADDR, lpFromlen: *mut INT, lpOverlapped: *mut WSAOVERLAPPED, lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE, lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWSPSELECT`.
    LPWSPSELECT = fn(nfds: INT, readfds: *mut FD_SET, writefds: *mut FD_SET, exceptfds: *mut FD_SET, timeout: *const TIMEVAL, lpErrno: *mut INT) -> INT;
    /// `LPWSPSEND`.
    LPWSPSEND = fn(s: SOCKET, lpBuffers: *mut WSABUF, dwBufferCount: DWORD, lpNumberOfBytesSent: *mut DWORD, dwFlags: DWORD, lpOverlapped: *mut WSAOVERLAPPED, lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE, lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWSPSENDDISCONNECT`.
    LPWSPSENDDISCONNECT = fn(s: SOCKET, lpOutboundDisconnectData: *mut WSABUF, lpErrno: *mut INT) -> INT;
    /// `LPWSPSENDTO`.
    LPWSPSENDTO = fn(s: SOCKET, lpBuffers: *mut WSABUF, dwBufferCount: DWORD, lpNumberOfBytesSent: *mut DWORD, dwFlags: DWORD, lpTo: *const SOCKADDR, iTolen: INT, lpOverlapped: *mut WSAOVERLAPPED, lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE, lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWSPSETSOCKOPT`.
    LPWSPSETSOCKOPT = fn(s: SOCKET, level: INT, optname: INT, optval: *const u8, optlen: INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPSHUTDOWN`.
    LPWSPSHUTDOWN = fn(s: SOCKET, how: INT, lpErrno: *mut INT) -> INT;
    /// `LPWSPSOCKET`.
    LPWSPSOCKET = fn(af: INT, ty: INT, protocol: INT, lpProtocolInfo: *mut WSAPROTOCOL_INFOW, g: GROUP, dwFlags: DWORD, lpErrno: *mut INT) -> SOCKET;
    /// `LPWSPSTRINGTOADDRESS`.
    LPWSPSTRINGTOADDRESS = fn(AddressString: *mut u16, AddressFamily: INT, lpProtocolInfo: *mut WSAPROTOCOL_INFOW, lpAddress: *mut SOCKADDR, lpAddressLength: *mut INT, lpErrno: *mut INT) -> INT;

    /// `LPWPUCLOSEEVENT`.
    LPWPUCLOSEEVENT = fn(hEvent: HANDLE, lpErrno: *mut INT) -> BOOL;
    /// `LPWPUCLOSESOCKETHANDLE`.
    LPWPUCLOSESOCKETHANDLE = fn(s: SOCKET, lpErrno: *mut INT) -> INT;
    /// `LPWPUCREATEEVENT`.
    LPWPUCREATEEVENT = fn(lpErrno: *mut INT) -> HANDLE;
    /// `LPWPUCREATESOCKETHANDLE`.
    LPWPUCREATESOCKETHANDLE = fn(dwCatalogEntryId: DWORD, dwContext: DWORD_PTR, lpErrno: *mut INT) -> SOCKET;
    /// `LPWPUFDISSET`.
    LPWPUFDISSET = fn(s: SOCKET, fdset: *mut FD_SET) -> INT;
    /// `LPWPUGETPROVIDERPATH`.
    LPWPUGETPROVIDERPATH = fn(lpProviderId: *mut GUID, lpszProviderDllPath: *mut u16, lpProviderDllPathLen: *mut INT, lpErrno: *mut INT) -> INT;
    /// `LPWPUMODIFYIFSHANDLE`.
    LPWPUMODIFYIFSHANDLE = fn(dwCatalogEntryId: DWORD, ProposedHandle: SOCKET, lpErrno: *mut INT) -> SOCKET;
    /// `LPWPUPOSTMESSAGE`.
    LPWPUPOSTMESSAGE = fn(hWnd: HWND, Msg: u32, wParam: WPARAM, lParam: LPARAM) -> BOOL;
    /// `LPWPUQUERYBLOCKINGCALLBACK`.
    LPWPUQUERYBLOCKINGCALLBACK = fn(dwCatalogEntryId: DWORD, lplpfnCallback: *mut LPBLOCKINGCALLBACK, lpdwContext: *mut DWORD_PTR, lpErrno: *mut INT) -> INT;
    /// `LPWPUQUERYSOCKETHANDLECONTEXT`.
    LPWPUQUERYSOCKETHANDLECONTEXT = fn(s: SOCKET, lpContext: *mut DWORD_PTR, lpErrno: *mut INT) -> INT;
    /// `LPWPUQUEUEAPC`.
    LPWPUQUEUEAPC = fn(lpThreadId: *mut WSATHREADID, lpfnUserApc: LPWSAUSERAPC, dwContext: DWORD_PTR, lpErrno: *mut INT) -> INT;
    /// `LPWPURESETEVENT`.
    LPWPURESETEVENT = fn(hEvent: HANDLE, lpErrno: *mut INT) -> BOOL;
    /// `LPWPUSETEVENT`.
    LPWPUSETEVENT = fn(hEvent: HANDLE, lpErrno: *mut INT) -> BOOL;
    /// `LPWPUOPENCURRENTTHREAD`.
    LPWPUOPENCURRENTTHREAD = fn(lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
    /// `LPWPUCLOSETHREAD`.
    LPWPUCLOSETHREAD = fn(lpThreadId: *mut WSATHREADID, lpErrno: *mut INT) -> INT;
}

/// `LPWSPSTARTUP`: the one symbol a provider library exports.
pub type LPWSPSTARTUP = unsafe extern "system" fn(
    wVersionRequested: WORD,
    lpWSPData: *mut WSPDATA,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
    UpcallTable: WSPUPCALLTABLE,
    lpProcTable: *mut WSPPROC_TABLE,
) -> INT;

/// `WSPEnumCatalog` (this crate's export, see [`crate::ffi::exports`]).
pub type LPWSPENUMCATALOG = unsafe extern "system" fn(
    lpProtocolBuffer: *mut WSAPROTOCOL_INFOW,
    lpdwBufferLength: *mut DWORD,
    lpErrno: *mut INT,
) -> INT;

/// `WSPPROC_TABLE`: the 30 entry points, in `ws2spi.h` order. Each field is the
/// `WSP*` function of the same name.
#[allow(missing_docs)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WSPPROC_TABLE {
    pub lpWSPAccept: LPWSPACCEPT,
    pub lpWSPAddressToString: LPWSPADDRESSTOSTRING,
    pub lpWSPAsyncSelect: LPWSPASYNCSELECT,
    pub lpWSPBind: LPWSPBIND,
    pub lpWSPCancelBlockingCall: LPWSPCANCELBLOCKINGCALL,
    pub lpWSPCleanup: LPWSPCLEANUP,
    pub lpWSPCloseSocket: LPWSPCLOSESOCKET,
    pub lpWSPConnect: LPWSPCONNECT,
    pub lpWSPDuplicateSocket: LPWSPDUPLICATESOCKET,
    pub lpWSPEnumNetworkEvents: LPWSPENUMNETWORKEVENTS,
    pub lpWSPEventSelect: LPWSPEVENTSELECT,
    pub lpWSPGetOverlappedResult: LPWSPGETOVERLAPPEDRESULT,
    pub lpWSPGetPeerName: LPWSPGETPEERNAME,
    pub lpWSPGetSockName: LPWSPGETSOCKNAME,
    pub lpWSPGetSockOpt: LPWSPGETSOCKOPT,
    pub lpWSPGetQOSByName: LPWSPGETQOSBYNAME,
    pub lpWSPIoctl: LPWSPIOCTL,
    pub lpWSPJoinLeaf: LPWSPJOINLEAF,
    pub lpWSPListen: LPWSPLISTEN,
    pub lpWSPRecv: LPWSPRECV,
    pub lpWSPRecvDisconnect: LPWSPRECVDISCONNECT,
    pub lpWSPRecvFrom: LPWSPRECVFROM,
    pub lpWSPSelect: LPWSPSELECT,
    pub lpWSPSend: LPWSPSEND,
    pub lpWSPSendDisconnect: LPWSPSENDDISCONNECT,
    pub lpWSPSendTo: LPWSPSENDTO,
    pub lpWSPSetSockOpt: LPWSPSETSOCKOPT,
    pub lpWSPShutdown: LPWSPSHUTDOWN,
    pub lpWSPSocket: LPWSPSOCKET,
    pub lpWSPStringToAddress: LPWSPSTRINGTOADDRESS,
}

/// `WSPUPCALLTABLE`: the 15 `WPU*` upcalls ws2_32 hands a provider, in `ws2spi.h` order.
/// Each field is the `WPU*` function of the same name.
#[allow(missing_docs)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct WSPUPCALLTABLE {
    pub lpWPUCloseEvent: LPWPUCLOSEEVENT,
    pub lpWPUCloseSocketHandle: LPWPUCLOSESOCKETHANDLE,
    pub lpWPUCreateEvent: LPWPUCREATEEVENT,
    pub lpWPUCreateSocketHandle: LPWPUCREATESOCKETHANDLE,
    pub lpWPUFDIsSet: LPWPUFDISSET,
    pub lpWPUGetProviderPath: LPWPUGETPROVIDERPATH,
    pub lpWPUModifyIFSHandle: LPWPUMODIFYIFSHANDLE,
    pub lpWPUPostMessage: LPWPUPOSTMESSAGE,
    pub lpWPUQueryBlockingCallback: LPWPUQUERYBLOCKINGCALLBACK,
    pub lpWPUQuerySocketHandleContext: LPWPUQUERYSOCKETHANDLECONTEXT,
    pub lpWPUQueueApc: LPWPUQUEUEAPC,
    pub lpWPUResetEvent: LPWPURESETEVENT,
    pub lpWPUSetEvent: LPWPUSETEVENT,
    pub lpWPUOpenCurrentThread: LPWPUOPENCURRENTTHREAD,
    pub lpWPUCloseThread: LPWPUCLOSETHREAD,
}

/// `WSAMSG` (ws2def.h): the message of `WSARecvMsg`/`WSASendMsg`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSAMSG {
    /// Remote address (`name`), or null.
    pub name: *mut SOCKADDR,
    /// Its length in bytes.
    pub namelen: INT,
    /// Data buffers.
    pub lpBuffers: *mut WSABUF,
    /// Number of data buffers.
    pub dwBufferCount: u32,
    /// Control (ancillary) data buffer.
    pub Control: WSABUF,
    /// Flags in and out (`MSG_PARTIAL`, `MSG_TRUNC`, `MSG_CTRUNC`...).
    pub dwFlags: u32,
}

/// `TRANSMIT_PACKETS_ELEMENT` (mswsock.h): one element of `TransmitPackets`. The union of
/// (`nFileOffset`, `hFile`) and `pBuffer` starts at offset 8; `pBuffer` is its first word.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TRANSMIT_PACKETS_ELEMENT {
    /// `TP_ELEMENT_MEMORY`, `TP_ELEMENT_FILE`, `TP_ELEMENT_EOP`.
    pub dwElFlags: u32,
    /// Bytes to send (0 with a file: to its end).
    pub cLength: u32,
    /// `pBuffer` for memory elements (`nFileOffset` for file elements).
    pub pBuffer: *mut u8,
    /// `hFile` for file elements.
    pub hFile: HANDLE,
}

/// `TRANSMIT_FILE_BUFFERS` (mswsock.h): the head and tail buffers of `TransmitFile`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TRANSMIT_FILE_BUFFERS {
    /// Sent before the file data (may be null with length 0).
    pub Head: *mut u8,
    /// Bytes at `Head`.
    pub HeadLength: u32,
    /// Sent after the file data (may be null with length 0).
    pub Tail: *mut u8,
    /// Bytes at `Tail`.
    pub TailLength: u32,
}

/// `TP_ELEMENT_MEMORY`.
pub const TP_ELEMENT_MEMORY: u32 = 1;
/// `TP_ELEMENT_FILE`.
pub const TP_ELEMENT_FILE: u32 = 2;
/// `TP_ELEMENT_EOP`.
pub const TP_ELEMENT_EOP: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    // Windows x64 SDK layout (winsock2.h, ws2def.h, ws2spi.h, minwinbase.h).
    #[test]
    fn wsabuf_and_overlapped_match_windows_x64() {
        assert_eq!(size_of::<WSABUF>(), 16);
        assert_eq!(offset_of!(WSABUF, buf), 8);
        assert_eq!(size_of::<WSAOVERLAPPED>(), 32);
        assert_eq!(offset_of!(WSAOVERLAPPED, InternalHigh), 8);
        assert_eq!(offset_of!(WSAOVERLAPPED, Offset), 16);
        assert_eq!(offset_of!(WSAOVERLAPPED, OffsetHigh), 20);
        assert_eq!(offset_of!(WSAOVERLAPPED, hEvent), 24);
        assert_eq!(size_of::<WSAMSG>(), 56);
        assert_eq!(offset_of!(WSAMSG, lpBuffers), 16);
        assert_eq!(offset_of!(WSAMSG, Control), 32);
        assert_eq!(offset_of!(WSAMSG, dwFlags), 48);
        assert_eq!(size_of::<TRANSMIT_PACKETS_ELEMENT>(), 24);
        assert_eq!(offset_of!(TRANSMIT_PACKETS_ELEMENT, pBuffer), 8);
        assert_eq!(size_of::<TRANSMIT_FILE_BUFFERS>(), 32);
        assert_eq!(offset_of!(TRANSMIT_FILE_BUFFERS, Tail), 16);
        assert_eq!(offset_of!(TRANSMIT_FILE_BUFFERS, TailLength), 24);
    }

    #[test]
    fn fd_set_qos_sockaddr_threadid_match_windows_x64() {
        assert_eq!(size_of::<FD_SET>(), 8 + 8 * 64);
        assert_eq!(offset_of!(FD_SET, fd_array), 8);
        assert_eq!(size_of::<QOS>(), 80);
        assert_eq!(offset_of!(QOS, ReceivingFlowspec), 32);
        assert_eq!(offset_of!(QOS, ProviderSpecific), 64);
        assert_eq!(size_of::<SOCKADDR>(), 16);
        assert_eq!(align_of::<SOCKADDR>(), 2);
        assert_eq!(size_of::<WSATHREADID>(), 16);
        assert_eq!(size_of::<WSANETWORKEVENTS>(), 44);
        assert_eq!(size_of::<TIMEVAL>(), 8);
        assert_eq!(size_of::<WSPDATA>(), 516);
        assert_eq!(size_of::<WSAPROTOCOL_INFOW>(), 628);
    }

    #[test]
    fn tables_have_ws2spi_h_entry_counts_and_order() {
        let p = size_of::<usize>();
        assert_eq!(size_of::<WSPPROC_TABLE>(), 30 * p);
        assert_eq!(size_of::<WSPUPCALLTABLE>(), 15 * p);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPAccept), 0);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPCloseSocket), 6 * p);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPIoctl), 16 * p);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPSelect), 22 * p);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPStringToAddress), 29 * p);
        assert_eq!(offset_of!(WSPUPCALLTABLE, lpWPUPostMessage), 7 * p);
        assert_eq!(offset_of!(WSPUPCALLTABLE, lpWPUSetEvent), 12 * p);
        assert_eq!(offset_of!(WSPUPCALLTABLE, lpWPUCloseThread), 14 * p);
    }
}
