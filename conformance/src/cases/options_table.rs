//! `WSPGetSockOpt` / `WSPSetSockOpt`, one row per option of the engine's table
//! (`src/engine/options.rs`) and per level: the default read back, a set read back, the
//! short-buffer rule of the option's shape, and the unknown level and name answers.
//!
//! The rows are generated with [`case_table!`] so that each is a named case. Length shapes are
//! those Wine's `test_optsize` records on Windows (see `docs/options.md`): SOL_SOCKET BOOLs
//! accept any set length and report 1 for a 1..3-byte get; one-byte BOOLEANs always report
//! 1; small IP values report 1 for a get shorter than 4; DWORDs and structures fail
//! `WSAEFAULT` under 4 bytes. A zero-length get is `WSAEFAULT` for every option.

use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The socket a generated case works on.
#[derive(Clone, Copy, Debug)]
pub enum Sk {
    /// TCP over IPv4, unbound.
    Tcp,
    /// UDP over IPv4, unbound.
    Udp,
    /// TCP over IPv6, unbound.
    Tcp6,
    /// UDP over IPv6, unbound.
    Udp6,
    /// A TCP/IPv4 socket listening on loopback.
    Listener,
    /// The client end of a connected TCP/IPv4 pair.
    Connected,
    /// UDP over IPv4, bound to loopback and non-blocking.
    UdpNonBlocking,
}

/// Open the socket `sk` describes.
pub fn open(fx: &Fixture<'_>, sk: Sk) -> Step<SOCKET> {
    match sk {
        Sk::Tcp => fx.tcp(),
        Sk::Udp => fx.udp(),
        Sk::Tcp6 => fx.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP),
        Sk::Udp6 => fx.socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP),
        Sk::Listener => Ok(fx.listener()?.0),
        Sk::Connected => Ok(fx.pair()?.0),
        Sk::UdpNonBlocking => {
            let (s, _) = fx.bound_udp()?;
            fx.set_nonblocking(s, true)?;
            Ok(s)
        }
    }
}

fn opt_what(op: &str, level: i32, name: i32, len: usize) -> String {
    format!("{op}(level {level:#x}, name {name:#x}, {len} bytes)")
}

/// Get into a `len`-byte buffer: success, the reported length is `want.len()`, and the
/// bytes written there are `want`.
pub fn get_is(w: &dyn Wsp, sk: Sk, level: i32, name: i32, len: usize, want: &[u8]) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    get_on(w, s, level, name, len, want)
}

fn get_on(w: &dyn Wsp, s: SOCKET, level: i32, name: i32, len: usize, want: &[u8]) -> Step<()> {
    let what = opt_what("WSPGetSockOpt", level, name, len);
    let mut out = vec![0xA5u8; len];
    let n = expect_ok(&what, w.get_sock_opt(s, level, name, &mut out))?;
    expect_eq(&format!("{what} length"), n, want.len())?;
    expect_eq(&format!("{what} value"), &out[..n], want)
}

/// Get into a `len`-byte buffer: success, reported length `n`, and `check` holds.
pub fn get_with(
    w: &dyn Wsp,
    sk: Sk,
    level: i32,
    name: i32,
    len: usize,
    n_want: usize,
    check: fn(&[u8]) -> bool,
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let what = opt_what("WSPGetSockOpt", level, name, len);
    let mut out = vec![0u8; len];
    let n = expect_ok(&what, w.get_sock_opt(s, level, name, &mut out))?;
    expect_eq(&format!("{what} length"), n, n_want)?;
    expect_true(check(&out[..n]), || {
        format!("{what}: unexpected value {:?}", &out[..n])
    })
}

/// Get into a `len`-byte buffer fails with `err`.
pub fn get_err(w: &dyn Wsp, sk: Sk, level: i32, name: i32, len: usize, err: WsaError) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    let mut out = vec![0u8; len];
    expect_err(
        &opt_what("WSPGetSockOpt", level, name, len),
        w.get_sock_opt(s, level, name, &mut out),
        err,
    )
}

/// Set `value`, then get into a `len`-byte buffer: the length and bytes are `want`.
pub fn set_get(
    w: &dyn Wsp,
    sk: Sk,
    level: i32,
    name: i32,
    value: &[u8],
    len: usize,
    want: &[u8],
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    expect_ok(
        &opt_what("WSPSetSockOpt", level, name, value.len()),
        w.set_sock_opt(s, level, name, value),
    )?;
    get_on(w, s, level, name, len, want)
}

/// Set `value` succeeds.
pub fn set_ok(w: &dyn Wsp, sk: Sk, level: i32, name: i32, value: &[u8]) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    expect_ok(
        &opt_what("WSPSetSockOpt", level, name, value.len()),
        w.set_sock_opt(s, level, name, value),
    )
}

/// Set `value` fails with `err`.
pub fn set_err(
    w: &dyn Wsp,
    sk: Sk,
    level: i32,
    name: i32,
    value: &[u8],
    err: WsaError,
) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, sk)?;
    expect_err(
        &opt_what("WSPSetSockOpt", level, name, value.len()),
        w.set_sock_opt(s, level, name, value),
        err,
    )
}

/// A little-endian DWORD.
pub const fn le(v: u32) -> [u8; 4] {
    v.to_le_bytes()
}

/// `WSPGetSockOpt`.
pub const GET: &str = "WSPGetSockOpt";
/// `WSPSetSockOpt`.
pub const SET: &str = "WSPSetSockOpt";
/// SOL_SOCKET socket options page.
pub const SOL: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sol-socket-socket-options";
/// IPPROTO_TCP socket options page.
pub const TCP: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-tcp-socket-options";
/// IPPROTO_IP socket options page.
pub const IP: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ip-socket-options";
/// IPPROTO_IPV6 socket options page.
pub const IP6: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/ipproto-ipv6-socket-options";
/// Wine's test, which runs on Windows and records its answers.
pub const WINE: &str =
    "Wine dlls/ws2_32/tests/sock.c test_set_getsockopt / test_optsize (runs on Windows)";
/// getsockopt page (unknown names, short buffers).
pub const GETSOCKOPT_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-getsockopt";
/// setsockopt page (per-type restrictions).
pub const SETSOCKOPT_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-setsockopt";
/// SIO_KEEPALIVE_VALS page (keep-alive defaults: 2 hours, 1 second, 10 probes).
pub const KEEPALIVE_PAGE: &str =
    "https://learn.microsoft.com/en-us/windows/win32/winsock/sio-keepalive-vals";

/// Rows of named cases: `name: function, source, expect => |w| body;`. Defines one fn per
/// row and the module's `cases()` in row order.
#[macro_export]
macro_rules! case_table {
    ($( $fname:ident : $func:expr, $src:expr, $expect:expr => $body:expr; )*) => {
        /// The cases of this module, in row order.
        pub fn cases() -> Vec<$crate::Case> {
            vec![ $( $crate::case!($fname, $func, $src, $expect) ),* ]
        }
        $(
            fn $fname(w: &dyn wsp::Wsp) -> $crate::Step<()> {
                let body: fn(&dyn wsp::Wsp) -> $crate::Step<()> = $body;
                body(w)
            }
        )*
    };
}

const Z: &[u8] = &[];

const WSAEFAULT: WsaError = WsaError::WSAEFAULT;
const WSAEINVAL: WsaError = WsaError::WSAEINVAL;
const WSAENOPROTOOPT: WsaError = WsaError::WSAENOPROTOOPT;

fn linger(on: u16, secs: u16) -> [u8; 4] {
    let mut b = [0u8; 4];
    b[..2].copy_from_slice(&on.to_le_bytes());
    b[2..].copy_from_slice(&secs.to_le_bytes());
    b
}

crate::case_table! {
    // ---- unknown level / unknown name, per level ------------------------------------
    opt_unknown_level_0x8000_get_gives_wsaeinval: GET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| get_err(w, Sk::Tcp, 0x8000, SO_RCVTIMEO, 4, WSAEINVAL);
    opt_unknown_level_0xffffffff_get_gives_wsaeinval: GET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| get_err(w, Sk::Tcp, -1, SO_RCVTIMEO, 4, WSAEINVAL);
    opt_unknown_level_0x8000_set_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, 0x8000, SO_RCVTIMEO, &le(1), WSAEINVAL);
    opt_unknown_level_0xffffffff_set_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, -1, SO_RCVTIMEO, &le(1), WSAEINVAL);
    opt_sol_socket_unknown_name_get_gives_wsaenoprotoopt: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, 0x4242, 4, WSAENOPROTOOPT);
    opt_sol_socket_unknown_name_set_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, 0x4242, &le(1), WSAENOPROTOOPT);
    opt_ipproto_tcp_unknown_name_get_gives_wsaenoprotoopt: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| get_err(w, Sk::Tcp, IPPROTO_TCP, 0x4242, 4, WSAENOPROTOOPT);
    opt_ipproto_tcp_unknown_name_set_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, 0x4242, &le(1), WSAENOPROTOOPT);
    opt_ipproto_ip_unknown_name_get_gives_wsaenoprotoopt: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| get_err(w, Sk::Udp, IPPROTO_IP, 0x4242, 4, WSAENOPROTOOPT);
    opt_ipproto_ip_unknown_name_set_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, 0x4242, &le(1), WSAENOPROTOOPT);
    opt_ipproto_ipv6_unknown_name_get_gives_wsaenoprotoopt: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IPV6, 0x4242, 4, WSAENOPROTOOPT);
    opt_ipproto_ipv6_unknown_name_set_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, 0x4242, &le(1), WSAENOPROTOOPT);

    // ---- SOL_SOCKET BOOLs (any set length; get 2 bytes writes 2, reports 1) -----------
    so_dontlinger_default_is_true: GET, WINE, "0; 4 bytes, 1 (linger off)"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_DONTLINGER, 4, &le(1));
    so_dontlinger_set_false_reads_back_false: SET, WINE, "0; then 4 bytes, 0"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_DONTLINGER, &le(0), 4, &le(0));
    so_dontlinger_get_2_bytes_reports_1: GET, WINE, "0; length 1, first byte 1"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_DONTLINGER, 2, &[1]);
    so_dontlinger_set_zero_length_succeeds: SET, WINE, "0 (a zero-length BOOL set is accepted)"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_DONTLINGER, Z);
    so_exclusiveaddruse_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 4, &le(0));
    so_exclusiveaddruse_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, &le(1), 4, &le(1));
    so_exclusiveaddruse_get_2_bytes_reports_1: GET, WINE, "0; length 1, first byte 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 2, &[0]);
    so_exclusiveaddruse_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, Z);
    so_debug_default_is_false: GET, SOL, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_DEBUG, 4, &le(0));
    so_debug_set_true_reads_back_true: SET, SOL, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_DEBUG, &le(1), 4, &le(1));
    so_debug_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_DEBUG, 0, WSAEFAULT);
    so_debug_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_DEBUG, Z);
    so_acceptconn_default_is_false: GET, SOL, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_ACCEPTCONN, 4, &le(0));
    so_acceptconn_on_a_listener_is_true: GET, SOL, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Listener, SOL_SOCKET, SO_ACCEPTCONN, 4, &le(1));
    so_acceptconn_get_2_bytes_reports_1: GET, WINE, "0; length 1, first byte 1"
        => |w| get_is(w, Sk::Listener, SOL_SOCKET, SO_ACCEPTCONN, 2, &[1]);
    so_reuseaddr_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_REUSEADDR, 4, &le(0));
    so_reuseaddr_set_0x100_reads_back_true: SET, WINE, "0; then 4 bytes, 1 (0x100 is TRUE)"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_REUSEADDR, &le(0x100), 4, &le(1));
    so_reuseaddr_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_REUSEADDR, 1, &[0]);
    so_reuseaddr_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_REUSEADDR, Z);
    so_broadcast_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Udp, SOL_SOCKET, SO_BROADCAST, 4, &le(0));
    so_broadcast_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Udp, SOL_SOCKET, SO_BROADCAST, &le(1), 4, &le(1));
    so_broadcast_get_2_bytes_reports_1: GET, WINE, "0; length 1, first byte 0"
        => |w| get_is(w, Sk::Udp, SOL_SOCKET, SO_BROADCAST, 2, &[0]);
    so_broadcast_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Udp, SOL_SOCKET, SO_BROADCAST, Z);
    so_broadcast_set_on_tcp_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_BROADCAST, &le(1), WSAENOPROTOOPT);
    so_oobinline_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_OOBINLINE, 4, &le(0));
    so_oobinline_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_OOBINLINE, &le(1), 4, &le(1));
    so_oobinline_get_2_bytes_reports_1: GET, WINE, "0; length 1, first byte 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_OOBINLINE, 2, &[0]);
    so_oobinline_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_OOBINLINE, Z);
    so_conditional_accept_default_is_false: GET, SOL, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 4, &le(0));
    so_conditional_accept_set_true_reads_back_true: SET, SOL, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, &le(1), 4, &le(1));
    so_conditional_accept_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 0, WSAEFAULT);
    so_conditional_accept_set_zero_length_succeeds: SET, WINE, "0"
        => |w| set_ok(w, Sk::Tcp, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, Z);

    // ---- one-byte BOOLEANs (set needs 1 byte, first byte only; get reports 1) ---------
    so_keepalive_default_is_false_in_1_byte: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_KEEPALIVE, 4, &[0]);
    so_keepalive_set_true_reads_back_1_byte: SET, WINE, "0; then length 1, byte 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_KEEPALIVE, &le(1), 4, &[1]);
    so_keepalive_set_0x100_reads_back_false: SET, WINE, "0; then length 1, byte 0 (only the first byte is read)"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_KEEPALIVE, &le(0x100), 4, &[0]);
    so_keepalive_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_KEEPALIVE, Z, WSAEFAULT);
    so_keepalive_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_KEEPALIVE, 0, WSAEFAULT);
    so_dontroute_default_is_false_in_1_byte: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_DONTROUTE, 4, &[0]);
    so_dontroute_set_true_reads_back_1_byte: SET, WINE, "0; then length 1, byte 1"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_DONTROUTE, &[1], 4, &[1]);
    so_dontroute_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_DONTROUTE, Z, WSAEFAULT);
    so_dontroute_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_DONTROUTE, 0, WSAEFAULT);
    tcp_nodelay_default_is_false_in_1_byte: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Tcp, IPPROTO_TCP, TCP_NODELAY, 4, &[0]);
    tcp_nodelay_set_true_reads_back_1_byte: SET, WINE, "0; then length 1, byte 1"
        => |w| set_get(w, Sk::Tcp, IPPROTO_TCP, TCP_NODELAY, &le(1), 4, &[1]);
    tcp_nodelay_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, TCP_NODELAY, Z, WSAEFAULT);
    tcp_nodelay_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, IPPROTO_TCP, TCP_NODELAY, 0, WSAEFAULT);
    tcp_nodelay_on_udp_gives_wsaenoprotoopt: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT (TCP option on a UDP socket; inferred from the page)"
        => |w| get_err(w, Sk::Udp, IPPROTO_TCP, TCP_NODELAY, 4, WSAENOPROTOOPT);
    ipv6_v6only_default_is_true_in_1_byte: GET, IP6, "0; length 1, byte 1 (on by default)"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_V6ONLY, 4, &[1]);
    ipv6_v6only_set_false_reads_back_false: SET, WINE, "0; then length 1, byte 0"
        => |w| set_get(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_V6ONLY, &le(0), 4, &[0]);
    ipv6_v6only_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_V6ONLY, Z, WSAEFAULT);
    ipv6_v6only_get_zero_length_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_V6ONLY, 0, WSAEFAULT);

    // ---- SOL_SOCKET DWORDs and structures (under 4 bytes: WSAEFAULT) ----------------
    so_linger_default_is_off_zero: GET, WINE, "0; 4 bytes, {l_onoff 0, l_linger 0}"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_LINGER, 4, &linger(0, 0));
    so_linger_set_on_7_reads_back_u_shorts: SET, WINE, "0; then 4 bytes, {1, 7} as two u_shorts"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_LINGER, &linger(1, 7), 4, &linger(1, 7));
    so_linger_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_LINGER, 2, WSAEFAULT);
    so_linger_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_LINGER, &[1, 0], WSAEFAULT);
    so_linger_set_on_udp_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT"
        => |w| set_err(w, Sk::Udp, SOL_SOCKET, SO_LINGER, &linger(1, 7), WSAENOPROTOOPT);
    so_sndbuf_default_is_a_positive_dword: GET, SOL, "0; 4 bytes, a positive size (Windows' default size is not documented; not asserted)"
        => |w| get_with(w, Sk::Tcp, SOL_SOCKET, SO_SNDBUF, 4, 4, |b| le_u32(b) > 0);
    so_sndbuf_set_4096_reads_back_4096: SET, WINE, "0; then 4 bytes, 4096 (not doubled)"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_SNDBUF, &le(4096), 4, &le(4096));
    so_sndbuf_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDBUF, 2, WSAEFAULT);
    so_sndbuf_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDBUF, &[0, 16], WSAEFAULT);
    so_rcvbuf_default_is_a_positive_dword: GET, SOL, "0; 4 bytes, a positive size (Windows' default size is not documented; not asserted)"
        => |w| get_with(w, Sk::Tcp, SOL_SOCKET, SO_RCVBUF, 4, 4, |b| le_u32(b) > 0);
    so_rcvbuf_set_4096_reads_back_4096: SET, WINE, "0; then 4 bytes, 4096 (not doubled)"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_RCVBUF, &le(4096), 4, &le(4096));
    so_rcvbuf_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVBUF, 2, WSAEFAULT);
    so_rcvbuf_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVBUF, &[0, 16], WSAEFAULT);
    so_sndlowat_get_gives_wsaeinval: GET, SOL, "SOCKET_ERROR / WSAEINVAL (not supported by TCP/IP; Vista and later)"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDLOWAT, 4, WSAEINVAL);
    so_sndlowat_set_gives_wsaeinval: SET, SOL, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDLOWAT, &le(1), WSAEINVAL);
    so_rcvlowat_get_gives_wsaeinval: GET, SOL, "SOCKET_ERROR / WSAEINVAL (not supported by TCP/IP; Vista and later)"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVLOWAT, 4, WSAEINVAL);
    so_rcvlowat_set_gives_wsaeinval: SET, SOL, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVLOWAT, &le(1), WSAEINVAL);
    so_uselooopback_get_gives_wsaenoprotoopt: GET, SOL, "SOCKET_ERROR / WSAENOPROTOOPT (not supported)"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_USELOOPBACK, 4, WSAENOPROTOOPT);
    so_uselooopback_set_gives_wsaenoprotoopt: SET, SOL, "SOCKET_ERROR / WSAENOPROTOOPT (not supported)"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_USELOOPBACK, &le(1), WSAENOPROTOOPT);
    so_sndtimeo_default_is_zero: GET, WINE, "0; 4 bytes, 0 ms"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_SNDTIMEO, 4, &le(0));
    so_sndtimeo_set_1234_reads_back_1234: SET, WINE, "0; then 4 bytes, 1234 ms"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_SNDTIMEO, &le(1234), 4, &le(1234));
    so_sndtimeo_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDTIMEO, 2, WSAEFAULT);
    so_sndtimeo_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_SNDTIMEO, &[1, 0], WSAEFAULT);
    so_rcvtimeo_default_is_zero: GET, WINE, "0; 4 bytes, 0 ms"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_RCVTIMEO, 4, &le(0));
    so_rcvtimeo_set_1234_reads_back_1234: SET, WINE, "0; then 4 bytes, 1234 ms"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_RCVTIMEO, &le(1234), 4, &le(1234));
    so_rcvtimeo_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVTIMEO, 2, WSAEFAULT);
    so_rcvtimeo_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_RCVTIMEO, &[1, 0], WSAEFAULT);
    so_error_default_is_zero: GET, SOL, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_ERROR, 4, &le(0));
    so_error_set_1234_reads_back_1234: SET, WINE, "0; then 4 bytes, 1234 (Windows keeps a set value)"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_ERROR, &le(1234), 4, &le(1234));
    so_error_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_ERROR, 2, WSAEFAULT);
    so_error_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_ERROR, &[1, 0], WSAEFAULT);
    so_type_of_tcp_is_sock_stream: GET, SOL, "0; 4 bytes, 1 (SOCK_STREAM)"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_TYPE, 4, &le(1));
    so_type_of_udp_is_sock_dgram: GET, SOL, "0; 4 bytes, 2 (SOCK_DGRAM)"
        => |w| get_is(w, Sk::Udp, SOL_SOCKET, SO_TYPE, 4, &le(2));
    so_type_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_TYPE, 2, WSAEFAULT);
    so_bsp_state_of_a_listener_is_a_csaddr_info: GET, BSP_WINE, "0; *optlen stays 128; CSADDR_INFO (x64, 40 bytes): LocalAddr = {optval+40, 16} holding the bound address, RemoteAddr = {NULL, 0}, SOCK_STREAM, IPPROTO_TCP"
        => bsp_listener;
    so_bsp_state_unbound_has_null_addresses: GET, BSP_WINE, "0; LocalAddr and RemoteAddr both {NULL, 0}; SOCK_STREAM, IPPROTO_TCP"
        => bsp_unbound;
    so_bsp_state_bound_udp_has_only_the_local_address: GET, BSP_PAGE, "0; LocalAddr = {optval+40, 16} (the bound address), RemoteAddr = {NULL, 0}; SOCK_DGRAM, IPPROTO_UDP"
        => bsp_bound_udp;
    so_bsp_state_connected_has_both_addresses: GET, BSP_WINE, "0 on both ends; LocalAddr = getsockname at optval+40, RemoteAddr = getpeername at optval+56, 16 bytes each; each end's local is the other's remote"
        => bsp_connected;
    so_bsp_state_40_bytes_gives_wsaefault: GET, BSP_WINE, "SOCKET_ERROR / WSAEFAULT (sizeof(CSADDR_INFO) leaves no room for the addresses)"
        => |w| bsp_len_err(w, Sk::Connected, 40);
    so_bsp_state_71_bytes_gives_wsaefault: GET, BSP_WINE, "SOCKET_ERROR / WSAEFAULT (IPv4 needs 40 + 2 * 16 = 72 bytes on x64)"
        => |w| bsp_len_err(w, Sk::Connected, 71);
    so_bsp_state_72_bytes_succeeds: GET, BSP_WINE, "0; *optlen stays 72 (CSADDR_INFO + two SOCKADDR_IN)"
        => |w| get_with(w, Sk::Connected, SOL_SOCKET, SO_BSP_STATE, 72, 72, |b| le_u32(&b[8..12]) == 16 && le_u32(&b[24..28]) == 16);
    so_bsp_state_ipv6_needs_room_for_two_sockaddr_in6: GET, BSP_WINE, "SOCKET_ERROR / WSAEFAULT with 95 bytes; 0 with 96 (40 + 2 * 28), LocalAddr {optval+40, 28} once bound to ::1 (inferred from the IPv4 rule and Wine's layout)"
        => bsp_ipv6;
    so_bsp_state_set_gives_wsaenoprotoopt: SET, SETSOCKOPT_PAGE, "SOCKET_ERROR / WSAENOPROTOOPT (get-only option; inferred)"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_BSP_STATE, &[0u8; 72], WSAENOPROTOOPT);
    so_group_id_default_is_zero: GET, SOL, "0; 4 bytes, 0 (no group)"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_ID, 4, &le(0));
    so_group_id_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_ID, 2, WSAEFAULT);
    so_group_priority_default_is_zero: GET, SOL, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_PRIORITY, 4, &le(0));
    so_group_priority_set_3_reads_back_3: SET, SOL, "0; then 4 bytes, 3"
        => |w| set_get(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_PRIORITY, &le(3), 4, &le(3));
    so_group_priority_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_PRIORITY, 2, WSAEFAULT);
    so_group_priority_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_GROUP_PRIORITY, &[3, 0], WSAEFAULT);
    so_max_msg_size_of_udp_is_the_catalog_message_size: GET, SOL, "0; 4 bytes, 65467 (the UDP entry's dwMessageSize, 0xffbb)"
        => |w| get_is(w, Sk::Udp, SOL_SOCKET, SO_MAX_MSG_SIZE, 4, &le(0xffbb));
    so_max_msg_size_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp, SOL_SOCKET, SO_MAX_MSG_SIZE, 2, WSAEFAULT);
    so_protocol_infow_of_tcp_is_628_bytes_of_sock_stream: GET, WINE, "0; 628 bytes, iSocketType SOCK_STREAM, iProtocol IPPROTO_TCP"
        => |w| get_with(w, Sk::Tcp, SOL_SOCKET, SO_PROTOCOL_INFOW, 628, 628, |b| le_u32(&b[76..]) == 2 && le_u32(&b[88..]) == 1 && le_u32(&b[92..]) == 6);
    so_protocol_infow_get_627_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_PROTOCOL_INFOW, 627, WSAEFAULT);
    so_protocol_infoa_of_udp_is_372_bytes_of_sock_dgram: GET, WINE, "0; 372 bytes, iSocketType SOCK_DGRAM, iProtocol IPPROTO_UDP"
        => |w| get_with(w, Sk::Udp, SOL_SOCKET, SO_PROTOCOL_INFOA, 372, 372, |b| le_u32(&b[76..]) == 2 && le_u32(&b[88..]) == 2 && le_u32(&b[92..]) == 17);
    so_protocol_infoa_get_371_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp, SOL_SOCKET, SO_PROTOCOL_INFOA, 371, WSAEFAULT);
    so_connect_time_unconnected_is_0xffffffff: GET, SOL, "0; 4 bytes, 0xFFFFFFFF (not connected)"
        => |w| get_is(w, Sk::Tcp, SOL_SOCKET, SO_CONNECT_TIME, 4, &le(u32::MAX));
    so_connect_time_connected_is_seconds: GET, SOL, "0; 4 bytes, the seconds connected (0 or 1 just after connect)"
        => |w| get_with(w, Sk::Connected, SOL_SOCKET, SO_CONNECT_TIME, 4, 4, |b| le_u32(b) <= 1);
    so_connect_time_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, SOL_SOCKET, SO_CONNECT_TIME, 2, WSAEFAULT);
    so_update_connect_context_on_connected_succeeds: SET, SOL, "0 (no value)"
        => |w| set_ok(w, Sk::Connected, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, Z);
    so_update_connect_context_unconnected_gives_wsaenotconn: SET, SOL, "SOCKET_ERROR / WSAENOTCONN"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, Z, WsaError::WSAENOTCONN);
    so_update_accept_context_set_4_bytes_gives_wsaefault: SET, SOL, "SOCKET_ERROR / WSAEFAULT (a SOCKET is 8 bytes on x64)"
        => |w| set_err(w, Sk::Tcp, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, &le(1), WSAEFAULT);
    so_update_accept_context_with_a_listener_succeeds: SET, SOL, "0"
        => |w| update_accept_context(w);

    // ---- IPPROTO_TCP DWORDs ---------------------------------------------------------
    tcp_keepalive_default_is_7200_seconds: GET, KEEPALIVE_PAGE, "0; 4 bytes, 7200 (2 hours)"
        => |w| get_is(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPALIVE, 4, &le(7200));
    tcp_keepalive_set_60_reads_back_60: SET, TCP, "0; then 4 bytes, 60"
        => |w| set_get(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPALIVE, &le(60), 4, &le(60));
    tcp_keepalive_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPALIVE, 2, WSAEFAULT);
    tcp_keepalive_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPALIVE, &[60, 0], WSAEFAULT);
    tcp_keepcnt_default_is_10: GET, KEEPALIVE_PAGE, "0; 4 bytes, 10 probes"
        => |w| get_is(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPCNT, 4, &le(10));
    tcp_keepcnt_set_5_reads_back_5: SET, WINE, "0; then 4 bytes, 5"
        => |w| set_get(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPCNT, &le(5), 4, &le(5));
    tcp_keepcnt_set_256_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL (more than 255 probes)"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPCNT, &le(256), WSAEINVAL);
    tcp_keepcnt_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPCNT, 2, WSAEFAULT);
    tcp_keepcnt_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPCNT, &[5, 0], WSAEFAULT);
    tcp_keepintvl_default_is_1_second: GET, KEEPALIVE_PAGE, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPINTVL, 4, &le(1));
    tcp_keepintvl_set_7_reads_back_7: SET, WINE, "0; then 4 bytes, 7"
        => |w| set_get(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPINTVL, &le(7), 4, &le(7));
    tcp_keepintvl_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPINTVL, 2, WSAEFAULT);
    tcp_keepintvl_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_TCP, TCP_KEEPINTVL, &[7, 0], WSAEFAULT);

    // ---- IPPROTO_IP ----------------------------------------------------------------
    ip_options_default_is_empty: GET, IP, "0; 0 bytes (no IP options set)"
        => |w| get_is(w, Sk::Tcp, IPPROTO_IP, IP_OPTIONS, 40, Z);
    ip_options_default_on_udp_is_empty: GET, IP, "0; 0 bytes (no IP options set)"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_OPTIONS, 40, Z);
    ip_options_set_record_route_reads_back_on_tcp: SET, IP, "0; then 8 bytes, the same options (record route with one slot, end of list)"
        => |w| set_get(w, Sk::Tcp, IPPROTO_IP, IP_OPTIONS, &RECORD_ROUTE, 40, &RECORD_ROUTE);
    ip_options_set_record_route_reads_back_on_udp: SET, IP, "0; then 8 bytes, the same options"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_OPTIONS, &RECORD_ROUTE, 40, &RECORD_ROUTE);
    ip_options_set_zero_length_removes_them: SET, IP, "0 both times; then 0 bytes (\"setting optval to zero removes all previously specified options\")"
        => ip_options_cleared;
    ip_options_set_44_bytes_gives_wsaeinval: SET, IP, "SOCKET_ERROR / WSAEINVAL (more than the 40 option bytes an IPv4 header holds; inferred)"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_OPTIONS, &[1u8; 44], WSAEINVAL);
    ip_options_get_shorter_than_the_options_gives_wsaefault: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAEFAULT for a 4-byte buffer after 8 bytes of options were set (inferred)"
        => ip_options_short_get;
    ip_options_on_ipv6_socket_gives_wsaeinval: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAEINVAL (IPPROTO_IP on an AF_INET6 socket; inferred)"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IP, IP_OPTIONS, 40, WSAEINVAL);
    ip_options_datagram_still_arrives: SET, IP, "0; a datagram sent with record-route options set reaches the loopback receiver intact"
        => ip_options_datagram;
    ip_hdrincl_get_on_udp_gives_wsaeinval: GET, WINE, "SOCKET_ERROR / WSAEINVAL (Vista and later, TCP and UDP sockets)"
        => |w| get_err(w, Sk::Udp, IPPROTO_IP, IP_HDRINCL, 4, WSAEINVAL);
    ip_hdrincl_set_on_tcp_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, IPPROTO_IP, IP_HDRINCL, &le(1), WSAEINVAL);
    ip_tos_default_is_zero: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Tcp, IPPROTO_IP, IP_TOS, 4, &le(0));
    ip_tos_set_1_byte_reads_back_4_bytes: SET, WINE, "0; then 4 bytes, 0x10"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_TOS, &[0x10], 4, &le(0x10));
    ip_tos_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Tcp, IPPROTO_IP, IP_TOS, 1, &[0]);
    ip_tos_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_IP, IP_TOS, Z, WSAEFAULT);
    ip_ttl_default_is_128: GET, IP, "0; 4 bytes, 128 (Windows' DefaultTTL)"
        => |w| get_is(w, Sk::Tcp, IPPROTO_IP, IP_TTL, 4, &le(128));
    ip_ttl_set_2_bytes_reads_back_4_bytes: SET, WINE, "0; then 4 bytes, 33"
        => |w| set_get(w, Sk::Tcp, IPPROTO_IP, IP_TTL, &[33, 0], 4, &le(33));
    ip_ttl_get_2_bytes_reports_1: GET, WINE, "0; length 1, byte 33"
        => |w| set_get(w, Sk::Tcp, IPPROTO_IP, IP_TTL, &le(33), 2, &[33]);
    ip_ttl_set_256_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp, IPPROTO_IP, IP_TTL, &le(256), WSAEINVAL);
    ip_ttl_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp, IPPROTO_IP, IP_TTL, Z, WSAEFAULT);
    ip_ttl_on_ipv6_socket_gives_wsaeinval: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAEINVAL (IPPROTO_IP on an AF_INET6 socket; inferred)"
        => |w| get_err(w, Sk::Tcp6, IPPROTO_IP, IP_TTL, 4, WSAEINVAL);
    ip_multicast_if_default_is_any: GET, IP, "0; 4 bytes, INADDR_ANY"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_IF, 4, &[0, 0, 0, 0]);
    ip_multicast_if_set_loopback_reads_back_loopback: SET, IP, "0; then 4 bytes, 127.0.0.1"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_IF, &[127, 0, 0, 1], 4, &[127, 0, 0, 1]);
    ip_multicast_if_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_IF, 2, WSAEFAULT);
    ip_multicast_if_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_IF, &[127, 0], WSAEFAULT);
    ip_multicast_ttl_default_is_1: GET, IP, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_TTL, 4, &le(1));
    ip_multicast_ttl_set_9_reads_back_9: SET, WINE, "0; then 4 bytes, 9"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_TTL, &le(9), 4, &le(9));
    ip_multicast_ttl_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 1"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_TTL, 1, &[1]);
    ip_multicast_ttl_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_TTL, Z, WSAEFAULT);
    ip_multicast_loop_default_is_true: GET, IP, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_LOOP, 4, &le(1));
    ip_multicast_loop_set_false_reads_back_false: SET, WINE, "0; then 4 bytes, 0"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_LOOP, &[0], 4, &le(0));
    ip_multicast_loop_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 1"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_LOOP, 1, &[1]);
    ip_multicast_loop_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_MULTICAST_LOOP, Z, WSAEFAULT);
    ip_add_membership_loopback_group_succeeds: SET, IP, "0 (IP_MREQ 239.255.0.1 on 127.0.0.1)"
        => |w| set_ok(w, Sk::Udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &[239, 255, 0, 1, 127, 0, 0, 1]);
    ip_add_membership_non_multicast_gives_wsaeinval: SET, IP, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &[10, 0, 0, 1, 127, 0, 0, 1], WSAEINVAL);
    ip_add_membership_4_bytes_gives_wsaefault: SET, IP, "SOCKET_ERROR / WSAEFAULT (IP_MREQ is 8 bytes)"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_ADD_MEMBERSHIP, &[239, 255, 0, 1], WSAEFAULT);
    ip_drop_membership_after_add_succeeds: SET, IP, "0 both times"
        => |w| add_then_drop_v4(w);
    ip_drop_membership_4_bytes_gives_wsaefault: SET, IP, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_DROP_MEMBERSHIP, &[239, 255, 0, 1], WSAEFAULT);
    ip_dontfragment_default_on_tcp_is_true: GET, WINE, "0; 4 bytes, 1 (TCP, Vista and later)"
        => |w| get_is(w, Sk::Tcp, IPPROTO_IP, IP_DONTFRAGMENT, 4, &le(1));
    ip_dontfragment_default_on_udp_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_DONTFRAGMENT, 4, &le(0));
    ip_dontfragment_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_DONTFRAGMENT, &le(1), 4, &le(1));
    ip_dontfragment_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_DONTFRAGMENT, 1, &[0]);
    ip_dontfragment_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_DONTFRAGMENT, Z, WSAEFAULT);
    ip_pktinfo_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Udp, IPPROTO_IP, IP_PKTINFO, 4, &le(0));
    ip_pktinfo_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Udp, IPPROTO_IP, IP_PKTINFO, &le(1), 4, &le(1));
    ip_pktinfo_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp, IPPROTO_IP, IP_PKTINFO, 2, WSAEFAULT);
    ip_pktinfo_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp, IPPROTO_IP, IP_PKTINFO, &[1, 0], WSAEFAULT);

    // ---- IPPROTO_IPV6 --------------------------------------------------------------
    ipv6_hdrincl_get_on_udp_gives_wsaeinval: GET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_HDRINCL, 4, WSAEINVAL);
    ipv6_hdrincl_set_on_tcp_gives_wsaeinval: SET, WINE, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_HDRINCL, &le(1), WSAEINVAL);
    ipv6_unicast_hops_default_is_128: GET, IP6, "0; 4 bytes, 128 (Windows' DefaultTTL)"
        => |w| get_is(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 4, &le(128));
    ipv6_unicast_hops_set_33_reads_back_33: SET, WINE, "0; then 4 bytes, 33"
        => |w| set_get(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &le(33), 4, &le(33));
    ipv6_unicast_hops_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 33"
        => |w| set_get(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &le(33), 1, &[33]);
    ipv6_unicast_hops_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Tcp6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, Z, WSAEFAULT);
    ipv6_unicast_hops_on_ipv4_socket_gives_wsaeinval: GET, GETSOCKOPT_PAGE, "SOCKET_ERROR / WSAEINVAL (IPPROTO_IPV6 on an AF_INET socket; inferred)"
        => |w| get_err(w, Sk::Tcp, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 4, WSAEINVAL);
    ipv6_multicast_if_default_is_zero: GET, IP6, "0; 4 bytes, interface 0"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 4, &le(0));
    ipv6_multicast_if_set_1_reads_back_1: SET, IP6, "0; then 4 bytes, interface 1"
        => |w| set_get(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &le(1), 4, &le(1));
    ipv6_multicast_if_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_IF, 2, WSAEFAULT);
    ipv6_multicast_if_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &[1, 0], WSAEFAULT);
    ipv6_multicast_hops_default_is_1: GET, IP6, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 4, &le(1));
    ipv6_multicast_hops_set_9_reads_back_9: SET, WINE, "0; then 4 bytes, 9"
        => |w| set_get(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &le(9), 4, &le(9));
    ipv6_multicast_hops_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 1"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1, &[1]);
    ipv6_multicast_hops_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, Z, WSAEFAULT);
    ipv6_multicast_loop_default_is_true: GET, IP6, "0; 4 bytes, 1"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 4, &le(1));
    ipv6_multicast_loop_set_false_reads_back_false: SET, WINE, "0; then 4 bytes, 0"
        => |w| set_get(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &le(0), 4, &le(0));
    ipv6_multicast_loop_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 1"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1, &[1]);
    ipv6_multicast_loop_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, Z, WSAEFAULT);
    ipv6_add_membership_non_multicast_gives_wsaeinval: SET, IP6, "SOCKET_ERROR / WSAEINVAL"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq6(false), WSAEINVAL);
    ipv6_add_membership_16_bytes_gives_wsaefault: SET, IP6, "SOCKET_ERROR / WSAEFAULT (IPV6_MREQ is 20 bytes)"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mreq6(true)[..16], WSAEFAULT);
    ipv6_add_membership_then_drop_succeeds: SET, IP6, "0 both times (ff02::1:3 on interface 0); see DIVERGENCES D8 for delivery"
        => |w| add_then_drop_v6(w);
    ipv6_drop_membership_16_bytes_gives_wsaefault: SET, IP6, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &mreq6(true)[..16], WSAEFAULT);
    ipv6_dontfrag_default_on_udp_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_DONTFRAG, 4, &le(0));
    ipv6_dontfrag_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Udp6, IPPROTO_IPV6, IPV6_DONTFRAG, &le(1), 4, &le(1));
    ipv6_dontfrag_get_1_byte_reports_1: GET, WINE, "0; length 1, byte 0"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_DONTFRAG, 1, &[0]);
    ipv6_dontfrag_set_zero_length_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_DONTFRAG, Z, WSAEFAULT);
    ipv6_pktinfo_default_is_false: GET, WINE, "0; 4 bytes, 0"
        => |w| get_is(w, Sk::Udp6, IPPROTO_IPV6, IPV6_PKTINFO, 4, &le(0));
    ipv6_pktinfo_set_true_reads_back_true: SET, WINE, "0; then 4 bytes, 1"
        => |w| set_get(w, Sk::Udp6, IPPROTO_IPV6, IPV6_PKTINFO, &le(1), 4, &le(1));
    ipv6_pktinfo_get_2_bytes_gives_wsaefault: GET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| get_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_PKTINFO, 2, WSAEFAULT);
    ipv6_pktinfo_set_2_bytes_gives_wsaefault: SET, WINE, "SOCKET_ERROR / WSAEFAULT"
        => |w| set_err(w, Sk::Udp6, IPPROTO_IPV6, IPV6_PKTINFO, &[1, 0], WSAEFAULT);
}

/// SO_BSP_STATE page.
pub const BSP_PAGE: &str = "https://learn.microsoft.com/en-us/windows/win32/winsock/so-bsp-state";
/// Wine's SO_BSP_STATE test, which runs on Windows.
pub const BSP_WINE: &str =
    "Wine dlls/ws2_32/tests/sock.c test_set_getsockopt, SO_BSP_STATE (runs on Windows); so-bsp-state page";

/// IPv4 options: record route (type 7, length 7, pointer 4, one empty slot), end of list.
const RECORD_ROUTE: [u8; 8] = [7, 7, 4, 0, 0, 0, 0, 0];

/// Read `SO_BSP_STATE` of `s` into a `len`-byte buffer and check it: `*optlen` unchanged,
/// each member `{NULL, 0}` or pointing into the buffer right after the structure at the
/// expected address, and the type and protocol.
fn bsp_check(
    w: &dyn Wsp,
    s: SOCKET,
    len: usize,
    local: Option<&wsp::SockAddr>,
    remote: Option<&wsp::SockAddr>,
    ty: i32,
    proto: i32,
) -> Step<()> {
    let what = "WSPGetSockOpt(SO_BSP_STATE)";
    let mut out = vec![0xA5u8; len];
    let n = expect_ok(what, w.get_sock_opt(s, SOL_SOCKET, SO_BSP_STATE, &mut out))?;
    expect_eq(&format!("{what} *optlen"), n, len)?;
    // Each address has the room of its family's SOCKADDR (16 or 28 bytes).
    let fam = local.or(remote).and_then(|a| a.family());
    let addr_len = if fam == Some(AF_INET6) { 28 } else { 16 };
    let base = out.as_ptr() as u64;
    for (i, want) in [local, remote].into_iter().enumerate() {
        let member = if i == 0 { "LocalAddr" } else { "RemoteAddr" };
        let slot = i * 16;
        let mut p = [0u8; 8];
        p.copy_from_slice(&out[slot..slot + 8]);
        let ptr = u64::from_le_bytes(p);
        let alen = le_u32(&out[slot + 8..slot + 12]) as usize;
        match want {
            None => {
                expect_eq(&format!("{what} {member}.lpSockaddr"), ptr, 0)?;
                expect_eq(&format!("{what} {member}.iSockaddrLength"), alen, 0)?;
            }
            Some(a) => {
                let at = 40 + i * addr_len;
                expect_eq(
                    &format!("{what} {member}.lpSockaddr - optval"),
                    ptr.wrapping_sub(base),
                    at as u64,
                )?;
                expect_eq(&format!("{what} {member}.iSockaddrLength"), alen, a.len())?;
                expect_eq(
                    &format!("{what} {member} address"),
                    &out[at..at + alen],
                    a.as_bytes(),
                )?;
            }
        }
    }
    expect_eq(
        &format!("{what} iSocketType"),
        le_u32(&out[32..36]) as i32,
        ty,
    )?;
    expect_eq(
        &format!("{what} iProtocol"),
        le_u32(&out[36..40]) as i32,
        proto,
    )
}

fn bsp_listener(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    bsp_check(w, l, 128, Some(&la), None, SOCK_STREAM, IPPROTO_TCP)
}

fn bsp_unbound(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    bsp_check(w, s, 128, None, None, SOCK_STREAM, IPPROTO_TCP)
}

fn bsp_bound_udp(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (s, a) = fx.bound_udp()?;
    bsp_check(w, s, 72, Some(&a), None, SOCK_DGRAM, IPPROTO_UDP)
}

fn bsp_connected(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    let (cl, sl) = (fx.name_of(c)?, fx.name_of(s)?);
    bsp_check(w, c, 128, Some(&cl), Some(&sl), SOCK_STREAM, IPPROTO_TCP)?;
    bsp_check(w, s, 128, Some(&sl), Some(&cl), SOCK_STREAM, IPPROTO_TCP)
}

fn bsp_len_err(w: &dyn Wsp, sk: Sk, len: usize) -> Step<()> {
    get_err(w, sk, SOL_SOCKET, SO_BSP_STATE, len, WSAEFAULT)
}

fn bsp_ipv6(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, Sk::Tcp6)?;
    let mut out = vec![0u8; 95];
    expect_err(
        "WSPGetSockOpt(SO_BSP_STATE, 95 bytes)",
        w.get_sock_opt(s, SOL_SOCKET, SO_BSP_STATE, &mut out),
        WSAEFAULT,
    )?;
    expect_ok("WSPBind([::1]:0)", w.bind(s, &crate::v6(0)))?;
    let a = fx.name_of(s)?;
    bsp_check(w, s, 96, Some(&a), None, SOCK_STREAM, IPPROTO_TCP)
}

fn ip_options_cleared(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let set = |v: &[u8]| {
        expect_ok(
            &opt_what("WSPSetSockOpt", IPPROTO_IP, IP_OPTIONS, v.len()),
            w.set_sock_opt(s, IPPROTO_IP, IP_OPTIONS, v),
        )
    };
    set(&RECORD_ROUTE)?;
    set(Z)?;
    get_on(w, s, IPPROTO_IP, IP_OPTIONS, 40, Z)
}

fn ip_options_short_get(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    expect_ok(
        "WSPSetSockOpt(IP_OPTIONS)",
        w.set_sock_opt(s, IPPROTO_IP, IP_OPTIONS, &RECORD_ROUTE),
    )?;
    let mut out = [0u8; 4];
    expect_err(
        "WSPGetSockOpt(IP_OPTIONS, 4 bytes)",
        w.get_sock_opt(s, IPPROTO_IP, IP_OPTIONS, &mut out),
        WSAEFAULT,
    )
}

fn ip_options_datagram(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (r, ra) = fx.bound_udp()?;
    let s = fx.udp()?;
    expect_ok(
        "WSPSetSockOpt(IP_OPTIONS)",
        w.set_sock_opt(s, IPPROTO_IP, IP_OPTIONS, &RECORD_ROUTE),
    )?;
    let data = b"with options";
    let n = expect_ok("WSPSendTo", w.send_to(s, &[&data[..]], 0, Some(&ra)))?;
    expect_eq("WSPSendTo bytes", n, data.len())?;
    let mut buf = [0u8; 64];
    let mut flags = 0u32;
    let got = expect_ok("WSPRecv", w.recv(r, &mut [&mut buf[..]], &mut flags))?;
    expect_eq("WSPRecv data", &buf[..got], &data[..])
}

/// Little-endian u32 from the first four bytes.
pub fn le_u32(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    let n = b.len().min(4);
    w[..n].copy_from_slice(&b[..n]);
    u32::from_le_bytes(w)
}

/// `IPV6_MREQ` for ff02::1:3 (or the unicast ::1) on interface 0.
fn mreq6(multicast: bool) -> [u8; 20] {
    let mut b = [0u8; 20];
    if multicast {
        b[..16].copy_from_slice(&"ff02::1:3".parse::<std::net::Ipv6Addr>().unwrap().octets());
    } else {
        b[15] = 1;
    }
    b
}

fn add_then_drop_v4(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.udp()?;
    let m = [239, 255, 0, 2, 127, 0, 0, 1];
    expect_ok(
        "IP_ADD_MEMBERSHIP",
        w.set_sock_opt(s, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m),
    )?;
    expect_ok(
        "IP_DROP_MEMBERSHIP",
        w.set_sock_opt(s, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m),
    )
}

fn add_then_drop_v6(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = open(&fx, Sk::Udp6)?;
    let m = mreq6(true);
    expect_ok(
        "IPV6_ADD_MEMBERSHIP",
        w.set_sock_opt(s, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &m),
    )?;
    expect_ok(
        "IPV6_DROP_MEMBERSHIP",
        w.set_sock_opt(s, IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, &m),
    )
}

fn update_accept_context(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, la) = fx.listener()?;
    let c = fx.tcp()?;
    fx.connect(c, &la)?;
    let s = fx.accept(l)?;
    expect_ok(
        "WSPSetSockOpt(SO_UPDATE_ACCEPT_CONTEXT, listener)",
        w.set_sock_opt(
            s,
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            &(l as u64).to_le_bytes(),
        ),
    )
}
