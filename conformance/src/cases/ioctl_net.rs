//! `WSPIoctl` rows for the ioctls of issue 12: `SIO_IDEAL_SEND_BACKLOG_QUERY`,
//! `SIO_LOOPBACK_FAST_PATH` and `SIO_ADDRESS_LIST_SORT` (its list in the engine's offset
//! form, as `SIO_ADDRESS_LIST_QUERY`'s output: each `lpSockaddr` an offset from the start
//! of the buffer). Rows are generated with [`crate::case_table!`].

use super::options_table::{open, Sk};
use crate::*;
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

const IOCTL: &str = "WSPIoctl";
/// SIO_IDEAL_SEND_BACKLOG_QUERY page.
const ISB: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-ideal-send-backlog-query";
/// SIO_LOOPBACK_FAST_PATH page.
const FAST_PATH: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-loopback-fast-path";
/// "Using SIO_ADDRESS_LIST_SORT" page.
const SORT: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/using-sio-address-list-sort";

/// `_IOR('t', 123, ULONG)` (winsock2.h).
const SIO_IDEAL_SEND_BACKLOG_QUERY: u32 = 0x4004_747B;
/// `_WSAIOW(IOC_VENDOR, 16)` (mstcpip.h).
const SIO_LOOPBACK_FAST_PATH: u32 = 0x9800_0010;

crate::case_table! {
    sio_ideal_send_backlog_query_is_the_send_buffer_when_connected: IOCTL, ISB, "0; 4 bytes returned, a nonzero ULONG equal to SO_SNDBUF (this provider's documented rule)"
        => isb_connected;
    sio_ideal_send_backlog_query_unconnected_gives_wsaenotconn: IOCTL, ISB, "SOCKET_ERROR / WSAENOTCONN"
        => |w| ioctl_err(w, Sk::Tcp, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], 4, WsaError::WSAENOTCONN);
    sio_ideal_send_backlog_query_on_udp_gives_wsaeopnotsupp: IOCTL, ISB, "SOCKET_ERROR / WSAEOPNOTSUPP (connection-oriented sockets only)"
        => |w| ioctl_err(w, Sk::Udp, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], 4, WsaError::WSAEOPNOTSUPP);
    sio_ideal_send_backlog_query_2_byte_output_gives_wsaefault: IOCTL, ISB, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Connected, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], 2, WsaError::WSAEFAULT);

    sio_loopback_fast_path_on_tcp_returns_zero_bytes: IOCTL, FAST_PATH, "0; 0 bytes returned"
        => |w| ioctl_ok(w, Sk::Tcp, SIO_LOOPBACK_FAST_PATH, &1u32.to_le_bytes(), 0);
    sio_loopback_fast_path_on_udp_gives_wsaeopnotsupp: IOCTL, FAST_PATH, "SOCKET_ERROR / WSAEOPNOTSUPP (TCP sockets only)"
        => |w| ioctl_err(w, Sk::Udp, SIO_LOOPBACK_FAST_PATH, &1u32.to_le_bytes(), 0, WsaError::WSAEOPNOTSUPP);

    sio_address_list_sort_puts_loopback_first: IOCTL, SORT, "0; ::1, then ::ffff:127.0.0.1, then :: (RFC 6724 with Windows' default prefix policies)"
        => sort_loopback_first;
    sio_address_list_sort_short_output_gives_wsaefault: IOCTL, SORT, "SOCKET_ERROR / WSAEFAULT"
        => |w| ioctl_err(w, Sk::Udp6, SIO_ADDRESS_LIST_SORT, &offset_list(&["[::1]:1", "[::]:1"]), 16, WsaError::WSAEFAULT);
    sio_address_list_sort_on_ipv4_gives_wsaeinval: IOCTL, SORT, "SOCKET_ERROR / WSAEINVAL (entries must be SOCKADDR_IN6)"
        => |w| ioctl_err(w, Sk::Udp, SIO_ADDRESS_LIST_SORT, &offset_list(&["[::1]:1"]), 64, WsaError::WSAEINVAL);
}

fn ioctl_err(
    w: &dyn Wsp,
    sk: Sk,
    code: u32,
    input: &[u8],
    out_len: usize,
    err: WsaError,
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let mut out = vec![0u8; out_len];
    expect_err(
        &format!("WSPIoctl({code:#010x}, {} in, {out_len} out)", input.len()),
        w.ioctl(s, code, input, &mut out),
        err,
    )
}

fn ioctl_ok(w: &dyn Wsp, sk: Sk, code: u32, input: &[u8], want: usize) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let what = format!("WSPIoctl({code:#010x})");
    let n = expect_ok(&what, w.ioctl(s, code, input, &mut []))?;
    expect_eq(&format!("{what} bytes returned"), n, want)
}

fn isb_connected(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, Sk::Connected)?;
    let mut out = [0u8; 4];
    let n = expect_ok(
        "WSPIoctl(SIO_IDEAL_SEND_BACKLOG_QUERY)",
        w.ioctl(s, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut out),
    )?;
    expect_eq("bytes returned", n, 4)?;
    let isb = u32::from_le_bytes(out);
    expect_true(isb > 0, || "ideal send backlog 0".into())?;
    let mut sb = [0u8; 4];
    expect_ok(
        "WSPGetSockOpt(SO_SNDBUF)",
        w.get_sock_opt(s, SOL_SOCKET, SO_SNDBUF, &mut sb),
    )?;
    expect_eq(
        "ideal send backlog vs SO_SNDBUF",
        isb,
        u32::from_le_bytes(sb),
    )
}

/// A `SOCKET_ADDRESS_LIST` in offset form.
fn offset_list(addrs: &[&str]) -> Vec<u8> {
    let head = 8 + 16 * addrs.len();
    let mut v = vec![0u8; head];
    v[..4].copy_from_slice(&(addrs.len() as i32).to_le_bytes());
    for (i, a) in addrs.iter().enumerate() {
        let sa = SockAddr::from_std(a.parse().expect("address literal"));
        let off = v.len();
        v.extend_from_slice(sa.as_bytes());
        let at = 8 + 16 * i;
        v[at..at + 8].copy_from_slice(&(off as u64).to_le_bytes());
        v[at + 8..at + 12].copy_from_slice(&(sa.len() as i32).to_le_bytes());
    }
    v
}

fn entry_offset(list: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&list[8 + 16 * i..16 + 16 * i]);
    u64::from_le_bytes(b)
}

fn sort_loopback_first(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, Sk::Udp6)?;
    let input = offset_list(&["[::]:7", "[::ffff:127.0.0.1]:7", "[::1]:7"]);
    let mut out = vec![0u8; 8 + 16 * 3];
    let n = expect_ok(
        "WSPIoctl(SIO_ADDRESS_LIST_SORT)",
        w.ioctl(s, SIO_ADDRESS_LIST_SORT, &input, &mut out),
    )?;
    expect_eq("bytes returned", n, 8 + 16 * 3)?;
    let got: Vec<u64> = (0..3).map(|i| entry_offset(&out, i)).collect();
    let want: Vec<u64> = [2, 1, 0].iter().map(|&i| entry_offset(&input, i)).collect();
    expect_eq("sorted entries", got, want)
}
