//! `WsaError`: every Winsock error code by name and number, with Windows' wording, and the
//! one table that maps host `errno` values onto Winsock codes.
//!
//! # Which codes
//! Every code on Microsoft's "Windows Sockets Error Codes" page
//! (<https://learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2>):
//! the six `WSA_*` codes that are Win32 system errors (`WSA_INVALID_HANDLE` = 6 ...
//! `WSA_IO_PENDING` = 997), `WSAEINTR` (10004) through `WSAEREFUSED` (10112), the name
//! resolution codes 11001-11004 and the QoS codes 11005-11031. Also `WSA_SECURE_HOST_NOT_FOUND`
//! (11032) and `WSA_IPSEC_NAME_POLICY_ERROR` (11033), which that page does not list but
//! `winerror.h` defines with message texts in the Winsock range.
//!
//! Not here: `WSA_WAIT_EVENT_0`, `WSA_WAIT_IO_COMPLETION`, `WSA_WAIT_TIMEOUT`,
//! `WSA_WAIT_FAILED`, `WSA_INFINITE` and `WSA_MAXIMUM_WAIT_EVENTS`. They are return values of
//! `WSAWaitForMultipleEvents` (or limits), never a `WSAGetLastError()` value.
//!
//! # Which words
//! `message()` is the text `FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM, code)` prints on
//! Windows, that is the `MessageText` of `winerror.h`, not the short title on Microsoft's
//! error page. The two differ in places, and the `FormatMessage` text is what Windows users
//! see:
//! - the six Win32 codes print the system texts: 10035 is Winsock's own, but 997 prints
//!   "Overlapped I/O operation is in progress." where the page says "Overlapped operations
//!   will complete later.";
//! - `WSASYSCALLFAILURE` (10107) prints "A system call has failed." where the page says
//!   "A system call that should never fail has failed.".

use core::fmt;

/// A Winsock error code (`WSAGetLastError()` value).
///
/// A newtype over the numeric code with one associated constant per Windows name, so that
/// unknown codes from foreign providers survive a round trip. `Debug` prints the name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{} ({})", self.message(), self.0)]
pub struct WsaError(pub i32);

macro_rules! wsa_errors {
    ($($name:ident = $code:expr, $msg:expr;)*) => {
        impl WsaError {
            $(
                #[doc = $msg]
                pub const $name: WsaError = WsaError($code);
            )*

            /// Every code this crate knows, with its name and Windows' message text.
            pub const ALL: &'static [(WsaError, &'static str, &'static str)] = &[
                $((WsaError($code), stringify!($name), $msg),)*
            ];
        }
    };
}

wsa_errors! {
    WSA_INVALID_HANDLE = 6, "The handle is invalid.";
    WSA_NOT_ENOUGH_MEMORY = 8, "Not enough memory resources are available to process this command.";
    WSA_INVALID_PARAMETER = 87, "The parameter is incorrect.";
    WSA_OPERATION_ABORTED = 995, "The I/O operation has been aborted because of either a thread exit or an application request.";
    WSA_IO_INCOMPLETE = 996, "Overlapped I/O event is not in a signaled state.";
    WSA_IO_PENDING = 997, "Overlapped I/O operation is in progress.";
    WSAEINTR = 10004, "A blocking operation was interrupted by a call to WSACancelBlockingCall.";
    WSAEBADF = 10009, "The file handle supplied is not valid.";
    WSAEACCES = 10013, "An attempt was made to access a socket in a way forbidden by its access permissions.";
    WSAEFAULT = 10014, "The system detected an invalid pointer address in attempting to use a pointer argument in a call.";
    WSAEINVAL = 10022, "An invalid argument was supplied.";
    WSAEMFILE = 10024, "Too many open sockets.";
    WSAEWOULDBLOCK = 10035, "A non-blocking socket operation could not be completed immediately.";
    WSAEINPROGRESS = 10036, "A blocking operation is currently executing.";
    WSAEALREADY = 10037, "An operation was attempted on a non-blocking socket that already had an operation in progress.";
    WSAENOTSOCK = 10038, "An operation was attempted on something that is not a socket.";
    WSAEDESTADDRREQ = 10039, "A required address was omitted from an operation on a socket.";
    WSAEMSGSIZE = 10040, "A message sent on a datagram socket was larger than the internal message buffer or some other network limit, or the buffer used to receive a datagram into was smaller than the datagram itself.";
    WSAEPROTOTYPE = 10041, "A protocol was specified in the socket function call that does not support the semantics of the socket type requested.";
    WSAENOPROTOOPT = 10042, "An unknown, invalid, or unsupported option or level was specified in a getsockopt or setsockopt call.";
    WSAEPROTONOSUPPORT = 10043, "The requested protocol has not been configured into the system, or no implementation for it exists.";
    WSAESOCKTNOSUPPORT = 10044, "The support for the specified socket type does not exist in this address family.";
    WSAEOPNOTSUPP = 10045, "The attempted operation is not supported for the type of object referenced.";
    WSAEPFNOSUPPORT = 10046, "The protocol family has not been configured into the system or no implementation for it exists.";
    WSAEAFNOSUPPORT = 10047, "An address incompatible with the requested protocol was used.";
    WSAEADDRINUSE = 10048, "Only one usage of each socket address (protocol/network address/port) is normally permitted.";
    WSAEADDRNOTAVAIL = 10049, "The requested address is not valid in its context.";
    WSAENETDOWN = 10050, "A socket operation encountered a dead network.";
    WSAENETUNREACH = 10051, "A socket operation was attempted to an unreachable network.";
    WSAENETRESET = 10052, "The connection has been broken due to keep-alive activity detecting a failure while the operation was in progress.";
    WSAECONNABORTED = 10053, "An established connection was aborted by the software in your host machine.";
    WSAECONNRESET = 10054, "An existing connection was forcibly closed by the remote host.";
    WSAENOBUFS = 10055, "An operation on a socket could not be performed because the system lacked sufficient buffer space or because a queue was full.";
    WSAEISCONN = 10056, "A connect request was made on an already connected socket.";
    WSAENOTCONN = 10057, "A request to send or receive data was disallowed because the socket is not connected and (when sending on a datagram socket using a sendto call) no address was supplied.";
    WSAESHUTDOWN = 10058, "A request to send or receive data was disallowed because the socket had already been shut down in that direction with a previous shutdown call.";
    WSAETOOMANYREFS = 10059, "Too many references to some kernel object.";
    WSAETIMEDOUT = 10060, "A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.";
    WSAECONNREFUSED = 10061, "No connection could be made because the target machine actively refused it.";
    WSAELOOP = 10062, "Cannot translate name.";
    WSAENAMETOOLONG = 10063, "Name component or name was too long.";
    WSAEHOSTDOWN = 10064, "A socket operation failed because the destination host was down.";
    WSAEHOSTUNREACH = 10065, "A socket operation was attempted to an unreachable host.";
    WSAENOTEMPTY = 10066, "Cannot remove a directory that is not empty.";
    WSAEPROCLIM = 10067, "A Windows Sockets implementation may have a limit on the number of applications that may use it simultaneously.";
    WSAEUSERS = 10068, "Ran out of quota.";
    WSAEDQUOT = 10069, "Ran out of disk quota.";
    WSAESTALE = 10070, "File handle reference is no longer available.";
    WSAEREMOTE = 10071, "Item is not available locally.";
    WSASYSNOTREADY = 10091, "WSAStartup cannot function at this time because the underlying system it uses to provide network services is currently unavailable.";
    WSAVERNOTSUPPORTED = 10092, "The Windows Sockets version requested is not supported.";
    WSANOTINITIALISED = 10093, "Either the application has not called WSAStartup, or WSAStartup failed.";
    WSAEDISCON = 10101, "Returned by WSARecv or WSARecvFrom to indicate the remote party has initiated a graceful shutdown sequence.";
    WSAENOMORE = 10102, "No more results can be returned by WSALookupServiceNext.";
    WSAECANCELLED = 10103, "A call to WSALookupServiceEnd was made while this call was still processing. The call has been canceled.";
    WSAEINVALIDPROCTABLE = 10104, "The procedure call table is invalid.";
    WSAEINVALIDPROVIDER = 10105, "The requested service provider is invalid.";
    WSAEPROVIDERFAILEDINIT = 10106, "The requested service provider could not be loaded or initialized.";
    WSASYSCALLFAILURE = 10107, "A system call has failed.";
    WSASERVICE_NOT_FOUND = 10108, "No such service is known. The service cannot be found in the specified name space.";
    WSATYPE_NOT_FOUND = 10109, "The specified class was not found.";
    WSA_E_NO_MORE = 10110, "No more results can be returned by WSALookupServiceNext.";
    WSA_E_CANCELLED = 10111, "A call to WSALookupServiceEnd was made while this call was still processing. The call has been canceled.";
    WSAEREFUSED = 10112, "A database query failed because it was actively refused.";
    WSAHOST_NOT_FOUND = 11001, "No such host is known.";
    WSATRY_AGAIN = 11002, "This is usually a temporary error during hostname resolution and means that the local server did not receive a response from an authoritative server.";
    WSANO_RECOVERY = 11003, "A non-recoverable error occurred during a database lookup.";
    WSANO_DATA = 11004, "The requested name is valid, but no data of the requested type was found.";
    WSA_QOS_RECEIVERS = 11005, "At least one reserve has arrived.";
    WSA_QOS_SENDERS = 11006, "At least one path has arrived.";
    WSA_QOS_NO_SENDERS = 11007, "There are no senders.";
    WSA_QOS_NO_RECEIVERS = 11008, "There are no receivers.";
    WSA_QOS_REQUEST_CONFIRMED = 11009, "Reserve has been confirmed.";
    WSA_QOS_ADMISSION_FAILURE = 11010, "Error due to lack of resources.";
    WSA_QOS_POLICY_FAILURE = 11011, "Rejected for administrative reasons - bad credentials.";
    WSA_QOS_BAD_STYLE = 11012, "Unknown or conflicting style.";
    WSA_QOS_BAD_OBJECT = 11013, "Problem with some part of the filterspec or providerspecific buffer in general.";
    WSA_QOS_TRAFFIC_CTRL_ERROR = 11014, "Problem with some part of the flowspec.";
    WSA_QOS_GENERIC_ERROR = 11015, "General QOS error.";
    WSA_QOS_ESERVICETYPE = 11016, "An invalid or unrecognized service type was found in the flowspec.";
    WSA_QOS_EFLOWSPEC = 11017, "An invalid or inconsistent flowspec was found in the QOS structure.";
    WSA_QOS_EPROVSPECBUF = 11018, "Invalid QOS provider-specific buffer.";
    WSA_QOS_EFILTERSTYLE = 11019, "An invalid QOS filter style was used.";
    WSA_QOS_EFILTERTYPE = 11020, "An invalid QOS filter type was used.";
    WSA_QOS_EFILTERCOUNT = 11021, "An incorrect number of QOS FILTERSPECs were specified in the FLOWDESCRIPTOR.";
    WSA_QOS_EOBJLENGTH = 11022, "An object with an invalid ObjectLength field was specified in the QOS provider-specific buffer.";
    WSA_QOS_EFLOWCOUNT = 11023, "An incorrect number of flow descriptors was specified in the QOS structure.";
    WSA_QOS_EUNKOWNPSOBJ = 11024, "An unrecognized object was found in the QOS provider-specific buffer.";
    WSA_QOS_EPOLICYOBJ = 11025, "An invalid policy object was found in the QOS provider-specific buffer.";
    WSA_QOS_EFLOWDESC = 11026, "An invalid QOS flow descriptor was found in the flow descriptor list.";
    WSA_QOS_EPSFLOWSPEC = 11027, "An invalid or inconsistent flowspec was found in the QOS provider specific buffer.";
    WSA_QOS_EPSFILTERSPEC = 11028, "An invalid FILTERSPEC was found in the QOS provider-specific buffer.";
    WSA_QOS_ESDMODEOBJ = 11029, "An invalid shape discard mode object was found in the QOS provider specific buffer.";
    WSA_QOS_ESHAPERATEOBJ = 11030, "An invalid shaping rate object was found in the QOS provider-specific buffer.";
    WSA_QOS_RESERVED_PETYPE = 11031, "A reserved policy element was found in the QOS provider-specific buffer.";
    WSA_SECURE_HOST_NOT_FOUND = 11032, "No such host is known securely.";
    WSA_IPSEC_NAME_POLICY_ERROR = 11033, "Name based IPSEC policy could not be added.";
}

impl WsaError {
    /// The numeric code.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// Windows' name for the code (`"WSAEWOULDBLOCK"`), if it is a known one.
    pub fn name(self) -> Option<&'static str> {
        Self::ALL
            .iter()
            .find(|(e, _, _)| *e == self)
            .map(|(_, n, _)| *n)
    }

    /// Windows' message text for the code, or a generic text for unknown codes.
    pub fn message(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(e, _, _)| *e == self)
            .map(|(_, _, m)| *m)
            .unwrap_or("Unknown Winsock error.")
    }

    /// Whether this is a code Windows defines for Winsock (used by invariant checks).
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }
}

impl fmt::Debug for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "WsaError({})", self.0),
        }
    }
}

/// Result alias used throughout the crate.
pub type WsaResult<T> = Result<T, WsaError>;

impl WsaError {
    /// Map a host `errno` value (Linux or macOS numbering, as the running host defines it)
    /// onto the Winsock code Windows gives for the same condition. This is the one such
    /// table in the project; backends use it for every host error.
    ///
    /// The mapping never yields success: `errno` 0 (a host call that failed without saying
    /// why) and every value not listed give `WSASYSCALLFAILURE`, so a failure is never
    /// turned into a success on the way up.
    ///
    /// The table is context-free. Where Windows reports one host condition differently per
    /// call, the engine decides before it asks here; the rows below say where.
    ///
    /// On Windows (`cfg(not(unix))`) a host error is already a Winsock or Win32 code (std
    /// reports `WSAGetLastError()`/`GetLastError()`; the next provider reports Winsock
    /// codes): known Winsock codes pass through unchanged, the Win32 codes that the
    /// Windows TCP/IP provider translates are translated the same way, anything else is
    /// `WSASYSCALLFAILURE`.
    pub fn from_errno(errno: i32) -> WsaError {
        #[cfg(unix)]
        return WsaError::from_unix_errno(errno);
        #[cfg(not(unix))]
        return WsaError::from_windows_code(errno);
    }

    /// The Windows half of [`WsaError::from_errno`].
    #[cfg(not(unix))]
    fn from_windows_code(code: i32) -> WsaError {
        match code {
            // ERROR_NETNAME_DELETED: what an overlapped socket op reports for a reset.
            64 => WsaError::WSAECONNRESET,
            // ERROR_SEM_TIMEOUT
            121 => WsaError::WSAETIMEDOUT,
            // ERROR_CONNECTION_REFUSED
            1225 => WsaError::WSAECONNREFUSED,
            // ERROR_NETWORK_UNREACHABLE, ERROR_HOST_UNREACHABLE
            1231 => WsaError::WSAENETUNREACH,
            1232 => WsaError::WSAEHOSTUNREACH,
            // ERROR_CONNECTION_ABORTED
            1236 => WsaError::WSAECONNABORTED,
            0 => WsaError::WSASYSCALLFAILURE,
            c if WsaError(c).name().is_some() => WsaError(c),
            _ => WsaError::WSASYSCALLFAILURE,
        }
    }

    /// The host `errno` table of [`WsaError::from_errno`] (Linux, macOS).
    #[cfg(unix)]
    fn from_unix_errno(errno: i32) -> WsaError {
        match errno {
            // A host call interrupted by a signal. The engine retries EINTR itself; one
            // that reaches the caller is the Winsock 1.1 "interrupted" meaning.
            libc::EINTR => WsaError::WSAEINTR,
            // Our host fd is stale or was never valid. The Winsock equivalent is "the
            // handle is not a (live) socket": Windows gives WSAENOTSOCK for closed and
            // garbage SOCKET values, never WSAEBADF, and never success.
            libc::EBADF => WsaError::WSAENOTSOCK,
            libc::ENOTSOCK => WsaError::WSAENOTSOCK,
            // EPERM arrives where a host policy refuses the operation (a firewall rule on
            // send/connect, a privileged option). Windows reports policy refusals, such as
            // a raw socket without privilege or a broadcast without SO_BROADCAST, as
            // WSAEACCES.
            libc::EACCES | libc::EPERM => WsaError::WSAEACCES,
            libc::EFAULT => WsaError::WSAEFAULT,
            libc::EINVAL => WsaError::WSAEINVAL,
            // Windows has one code for running out of socket handles, per process or in
            // the system ("No more socket descriptors are available", socket()).
            libc::EMFILE | libc::ENFILE => WsaError::WSAEMFILE,
            // EINPROGRESS comes from a non-blocking connect. Windows reports that case as
            // WSAEWOULDBLOCK (connect(): "It is normal for WSAEWOULDBLOCK to be reported
            // ... on a nonblocking SOCK_STREAM socket"). WSAEINPROGRESS means something
            // else in Winsock: a blocking Winsock 1.1 call is already running.
            // EAGAIN == EWOULDBLOCK on Linux and macOS.
            libc::EAGAIN | libc::EINPROGRESS => WsaError::WSAEWOULDBLOCK,
            libc::EALREADY => WsaError::WSAEALREADY,
            libc::EDESTADDRREQ => WsaError::WSAEDESTADDRREQ,
            libc::EMSGSIZE => WsaError::WSAEMSGSIZE,
            libc::EPROTOTYPE => WsaError::WSAEPROTOTYPE,
            libc::ENOPROTOOPT => WsaError::WSAENOPROTOOPT,
            libc::EPROTONOSUPPORT => WsaError::WSAEPROTONOSUPPORT,
            libc::ESOCKTNOSUPPORT => WsaError::WSAESOCKTNOSUPPORT,
            // On Linux ENOTSUP == EOPNOTSUPP; macOS has a separate ENOTSUP (below).
            libc::EOPNOTSUPP => WsaError::WSAEOPNOTSUPP,
            #[cfg(any(target_os = "macos", target_os = "ios"))]
            libc::ENOTSUP => WsaError::WSAEOPNOTSUPP,
            libc::EPFNOSUPPORT => WsaError::WSAEPFNOSUPPORT,
            libc::EAFNOSUPPORT => WsaError::WSAEAFNOSUPPORT,
            libc::EADDRINUSE => WsaError::WSAEADDRINUSE,
            libc::EADDRNOTAVAIL => WsaError::WSAEADDRNOTAVAIL,
            libc::ENETDOWN => WsaError::WSAENETDOWN,
            // Linux-only "machine is not on the network" (accept may pass it on for a
            // pending connection): a dead network in Winsock terms.
            #[cfg(any(target_os = "linux", target_os = "android"))]
            libc::ENONET => WsaError::WSAENETDOWN,
            libc::ENETUNREACH => WsaError::WSAENETUNREACH,
            libc::ENETRESET => WsaError::WSAENETRESET,
            // A connection our own stack gave up on (timeout, local abort). accept() is
            // the exception: Windows reports a connection that died before it was
            // accepted as WSAECONNRESET, and the engine maps that case itself.
            libc::ECONNABORTED => WsaError::WSAECONNABORTED,
            libc::ECONNRESET => WsaError::WSAECONNRESET,
            // EPIPE: Linux and macOS give it for a send after the connection is gone:
            // after the peer reset it (the first send reports ECONNRESET, later ones
            // EPIPE), after the peer closed and our data drew a reset, or after our own
            // shutdown(SHUT_WR). The engine reports sends after its own shutdown as
            // WSAESHUTDOWN before the host is asked, so what reaches this table is a
            // connection the peer tore down. Windows keeps reporting that as
            // WSAECONNRESET (send(): "The virtual circuit was reset by the remote side
            // executing a hard or abortive close"); WSAECONNABORTED is reserved for our
            // own side's time-out or failure. Wine's errno table, whose tests run on
            // Windows, maps EPIPE the same way.
            libc::EPIPE => WsaError::WSAECONNRESET,
            // Protocol error on a pending connection (Linux accept); it is the peer's
            // connection that failed, as with ECONNRESET.
            libc::EPROTO => WsaError::WSAECONNRESET,
            // Windows reports kernel memory exhaustion on sockets (socket(), send(),
            // WSAIoctl, ...) as WSAENOBUFS, never as WSA_NOT_ENOUGH_MEMORY, which is for
            // Winsock functions that map onto Win32 ones (events).
            libc::ENOBUFS | libc::ENOMEM => WsaError::WSAENOBUFS,
            libc::EISCONN => WsaError::WSAEISCONN,
            libc::ENOTCONN => WsaError::WSAENOTCONN,
            libc::ESHUTDOWN => WsaError::WSAESHUTDOWN,
            libc::ETOOMANYREFS => WsaError::WSAETOOMANYREFS,
            libc::ETIMEDOUT => WsaError::WSAETIMEDOUT,
            libc::ECONNREFUSED => WsaError::WSAECONNREFUSED,
            libc::ELOOP => WsaError::WSAELOOP,
            libc::ENAMETOOLONG => WsaError::WSAENAMETOOLONG,
            libc::EHOSTDOWN => WsaError::WSAEHOSTDOWN,
            libc::EHOSTUNREACH => WsaError::WSAEHOSTUNREACH,
            // The remaining WSAE codes are BSD errno + 10000; map their namesakes.
            libc::ENOTEMPTY => WsaError::WSAENOTEMPTY,
            #[cfg(any(target_os = "macos", target_os = "ios"))]
            libc::EPROCLIM => WsaError::WSAEPROCLIM,
            libc::EUSERS => WsaError::WSAEUSERS,
            libc::EDQUOT => WsaError::WSAEDQUOT,
            libc::ESTALE => WsaError::WSAESTALE,
            libc::EREMOTE => WsaError::WSAEREMOTE,
            // 0 and anything else: a failure we cannot name. Never success.
            _ => WsaError::WSASYSCALLFAILURE,
        }
    }
}

impl From<std::io::Error> for WsaError {
    /// An OS error goes through [`WsaError::from_errno`]; an error made in Rust (no OS
    /// code) is mapped by its kind, and anything unnamed gives `WSASYSCALLFAILURE`.
    fn from(e: std::io::Error) -> WsaError {
        use std::io::ErrorKind as K;
        match e.raw_os_error() {
            Some(errno) => WsaError::from_errno(errno),
            None => match e.kind() {
                K::WouldBlock => WsaError::WSAEWOULDBLOCK,
                K::TimedOut => WsaError::WSAETIMEDOUT,
                K::InvalidInput => WsaError::WSAEINVAL,
                K::OutOfMemory => WsaError::WSAENOBUFS,
                K::Interrupted => WsaError::WSAEINTR,
                K::PermissionDenied => WsaError::WSAEACCES,
                K::ConnectionRefused => WsaError::WSAECONNREFUSED,
                K::ConnectionReset | K::BrokenPipe => WsaError::WSAECONNRESET,
                K::ConnectionAborted => WsaError::WSAECONNABORTED,
                K::NotConnected => WsaError::WSAENOTCONN,
                K::AddrInUse => WsaError::WSAEADDRINUSE,
                K::AddrNotAvailable => WsaError::WSAEADDRNOTAVAIL,
                K::Unsupported => WsaError::WSAEOPNOTSUPP,
                _ => WsaError::WSASYSCALLFAILURE,
            },
        }
    }
}
