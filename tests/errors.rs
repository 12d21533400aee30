//! `WsaError`: the code table, its texts and formatting, and the errno table row by row.
//!
//! Sources: Microsoft's "Windows Sockets Error Codes" page for the set of codes, the
//! `MessageText` entries of the Windows SDK's `winerror.h` for the texts (what
//! `FormatMessage` prints), and the comments on `WsaError::from_errno` for each errno row.

use std::collections::HashSet;
use wsp::WsaError;

// ---- the code table ---------------------------------------------------------------------

#[test]
fn all_has_unique_codes() {
    let mut seen = HashSet::new();
    for (e, name, _) in WsaError::ALL {
        assert!(seen.insert(e.0), "code {} ({name}) listed twice", e.0);
    }
}

#[test]
fn all_has_unique_names() {
    let mut seen = HashSet::new();
    for (_, name, _) in WsaError::ALL {
        assert!(seen.insert(*name), "name {name} listed twice");
    }
}

#[test]
fn all_is_in_numeric_order() {
    for w in WsaError::ALL.windows(2) {
        assert!(w[0].0 .0 < w[1].0 .0, "{} before {}", w[0].1, w[1].1);
    }
}

#[test]
fn every_message_is_one_sentence_of_windows_text() {
    for (e, name, msg) in WsaError::ALL {
        assert!(msg.ends_with('.'), "{name}: {msg:?} lacks the final period");
        assert!(!msg.is_empty() && !msg.contains('\n'), "{name}: {msg:?}");
        assert_eq!(e.message(), *msg, "{name}: message() disagrees with ALL");
        assert_eq!(e.name(), Some(*name), "{name}: name() disagrees with ALL");
        assert!(e.is_known(), "{name}: not known");
    }
}

/// Every code on Microsoft's page, by name and number, plus 11032/11033 from winerror.h.
#[test]
fn all_lists_exactly_the_windows_codes() {
    let mut expected: Vec<i32> = vec![6, 8, 87, 995, 996, 997];
    expected.extend([10004, 10009, 10013, 10014, 10022, 10024]);
    expected.extend(10035..=10071);
    expected.extend([10091, 10092, 10093]);
    expected.extend(10101..=10112);
    expected.extend(11001..=11033);
    let got: Vec<i32> = WsaError::ALL.iter().map(|(e, _, _)| e.0).collect();
    assert_eq!(got, expected);
}

#[test]
fn wait_return_values_are_not_error_codes() {
    // WSA_WAIT_EVENT_0 (0), WSA_WAIT_IO_COMPLETION (0xC0), WSA_WAIT_TIMEOUT (258) and
    // WSA_WAIT_FAILED (-1) are WSAWaitForMultipleEvents results, not WSAGetLastError values.
    for v in [0, 0xC0, 258, -1] {
        assert!(
            !WsaError(v).is_known(),
            "{v} should not be a known Winsock error"
        );
    }
}

/// FormatMessage texts that differ from the short titles on Microsoft's page.
#[test]
fn messages_are_formatmessage_texts() {
    let rows = [
        (WsaError::WSA_INVALID_HANDLE, "The handle is invalid."),
        (
            WsaError::WSA_NOT_ENOUGH_MEMORY,
            "Not enough memory resources are available to process this command.",
        ),
        (WsaError::WSA_INVALID_PARAMETER, "The parameter is incorrect."),
        (
            WsaError::WSA_OPERATION_ABORTED,
            "The I/O operation has been aborted because of either a thread exit or an application request.",
        ),
        (WsaError::WSA_IO_INCOMPLETE, "Overlapped I/O event is not in a signaled state."),
        (WsaError::WSA_IO_PENDING, "Overlapped I/O operation is in progress."),
        (
            WsaError::WSAEINTR,
            "A blocking operation was interrupted by a call to WSACancelBlockingCall.",
        ),
        (
            WsaError::WSAEWOULDBLOCK,
            "A non-blocking socket operation could not be completed immediately.",
        ),
        (
            WsaError::WSAECONNRESET,
            "An existing connection was forcibly closed by the remote host.",
        ),
        (WsaError::WSASYSCALLFAILURE, "A system call has failed."),
        (WsaError::WSA_SECURE_HOST_NOT_FOUND, "No such host is known securely."),
        (WsaError::WSA_IPSEC_NAME_POLICY_ERROR, "Name based IPSEC policy could not be added."),
    ];
    for (e, text) in rows {
        assert_eq!(e.message(), text, "{e:?}");
    }
}

#[test]
fn added_codes_have_their_numbers() {
    assert_eq!(WsaError::WSAEDISCON.code(), 10101);
    assert_eq!(WsaError::WSAENOMORE.code(), 10102);
    assert_eq!(WsaError::WSASERVICE_NOT_FOUND.code(), 10108);
    assert_eq!(WsaError::WSA_E_NO_MORE.code(), 10110);
    assert_eq!(WsaError::WSA_E_CANCELLED.code(), 10111);
    assert_eq!(WsaError::WSA_QOS_RECEIVERS.code(), 11005);
    assert_eq!(WsaError::WSA_QOS_RESERVED_PETYPE.code(), 11031);
    assert_eq!(WsaError::WSA_SECURE_HOST_NOT_FOUND.code(), 11032);
    assert_eq!(WsaError::WSA_IPSEC_NAME_POLICY_ERROR.code(), 11033);
}

// ---- formatting -------------------------------------------------------------------------

#[test]
fn display_is_message_and_code() {
    assert_eq!(
        WsaError::WSAEWOULDBLOCK.to_string(),
        "A non-blocking socket operation could not be completed immediately. (10035)"
    );
    assert_eq!(
        WsaError::WSA_IO_PENDING.to_string(),
        "Overlapped I/O operation is in progress. (997)"
    );
}

#[test]
fn display_of_unknown_code_keeps_the_number() {
    assert_eq!(
        WsaError(12345).to_string(),
        "Unknown Winsock error. (12345)"
    );
}

#[test]
fn debug_prints_the_name() {
    assert_eq!(format!("{:?}", WsaError::WSAEWOULDBLOCK), "WSAEWOULDBLOCK");
    assert_eq!(format!("{:?}", WsaError::WSA_IO_PENDING), "WSA_IO_PENDING");
    assert_eq!(format!("{:?}", WsaError(10035)), "WSAEWOULDBLOCK");
}

#[test]
fn debug_of_unknown_code_prints_the_number() {
    assert_eq!(format!("{:?}", WsaError(12345)), "WsaError(12345)");
    assert!(!WsaError(12345).is_known());
    assert_eq!(WsaError(12345).name(), None);
}

#[test]
fn debug_in_results_prints_the_name() {
    let r: Result<(), WsaError> = Err(WsaError::WSAECONNRESET);
    assert_eq!(format!("{r:?}"), "Err(WSAECONNRESET)");
}

// ---- the errno table, one row each --------------------------------------------------------

/// Asserts one errno row, naming it in the failure message.
macro_rules! errno_rows {
    ($($errno:ident => $wsa:ident;)*) => {
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $errno() {
                assert_eq!(
                    WsaError::from_errno(libc::$errno),
                    WsaError::$wsa,
                    concat!("row ", stringify!($errno), " => ", stringify!($wsa)),
                );
            }
        )*
    };
}

mod from_errno {
    use super::WsaError;

    errno_rows! {
        EINTR => WSAEINTR;
        EBADF => WSAENOTSOCK;
        ENOTSOCK => WSAENOTSOCK;
        EACCES => WSAEACCES;
        EPERM => WSAEACCES;
        EFAULT => WSAEFAULT;
        EINVAL => WSAEINVAL;
        EMFILE => WSAEMFILE;
        ENFILE => WSAEMFILE;
        EAGAIN => WSAEWOULDBLOCK;
        EWOULDBLOCK => WSAEWOULDBLOCK;
        EINPROGRESS => WSAEWOULDBLOCK;
        EALREADY => WSAEALREADY;
        EDESTADDRREQ => WSAEDESTADDRREQ;
        EMSGSIZE => WSAEMSGSIZE;
        EPROTOTYPE => WSAEPROTOTYPE;
        ENOPROTOOPT => WSAENOPROTOOPT;
        EPROTONOSUPPORT => WSAEPROTONOSUPPORT;
        ESOCKTNOSUPPORT => WSAESOCKTNOSUPPORT;
        EOPNOTSUPP => WSAEOPNOTSUPP;
        ENOTSUP => WSAEOPNOTSUPP;
        EPFNOSUPPORT => WSAEPFNOSUPPORT;
        EAFNOSUPPORT => WSAEAFNOSUPPORT;
        EADDRINUSE => WSAEADDRINUSE;
        EADDRNOTAVAIL => WSAEADDRNOTAVAIL;
        ENETDOWN => WSAENETDOWN;
        ENETUNREACH => WSAENETUNREACH;
        ENETRESET => WSAENETRESET;
        ECONNABORTED => WSAECONNABORTED;
        ECONNRESET => WSAECONNRESET;
        EPIPE => WSAECONNRESET;
        EPROTO => WSAECONNRESET;
        ENOBUFS => WSAENOBUFS;
        ENOMEM => WSAENOBUFS;
        EISCONN => WSAEISCONN;
        ENOTCONN => WSAENOTCONN;
        ESHUTDOWN => WSAESHUTDOWN;
        ETOOMANYREFS => WSAETOOMANYREFS;
        ETIMEDOUT => WSAETIMEDOUT;
        ECONNREFUSED => WSAECONNREFUSED;
        ELOOP => WSAELOOP;
        ENAMETOOLONG => WSAENAMETOOLONG;
        EHOSTDOWN => WSAEHOSTDOWN;
        EHOSTUNREACH => WSAEHOSTUNREACH;
        ENOTEMPTY => WSAENOTEMPTY;
        EUSERS => WSAEUSERS;
        EDQUOT => WSAEDQUOT;
        ESTALE => WSAESTALE;
        EREMOTE => WSAEREMOTE;
        // Not socket errors at all: an unnamed failure, never success.
        EIO => WSASYSCALLFAILURE;
        ENOENT => WSASYSCALLFAILURE;
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    errno_rows! {
        ENONET => WSAENETDOWN;
    }

    #[cfg(any(target_os = "macos", target_os = "ios"))]
    errno_rows! {
        EPROCLIM => WSAEPROCLIM;
    }

    /// errno 0 (a failed host call that set no errno) must not read as success.
    #[test]
    fn zero_is_a_failure() {
        let e = WsaError::from_errno(0);
        assert_eq!(e, WsaError::WSASYSCALLFAILURE);
        assert_ne!(e.0, 0);
    }

    #[test]
    fn unknown_errno_is_syscall_failure() {
        assert_eq!(WsaError::from_errno(99_999), WsaError::WSASYSCALLFAILURE);
        assert_eq!(WsaError::from_errno(-1), WsaError::WSASYSCALLFAILURE);
    }

    /// Every errno maps onto a code Windows defines.
    #[test]
    fn every_result_is_a_known_code() {
        for errno in 0..200 {
            let e = WsaError::from_errno(errno);
            assert!(e.is_known(), "errno {errno} gave unknown {}", e.0);
            assert_ne!(e.0, 0, "errno {errno} gave success");
        }
    }
}

// ---- io::Error --------------------------------------------------------------------------

#[test]
fn io_error_with_os_code_uses_the_errno_table() {
    let e = std::io::Error::from_raw_os_error(libc::EPIPE);
    assert_eq!(WsaError::from(e), WsaError::WSAECONNRESET);
    let e = std::io::Error::from_raw_os_error(libc::EBADF);
    assert_eq!(WsaError::from(e), WsaError::WSAENOTSOCK);
}

#[test]
fn io_error_without_os_code_maps_by_kind() {
    use std::io::{Error, ErrorKind as K};
    let rows = [
        (K::WouldBlock, WsaError::WSAEWOULDBLOCK),
        (K::TimedOut, WsaError::WSAETIMEDOUT),
        (K::InvalidInput, WsaError::WSAEINVAL),
        (K::OutOfMemory, WsaError::WSAENOBUFS),
        (K::Interrupted, WsaError::WSAEINTR),
        (K::PermissionDenied, WsaError::WSAEACCES),
        (K::ConnectionRefused, WsaError::WSAECONNREFUSED),
        (K::ConnectionReset, WsaError::WSAECONNRESET),
        (K::BrokenPipe, WsaError::WSAECONNRESET),
        (K::ConnectionAborted, WsaError::WSAECONNABORTED),
        (K::NotConnected, WsaError::WSAENOTCONN),
        (K::AddrInUse, WsaError::WSAEADDRINUSE),
        (K::AddrNotAvailable, WsaError::WSAEADDRNOTAVAIL),
        (K::Unsupported, WsaError::WSAEOPNOTSUPP),
        (K::Other, WsaError::WSASYSCALLFAILURE),
    ];
    for (kind, want) in rows {
        assert_eq!(WsaError::from(Error::new(kind, "x")), want, "kind {kind:?}");
    }
}
