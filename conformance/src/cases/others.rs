//! The remaining functions: `WSPGetOverlappedResult`, `WSPGetQOSByName`, `WSPJoinLeaf`,
//! `WSPDuplicateSocket`, `WSPCancelBlockingCall`.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(get_overlapped_result_garbage_handle_gives_wsaenotsock, "WSPGetOverlappedResult", doc::GETOVERLAPPEDRESULT,
            "FALSE / WSAENOTSOCK"),
        case!(get_qos_by_name_unknown_template_gives_wsaeinval, "WSPGetQOSByName", doc::GETQOSBYNAME,
            "FALSE / WSAEINVAL"),
        case!(get_qos_by_name_garbage_handle_gives_wsaenotsock, "WSPGetQOSByName", doc::GETQOSBYNAME,
            "FALSE / WSAENOTSOCK"),
        case!(join_leaf_garbage_handle_gives_wsaenotsock, "WSPJoinLeaf", doc::JOINLEAF,
            "INVALID_SOCKET / WSAENOTSOCK"),
        case!(duplicate_socket_describes_the_socket, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "0; a WSAPROTOCOL_INFOW with the socket's family, type and protocol"),
        case!(duplicate_socket_shares_the_connection, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "0; WSPSocket(FROM_PROTOCOL_INFO) on the result gives a second handle to the same connection, which outlives closing the first"),
        case!(duplicate_socket_garbage_handle_gives_wsaenotsock, "WSPDuplicateSocket", doc::DUPLICATESOCKET,
            "SOCKET_ERROR / WSAENOTSOCK"),
        case!(cancel_blocking_call_without_one_gives_wsaeinval, "WSPCancelBlockingCall", doc::CANCELBLOCKINGCALL,
            "SOCKET_ERROR / WSAEINVAL (no outstanding blocking call)"),
    ]
}

fn get_overlapped_result_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPGetOverlappedResult(garbage)",
        w.get_overlapped_result(GARBAGE, 0x1000, false),
    )
}

fn get_qos_by_name_unknown_template_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let mut qos = Qos::default();
    expect_err(
        "WSPGetQOSByName(\"no such template\")",
        w.get_qos_by_name(s, "no such template", &mut qos),
        WsaError::WSAEINVAL,
    )
}

fn get_qos_by_name_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    let mut qos = Qos::default();
    garbage_gives_enotsock(
        "WSPGetQOSByName(garbage)",
        w.get_qos_by_name(GARBAGE, "G711", &mut qos),
    )
}

fn join_leaf_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPJoinLeaf(garbage)",
        w.join_leaf(GARBAGE, &v4(9), None, None, None, None, 0),
    )
}

fn duplicate_socket_describes_the_socket(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    let info = expect_ok(
        "WSPDuplicateSocket",
        w.duplicate_socket(s, std::process::id()),
    )?;
    expect_eq("iAddressFamily", info.iAddressFamily, AF_INET)?;
    expect_eq("iSocketType", info.iSocketType, SOCK_STREAM)?;
    expect_eq("iProtocol", info.iProtocol, IPPROTO_TCP)
}

fn duplicate_socket_shares_the_connection(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let info = expect_ok(
        "WSPDuplicateSocket",
        w.duplicate_socket(c, std::process::id()),
    )?;
    let d = expect_ok(
        "WSPSocket(FROM_PROTOCOL_INFO) from the duplicate",
        w.socket(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            Some(&info),
            0,
            0,
        ),
    )?;
    fx.track(d);
    expect_true(d != c, || "the duplicate has the original's handle".into())?;
    fx.close(c)?;
    fx.send_all(d, b"dup")?;
    expect_eq(
        "data sent through the duplicate",
        fx.recv_exact(s, 3)?,
        b"dup".to_vec(),
    )
}

fn duplicate_socket_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPDuplicateSocket(garbage)",
        w.duplicate_socket(GARBAGE, std::process::id()),
    )
}

fn cancel_blocking_call_without_one_gives_wsaeinval(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    expect_err(
        "WSPCancelBlockingCall with nothing blocking",
        w.cancel_blocking_call(),
        WsaError::WSAEINVAL,
    )
}
