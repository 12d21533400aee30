//! The C entry points of the Winsock 2 API, exported as `wsp_<Name>` (the headers map
//! the Winsock names onto them, so nothing here interposes on libc's `socket`, `send`,
//! `select`...).
//!
//! Most entries check what the provider cannot (negative lengths, the Winsock-only
//! arguments), then hand the caller's pointers to the provider's `WSPPROC_TABLE` entry,
//! which validates them (null or short → `WSAEFAULT`) and answers `WSAENOTSOCK` for
//! handles it does not know. Errors go to the thread's `WSAGetLastError`; a panic is
//! caught and reported as `WSASYSCALLFAILURE`.

#![allow(unsafe_code)]
#![allow(non_snake_case)]
#![allow(clippy::missing_safety_doc)]
#![allow(clippy::too_many_arguments)]
#![allow(clippy::upper_case_acronyms)]

use super::error::{last_error, set_last_error};
use super::{provider, text, user_mem};
use core::ffi::{c_char, c_void};
use core::ptr::{null, null_mut};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wsp::sync::{current_thread, wait_for_multiple, Event, RealTime, WSA_WAIT_FAILED};
use wsp::types::{INVALID_SOCKET, SOCKET_ERROR, WSA_FLAG_OVERLAPPED};
use wsp::WsaError;
use wsp_provider::abi::*;
use wsp_provider::ffi::mem;

type R<T> = Result<T, WsaError>;

/// Run an export's body: its error goes to `WSASetLastError`, a panic becomes
/// `WSASYSCALLFAILURE`, and `fail` is what C sees on either.
fn run<T: Copy>(fail: T, f: impl FnOnce() -> R<T>) -> T {
    match catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(v) => v,
        Err(e) => {
            set_last_error(e.0);
            fail
        }
    }
}

fn int(r: INT, errno: INT) -> R<INT> {
    if r == SOCKET_ERROR {
        Err(WsaError(errno))
    } else {
        Ok(r)
    }
}

fn sock(r: SOCKET, errno: INT) -> R<SOCKET> {
    if r == INVALID_SOCKET {
        Err(WsaError(errno))
    } else {
        Ok(r)
    }
}

fn boolean(r: BOOL, errno: INT) -> R<BOOL> {
    if r == FALSE {
        Err(WsaError(errno))
    } else {
        Ok(r)
    }
}

fn entry<F>(f: Option<F>) -> R<F> {
    f.ok_or(WsaError::WSAEOPNOTSUPP)
}

fn table() -> R<WSPPROC_TABLE> {
    provider::table()
}

/// The `WSATHREADID` passed with every data call: the issuing thread when there is a
/// completion routine to run on it, else empty (opening a thread handle registers it
/// for the life of the thread, which plain calls need not do).
fn thread_id(with_routine: bool) -> WSATHREADID {
    WSATHREADID {
        ThreadHandle: if with_routine {
            current_thread().raw()
        } else {
            0
        },
        Reserved: 0,
    }
}

fn length(len: INT) -> R<u32> {
    u32::try_from(len).map_err(|_| WsaError::WSAEFAULT)
}

// ---- startup, cleanup, errors ----------------------------------------------------------

/// `WSADATA`, Windows x64 layout (on 64-bit Windows the two `unsigned short`s and the
/// vendor pointer come before the strings).
#[repr(C)]
pub struct WSADATA {
    wVersion: u16,
    wHighVersion: u16,
    iMaxSockets: u16,
    iMaxUdpDg: u16,
    lpVendorInfo: *mut c_char,
    szDescription: [u8; 257],
    szSystemStatus: [u8; 129],
}

fn fill_wsadata(version: u16) -> WSADATA {
    let mut d = WSADATA {
        wVersion: version,
        wHighVersion: provider::HIGH_VERSION,
        iMaxSockets: 0,
        iMaxUdpDg: 0,
        lpVendorInfo: null_mut(),
        szDescription: [0; 257],
        szSystemStatus: [0; 129],
    };
    d.szDescription[..11].copy_from_slice(b"WinSock 2.0");
    d.szSystemStatus[..7].copy_from_slice(b"Running");
    if version & 0xff < 2 {
        // Winsock 1.1 programs still read these; Windows reports these two values.
        d.iMaxSockets = 32767;
        d.iMaxUdpDg = 65467;
    }
    d
}

/// `WSAStartup`: returns 0 or the error code itself (not through `WSAGetLastError`).
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAStartup(
    wVersionRequested: WORD,
    lpWSAData: *mut WSADATA,
) -> INT {
    catch_unwind(|| {
        // A bad WSADATA fails before anything starts (WSAStartup page: WSAEFAULT "The
        // lpWSAData parameter is not a valid pointer").
        if mem::probe_out(lpWSAData.cast(), core::mem::size_of::<WSADATA>()).is_err() {
            return WsaError::WSAEFAULT.0;
        }
        let version = match provider::negotiate(wVersionRequested) {
            Ok(v) => v,
            Err(e) => {
                // Windows still reports what it supports.
                // SAFETY: non-null caller WSADATA (checked above).
                let _ = unsafe { mem::write(lpWSAData, fill_wsadata(provider::HIGH_VERSION)) };
                return e.0;
            }
        };
        match provider::startup(wVersionRequested) {
            Ok(_) => {
                // SAFETY: non-null caller WSADATA (checked above).
                let _ = unsafe { mem::write(lpWSAData, fill_wsadata(version)) };
                0
            }
            Err(e) => e.0,
        }
    })
    .unwrap_or(WsaError::WSASYSCALLFAILURE.0)
}

/// `WSACleanup`.
#[no_mangle]
pub extern "system" fn wsp_WSACleanup() -> INT {
    run(SOCKET_ERROR, || provider::cleanup().map(|()| 0))
}

/// `WSAGetLastError`.
#[no_mangle]
pub extern "system" fn wsp_WSAGetLastError() -> INT {
    catch_unwind(last_error).unwrap_or(WsaError::WSASYSCALLFAILURE.0)
}

/// `WSASetLastError`.
#[no_mangle]
pub extern "system" fn wsp_WSASetLastError(iError: INT) {
    let _ = catch_unwind(|| set_last_error(iError));
}

// ---- sockets ---------------------------------------------------------------------------

/// `WSAPROTOCOL_INFOA`: `WSAPROTOCOL_INFOW` with an 8-bit `szProtocol` (372 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WSAPROTOCOL_INFOA {
    head: [u32; 29],
    szProtocol: [u8; 256],
}

const INFO_HEAD: usize = 116;

fn info_w_to_a(w: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOA {
    let mut a = WSAPROTOCOL_INFOA {
        head: [0; 29],
        szProtocol: [0; 256],
    };
    let bytes = w_head_bytes(w);
    for (i, h) in a.head.iter_mut().enumerate() {
        *h = u32::from_ne_bytes(bytes[i * 4..i * 4 + 4].try_into().unwrap_or([0; 4]));
    }
    let end = w
        .szProtocol
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(w.szProtocol.len());
    let s = String::from_utf16_lossy(&w.szProtocol[..end]);
    let n = s.len().min(255);
    a.szProtocol[..n].copy_from_slice(&s.as_bytes()[..n]);
    a
}

fn w_head_bytes(w: &WSAPROTOCOL_INFOW) -> [u8; INFO_HEAD] {
    let mut out = [0u8; INFO_HEAD];
    let mut put = |off: usize, v: u32| out[off..off + 4].copy_from_slice(&v.to_ne_bytes());
    put(0, w.dwServiceFlags1);
    put(4, w.dwServiceFlags2);
    put(8, w.dwServiceFlags3);
    put(12, w.dwServiceFlags4);
    put(16, w.dwProviderFlags);
    put(20, w.ProviderId.Data1);
    put(
        24,
        u32::from(w.ProviderId.Data2) | (u32::from(w.ProviderId.Data3) << 16),
    );
    put(
        28,
        u32::from_ne_bytes(w.ProviderId.Data4[..4].try_into().unwrap_or([0; 4])),
    );
    put(
        32,
        u32::from_ne_bytes(w.ProviderId.Data4[4..].try_into().unwrap_or([0; 4])),
    );
    put(36, w.dwCatalogEntryId);
    put(40, w.ProtocolChain.ChainLen as u32);
    for (i, e) in w.ProtocolChain.ChainEntries.iter().enumerate() {
        put(44 + 4 * i, *e);
    }
    let ints = [
        w.iVersion,
        w.iAddressFamily,
        w.iMaxSockAddr,
        w.iMinSockAddr,
        w.iSocketType,
        w.iProtocol,
        w.iProtocolMaxOffset,
        w.iNetworkByteOrder,
        w.iSecurityScheme,
    ];
    for (i, v) in ints.iter().enumerate() {
        put(72 + 4 * i, *v as u32);
    }
    put(108, w.dwMessageSize);
    put(112, w.dwProviderReserved);
    out
}

#[allow(clippy::field_reassign_with_default)]
fn info_a_to_w(a: &WSAPROTOCOL_INFOA) -> WSAPROTOCOL_INFOW {
    let h = &a.head;
    let mut w = WSAPROTOCOL_INFOW::default();
    w.dwServiceFlags1 = h[0];
    w.dwServiceFlags2 = h[1];
    w.dwServiceFlags3 = h[2];
    w.dwServiceFlags4 = h[3];
    w.dwProviderFlags = h[4];
    w.ProviderId.Data1 = h[5];
    w.ProviderId.Data2 = h[6] as u16;
    w.ProviderId.Data3 = (h[6] >> 16) as u16;
    w.ProviderId.Data4[..4].copy_from_slice(&h[7].to_ne_bytes());
    w.ProviderId.Data4[4..].copy_from_slice(&h[8].to_ne_bytes());
    w.dwCatalogEntryId = h[9];
    w.ProtocolChain.ChainLen = h[10] as i32;
    w.ProtocolChain.ChainEntries.copy_from_slice(&h[11..18]);
    w.iVersion = h[18] as i32;
    w.iAddressFamily = h[19] as i32;
    w.iMaxSockAddr = h[20] as i32;
    w.iMinSockAddr = h[21] as i32;
    w.iSocketType = h[22] as i32;
    w.iProtocol = h[23] as i32;
    w.iProtocolMaxOffset = h[24] as i32;
    w.iNetworkByteOrder = h[25] as i32;
    w.iSecurityScheme = h[26] as i32;
    w.dwMessageSize = h[27];
    w.dwProviderReserved = h[28];
    let end = a.szProtocol.iter().position(|&c| c == 0).unwrap_or(255);
    let s = String::from_utf8_lossy(&a.szProtocol[..end]);
    for (d, c) in w.szProtocol.iter_mut().zip(s.encode_utf16().take(255)) {
        *d = c;
    }
    w
}

/// `WSASocketW`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSASocketW(
    af: INT,
    ty: INT,
    protocol: INT,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
    g: GROUP,
    dwFlags: DWORD,
) -> SOCKET {
    run(INVALID_SOCKET, || {
        let f = entry(table()?.lpWSPSocket)?;
        let mut errno = 0;
        // SAFETY: the provider's WSPSocket with the caller's protocol info (null or a
        // structure the provider validates) and a live errno.
        let s = unsafe { f(af, ty, protocol, lpProtocolInfo, g, dwFlags, &mut errno) };
        sock(s, errno)
    })
}

/// `WSASocketA`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSASocketA(
    af: INT,
    ty: INT,
    protocol: INT,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOA,
    g: GROUP,
    dwFlags: DWORD,
) -> SOCKET {
    run(INVALID_SOCKET, || {
        let mut w = if lpProtocolInfo.is_null() {
            None
        } else {
            // SAFETY: non-null caller structure.
            Some(info_a_to_w(&unsafe { mem::read(lpProtocolInfo) }?))
        };
        let p = w
            .as_mut()
            .map_or(null_mut(), |w| w as *mut WSAPROTOCOL_INFOW);
        // SAFETY: null or a live local structure.
        let s = unsafe { wsp_WSASocketW(af, ty, protocol, p, g, dwFlags) };
        sock(s, last_error())
    })
}

/// `socket`: `WSASocketW(af, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED)`, as ws2_32's.
#[no_mangle]
pub extern "system" fn wsp_socket(af: INT, ty: INT, protocol: INT) -> SOCKET {
    // SAFETY: no caller pointers.
    unsafe { wsp_WSASocketW(af, ty, protocol, null_mut(), 0, WSA_FLAG_OVERLAPPED) }
}

/// `closesocket`.
#[no_mangle]
pub extern "system" fn wsp_closesocket(s: SOCKET) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPCloseSocket)?;
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(unsafe { f(s, &mut errno) }, errno)
    })
}

/// `shutdown`.
#[no_mangle]
pub extern "system" fn wsp_shutdown(s: SOCKET, how: INT) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPShutdown)?;
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(unsafe { f(s, how, &mut errno) }, errno)
    })
}

/// `bind`.
#[no_mangle]
pub unsafe extern "system" fn wsp_bind(s: SOCKET, name: *const SOCKADDR, namelen: INT) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPBind)?;
        let mut errno = 0;
        // SAFETY: the caller's address, validated by the provider against `namelen`.
        int(unsafe { f(s, name, namelen, &mut errno) }, errno)
    })
}

/// `listen`.
#[no_mangle]
pub extern "system" fn wsp_listen(s: SOCKET, backlog: INT) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPListen)?;
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(unsafe { f(s, backlog, &mut errno) }, errno)
    })
}

/// `WSAAccept`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAAccept(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut INT,
    lpfnCondition: LPCONDITIONPROC,
    dwCallbackData: DWORD_PTR,
) -> SOCKET {
    run(INVALID_SOCKET, || {
        let f = entry(table()?.lpWSPAccept)?;
        let mut errno = 0;
        // SAFETY: the caller's address buffer and condition function, forwarded as
        // ws2_32 forwards them; the provider validates the pointers.
        let r = unsafe { f(s, addr, addrlen, lpfnCondition, dwCallbackData, &mut errno) };
        sock(r, errno)
    })
}

/// `accept`.
#[no_mangle]
pub unsafe extern "system" fn wsp_accept(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut INT,
) -> SOCKET {
    // SAFETY: forwarded caller pointers.
    unsafe { wsp_WSAAccept(s, addr, addrlen, None, 0) }
}

/// `WSAConnect`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAConnect(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    lpCallerData: *mut WSABUF,
    lpCalleeData: *mut WSABUF,
    lpSQOS: *mut QOS,
    lpGQOS: *mut QOS,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPConnect)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        let r = unsafe {
            f(
                s,
                name,
                namelen,
                lpCallerData,
                lpCalleeData,
                lpSQOS,
                lpGQOS,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `connect`.
#[no_mangle]
pub unsafe extern "system" fn wsp_connect(s: SOCKET, name: *const SOCKADDR, namelen: INT) -> INT {
    // SAFETY: forwarded caller pointers.
    unsafe {
        wsp_WSAConnect(
            s,
            name,
            namelen,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
        )
    }
}

/// `WSAJoinLeaf`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAJoinLeaf(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    lpCallerData: *mut WSABUF,
    lpCalleeData: *mut WSABUF,
    lpSQOS: *mut QOS,
    lpGQOS: *mut QOS,
    dwFlags: DWORD,
) -> SOCKET {
    run(INVALID_SOCKET, || {
        let f = entry(table()?.lpWSPJoinLeaf)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        let r = unsafe {
            f(
                s,
                name,
                namelen,
                lpCallerData,
                lpCalleeData,
                lpSQOS,
                lpGQOS,
                dwFlags,
                &mut errno,
            )
        };
        sock(r, errno)
    })
}

// ---- data ------------------------------------------------------------------------------

/// `WSASend`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSASend(
    s: SOCKET,
    lpBuffers: *mut WSABUF,
    dwBufferCount: DWORD,
    lpNumberOfBytesSent: *mut DWORD,
    dwFlags: DWORD,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPSend)?;
        let (mut errno, mut tid, mut local) = (0, thread_id(lpCompletionRoutine.is_some()), 0u32);
        let sent = if lpNumberOfBytesSent.is_null() && !lpOverlapped.is_null() {
            &mut local as *mut DWORD
        } else {
            lpNumberOfBytesSent
        };
        // SAFETY: forwarded caller pointers (validated by the provider) and live locals.
        let r = unsafe {
            f(
                s,
                lpBuffers,
                dwBufferCount,
                sent,
                dwFlags,
                lpOverlapped,
                lpCompletionRoutine,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `WSARecv`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSARecv(
    s: SOCKET,
    lpBuffers: *mut WSABUF,
    dwBufferCount: DWORD,
    lpNumberOfBytesRecvd: *mut DWORD,
    lpFlags: *mut DWORD,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPRecv)?;
        let (mut errno, mut tid, mut local) = (0, thread_id(lpCompletionRoutine.is_some()), 0u32);
        let got = if lpNumberOfBytesRecvd.is_null() && !lpOverlapped.is_null() {
            &mut local as *mut DWORD
        } else {
            lpNumberOfBytesRecvd
        };
        // SAFETY: forwarded caller pointers (validated by the provider) and live locals.
        let r = unsafe {
            f(
                s,
                lpBuffers,
                dwBufferCount,
                got,
                lpFlags,
                lpOverlapped,
                lpCompletionRoutine,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `WSASendTo`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSASendTo(
    s: SOCKET,
    lpBuffers: *mut WSABUF,
    dwBufferCount: DWORD,
    lpNumberOfBytesSent: *mut DWORD,
    dwFlags: DWORD,
    lpTo: *const SOCKADDR,
    iTolen: INT,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPSendTo)?;
        let (mut errno, mut tid, mut local) = (0, thread_id(lpCompletionRoutine.is_some()), 0u32);
        let sent = if lpNumberOfBytesSent.is_null() && !lpOverlapped.is_null() {
            &mut local as *mut DWORD
        } else {
            lpNumberOfBytesSent
        };
        // SAFETY: forwarded caller pointers (validated by the provider) and live locals.
        let r = unsafe {
            f(
                s,
                lpBuffers,
                dwBufferCount,
                sent,
                dwFlags,
                lpTo,
                iTolen,
                lpOverlapped,
                lpCompletionRoutine,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `WSARecvFrom`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSARecvFrom(
    s: SOCKET,
    lpBuffers: *mut WSABUF,
    dwBufferCount: DWORD,
    lpNumberOfBytesRecvd: *mut DWORD,
    lpFlags: *mut DWORD,
    lpFrom: *mut SOCKADDR,
    lpFromlen: *mut INT,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPRecvFrom)?;
        let (mut errno, mut tid, mut local) = (0, thread_id(lpCompletionRoutine.is_some()), 0u32);
        let got = if lpNumberOfBytesRecvd.is_null() && !lpOverlapped.is_null() {
            &mut local as *mut DWORD
        } else {
            lpNumberOfBytesRecvd
        };
        // SAFETY: forwarded caller pointers (validated by the provider) and live locals.
        let r = unsafe {
            f(
                s,
                lpBuffers,
                dwBufferCount,
                got,
                lpFlags,
                lpFrom,
                lpFromlen,
                lpOverlapped,
                lpCompletionRoutine,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `send`.
#[no_mangle]
pub unsafe extern "system" fn wsp_send(s: SOCKET, buf: *const c_char, len: INT, flags: INT) -> INT {
    run(SOCKET_ERROR, || {
        let mut b = WSABUF {
            len: length(len)?,
            buf: buf as *mut u8,
        };
        let mut n: DWORD = 0;
        // SAFETY: one live WSABUF describing the caller's `len` bytes.
        let r = unsafe { wsp_WSASend(s, &mut b, 1, &mut n, flags as DWORD, null_mut(), None) };
        int(r, last_error())?;
        Ok(n as INT)
    })
}

/// `recv`.
#[no_mangle]
pub unsafe extern "system" fn wsp_recv(s: SOCKET, buf: *mut c_char, len: INT, flags: INT) -> INT {
    run(SOCKET_ERROR, || {
        let mut b = WSABUF {
            len: length(len)?,
            buf: buf as *mut u8,
        };
        let (mut n, mut fl): (DWORD, DWORD) = (0, flags as DWORD);
        // SAFETY: one live WSABUF describing the caller's `len` bytes.
        let r = unsafe { wsp_WSARecv(s, &mut b, 1, &mut n, &mut fl, null_mut(), None) };
        int(r, last_error())?;
        Ok(n as INT)
    })
}

/// `sendto`.
#[no_mangle]
pub unsafe extern "system" fn wsp_sendto(
    s: SOCKET,
    buf: *const c_char,
    len: INT,
    flags: INT,
    to: *const SOCKADDR,
    tolen: INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let mut b = WSABUF {
            len: length(len)?,
            buf: buf as *mut u8,
        };
        let mut n: DWORD = 0;
        // SAFETY: one live WSABUF describing the caller's bytes; the address forwarded.
        let r = unsafe {
            wsp_WSASendTo(
                s,
                &mut b,
                1,
                &mut n,
                flags as DWORD,
                to,
                tolen,
                null_mut(),
                None,
            )
        };
        int(r, last_error())?;
        Ok(n as INT)
    })
}

/// `recvfrom`.
#[no_mangle]
pub unsafe extern "system" fn wsp_recvfrom(
    s: SOCKET,
    buf: *mut c_char,
    len: INT,
    flags: INT,
    from: *mut SOCKADDR,
    fromlen: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let mut b = WSABUF {
            len: length(len)?,
            buf: buf as *mut u8,
        };
        let (mut n, mut fl): (DWORD, DWORD) = (0, flags as DWORD);
        // SAFETY: one live WSABUF describing the caller's bytes; the address forwarded.
        let r = unsafe {
            wsp_WSARecvFrom(
                s,
                &mut b,
                1,
                &mut n,
                &mut fl,
                from,
                fromlen,
                null_mut(),
                None,
            )
        };
        int(r, last_error())?;
        Ok(n as INT)
    })
}

/// `WSASendDisconnect`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSASendDisconnect(
    s: SOCKET,
    lpOutboundDisconnectData: *mut WSABUF,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPSendDisconnect)?;
        let mut errno = 0;
        // SAFETY: the caller's WSABUF, validated by the provider.
        int(unsafe { f(s, lpOutboundDisconnectData, &mut errno) }, errno)
    })
}

/// `WSARecvDisconnect`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSARecvDisconnect(
    s: SOCKET,
    lpInboundDisconnectData: *mut WSABUF,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPRecvDisconnect)?;
        let mut errno = 0;
        // SAFETY: the caller's WSABUF, validated by the provider.
        int(unsafe { f(s, lpInboundDisconnectData, &mut errno) }, errno)
    })
}

/// `WSAGetOverlappedResult`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAGetOverlappedResult(
    s: SOCKET,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpcbTransfer: *mut DWORD,
    fWait: BOOL,
    lpdwFlags: *mut DWORD,
) -> BOOL {
    run(FALSE, || {
        let f = entry(table()?.lpWSPGetOverlappedResult)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        boolean(
            unsafe { f(s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags, &mut errno) },
            errno,
        )
    })
}

// ---- select ----------------------------------------------------------------------------

/// `select`: the caller's `fd_set`s go to the provider as they are; the provider reads
/// `fd_count` handles from each (whatever `FD_SETSIZE` the program compiled with) and
/// writes back no more than it read. `nfds` is ignored, as on Windows.
#[no_mangle]
pub unsafe extern "system" fn wsp_select(
    nfds: INT,
    readfds: *mut FD_SET,
    writefds: *mut FD_SET,
    exceptfds: *mut FD_SET,
    timeout: *const TIMEVAL,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPSelect)?;
        let mut errno = 0;
        // SAFETY: forwarded caller sets and timeval, validated by the provider.
        int(
            unsafe { f(nfds, readfds, writefds, exceptfds, timeout, &mut errno) },
            errno,
        )
    })
}

/// `__WSAFDIsSet` (what `FD_ISSET` expands to): whether `fd` is among the first
/// `fd_count` handles of `set`.
#[no_mangle]
pub unsafe extern "system" fn wsp___WSAFDIsSet(fd: SOCKET, set: *mut FD_SET) -> INT {
    catch_unwind(|| {
        // SAFETY: a caller fd_set: its count, then `fd_count` handles after the header.
        let Ok(count) = (unsafe { mem::read(set.cast::<u32>()) }) else {
            return 0;
        };
        let base = set.cast::<u8>().wrapping_add(8).cast::<SOCKET>();
        for i in 0..count as usize {
            // SAFETY: handle `i` < fd_count lies within the caller's set.
            match unsafe { mem::read(base.wrapping_add(i)) } {
                Ok(h) if h == fd => return 1,
                Ok(_) => {}
                Err(_) => return 0,
            }
        }
        0
    })
    .unwrap_or(0)
}

// ---- ioctls and options ----------------------------------------------------------------

const IOC_IN: u32 = 0x8000_0000;
const IOC_OUT: u32 = 0x4000_0000;

/// `ioctlsocket`: `FIONBIO` reads `*argp`; `FIONREAD` and `SIOCATMARK` write it.
#[no_mangle]
pub unsafe extern "system" fn wsp_ioctlsocket(s: SOCKET, cmd: i32, argp: *mut u32) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPIoctl)?;
        if argp.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let code = cmd as u32;
        // SAFETY: non-null caller u_long.
        let mut input = unsafe { mem::read(argp) }?.to_ne_bytes();
        let mut output = [0u8; 4];
        let (ip, il) = if code & IOC_IN != 0 {
            (input.as_mut_ptr(), 4)
        } else {
            (null_mut(), 0)
        };
        let (op, ol) = if code & IOC_OUT != 0 {
            (output.as_mut_ptr(), 4)
        } else {
            (null_mut(), 0)
        };
        let (mut ret, mut errno, mut tid) = (0, 0, thread_id(false));
        // SAFETY: live local buffers of the declared lengths.
        let r = unsafe {
            f(
                s,
                code,
                ip,
                il,
                op,
                ol,
                &mut ret,
                null_mut(),
                None,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)?;
        if code & IOC_OUT != 0 {
            // SAFETY: non-null caller u_long.
            unsafe { mem::write(argp, u32::from_ne_bytes(output)) }?;
        }
        Ok(0)
    })
}

/// `WSAIoctl`. `SIO_GET_EXTENSION_FUNCTION_POINTER` is answered by the provider; a
/// provider that hands out an identifier rather than a callable address (the in-tree
/// provider's table does, for the overlapped-only mswsock functions it cannot yet serve
/// through C) gets `WSAEOPNOTSUPP` instead of a pointer the program would crash on.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAIoctl(
    s: SOCKET,
    dwIoControlCode: DWORD,
    lpvInBuffer: *mut c_void,
    cbInBuffer: DWORD,
    lpvOutBuffer: *mut c_void,
    cbOutBuffer: DWORD,
    lpcbBytesReturned: *mut DWORD,
    lpOverlapped: *mut WSAOVERLAPPED,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPIoctl)?;
        if dwIoControlCode == wsp::types::SIO_ADDRESS_LIST_SORT {
            // SAFETY: forwarded caller buffers and lengths.
            return unsafe {
                address_list_sort(
                    f,
                    s,
                    lpvInBuffer.cast(),
                    cbInBuffer,
                    lpvOutBuffer.cast(),
                    cbOutBuffer,
                    lpcbBytesReturned,
                    lpOverlapped,
                    lpCompletionRoutine,
                )
            };
        }
        let (mut errno, mut tid, mut local) = (0, thread_id(lpCompletionRoutine.is_some()), 0u32);
        let ret = if lpcbBytesReturned.is_null() && !lpOverlapped.is_null() {
            &mut local as *mut DWORD
        } else {
            lpcbBytesReturned
        };
        // SAFETY: forwarded caller buffers and lengths, validated by the provider.
        let r = unsafe {
            f(
                s,
                dwIoControlCode,
                lpvInBuffer.cast(),
                cbInBuffer,
                lpvOutBuffer.cast(),
                cbOutBuffer,
                ret,
                lpOverlapped,
                lpCompletionRoutine,
                &mut tid,
                &mut errno,
            )
        };
        int(r, errno)?;
        if dwIoControlCode == wsp::types::SIO_ADDRESS_LIST_QUERY && lpOverlapped.is_null() {
            // The engine writes each lpSockaddr as an offset into the output buffer; the
            // program gets pointers (SIO_ADDRESS_LIST_QUERY page).
            // SAFETY: the provider just filled the caller's output buffer.
            unsafe { offsets_to_pointers(lpvOutBuffer.cast(), cbOutBuffer as usize) }?;
        }
        if dwIoControlCode == wsp::types::SIO_GET_EXTENSION_FUNCTION_POINTER
            && cbOutBuffer as usize >= size_of::<usize>()
        {
            // SAFETY: the provider just wrote a pointer-sized value there.
            let v = unsafe { mem::read(lpvOutBuffer.cast::<usize>()) }?;
            if v < 0x1_0000 {
                // SAFETY: as above; do not leave the identifier where it looks callable.
                unsafe { mem::write(lpvOutBuffer.cast::<usize>(), 0) }?;
                return Err(WsaError::WSAEOPNOTSUPP);
            }
        }
        Ok(0)
    })
}

/// x64 `SOCKET_ADDRESS_LIST`: an INT count and padding, then 16-byte `SOCKET_ADDRESS`
/// entries (`LPSOCKADDR`, INT length, padding).
const LIST_HEADER: usize = 8;
const LIST_ENTRY: usize = 16;

/// Turn the engine's `SOCKET_ADDRESS::lpSockaddr` offsets in a list at `out` into
/// addresses inside that buffer.
///
/// # Safety
/// `out` valid for `cap` bytes.
unsafe fn offsets_to_pointers(out: *mut u8, cap: usize) -> R<()> {
    // SAFETY: the caller's buffer of `cap` bytes.
    let b = unsafe { mem::out_bytes(out, cap) }?;
    let count = i32::from_ne_bytes(
        b.get(..4)
            .ok_or(WsaError::WSAEFAULT)?
            .try_into()
            .unwrap_or([0; 4]),
    );
    for i in 0..usize::try_from(count).unwrap_or(0) {
        let at = LIST_HEADER + LIST_ENTRY * i;
        let slot = b.get_mut(at..at + 8).ok_or(WsaError::WSAEFAULT)?;
        let off = usize::from_ne_bytes(slot.try_into().unwrap_or([0; 8]));
        slot.copy_from_slice(&(out as usize + off).to_ne_bytes());
    }
    Ok(())
}

/// `SIO_ADDRESS_LIST_SORT`: the caller's `SOCKET_ADDRESS_LIST` holds pointers; the engine
/// sorts a list in offset form (each `lpSockaddr` an offset from the start of the input).
/// This builds that form, lets the provider sort it, and writes the caller's output list:
/// the same `SOCKET_ADDRESS` entries (the caller's pointers and lengths) best first.
///
/// # Safety
/// The caller's buffers of the declared lengths (the output only until the call returns:
/// the engine completes this ioctl inside the call, overlapped or not).
unsafe fn address_list_sort(
    f: unsafe extern "system" fn(
        SOCKET,
        DWORD,
        *mut u8,
        DWORD,
        *mut u8,
        DWORD,
        *mut DWORD,
        *mut WSAOVERLAPPED,
        LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        *mut WSATHREADID,
        *mut INT,
    ) -> INT,
    s: SOCKET,
    inbuf: *const u8,
    cbin: DWORD,
    outbuf: *mut u8,
    cbout: DWORD,
    ret: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> R<INT> {
    // SAFETY: the caller declared `cbin` bytes.
    let input = unsafe { mem::in_bytes(inbuf, cbin as usize) }?;
    let count = i32::from_ne_bytes(
        input
            .get(..4)
            .ok_or(WsaError::WSAEFAULT)?
            .try_into()
            .unwrap_or([0; 4]),
    );
    let count = usize::try_from(count).map_err(|_| WsaError::WSAEINVAL)?;
    let head = count
        .checked_mul(LIST_ENTRY)
        .and_then(|n| n.checked_add(LIST_HEADER))
        .filter(|&n| n <= input.len())
        .ok_or(WsaError::WSAEFAULT)?;
    let mut flat = vec![0u8; head];
    flat[..4].copy_from_slice(&(count as i32).to_ne_bytes());
    let mut originals = Vec::with_capacity(count);
    for i in 0..count {
        let e = &input[LIST_HEADER + LIST_ENTRY * i..LIST_HEADER + LIST_ENTRY * (i + 1)];
        let ptr = usize::from_ne_bytes(e[..8].try_into().unwrap_or([0; 8]));
        let len = i32::from_ne_bytes(e[8..12].try_into().unwrap_or([0; 4]));
        let n = usize::try_from(len).map_err(|_| WsaError::WSAEFAULT)?;
        // SAFETY: the entry's address of its declared length.
        let a = unsafe { mem::in_bytes(ptr as *const u8, n) }?;
        let off = flat.len();
        flat.extend_from_slice(a);
        let at = LIST_HEADER + LIST_ENTRY * i;
        flat[at..at + 8].copy_from_slice(&(off as u64).to_le_bytes());
        flat[at + 8..at + 12].copy_from_slice(&len.to_le_bytes());
        originals.push((off, ptr, len));
    }
    let mut sorted = vec![0u8; (cbout as usize).min(LIST_HEADER + LIST_ENTRY * count.max(1))];
    let (mut n, mut errno, mut tid) = (0u32, 0, thread_id(cr.is_some()));
    // SAFETY: live local buffers of the declared lengths; the caller's OVERLAPPED.
    let r = unsafe {
        f(
            s,
            wsp::types::SIO_ADDRESS_LIST_SORT,
            flat.as_mut_ptr(),
            flat.len() as DWORD,
            sorted.as_mut_ptr(),
            sorted.len() as DWORD,
            &mut n,
            ov,
            cr,
            &mut tid,
            &mut errno,
        )
    };
    int(r, errno)?;
    let kept = i32::from_le_bytes(sorted[..4].try_into().unwrap_or([0; 4]));
    let kept = usize::try_from(kept).unwrap_or(0);
    let need = LIST_HEADER + LIST_ENTRY * kept;
    // SAFETY: the caller declared `cbout` bytes, and the engine checked `need` fits.
    let out = unsafe { mem::out_bytes(outbuf, need) }?;
    out.fill(0);
    out[..4].copy_from_slice(&(kept as i32).to_ne_bytes());
    for k in 0..kept {
        let at = LIST_HEADER + LIST_ENTRY * k;
        let off = u64::from_le_bytes(sorted[at..at + 8].try_into().unwrap_or([0; 8])) as usize;
        let &(_, ptr, len) = originals
            .iter()
            .find(|(o, _, _)| *o == off)
            .ok_or(WsaError::WSAEFAULT)?;
        out[at..at + 8].copy_from_slice(&ptr.to_ne_bytes());
        out[at + 8..at + 12].copy_from_slice(&len.to_ne_bytes());
    }
    if !ret.is_null() {
        // SAFETY: a caller DWORD.
        unsafe { mem::write(ret, need as DWORD) }?;
    }
    Ok(0)
}

/// `getsockopt`.
#[no_mangle]
pub unsafe extern "system" fn wsp_getsockopt(
    s: SOCKET,
    level: INT,
    optname: INT,
    optval: *mut c_char,
    optlen: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPGetSockOpt)?;
        let mut errno = 0;
        // SAFETY: forwarded caller buffer and length, validated by the provider.
        int(
            unsafe { f(s, level, optname, optval.cast(), optlen, &mut errno) },
            errno,
        )
    })
}

/// `setsockopt`.
#[no_mangle]
pub unsafe extern "system" fn wsp_setsockopt(
    s: SOCKET,
    level: INT,
    optname: INT,
    optval: *const c_char,
    optlen: INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPSetSockOpt)?;
        let mut errno = 0;
        // SAFETY: forwarded caller buffer and length, validated by the provider.
        int(
            unsafe { f(s, level, optname, optval.cast(), optlen, &mut errno) },
            errno,
        )
    })
}

/// `getsockname`.
#[no_mangle]
pub unsafe extern "system" fn wsp_getsockname(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPGetSockName)?;
        let mut errno = 0;
        // SAFETY: forwarded caller buffer and length, validated by the provider.
        int(unsafe { f(s, name, namelen, &mut errno) }, errno)
    })
}

/// `getpeername`.
#[no_mangle]
pub unsafe extern "system" fn wsp_getpeername(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPGetPeerName)?;
        let mut errno = 0;
        // SAFETY: forwarded caller buffer and length, validated by the provider.
        int(unsafe { f(s, name, namelen, &mut errno) }, errno)
    })
}

// ---- events and notification -----------------------------------------------------------

fn event(h: HANDLE) -> R<Event> {
    Event::from_raw(h).ok_or(WsaError::WSA_INVALID_HANDLE)
}

/// `WSACreateEvent`: a manual-reset, non-signalled event; its handle is `Event::raw`.
#[no_mangle]
pub extern "system" fn wsp_WSACreateEvent() -> HANDLE {
    run(0, || Ok(Event::new().raw()))
}

/// `WSACloseEvent`.
#[no_mangle]
pub extern "system" fn wsp_WSACloseEvent(hEvent: HANDLE) -> BOOL {
    run(FALSE, || {
        if event(hEvent)?.close() {
            Ok(TRUE)
        } else {
            Err(WsaError::WSA_INVALID_HANDLE)
        }
    })
}

/// `WSASetEvent`.
#[no_mangle]
pub extern "system" fn wsp_WSASetEvent(hEvent: HANDLE) -> BOOL {
    run(FALSE, || {
        event(hEvent)?.set();
        Ok(TRUE)
    })
}

/// `WSAResetEvent`.
#[no_mangle]
pub extern "system" fn wsp_WSAResetEvent(hEvent: HANDLE) -> BOOL {
    run(FALSE, || {
        event(hEvent)?.reset();
        Ok(TRUE)
    })
}

/// `WSAWaitForMultipleEvents` over `Event` handles (alertable waits run this thread's
/// queued completion routines and APCs).
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAWaitForMultipleEvents(
    cEvents: DWORD,
    lphEvents: *const HANDLE,
    fWaitAll: BOOL,
    dwTimeout: DWORD,
    fAlertable: BOOL,
) -> DWORD {
    run(WSA_WAIT_FAILED, || {
        let n = cEvents as usize;
        if n == 0 || n > wsp::sync::WSA_MAXIMUM_WAIT_EVENTS {
            return Err(WsaError::WSA_INVALID_PARAMETER);
        }
        let mut events = Vec::with_capacity(n);
        for i in 0..n {
            // SAFETY: the caller declared `cEvents` handles at `lphEvents`.
            let h = unsafe { mem::read(lphEvents.wrapping_add(i)) }?;
            events.push(event(h)?);
        }
        let r = wait_for_multiple(
            &RealTime,
            &events,
            fWaitAll != FALSE,
            wsp::sync::timeout_from_millis(dwTimeout),
            fAlertable != FALSE,
        )?;
        Ok(r.code())
    })
}

/// `WSAEventSelect`.
#[no_mangle]
pub extern "system" fn wsp_WSAEventSelect(
    s: SOCKET,
    hEventObject: HANDLE,
    lNetworkEvents: i32,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPEventSelect)?;
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(
            unsafe { f(s, hEventObject, lNetworkEvents, &mut errno) },
            errno,
        )
    })
}

/// `WSAEnumNetworkEvents`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAEnumNetworkEvents(
    s: SOCKET,
    hEventObject: HANDLE,
    lpNetworkEvents: *mut WSANETWORKEVENTS,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPEnumNetworkEvents)?;
        let mut errno = 0;
        // SAFETY: the caller's structure, validated by the provider.
        int(
            unsafe { f(s, hEventObject, lpNetworkEvents, &mut errno) },
            errno,
        )
    })
}

/// `WSAAsyncSelect`: `hWnd` is an `Hwnd::raw` handle (the Win32 half's `CreateWindowEx`).
#[no_mangle]
pub extern "system" fn wsp_WSAAsyncSelect(s: SOCKET, hWnd: HWND, wMsg: u32, lEvent: i32) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPAsyncSelect)?;
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(unsafe { f(s, hWnd, wMsg, lEvent, &mut errno) }, errno)
    })
}

/// `WSACancelBlockingCall`: removed from Winsock 2.2 (`WSAEOPNOTSUPP`, as Windows
/// answers); a program that negotiated 1.x reaches the provider's
/// `WSPCancelBlockingCall`.
#[no_mangle]
pub extern "system" fn wsp_WSACancelBlockingCall() -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPCancelBlockingCall)?;
        if provider::version() & 0xff >= 2 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let mut errno = 0;
        // SAFETY: the provider's entry with a live errno.
        int(unsafe { f(&mut errno) }, errno)
    })
}

/// `WSAGetQOSByName`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAGetQOSByName(
    s: SOCKET,
    lpQOSName: *mut WSABUF,
    lpQOS: *mut QOS,
) -> BOOL {
    run(FALSE, || {
        let f = entry(table()?.lpWSPGetQOSByName)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        boolean(unsafe { f(s, lpQOSName, lpQOS, &mut errno) }, errno)
    })
}

// ---- duplication, catalog, address strings ---------------------------------------------

/// `WSADuplicateSocketW`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSADuplicateSocketW(
    s: SOCKET,
    dwProcessId: DWORD,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPDuplicateSocket)?;
        let mut errno = 0;
        // SAFETY: the caller's structure, validated by the provider.
        int(
            unsafe { f(s, dwProcessId, lpProtocolInfo, &mut errno) },
            errno,
        )
    })
}

/// `WSADuplicateSocketA`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSADuplicateSocketA(
    s: SOCKET,
    dwProcessId: DWORD,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOA,
) -> INT {
    run(SOCKET_ERROR, || {
        if lpProtocolInfo.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let mut w = WSAPROTOCOL_INFOW::default();
        // SAFETY: a live local structure.
        let r = unsafe { wsp_WSADuplicateSocketW(s, dwProcessId, &mut w) };
        int(r, last_error())?;
        // SAFETY: non-null caller structure.
        unsafe { mem::write(lpProtocolInfo, info_w_to_a(&w)) }?;
        Ok(0)
    })
}

fn enum_protocols(protocols: *const INT) -> R<Vec<WSAPROTOCOL_INFOW>> {
    let catalog = provider::catalog()?;
    if protocols.is_null() {
        return Ok(catalog
            .into_iter()
            .filter(|e| e.dwProviderFlags & wsp::types::PFL_HIDDEN == 0)
            .collect());
    }
    let mut wanted = Vec::new();
    for i in 0.. {
        // SAFETY: a zero-terminated caller array of INTs.
        let p = unsafe { mem::read(protocols.wrapping_add(i)) }?;
        if p == 0 {
            break;
        }
        wanted.push(p);
    }
    Ok(catalog
        .into_iter()
        .filter(|e| {
            wanted
                .iter()
                .any(|&p| p >= e.iProtocol && p <= e.iProtocol + e.iProtocolMaxOffset)
        })
        .collect())
}

/// The common body of `WSAEnumProtocolsA/W`.
///
/// # Safety
/// `buf` null or valid for `*len` bytes.
unsafe fn put_protocols<T: Copy>(entries: Vec<T>, buf: *mut T, len: *mut DWORD) -> R<INT> {
    // SAFETY: caller DWORD.
    let cap = unsafe { mem::read(len) }? as usize;
    let need = entries.len() * size_of::<T>();
    if buf.is_null() || cap < need {
        // SAFETY: caller DWORD.
        unsafe { mem::write(len, need as DWORD) }?;
        return Err(WsaError::WSAENOBUFS);
    }
    for (i, e) in entries.iter().enumerate() {
        // SAFETY: entry `i` lies within the caller's `cap` bytes (checked above).
        unsafe { mem::write(buf.wrapping_add(i), *e) }?;
    }
    Ok(entries.len() as INT)
}

/// `WSAEnumProtocolsW`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAEnumProtocolsW(
    lpiProtocols: *const INT,
    lpProtocolBuffer: *mut WSAPROTOCOL_INFOW,
    lpdwBufferLength: *mut DWORD,
) -> INT {
    run(SOCKET_ERROR, || {
        let v = enum_protocols(lpiProtocols)?;
        // SAFETY: forwarded caller buffer and length.
        unsafe { put_protocols(v, lpProtocolBuffer, lpdwBufferLength) }
    })
}

/// `WSAEnumProtocolsA`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAEnumProtocolsA(
    lpiProtocols: *const INT,
    lpProtocolBuffer: *mut WSAPROTOCOL_INFOA,
    lpdwBufferLength: *mut DWORD,
) -> INT {
    run(SOCKET_ERROR, || {
        let v = enum_protocols(lpiProtocols)?
            .iter()
            .map(info_w_to_a)
            .collect();
        // SAFETY: forwarded caller buffer and length.
        unsafe { put_protocols(v, lpProtocolBuffer, lpdwBufferLength) }
    })
}

/// `WSAAddressToStringW`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAAddressToStringW(
    lpsaAddress: *mut SOCKADDR,
    dwAddressLength: DWORD,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
    lpszAddressString: *mut u16,
    lpdwAddressStringLength: *mut DWORD,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPAddressToString)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        let r = unsafe {
            f(
                lpsaAddress,
                dwAddressLength,
                lpProtocolInfo,
                lpszAddressString,
                lpdwAddressStringLength,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// `WSAAddressToStringA`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAAddressToStringA(
    lpsaAddress: *mut SOCKADDR,
    dwAddressLength: DWORD,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOA,
    lpszAddressString: *mut c_char,
    lpdwAddressStringLength: *mut DWORD,
) -> INT {
    run(SOCKET_ERROR, || {
        let mut info = if lpProtocolInfo.is_null() {
            None
        } else {
            // SAFETY: non-null caller structure.
            Some(info_a_to_w(&unsafe { mem::read(lpProtocolInfo) }?))
        };
        let ip = info
            .as_mut()
            .map_or(null_mut(), |w| w as *mut WSAPROTOCOL_INFOW);
        let mut wide = [0u16; 256];
        let mut wlen: DWORD = wide.len() as DWORD;
        // SAFETY: live locals of the declared lengths; the address forwarded.
        let r = unsafe {
            wsp_WSAAddressToStringW(
                lpsaAddress,
                dwAddressLength,
                ip,
                wide.as_mut_ptr(),
                &mut wlen,
            )
        };
        int(r, last_error())?;
        let end = wide.iter().position(|&c| c == 0).unwrap_or(wide.len());
        let text = String::from_utf16_lossy(&wide[..end]);
        // SAFETY: caller DWORD.
        let cap = unsafe { mem::read(lpdwAddressStringLength) }? as usize;
        let need = text.len() + 1;
        if lpszAddressString.is_null() || cap < need {
            // SAFETY: caller DWORD.
            unsafe { mem::write(lpdwAddressStringLength, need as DWORD) }?;
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller declared `cap` >= `need` bytes: a checked copy.
        unsafe { user_mem::put_cstr(lpszAddressString, &text) }?;
        // SAFETY: caller DWORD.
        unsafe { mem::write(lpdwAddressStringLength, need as DWORD) }?;
        Ok(0)
    })
}

/// `WSAStringToAddressW`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAStringToAddressW(
    AddressString: *mut u16,
    AddressFamily: INT,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
    lpAddress: *mut SOCKADDR,
    lpAddressLength: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        let f = entry(table()?.lpWSPStringToAddress)?;
        let mut errno = 0;
        // SAFETY: forwarded caller pointers, validated by the provider.
        let r = unsafe {
            f(
                AddressString,
                AddressFamily,
                lpProtocolInfo,
                lpAddress,
                lpAddressLength,
                &mut errno,
            )
        };
        int(r, errno)
    })
}

/// A caller's NUL-terminated 8-bit string (at most 4096 bytes).
///
/// # Safety
/// `p` null or a NUL-terminated string.
unsafe fn cstr(p: *const c_char) -> R<String> {
    // SAFETY: a checked copy of the caller's string.
    let b = unsafe { user_mem::cstr(p) }?;
    Ok(String::from_utf8_lossy(&b).into_owned())
}

/// `WSAStringToAddressA`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAStringToAddressA(
    AddressString: *mut c_char,
    AddressFamily: INT,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOA,
    lpAddress: *mut SOCKADDR,
    lpAddressLength: *mut INT,
) -> INT {
    run(SOCKET_ERROR, || {
        // SAFETY: the caller's string.
        let s = unsafe { cstr(AddressString) }?;
        let mut wide: Vec<u16> = s.encode_utf16().chain([0]).collect();
        let mut info = if lpProtocolInfo.is_null() {
            None
        } else {
            // SAFETY: non-null caller structure.
            Some(info_a_to_w(&unsafe { mem::read(lpProtocolInfo) }?))
        };
        let ip = info
            .as_mut()
            .map_or(null_mut(), |w| w as *mut WSAPROTOCOL_INFOW);
        // SAFETY: live locals; the address buffer forwarded.
        let r = unsafe {
            wsp_WSAStringToAddressW(
                wide.as_mut_ptr(),
                AddressFamily,
                ip,
                lpAddress,
                lpAddressLength,
            )
        };
        int(r, last_error())
    })
}

// ---- byte order and address text -------------------------------------------------------

/// `htons`.
#[no_mangle]
pub extern "system" fn wsp_htons(hostshort: u16) -> u16 {
    hostshort.to_be()
}
/// `ntohs`.
#[no_mangle]
pub extern "system" fn wsp_ntohs(netshort: u16) -> u16 {
    u16::from_be(netshort)
}
/// `htonl`.
#[no_mangle]
pub extern "system" fn wsp_htonl(hostlong: u32) -> u32 {
    hostlong.to_be()
}
/// `ntohl`.
#[no_mangle]
pub extern "system" fn wsp_ntohl(netlong: u32) -> u32 {
    u32::from_be(netlong)
}

/// `inet_addr`.
#[no_mangle]
pub unsafe extern "system" fn wsp_inet_addr(cp: *const c_char) -> u32 {
    catch_unwind(|| {
        if cp.is_null() {
            return text::INADDR_NONE;
        }
        // SAFETY: a checked copy of the caller's string (unreadable: no address).
        match unsafe { user_mem::cstr(cp) } {
            Ok(b) => text::inet_addr(&b),
            Err(_) => text::INADDR_NONE,
        }
    })
    .unwrap_or(text::INADDR_NONE)
}

thread_local! {
    static NTOA: RefCell<[u8; 16]> = const { RefCell::new([0; 16]) };
}

/// `inet_ntoa`: the text in this thread's buffer, valid until its next call on this
/// thread (Windows' rule).
#[no_mangle]
pub extern "system" fn wsp_inet_ntoa(addr: u32) -> *mut c_char {
    catch_unwind(|| {
        let s = text::inet_ntoa(addr.to_ne_bytes());
        NTOA.with(|b| {
            let mut b = b.borrow_mut();
            b.fill(0);
            b[..s.len()].copy_from_slice(s.as_bytes());
            b.as_mut_ptr().cast::<c_char>()
        })
    })
    .unwrap_or(null_mut())
}

const AF_INET: INT = 2;
const AF_INET6: INT = 23;

/// `inet_pton`: 1, 0 for text that is not an address, -1 with `WSAEAFNOSUPPORT` or
/// `WSAEFAULT`.
#[no_mangle]
pub unsafe extern "system" fn wsp_inet_pton(
    Family: INT,
    pszAddrString: *const c_char,
    pAddrBuf: *mut c_void,
) -> INT {
    run(-1, || {
        if pszAddrString.is_null() || pAddrBuf.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: a NUL-terminated caller string.
        let s = unsafe { cstr(pszAddrString) }?;
        let bytes: Vec<u8> = match Family {
            AF_INET => match text::pton4(&s) {
                Some(b) => b.to_vec(),
                None => return Ok(0),
            },
            AF_INET6 => match text::pton6(&s) {
                Some(b) => b.to_vec(),
                None => return Ok(0),
            },
            _ => return Err(WsaError::WSAEAFNOSUPPORT),
        };
        // SAFETY: an IN_ADDR (4 bytes) or IN6_ADDR (16) for the family, by contract.
        unsafe { user_mem::copy_out(pAddrBuf.cast(), &bytes) }?;
        Ok(1)
    })
}

/// `inet_ntop`: `pStringBuf`, or null with `WSAEAFNOSUPPORT` or (null or short buffer)
/// `ERROR_INVALID_PARAMETER` (87), as Windows reports.
#[no_mangle]
pub unsafe extern "system" fn wsp_inet_ntop(
    Family: INT,
    pAddr: *const c_void,
    pStringBuf: *mut c_char,
    StringBufSize: usize,
) -> *const c_char {
    run(null(), || {
        if pAddr.is_null() {
            return Err(WsaError::WSA_INVALID_PARAMETER);
        }
        let s = match Family {
            AF_INET => {
                // SAFETY: an IN_ADDR.
                let b = unsafe { mem::read(pAddr.cast::<[u8; 4]>()) }?;
                text::inet_ntoa(b)
            }
            AF_INET6 => {
                // SAFETY: an IN6_ADDR.
                let b = unsafe { mem::read(pAddr.cast::<[u8; 16]>()) }?;
                text::ntop6(b)
            }
            _ => return Err(WsaError::WSAEAFNOSUPPORT),
        };
        if pStringBuf.is_null() || StringBufSize < s.len() + 1 {
            return Err(WsaError::WSA_INVALID_PARAMETER);
        }
        // SAFETY: the caller declared `StringBufSize` bytes: a checked copy.
        unsafe { user_mem::put_cstr(pStringBuf, &s) }?;
        Ok(pStringBuf.cast_const())
    })
}

// ---- WSAPoll ---------------------------------------------------------------------------

/// `WSAPOLLFD`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WSAPOLLFD {
    fd: SOCKET,
    events: i16,
    revents: i16,
}

const POLLRDNORM: i16 = 0x0100;
const POLLRDBAND: i16 = 0x0200;
const POLLWRNORM: i16 = 0x0010;
const POLLERR: i16 = 0x0001;
const POLLHUP: i16 = 0x0002;
const POLLNVAL: i16 = 0x0004;
const SOCK_STREAM: i32 = 1;

fn fd_words(v: &[SOCKET]) -> Vec<usize> {
    let mut w = vec![v.len()];
    w.extend_from_slice(v);
    w
}

/// What one entry of a `WSAPoll` call is, before the wait.
#[derive(Clone, Copy, PartialEq)]
enum Entry {
    /// A negative `fd`: ignored, `revents` 0.
    Ignored,
    /// Not a socket: `POLLNVAL`.
    Invalid,
    /// A socket of this `SO_TYPE`.
    Socket(i32),
}

/// `WSAPoll` over `WSPSelect`, with Windows' rules (the WSAPoll and WSAPOLLFD pages):
///
/// * `fds == 0` or a flag other than `POLLRDNORM`/`POLLRDBAND`/`POLLWRNORM` in any
///   `events` (`POLLPRI` is "not supported by the Microsoft Winsock provider"):
///   `WSAEINVAL`; an array that cannot be read: `WSAEFAULT`.
/// * A negative `fd` is ignored and its `revents` cleared. A handle that is not a socket
///   gets `POLLNVAL` and ends the wait at once; when no entry names a valid socket the call
///   fails with `WSAEINVAL` ("returned if none of the sockets specified ... were valid").
///   (Wine reports `POLLNVAL` for negative handles too and `WSAENOTSOCK` when none is
///   valid; this follows Microsoft's page.)
/// * `POLLRDNORM` from the read set, `POLLRDBAND` from the except set of a connected
///   socket (urgent data), `POLLWRNORM` from the write set, each only if asked.
/// * Reported whether asked or not: `POLLHUP` for a stream whose peer closed (a peek
///   finds the end of the stream), `POLLHUP | POLLERR` for a reset one, and for a failed
///   non-blocking connect `POLLHUP | POLLERR` plus `POLLWRNORM` when asked ("As of
///   Windows 10 version 2004, when a TCP socket fails to connect, (POLLHUP | POLLERR |
///   POLLWRNORM) is indicated").
/// * `timeout` < 0 waits forever, 0 polls, > 0 waits that many milliseconds.
/// * Returns how many entries have a nonzero `revents`.
#[no_mangle]
pub unsafe extern "system" fn wsp_WSAPoll(fdArray: *mut WSAPOLLFD, fds: u32, timeout: INT) -> INT {
    run(SOCKET_ERROR, || {
        let t = table()?;
        let select = entry(t.lpWSPSelect)?;
        let getopt = entry(t.lpWSPGetSockOpt)?;
        let getpeer = entry(t.lpWSPGetPeerName)?;
        let recv = entry(t.lpWSPRecv)?;
        if fds == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let mut v = Vec::with_capacity(fds as usize);
        for i in 0..fds as usize {
            // SAFETY: the caller declared `fds` entries.
            v.push(unsafe { mem::read(fdArray.wrapping_add(i)) }?);
        }
        let allowed = POLLRDNORM | POLLRDBAND | POLLWRNORM;
        if v.iter().any(|p| p.events & !allowed != 0) {
            return Err(WsaError::WSAEINVAL);
        }
        let kinds: Vec<Entry> = v
            .iter()
            .map(|p| {
                if (p.fd as isize) < 0 {
                    return Entry::Ignored;
                }
                let (mut ty, mut len, mut errno) = (0i32, 4, 0);
                // SAFETY: live locals of the declared length.
                let r = unsafe {
                    getopt(
                        p.fd,
                        0xffff,
                        0x1008,
                        (&mut ty as *mut i32).cast(),
                        &mut len,
                        &mut errno,
                    )
                };
                if r == SOCKET_ERROR && errno == WsaError::WSAENOTSOCK.0 {
                    Entry::Invalid
                } else {
                    Entry::Socket(ty)
                }
            })
            .collect();
        if !kinds.iter().any(|k| matches!(k, Entry::Socket(_))) {
            return Err(WsaError::WSAEINVAL);
        }
        let socks: Vec<SOCKET> = v
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| matches!(k, Entry::Socket(_)))
            .map(|(p, _)| p.fd)
            .collect();
        let writers: Vec<SOCKET> = v
            .iter()
            .zip(&kinds)
            .filter(|(p, k)| matches!(k, Entry::Socket(_)) && p.events & POLLWRNORM != 0)
            .map(|(p, _)| p.fd)
            .collect();
        // Every socket watches for reading (the end of a stream and a reset are reported
        // unasked) and for exceptions (a failed connect, urgent data).
        let (mut r, mut w, mut e) = (fd_words(&socks), fd_words(&writers), fd_words(&socks));
        let any_invalid = kinds.contains(&Entry::Invalid);
        let zero = TIMEVAL {
            tv_sec: 0,
            tv_usec: 0,
        };
        let tv = TIMEVAL {
            tv_sec: timeout.max(0) / 1000,
            tv_usec: (timeout.max(0) % 1000) * 1000,
        };
        let tp: *const TIMEVAL = if any_invalid {
            &zero
        } else if timeout < 0 {
            null()
        } else {
            &tv
        };
        let mut errno = 0;
        // SAFETY: live local fd_sets of the declared counts and a live timeval.
        let n = unsafe {
            select(
                0,
                r.as_mut_ptr().cast(),
                w.as_mut_ptr().cast(),
                e.as_mut_ptr().cast(),
                tp,
                &mut errno,
            )
        };
        int(n, errno)?;
        let has = |set: &[usize], s: SOCKET| set[1..=(set[0] & 0xffff_ffff)].contains(&s);
        for (p, k) in v.iter_mut().zip(&kinds) {
            p.revents = 0;
            let ty = match *k {
                Entry::Ignored => continue,
                Entry::Invalid => {
                    p.revents = POLLNVAL;
                    continue;
                }
                Entry::Socket(ty) => ty,
            };
            let mut got = 0i16;
            if has(&r, p.fd) {
                got |= POLLRDNORM;
                if ty == SOCK_STREAM {
                    let mut byte = 0u8;
                    let mut b = WSABUF {
                        len: 1,
                        buf: &mut byte,
                    };
                    let (mut n, mut fl, mut errno, mut tid) = (0, 2u32, 0, thread_id(false));
                    // SAFETY: one live one-byte WSABUF; MSG_PEEK on a readable socket.
                    let rr = unsafe {
                        recv(
                            p.fd,
                            &mut b,
                            1,
                            &mut n,
                            &mut fl,
                            null_mut(),
                            None,
                            &mut tid,
                            &mut errno,
                        )
                    };
                    if rr == 0 && n == 0 {
                        got |= POLLHUP;
                    } else if rr == SOCKET_ERROR
                        && (errno == WsaError::WSAECONNRESET.0
                            || errno == WsaError::WSAECONNABORTED.0)
                    {
                        got |= POLLHUP | POLLERR;
                    }
                }
            }
            if has(&w, p.fd) {
                got |= POLLWRNORM;
            }
            if has(&e, p.fd) {
                let mut sa = [0u8; 128];
                let (mut len, mut errno) = (128, 0);
                // SAFETY: a live local address buffer of the declared length.
                let connected =
                    unsafe { getpeer(p.fd, sa.as_mut_ptr().cast(), &mut len, &mut errno) } == 0;
                if connected {
                    got |= POLLRDBAND;
                } else {
                    got |= POLLHUP | POLLERR | POLLWRNORM;
                }
            }
            p.revents = got & (p.events | POLLHUP | POLLERR);
        }
        for (i, p) in v.iter().enumerate() {
            // SAFETY: the caller declared `fds` entries.
            unsafe { mem::write(fdArray.wrapping_add(i), *p) }?;
        }
        Ok(v.iter().filter(|p| p.revents != 0).count() as INT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn wsadata_and_infoa_match_windows_x64() {
        assert_eq!(size_of::<WSADATA>(), 408);
        assert_eq!(offset_of!(WSADATA, lpVendorInfo), 8);
        assert_eq!(offset_of!(WSADATA, szDescription), 16);
        assert_eq!(offset_of!(WSADATA, szSystemStatus), 273);
        assert_eq!(size_of::<WSAPROTOCOL_INFOA>(), 372);
        assert_eq!(size_of::<WSAPOLLFD>(), 16);
    }

    #[test]
    fn protocol_info_a_round_trips() {
        for w in wsp::catalog::entries() {
            let a = info_w_to_a(&w);
            assert!(info_a_to_w(&a) == w);
        }
    }
}
