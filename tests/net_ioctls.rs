//! Issue 12's ioctls and WSARecvMsg packet information in the engine, over the portable
//! backend (and the sim for packet information). Each test names its source page.

mod util;

use std::any::Any;
use std::sync::{Arc, Mutex};
use util::*;
use wsp::overlapped::{Overlapped, RecvBufs};
use wsp::types::*;
use wsp::{Engine, SockAddr, WsaError, Wsp};

/// `_IOR('t', 123, ULONG)` and `_IO('t', 122)` (winsock2.h).
const SIO_IDEAL_SEND_BACKLOG_QUERY: u32 = 0x4004_747B;
const SIO_IDEAL_SEND_BACKLOG_CHANGE: u32 = 0x2000_747A;
/// `_WSAIOW(IOC_VENDOR, 16)` (mstcpip.h).
const SIO_LOOPBACK_FAST_PATH: u32 = 0x9800_0010;

#[test]
fn ideal_send_backlog_is_the_send_buffer_on_a_connected_stream() {
    // SIO_IDEAL_SEND_BACKLOG_QUERY page: a ULONG; WSAENOTCONN unconnected; connection-
    // oriented sockets only; a short buffer WSAEFAULT.
    let p = provider();
    let (c, _s, _l) = pair(&p);
    let mut out = [0u8; 4];
    assert_eq!(
        p.ioctl(c, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut out),
        Ok(4)
    );
    let isb = u32::from_le_bytes(out);
    let mut sb = [0u8; 4];
    p.get_sock_opt(c, SOL_SOCKET, SO_SNDBUF, &mut sb).unwrap();
    assert!(isb > 0);
    assert_eq!(isb, u32::from_le_bytes(sb));
    // After SO_SNDBUF is set, the backlog follows it.
    p.set_sock_opt(c, SOL_SOCKET, SO_SNDBUF, &65536u32.to_le_bytes())
        .unwrap();
    assert_eq!(
        p.ioctl(c, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut out),
        Ok(4)
    );
    assert_eq!(u32::from_le_bytes(out), 65536);
    assert_err(
        p.ioctl(c, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut [0u8; 2]),
        WsaError::WSAEFAULT,
    );
    let fresh = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    assert_err(
        p.ioctl(fresh, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut out),
        WsaError::WSAENOTCONN,
    );
    let u = p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    assert_err(
        p.ioctl(u, SIO_IDEAL_SEND_BACKLOG_QUERY, &[], &mut out),
        WsaError::WSAEOPNOTSUPP,
    );
    // The change notification on a non-blocking socket would block.
    p.ioctl(c, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    assert_err(
        p.ioctl(c, SIO_IDEAL_SEND_BACKLOG_CHANGE, &[], &mut []),
        WsaError::WSAEWOULDBLOCK,
    );
}

#[test]
fn loopback_fast_path_is_accepted_on_tcp_only() {
    // SIO_LOOPBACK_FAST_PATH page: TCP sockets; a BOOL in.
    let p = provider();
    let t = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0).unwrap();
    assert_eq!(
        p.ioctl(t, SIO_LOOPBACK_FAST_PATH, &1u32.to_le_bytes(), &mut []),
        Ok(0)
    );
    assert_err(
        p.ioctl(t, SIO_LOOPBACK_FAST_PATH, &[], &mut []),
        WsaError::WSAEFAULT,
    );
    let u = p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    assert_err(
        p.ioctl(u, SIO_LOOPBACK_FAST_PATH, &1u32.to_le_bytes(), &mut []),
        WsaError::WSAEOPNOTSUPP,
    );
}

/// A `SOCKET_ADDRESS_LIST` in the engine's offset form.
fn offset_list(addrs: &[&str]) -> Vec<u8> {
    let head = 8 + 16 * addrs.len();
    let mut v = vec![0u8; head];
    v[..4].copy_from_slice(&(addrs.len() as i32).to_le_bytes());
    for (i, a) in addrs.iter().enumerate() {
        let sa = SockAddr::from_std(a.parse().unwrap());
        let off = v.len();
        v.extend_from_slice(sa.as_bytes());
        let at = 8 + 16 * i;
        v[at..at + 8].copy_from_slice(&(off as u64).to_le_bytes());
        v[at + 8..at + 12].copy_from_slice(&(sa.len() as i32).to_le_bytes());
    }
    v
}

/// The offsets of the entries of a sorted list, in order.
fn offsets(out: &[u8]) -> Vec<u64> {
    let n = i32::from_le_bytes(out[..4].try_into().unwrap()) as usize;
    (0..n)
        .map(|i| u64::from_le_bytes(out[8 + 16 * i..16 + 16 * i].try_into().unwrap()))
        .collect()
}

#[test]
fn address_list_sort_puts_loopback_first_and_unusable_last() {
    // "Using SIO_ADDRESS_LIST_SORT": SOCKADDR_IN6 entries, IPv4 as v4-mapped, sorted best
    // first by RFC 3484 and the prefix policy table (Windows' default, RFC 6724's).
    let p = provider();
    let s = p.socket(AF_INET6, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    let input = offset_list(&[
        "[::]:80",
        "[::ffff:127.0.0.1]:80",
        "[ff02::1]:80",
        "[::1]:80",
    ]);
    let first = |i: usize| u64::from_le_bytes(input[8 + 16 * i..16 + 16 * i].try_into().unwrap());
    let mut out = vec![0u8; 8 + 16 * 4];
    assert_eq!(
        p.ioctl(s, SIO_ADDRESS_LIST_SORT, &input, &mut out),
        Ok(8 + 16 * 4)
    );
    // ::1 (precedence 50), ::ffff:127.0.0.1 (35), then the unusable ones (RFC 6724 rule
    // 1: multicast and the unspecified address), among which rule 6 still orders by
    // precedence: ff02::1 (::/0, 40) before :: (::/96, 1).
    assert_eq!(offsets(&out), vec![first(3), first(1), first(2), first(0)]);
    // Entries that are not SOCKADDR_IN6 are dropped (the count may shrink).
    let mut mixed = offset_list(&["[::1]:1"]);
    let v4 = SockAddr::from_std("127.0.0.1:1".parse().unwrap());
    let mut with_v4 = offset_list(&["[::1]:1", "[::1]:2"]);
    let off = with_v4.len();
    with_v4.extend_from_slice(v4.as_bytes());
    with_v4[24..32].copy_from_slice(&(off as u64).to_le_bytes());
    with_v4[32..36].copy_from_slice(&(v4.len() as i32).to_le_bytes());
    assert_eq!(
        p.ioctl(s, SIO_ADDRESS_LIST_SORT, &with_v4, &mut out),
        Ok(8 + 16)
    );
    assert_eq!(i32::from_le_bytes(out[..4].try_into().unwrap()), 1);
    // Short output: WSAEFAULT. An IPv4 socket: WSAEINVAL.
    assert_err(
        p.ioctl(s, SIO_ADDRESS_LIST_SORT, &input, &mut [0u8; 16]),
        WsaError::WSAEFAULT,
    );
    let s4 = p.socket(AF_INET, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    assert_err(
        p.ioctl(s4, SIO_ADDRESS_LIST_SORT, &input, &mut out),
        WsaError::WSAEINVAL,
    );
    mixed.truncate(4);
    assert_err(
        p.ioctl(s, SIO_ADDRESS_LIST_SORT, &mixed, &mut out),
        WsaError::WSAEFAULT,
    );
}

/// Receive buffers that keep the control data the engine hands over.
struct MsgBufs {
    data: Vec<u8>,
    control_cap: usize,
    control: Arc<Mutex<Option<Vec<u8>>>>,
}

impl RecvBufs for MsgBufs {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        vec![self.data.as_mut_slice()]
    }
    fn set_control(&mut self, control: &[u8]) -> bool {
        let fits = control.len() <= self.control_cap;
        *self.control.lock().unwrap() = Some(if fits { control.to_vec() } else { Vec::new() });
        fits
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// Send one datagram to a bound receiver with IP_PKTINFO on, receive it with
/// `recv_msg`, and return (control bytes, result flags).
fn recv_with_pktinfo<N: wsp::net::Net>(p: &Engine<N>, af: i32, cap: usize) -> (Vec<u8>, u32) {
    // Overlapped sockets (as the ws2_32 shim's socket() makes): a non-overlapped socket's
    // WSARecvMsg takes the synchronous receive path, which carries no packet information.
    let r = p
        .socket(af, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    let s = p
        .socket(af, SOCK_DGRAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(r, &any_port(af)).unwrap();
    let mut to = SockAddr::default();
    p.get_sock_name(r, &mut to).unwrap();
    let level = if af == AF_INET6 {
        IPPROTO_IPV6
    } else {
        IPPROTO_IP
    };
    p.set_sock_opt(r, level, IP_PKTINFO, &1u32.to_le_bytes())
        .unwrap();
    assert_eq!(p.send_to(s, &[b"pkt"], 0, Some(&to)), Ok(3));
    let control = Arc::new(Mutex::new(None));
    let bufs = MsgBufs {
        data: vec![0; 16],
        control_cap: cap,
        control: control.clone(),
    };
    let issued = p
        .recv_msg(r, Box::new(bufs), 0, Overlapped::new(0x5151))
        .unwrap();
    let res = match issued.immediate {
        Some(res) => res,
        None => p.wait_op(&issued.op, Some(GUARD)).expect("completed"),
    };
    assert_eq!(res.error, None);
    assert_eq!(res.bytes, 3);
    let c = control
        .lock()
        .unwrap()
        .clone()
        .expect("control data offered");
    (c, res.flags)
}

#[test]
fn wsarecvmsg_carries_in_pktinfo_portable() {
    // IN_PKTINFO page: ipi_addr is the datagram's destination; WSACMSGHDR x64 layout.
    let p = provider();
    let (c, flags) = recv_with_pktinfo(&p, AF_INET, 64);
    assert_eq!(flags, 0);
    assert_eq!(c.len(), 24); // WSA_CMSG_SPACE(sizeof(IN_PKTINFO))
    assert_eq!(u64::from_le_bytes(c[..8].try_into().unwrap()), 24); // WSA_CMSG_LEN
    assert_eq!(i32::from_le_bytes(c[8..12].try_into().unwrap()), IPPROTO_IP);
    assert_eq!(
        i32::from_le_bytes(c[12..16].try_into().unwrap()),
        IP_PKTINFO
    );
    assert_eq!(&c[16..20], &[127, 0, 0, 1]);
    assert_ne!(u32::from_le_bytes(c[20..24].try_into().unwrap()), 0);
    // Too small a control buffer: none, and MSG_CTRUNC (WSARecvMsg page).
    let (c, flags) = recv_with_pktinfo(&p, AF_INET, 8);
    assert!(c.is_empty());
    assert_eq!(flags & MSG_CTRUNC, MSG_CTRUNC);
}

#[test]
fn wsarecvmsg_carries_in6_pktinfo_portable() {
    let p = provider();
    let probe = p.socket(AF_INET6, SOCK_DGRAM, 0, None, 0, 0).unwrap();
    if p.bind(probe, &any_port(AF_INET6)).is_err() {
        eprintln!("no IPv6 loopback: skipped");
        return;
    }
    let (c, _) = recv_with_pktinfo(&p, AF_INET6, 64);
    assert_eq!(c.len(), 40); // WSA_CMSG_SPACE(sizeof(IN6_PKTINFO))
    assert_eq!(u64::from_le_bytes(c[..8].try_into().unwrap()), 36);
    assert_eq!(
        i32::from_le_bytes(c[8..12].try_into().unwrap()),
        IPPROTO_IPV6
    );
    assert_eq!(&c[16..32], &std::net::Ipv6Addr::LOCALHOST.octets());
}

#[test]
fn wsarecvmsg_carries_in_pktinfo_sim() {
    let p = Engine::new(wsp_sim::Sim::new(12));
    p.startup(make_word(2, 2)).unwrap();
    let (c, _) = recv_with_pktinfo(&p, AF_INET, 64);
    assert_eq!(&c[16..20], &[127, 0, 0, 1]);
}
