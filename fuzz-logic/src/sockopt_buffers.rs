//! Fuzz target `sockopt_buffers`: `WSPGetSockOpt`, `WSPSetSockOpt` and `WSPIoctl` with
//! arbitrary levels, names, codes and buffers of arbitrary length, on simulated sockets in
//! several states (fresh, bound, listening, connected; stream and datagram; IPv4 and IPv6).
//!
//! Checks: nothing panics; every error is a known Winsock code; a length returned is
//! within the buffer offered; after a successful set, a get of a readable option succeeds
//! and returns the size Windows gives (a `DWORD` or `BOOL` is 4 bytes, `linger` 4); a get
//! repeated with a buffer of exactly the returned size returns the same bytes.

use crate::check_known;
use crate::input::Input;
use wsp::types::*;
use wsp::{SockAddr, Wsp};

/// Windows' option levels.
const LEVELS: &[i32] = &[
    SOL_SOCKET,
    IPPROTO_TCP,
    IPPROTO_IP,
    IPPROTO_IPV6,
    IPPROTO_UDP,
];

/// Windows' option numbers, by level (`winsock2.h`, `ws2def.h`, `ws2ipdef.h`, `mswsock.h`).
const SOCKET_NAMES: &[i32] = &[
    0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x0100, !0x0080, !0x0004,
    0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007, 0x1008, 0x1009, 0x2001, 0x2002, 0x2003,
    0x2004, 0x2005, 0x3001, 0x3002, 0x3005, 0x3006, 0x3007, 0x700B, 0x700C, 0x7010,
];
const TCP_NAMES: &[i32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18];
const IP_NAMES: &[i32] = &[1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 19, 21, 31, 71, 73];
const IPV6_NAMES: &[i32] = &[1, 2, 4, 9, 10, 11, 12, 13, 14, 19, 27, 31];
const UDP_NAMES: &[i32] = &[1, 2, 3, 20];

/// `SOL_SOCKET` options that are readable and whose value is 4 bytes on Windows (`BOOL`,
/// `DWORD`, `int`, or `linger` with two `u_short`s), and that do not change between two
/// reads.
const SOCKET_FOUR_BYTE_STABLE: &[i32] = &[
    0x0002, // SO_ACCEPTCONN
    0x0004, // SO_REUSEADDR
    // Not SO_KEEPALIVE or SO_DONTROUTE: Windows reports those as a one-byte BOOLEAN
    // (Wine's test_set_getsockopt, run on Windows; src/engine/options.rs).
    0x0020,  // SO_BROADCAST
    0x0080,  // SO_LINGER
    0x0100,  // SO_OOBINLINE
    !0x0080, // SO_DONTLINGER
    !0x0004, // SO_EXCLUSIVEADDRUSE
    0x1001,  // SO_SNDBUF
    0x1002,  // SO_RCVBUF
    0x1005,  // SO_SNDTIMEO
    0x1006,  // SO_RCVTIMEO
    0x1008,  // SO_TYPE
    0x3002,  // SO_CONDITIONAL_ACCEPT
];

/// Windows' ioctl codes (`FIONBIO` last, so that a random pick rarely lands on it).
const IOCTLS: &[u32] = &[
    FIONREAD,
    SIOCATMARK,
    0xC800_0006, // SIO_GET_EXTENSION_FUNCTION_POINTER
    0x9800_0004, // SIO_KEEPALIVE_VALS
    0x9800_000C, // SIO_UDP_CONNRESET
    0x9800_000F, // SIO_UDP_NETRESET
    0x4800_0016, // SIO_ADDRESS_LIST_QUERY
    0x4800_0005, // SIO_GET_BROADCAST_ADDRESS
    0xC800_0014, // SIO_ROUTING_INTERFACE_QUERY
    0x4800_0022, // SIO_BASE_HANDLE
    0x9800_0010, // SIO_LOOPBACK_FAST_PATH
    0xD800_0027, // SIO_TCP_INFO
    0xC800_0007, // SIO_GET_QOS
    0x8800_000B, // SIO_SET_QOS
    0x2800_0004, // SIO_FLUSH
    0x4004_747F, // SIO_GET_INTERFACE_LIST
    0x2800_0017, // SIO_ADDRESS_LIST_CHANGE
    0xC800_0019, // SIO_ADDRESS_LIST_SORT
    0x9800_0001, // SIO_RCVALL
    0x4800_001C, // SIO_BSP_HANDLE_SELECT
    FIONBIO,
];

/// Run one input.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let p = crate::sim_engine(u64::from(inp.u8()));
    let socks = make_sockets(&p, inp.u8());
    // Non-blocking, so that ioctls that wait (SIO_ADDRESS_LIST_CHANGE, SIO_ROUTING_INTERFACE_CHANGE)
    // return WSAEWOULDBLOCK instead of parking the fuzzer; FIONBIO below never turns it off.
    for &s in &socks {
        assert_eq!(p.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut []), Ok(0));
    }
    let mut handles: Vec<SOCKET> = socks.clone();
    // A closed handle and garbage ones.
    let stale = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    p.close_socket(stale).unwrap();
    handles.extend([stale, 0, 1, INVALID_SOCKET]);

    let mut steps = 0;
    while !inp.is_empty() && steps < 64 {
        steps += 1;
        let s = if inp.u8() < 0xf0 {
            socks[inp.below(socks.len())]
        } else {
            handles[inp.below(handles.len())]
        };
        match inp.u8() % 4 {
            0 => {
                let (level, name) = option(&mut inp);
                let len = length(&mut inp);
                let val = value(&mut inp, len);
                let r = p.set_sock_opt(s, level, name, &val);
                check_known("set_sock_opt", &r);
                if r.is_ok() {
                    after_set(&p, s, level, name);
                }
            }
            1 => {
                let (level, name) = option(&mut inp);
                let len = length(&mut inp);
                let mut buf = vec![0xa5u8; len];
                let r = p.get_sock_opt(s, level, name, &mut buf);
                check_known("get_sock_opt", &r);
                if let Ok(n) = r {
                    assert!(
                        n <= len,
                        "get_sock_opt({level:#x}, {name:#x}) wrote {n} of {len}"
                    );
                }
            }
            _ => {
                let code = if inp.u8() < 0xe0 {
                    inp.pick(IOCTLS)
                } else {
                    inp.u32()
                };
                let in_len = length(&mut inp);
                let mut input = value(&mut inp, in_len);
                if code == FIONBIO && input.len() >= 4 {
                    input[..4].copy_from_slice(&1u32.to_le_bytes());
                }
                let out_len = length(&mut inp);
                let mut out = vec![0u8; out_len];
                let r = p.ioctl(s, code, &input, &mut out);
                check_known("ioctl", &r);
                if let Ok(n) = r {
                    assert!(n <= out_len, "ioctl({code:#x}) returned {n} of {out_len}");
                }
            }
        }
    }
    for s in socks {
        assert_eq!(p.close_socket(s), Ok(()));
    }
}

/// Sockets in the states `kinds` selects (at least one).
fn make_sockets(p: &impl Wsp, kinds: u8) -> Vec<SOCKET> {
    let mut out = Vec::new();
    for af in [AF_INET, AF_INET6] {
        for ty in [SOCK_STREAM, SOCK_DGRAM] {
            out.push(p.socket(af, ty, 0, None, 0, 0).unwrap());
        }
    }
    let loopback = SockAddr::from_std("127.0.0.1:0".parse().unwrap());
    if kinds & 1 != 0 {
        // A bound datagram socket.
        p.bind(out[1], &loopback).unwrap();
    }
    if kinds & 2 != 0 {
        // A listener and a connected pair.
        let l = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
        p.bind(l, &loopback).unwrap();
        p.listen(l, 4).unwrap();
        let mut a = SockAddr::default();
        p.get_sock_name(l, &mut a).unwrap();
        let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
        p.connect(c, &a, None, None, None, None).unwrap();
        let s = p.accept(l, None, None).unwrap();
        out.extend([l, c, s]);
    }
    out
}

pub(crate) fn option(inp: &mut Input<'_>) -> (i32, i32) {
    let level = match inp.u8() {
        0..=0xef => inp.pick(LEVELS),
        _ => inp.u32() as i32,
    };
    let names = match level {
        SOL_SOCKET => SOCKET_NAMES,
        IPPROTO_TCP => TCP_NAMES,
        IPPROTO_IP => IP_NAMES,
        IPPROTO_IPV6 => IPV6_NAMES,
        _ => UDP_NAMES,
    };
    let name = match inp.u8() {
        0..=0xef => inp.pick(names),
        _ => inp.u32() as i32,
    };
    (level, name)
}

pub(crate) fn length(inp: &mut Input<'_>) -> usize {
    match inp.u8() % 8 {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 | 5 => 4,
        6 => usize::from(inp.u8()),
        _ => usize::from(inp.u16() % 2048),
    }
}

pub(crate) fn value(inp: &mut Input<'_>, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    // Small values mostly, so that sets succeed and the get path is reached.
    let head = inp.u32().to_le_bytes();
    let head = if head[3] < 0x80 {
        (u32::from_le_bytes(head) % 70_000).to_le_bytes()
    } else {
        head
    };
    for (i, b) in v.iter_mut().enumerate() {
        *b = if i < 4 { head[i] } else { inp.u8() };
    }
    v
}

fn after_set(p: &impl Wsp, s: SOCKET, level: i32, name: i32) {
    let mut buf = [0u8; 256];
    let r = p.get_sock_opt(s, level, name, &mut buf);
    check_known("get_sock_opt after set", &r);
    if level != SOL_SOCKET || !SOCKET_FOUR_BYTE_STABLE.contains(&name) {
        if let Ok(n) = r {
            assert!(n <= buf.len());
        }
        return;
    }
    let n = r.unwrap_or_else(|e| panic!("get of {name:#x} fails after its set: {e:?}"));
    assert_eq!(n, 4, "get of {name:#x} after set returned {n} bytes");
    let mut exact = vec![0u8; n];
    assert_eq!(p.get_sock_opt(s, level, name, &mut exact), Ok(n));
    assert_eq!(&exact[..], &buf[..n], "two gets of {name:#x} disagree");
}
