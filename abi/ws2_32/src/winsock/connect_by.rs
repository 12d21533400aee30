//! `WSAConnectByNameA/W` and `WSAConnectByList`: connect a stream socket to the first
//! address of a name (or of a list) that accepts, within an optional timeout.
//!
//! Windows' rules (the WSAConnectByNameA and WSAConnectByList pages):
//! * Blocking; `timeout` NULL waits as long as connecting takes; when it expires the
//!   call fails with `WSAETIMEDOUT`.
//! * `Reserved` must be NULL (`WSAEINVAL` otherwise); a null node name or list is
//!   `WSAEINVAL`.
//! * The addresses are tried in order; the call fails with the last attempt's error.
//! * On success the local and remote addresses are copied out when their length
//!   pointers are given (a buffer too small for one is `WSAEFAULT`), and the socket is
//!   connected.
//! * An `AF_INET6` socket also reaches IPv4 addresses as `::ffff:a.b.c.d` (the page:
//!   "IPV6_V6ONLY must be off" for that); this shim turns `IPV6_V6ONLY` off on such a
//!   socket before trying, as the page tells the caller to do.
//!
//! How: each attempt is a non-blocking `connect` then a `select` for writability or an
//! exception within the time left. Difference: the socket is left in blocking mode
//! afterwards (the SPI cannot report the mode it had; a socket under
//! `WSAEventSelect`/`WSAAsyncSelect` stays non-blocking, as Winsock requires).

#![allow(unsafe_code)]
#![allow(non_snake_case)]
#![allow(clippy::missing_safety_doc)]

use super::error::{last_error, set_last_error};
use super::exports::{
    wsp_connect, wsp_getpeername, wsp_getsockname, wsp_getsockopt, wsp_ioctlsocket, wsp_select,
    wsp_setsockopt,
};
use super::netdb::{wsp_freeaddrinfo, wsp_getaddrinfo, AddrInfo};
use core::ffi::{c_char, c_int};
use core::ptr::{null, null_mut};
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use wsp::WsaError;
use wsp_provider::abi::{BOOL, DWORD, FALSE, SOCKADDR, SOCKET, TIMEVAL, TRUE, WSAOVERLAPPED};
use wsp_provider::ffi::mem;

const FIONBIO: i32 = 0x8004_667e_u32 as i32;
const SOL_SOCKET: i32 = 0xffff;
const SO_TYPE: i32 = 0x1008;
const SO_ERROR: i32 = 0x1007;
const SO_PROTOCOL_INFOW: i32 = 0x2005;
const IPPROTO_IPV6: i32 = 41;
const IPV6_V6ONLY: i32 = 27;
const AF_INET: i32 = 2;
const AF_INET6: i32 = 23;

type R<T> = Result<T, WsaError>;

fn run(f: impl FnOnce() -> R<()>) -> BOOL {
    match catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(()) => TRUE,
        Err(e) => {
            set_last_error(e.0);
            FALSE
        }
    }
}

fn check(r: c_int) -> R<()> {
    if r == -1 {
        Err(WsaError(last_error()))
    } else {
        Ok(())
    }
}

/// The socket's address family (from its protocol info) and type.
fn family_and_type(s: SOCKET) -> R<(i32, i32)> {
    let mut info = wsp::types::WSAPROTOCOL_INFOW::default();
    let mut len = size_of::<wsp::types::WSAPROTOCOL_INFOW>() as c_int;
    // SAFETY: a live local structure of the declared length.
    check(unsafe {
        wsp_getsockopt(
            s,
            SOL_SOCKET,
            SO_PROTOCOL_INFOW,
            (&mut info as *mut wsp::types::WSAPROTOCOL_INFOW).cast(),
            &mut len,
        )
    })?;
    let (mut ty, mut tl) = (0i32, 4);
    // SAFETY: a live local of the declared length.
    check(unsafe {
        wsp_getsockopt(
            s,
            SOL_SOCKET,
            SO_TYPE,
            (&mut ty as *mut i32).cast(),
            &mut tl,
        )
    })?;
    Ok((info.iAddressFamily, ty))
}

/// Windows address bytes, adapted to the socket's family (IPv4 on an IPv6 socket as
/// `::ffff:a.b.c.d`); `None` for an address the socket cannot reach.
fn for_family(af: i32, a: &[u8]) -> Option<Vec<u8>> {
    let fam = i32::from(u16::from_le_bytes([*a.first()?, *a.get(1)?]));
    match (af, fam) {
        (AF_INET, AF_INET) if a.len() >= 16 => Some(a[..16].to_vec()),
        (AF_INET6, AF_INET6) if a.len() >= 28 => Some(a[..28].to_vec()),
        (AF_INET6, AF_INET) if a.len() >= 16 => {
            let mut v = vec![0u8; 28];
            v[..2].copy_from_slice(&(AF_INET6 as u16).to_le_bytes());
            v[2..4].copy_from_slice(&a[2..4]);
            v[18] = 0xff;
            v[19] = 0xff;
            v[20..24].copy_from_slice(&a[4..8]);
            Some(v)
        }
        _ => None,
    }
}

fn set_nonblocking(s: SOCKET, on: bool) -> R<()> {
    let mut v: u32 = on.into();
    // SAFETY: a live local u_long.
    check(unsafe { wsp_ioctlsocket(s, FIONBIO, &mut v) })
}

/// One attempt: connect `s` to `addr` within `deadline` (`retry`: an earlier attempt
/// on this socket failed).
fn attempt(s: SOCKET, addr: &[u8], deadline: Option<Instant>, retry: bool) -> R<()> {
    // SAFETY: a live local address of its length.
    let mut r = unsafe { wsp_connect(s, addr.as_ptr().cast(), addr.len() as c_int) };
    if r != 0 && retry && last_error() == WsaError::WSAECONNABORTED.0 {
        // Windows lets a program connect again after a failed attempt (connect page: "the
        // application can call connect again for the same socket"). A Linux host answers
        // the first connect after a failed non-blocking one with ECONNABORTED (clearing
        // its state) and accepts the next; this repeats that call once.
        // SAFETY: as above.
        r = unsafe { wsp_connect(s, addr.as_ptr().cast(), addr.len() as c_int) };
    }
    if r == 0 {
        return Ok(());
    }
    let e = last_error();
    if e != WsaError::WSAEWOULDBLOCK.0 {
        return Err(WsaError(e));
    }
    let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
    let tv = left.map(|d| TIMEVAL {
        tv_sec: d.as_secs().min(i32::MAX as u64) as i32,
        tv_usec: d.subsec_micros() as i32,
    });
    let mut w = [1usize, s];
    let mut x = [1usize, s];
    // SAFETY: live local fd_sets (count, then one handle) and timeval.
    let n = unsafe {
        wsp_select(
            0,
            null_mut(),
            w.as_mut_ptr().cast(),
            x.as_mut_ptr().cast(),
            tv.as_ref().map_or(null(), |t| t as *const TIMEVAL),
        )
    };
    check(n)?;
    if n == 0 {
        return Err(WsaError::WSAETIMEDOUT);
    }
    if x[0] != 0 {
        let (mut err, mut len) = (0i32, 4);
        // SAFETY: a live local of the declared length.
        check(unsafe {
            wsp_getsockopt(
                s,
                SOL_SOCKET,
                SO_ERROR,
                (&mut err as *mut i32).cast(),
                &mut len,
            )
        })?;
        return Err(WsaError(if err == 0 {
            WsaError::WSAECONNREFUSED.0
        } else {
            err
        }));
    }
    Ok(())
}

/// Copy one of the connected socket's addresses to a caller buffer.
///
/// # Safety
/// `len` null, or a DWORD holding the capacity of `out`.
unsafe fn put_addr(
    len: *mut DWORD,
    out: *mut SOCKADDR,
    get: unsafe extern "system" fn(SOCKET, *mut SOCKADDR, *mut c_int) -> c_int,
    s: SOCKET,
) -> R<()> {
    if len.is_null() {
        return Ok(());
    }
    // SAFETY: caller DWORD.
    let cap = unsafe { mem::read(len) }?;
    let mut n = c_int::try_from(cap).map_err(|_| WsaError::WSAEFAULT)?;
    // SAFETY: the caller's buffer of `cap` bytes.
    check(unsafe { get(s, out, &mut n) })?;
    // SAFETY: caller DWORD.
    unsafe { mem::write(len, n as DWORD) }
}

/// Try `addrs` in order on `s`; on success fill the address outputs.
///
/// # Safety
/// The output pointers as in [`put_addr`]; `timeout` null or a TIMEVAL.
unsafe fn connect_any(
    s: SOCKET,
    addrs: Vec<Vec<u8>>,
    local_len: *mut DWORD,
    local: *mut SOCKADDR,
    remote_len: *mut DWORD,
    remote: *mut SOCKADDR,
    timeout: *const TIMEVAL,
) -> R<()> {
    let (af, ty) = family_and_type(s)?;
    if ty != 1 {
        return Err(WsaError::WSAEINVAL);
    }
    let deadline = if timeout.is_null() {
        None
    } else {
        // SAFETY: a caller TIMEVAL.
        let t = unsafe { mem::read(timeout) }?;
        let d = Duration::from_secs(t.tv_sec.max(0) as u64)
            + Duration::from_micros(t.tv_usec.max(0) as u64);
        Some(Instant::now() + d)
    };
    let targets: Vec<Vec<u8>> = addrs.iter().filter_map(|a| for_family(af, a)).collect();
    if targets.is_empty() {
        return Err(WsaError::WSAEHOSTUNREACH);
    }
    if af == AF_INET6 {
        let off = 0i32;
        // SAFETY: a live local of the declared length. Failure (an option the provider
        // refuses) only loses the IPv4 targets.
        let _ =
            unsafe { wsp_setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, (&off as *const i32).cast(), 4) };
    }
    set_nonblocking(s, true)?;
    let mut outcome = Err(WsaError::WSAEHOSTUNREACH);
    for (i, a) in targets.iter().enumerate() {
        outcome = attempt(s, a, deadline, i > 0);
        if outcome.is_ok() || outcome == Err(WsaError::WSAETIMEDOUT) {
            break;
        }
    }
    let _ = set_nonblocking(s, false);
    outcome?;
    // SAFETY: forwarded caller pointers.
    unsafe {
        put_addr(local_len, local, wsp_getsockname, s)?;
        put_addr(remote_len, remote, wsp_getpeername, s)
    }
}

/// Resolve `node`/`service` to Windows address bytes (stream sockets).
fn resolve(node: &CString, service: Option<&CString>) -> R<Vec<Vec<u8>>> {
    let hints = AddrInfo {
        ai_flags: 0,
        ai_family: 0,
        ai_socktype: 1,
        ai_protocol: 6,
        ai_addrlen: 0,
        ai_canonname: null_mut(),
        ai_addr: null_mut(),
        ai_next: null_mut(),
    };
    let mut res: *mut AddrInfo = null_mut();
    // SAFETY: live C strings, hints and out pointer.
    let e = unsafe {
        wsp_getaddrinfo(
            node.as_ptr(),
            service.map_or(null(), |c| c.as_ptr()),
            &hints,
            &mut res,
        )
    };
    if e != 0 {
        return Err(WsaError(e));
    }
    let mut out = Vec::new();
    let mut p = res;
    while !p.is_null() {
        // SAFETY: a node of the list just returned, freed below.
        let a = unsafe { &*p };
        // SAFETY: the node's address of `ai_addrlen` bytes.
        out.push(unsafe { core::slice::from_raw_parts(a.ai_addr, a.ai_addrlen) }.to_vec());
        p = a.ai_next;
    }
    // SAFETY: the list wsp_getaddrinfo returned.
    unsafe { wsp_freeaddrinfo(res) };
    Ok(out)
}

/// A caller's NUL-terminated 8-bit string.
///
/// # Safety
/// `p` null or NUL-terminated.
unsafe fn narrow(p: *const c_char) -> Option<CString> {
    if p.is_null() {
        return None;
    }
    // SAFETY: forwarded contract.
    Some(unsafe { core::ffi::CStr::from_ptr(p) }.to_owned())
}

/// A caller's NUL-terminated UTF-16 string as UTF-8.
///
/// # Safety
/// `p` null or NUL-terminated.
unsafe fn wide(p: *const u16) -> R<Option<CString>> {
    if p.is_null() {
        return Ok(None);
    }
    let mut v = Vec::new();
    for i in 0..4096 {
        // SAFETY: characters up to the terminator are the caller's.
        let c = unsafe { mem::read(p.wrapping_add(i)) }?;
        if c == 0 {
            break;
        }
        v.push(c);
    }
    let s = String::from_utf16(&v).map_err(|_| WsaError::WSAEINVAL)?;
    CString::new(s).map(Some).map_err(|_| WsaError::WSAEINVAL)
}

/// `WSAConnectByNameA`.
/// <https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaconnectbynamea>
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAConnectByNameA(
    s: SOCKET,
    nodename: *const c_char,
    servicename: *const c_char,
    LocalAddressLength: *mut DWORD,
    LocalAddress: *mut SOCKADDR,
    RemoteAddressLength: *mut DWORD,
    RemoteAddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    Reserved: *mut WSAOVERLAPPED,
) -> BOOL {
    run(|| {
        if !Reserved.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: the caller's strings.
        let (node, service) = unsafe { (narrow(nodename), narrow(servicename)) };
        let node = node.ok_or(WsaError::WSAEINVAL)?;
        let addrs = resolve(&node, service.as_ref())?;
        // SAFETY: forwarded caller pointers.
        unsafe {
            connect_any(
                s,
                addrs,
                LocalAddressLength,
                LocalAddress,
                RemoteAddressLength,
                RemoteAddress,
                timeout,
            )
        }
    })
}

/// `WSAConnectByNameW`: `WSAConnectByNameA` with UTF-16 names.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAConnectByNameW(
    s: SOCKET,
    nodename: *const u16,
    servicename: *const u16,
    LocalAddressLength: *mut DWORD,
    LocalAddress: *mut SOCKADDR,
    RemoteAddressLength: *mut DWORD,
    RemoteAddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    Reserved: *mut WSAOVERLAPPED,
) -> BOOL {
    run(|| {
        if !Reserved.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: the caller's strings.
        let (node, service) = unsafe { (wide(nodename)?, wide(servicename)?) };
        let node = node.ok_or(WsaError::WSAEINVAL)?;
        let addrs = resolve(&node, service.as_ref())?;
        // SAFETY: forwarded caller pointers.
        unsafe {
            connect_any(
                s,
                addrs,
                LocalAddressLength,
                LocalAddress,
                RemoteAddressLength,
                RemoteAddress,
                timeout,
            )
        }
    })
}

/// `SOCKET_ADDRESS` (x64: pointer, INT length, padding).
#[repr(C)]
#[derive(Clone, Copy)]
struct SocketAddress {
    lpSockaddr: *const u8,
    iSockaddrLength: c_int,
}

/// `WSAConnectByList`: the addresses of a `SOCKET_ADDRESS_LIST`, in order.
/// <https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaconnectbylist>
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAConnectByList(
    s: SOCKET,
    SocketAddress: *const u8,
    LocalAddressLength: *mut DWORD,
    LocalAddress: *mut SOCKADDR,
    RemoteAddressLength: *mut DWORD,
    RemoteAddress: *mut SOCKADDR,
    timeout: *const TIMEVAL,
    Reserved: *mut WSAOVERLAPPED,
) -> BOOL {
    run(|| {
        if !Reserved.is_null() || SocketAddress.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: the list's INT count.
        let count = unsafe { mem::read(SocketAddress.cast::<c_int>()) }?;
        let count = usize::try_from(count).map_err(|_| WsaError::WSAEINVAL)?;
        let entries = SocketAddress.wrapping_add(8).cast::<SocketAddress>();
        let mut addrs = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: entry `i` of the caller's `count` entries.
            let e = unsafe { mem::read(entries.wrapping_add(i)) }?;
            let n = usize::try_from(e.iSockaddrLength).map_err(|_| WsaError::WSAEFAULT)?;
            // SAFETY: the entry's address of its declared length.
            addrs.push(unsafe { mem::in_bytes(e.lpSockaddr, n) }?.to_vec());
        }
        // SAFETY: forwarded caller pointers.
        unsafe {
            connect_any(
                s,
                addrs,
                LocalAddressLength,
                LocalAddress,
                RemoteAddressLength,
                RemoteAddress,
                timeout,
            )
        }
    })
}
