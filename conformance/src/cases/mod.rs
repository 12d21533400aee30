//! The cases, one module per WSP area. Each module's `cases()` lists its cases in the
//! order the report prints them.

pub mod accept;
pub mod address_string;
pub mod bind;
pub mod connect;
pub mod connx;
pub mod datagram;
pub mod disconnect;
pub mod extensions;
pub mod handles;
pub mod ioctl;
pub mod ioctl_net;
pub mod ioctl_table;
pub mod listen;
pub mod names;
pub mod notify;
pub mod notify_rules;
pub mod options_table;
pub mod others;
pub mod overlapped;
pub mod send_recv;
pub mod send_semantics;
pub mod shutdown;
pub mod socket;
pub mod sockopt;
pub mod startup;

use crate::Case;

/// Every case in the suite.
pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(startup::cases());
    v.extend(socket::cases());
    v.extend(handles::cases());
    v.extend(bind::cases());
    v.extend(listen::cases());
    v.extend(accept::cases());
    v.extend(connect::cases());
    v.extend(send_recv::cases());
    v.extend(send_semantics::cases());
    v.extend(datagram::cases());
    v.extend(shutdown::cases());
    v.extend(disconnect::cases());
    v.extend(names::cases());
    v.extend(address_string::cases());
    v.extend(ioctl::cases());
    v.extend(sockopt::cases());
    v.extend(options_table::cases());
    v.extend(ioctl_table::cases());
    v.extend(ioctl_net::cases());
    v.extend(notify::cases());
    v.extend(notify_rules::cases());
    v.extend(overlapped::cases());
    v.extend(others::cases());
    v.extend(connx::cases());
    v.extend(extensions::cases());
    v
}

/// Microsoft Learn pages for each function (ws2spi.h callback pages).
pub mod doc {
    /// WSPStartup.
    pub const STARTUP: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nf-ws2spi-wspstartup";
    /// WSPCleanup.
    pub const CLEANUP: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspcleanup";
    /// WSPSocket.
    pub const SOCKET: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsocket";
    /// WSPCloseSocket.
    pub const CLOSESOCKET: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspclosesocket";
    /// WSPBind.
    pub const BIND: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspbind";
    /// WSPListen.
    pub const LISTEN: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsplisten";
    /// WSPAccept.
    pub const ACCEPT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspaccept";
    /// WSPConnect.
    pub const CONNECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspconnect";
    /// WSPSend.
    pub const SEND: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsend";
    /// WSPRecv.
    pub const RECV: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsprecv";
    /// WSPSendTo.
    pub const SENDTO: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsendto";
    /// WSPRecvFrom.
    pub const RECVFROM: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsprecvfrom";
    /// WSPShutdown.
    pub const SHUTDOWN: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspshutdown";
    /// WSPSendDisconnect.
    pub const SENDDISCONNECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsenddisconnect";
    /// WSPRecvDisconnect.
    pub const RECVDISCONNECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwsprecvdisconnect";
    /// WSPGetSockName.
    pub const GETSOCKNAME: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetsockname";
    /// WSPGetPeerName.
    pub const GETPEERNAME: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetpeername";
    /// WSPAddressToString.
    pub const ADDRESSTOSTRING: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspaddresstostring";
    /// WSPStringToAddress.
    pub const STRINGTOADDRESS: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspstringtoaddress";
    /// WSPIoctl.
    pub const IOCTL: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspioctl";
    /// WSPGetSockOpt.
    pub const GETSOCKOPT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetsockopt";
    /// WSPSetSockOpt.
    pub const SETSOCKOPT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspsetsockopt";
    /// WSPEventSelect.
    pub const EVENTSELECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspeventselect";
    /// WSPEnumNetworkEvents.
    pub const ENUMNETWORKEVENTS: &str = "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspenumnetworkevents";
    /// WSPAsyncSelect.
    pub const ASYNCSELECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspasyncselect";
    /// WSPSelect.
    pub const SELECT: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspselect";
    /// WSPGetOverlappedResult.
    pub const GETOVERLAPPEDRESULT: &str = "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetoverlappedresult";
    /// WSPGetQOSByName.
    pub const GETQOSBYNAME: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetqosbyname";
    /// WSPJoinLeaf.
    pub const JOINLEAF: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspjoinleaf";
    /// WSPDuplicateSocket.
    pub const DUPLICATESOCKET: &str =
        "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspduplicatesocket";
    /// WSPCancelBlockingCall.
    pub const CANCELBLOCKINGCALL: &str = "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspcancelblockingcall";
}
