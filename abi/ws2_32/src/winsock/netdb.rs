//! Name resolution in Winsock's shapes over the host resolver (libc): `getaddrinfo`,
//! `freeaddrinfo`, `getnameinfo`, `gethostbyname`, `gethostname`, `getservbyname`.
//!
//! Winsock's `addrinfo` orders `ai_canonname` before `ai_addr` (glibc's is the other way
//! round), its `AF_INET6` is 23, its `AI_*`/`NI_*` flag values differ from glibc's, and
//! its `hostent`/`servent` use 16-bit `h_addrtype`/`h_length`/`s_port` (on x64 `s_proto`
//! comes before `s_port`). Everything is translated here; results are this module's own
//! allocations (`freeaddrinfo` frees them) or per-thread storage (`gethostbyname`,
//! `getservbyname`), as Windows documents.

#![allow(unsafe_code)]
#![allow(non_snake_case)]
#![allow(clippy::missing_safety_doc)]

use super::error::set_last_error;
use super::provider;
use core::ffi::{c_char, c_int, CStr};
use core::ptr::{null, null_mut};
use std::cell::RefCell;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;
use wsp::WsaError;
use wsp_provider::ffi::mem;

const AF_INET: i32 = 2;
const AF_INET6: i32 = 23;

/// Winsock's `addrinfo` (`ADDRINFOA`), x64 layout.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AddrInfo {
    pub(crate) ai_flags: c_int,
    pub(crate) ai_family: c_int,
    pub(crate) ai_socktype: c_int,
    pub(crate) ai_protocol: c_int,
    pub(crate) ai_addrlen: usize,
    pub(crate) ai_canonname: *mut c_char,
    pub(crate) ai_addr: *mut u8,
    pub(crate) ai_next: *mut AddrInfo,
}

/// One allocation per result: the node, then its address bytes.
#[repr(C)]
struct Node {
    ai: AddrInfo,
    addr: [u8; 28],
}

fn eai_to_wsa(e: c_int) -> WsaError {
    match e {
        x if x == libc::EAI_AGAIN => WsaError(11002),
        x if x == libc::EAI_BADFLAGS => WsaError::WSAEINVAL,
        x if x == libc::EAI_FAIL => WsaError(11003),
        x if x == libc::EAI_FAMILY => WsaError::WSAEAFNOSUPPORT,
        x if x == libc::EAI_MEMORY => WsaError(8),
        x if x == libc::EAI_SERVICE => WsaError(10109),
        x if x == libc::EAI_SOCKTYPE => WsaError(10044),
        #[cfg(target_os = "linux")]
        x if x == libc::EAI_NODATA => WsaError(11004),
        _ => WsaError(11001),
    }
}

fn ai_flags_to_host(f: c_int) -> c_int {
    let map = [
        (0x1, libc::AI_PASSIVE),
        (0x2, libc::AI_CANONNAME),
        (0x4, libc::AI_NUMERICHOST),
        (0x8, libc::AI_NUMERICSERV),
        (0x100, libc::AI_ALL),
        (0x400, libc::AI_ADDRCONFIG),
        (0x800, libc::AI_V4MAPPED),
    ];
    map.iter()
        .filter(|(w, _)| f & w != 0)
        .fold(0, |a, (_, h)| a | h)
}

fn ni_flags_to_host(f: c_int) -> c_int {
    let map = [
        (0x1, libc::NI_NOFQDN),
        (0x2, libc::NI_NUMERICHOST),
        (0x4, libc::NI_NAMEREQD),
        (0x8, libc::NI_NUMERICSERV),
        (0x10, libc::NI_DGRAM),
    ];
    map.iter()
        .filter(|(w, _)| f & w != 0)
        .fold(0, |a, (_, h)| a | h)
}

fn family_to_host(af: c_int) -> Result<c_int, WsaError> {
    match af {
        0 => Ok(libc::AF_UNSPEC),
        AF_INET => Ok(libc::AF_INET),
        AF_INET6 => Ok(libc::AF_INET6),
        _ => Err(WsaError::WSAEAFNOSUPPORT),
    }
}

/// A host `sockaddr` as Windows bytes (16 for IPv4, 28 for IPv6).
///
/// # Safety
/// `sa` points at a host address of its family's size.
unsafe fn host_to_win(sa: *const libc::sockaddr) -> Option<(i32, Vec<u8>)> {
    // SAFETY: the resolver's address, read as its family says.
    unsafe {
        match c_int::from((*sa).sa_family) {
            libc::AF_INET => {
                let a = &*(sa.cast::<libc::sockaddr_in>());
                let mut v = vec![0u8; 16];
                v[..2].copy_from_slice(&(AF_INET as u16).to_le_bytes());
                v[2..4].copy_from_slice(&a.sin_port.to_ne_bytes());
                v[4..8].copy_from_slice(&a.sin_addr.s_addr.to_ne_bytes());
                Some((AF_INET, v))
            }
            libc::AF_INET6 => {
                let a = &*(sa.cast::<libc::sockaddr_in6>());
                let mut v = vec![0u8; 28];
                v[..2].copy_from_slice(&(AF_INET6 as u16).to_le_bytes());
                v[2..4].copy_from_slice(&a.sin6_port.to_ne_bytes());
                v[4..8].copy_from_slice(&a.sin6_flowinfo.to_ne_bytes());
                v[8..24].copy_from_slice(&a.sin6_addr.s6_addr);
                v[24..28].copy_from_slice(&a.sin6_scope_id.to_ne_bytes());
                Some((AF_INET6, v))
            }
            _ => None,
        }
    }
}

/// Windows address bytes as a host `sockaddr_storage` and its length.
fn win_to_host(b: &[u8]) -> Result<(libc::sockaddr_storage, libc::socklen_t), WsaError> {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
    let fam = u16::from_le_bytes([
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
    ]);
    match i32::from(fam) {
        AF_INET if b.len() >= 16 => {
            // SAFETY: sockaddr_storage is large and aligned enough for a sockaddr_in.
            let a = unsafe {
                &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>()
            };
            a.sin_family = libc::AF_INET as libc::sa_family_t;
            a.sin_port = u16::from_ne_bytes([b[2], b[3]]);
            a.sin_addr.s_addr = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
            Ok((
                ss,
                core::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            ))
        }
        AF_INET6 if b.len() >= 28 => {
            // SAFETY: sockaddr_storage is large and aligned enough for a sockaddr_in6.
            let a = unsafe {
                &mut *(&mut ss as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            a.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            a.sin6_port = u16::from_ne_bytes([b[2], b[3]]);
            a.sin6_flowinfo = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
            a.sin6_addr.s6_addr.copy_from_slice(&b[8..24]);
            a.sin6_scope_id = u32::from_ne_bytes([b[24], b[25], b[26], b[27]]);
            Ok((
                ss,
                core::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
            ))
        }
        AF_INET | AF_INET6 => Err(WsaError::WSAEFAULT),
        _ => Err(WsaError::WSAEAFNOSUPPORT),
    }
}

/// A caller's optional string (null: `None`), copied (checked: bad memory is
/// `WSAEFAULT`).
fn opt_cstring(p: *const c_char) -> Result<Option<CString>, WsaError> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: a checked copy of the caller's string.
    let b = unsafe { super::user_mem::cstr(p) }?;
    Ok(CString::new(b).ok())
}

fn require_started() -> Result<(), WsaError> {
    provider::table().map(|_| ())
}

/// Report a resolver result: `getaddrinfo`/`getnameinfo` return the code and also set it.
fn code(r: Result<(), WsaError>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => {
            set_last_error(e.0);
            e.0
        }
    }
}

/// `getaddrinfo`.
#[no_mangle]
pub unsafe extern "system" fn wsp_getaddrinfo(
    pNodeName: *const c_char,
    pServiceName: *const c_char,
    pHints: *const AddrInfo,
    ppResult: *mut *mut AddrInfo,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<(), WsaError> {
        require_started()?;
        if ppResult.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: non-null caller pointer.
        unsafe { mem::write(ppResult, null_mut()) }?;
        let (node, service) = (opt_cstring(pNodeName)?, opt_cstring(pServiceName)?);
        if node.is_none() && service.is_none() {
            return Err(WsaError(11001));
        }
        // SAFETY: all-zero is a valid host addrinfo hints value.
        let mut hints: libc::addrinfo = unsafe { core::mem::zeroed() };
        if !pHints.is_null() {
            // SAFETY: a caller ADDRINFOA.
            let h = unsafe { mem::read(pHints) }?;
            if h.ai_addrlen != 0
                || !h.ai_canonname.is_null()
                || !h.ai_addr.is_null()
                || !h.ai_next.is_null()
            {
                return Err(WsaError::WSAEINVAL);
            }
            hints.ai_flags = ai_flags_to_host(h.ai_flags);
            hints.ai_family = family_to_host(h.ai_family)?;
            hints.ai_socktype = h.ai_socktype;
            hints.ai_protocol = h.ai_protocol;
        }
        let mut res: *mut libc::addrinfo = null_mut();
        // SAFETY: NUL-terminated strings or null, a live hints value, a live out pointer.
        let e = unsafe {
            libc::getaddrinfo(
                node.as_ref().map_or(null(), |c| c.as_ptr()),
                service.as_ref().map_or(null(), |c| c.as_ptr()),
                &hints,
                &mut res,
            )
        };
        if e != 0 {
            return Err(eai_to_wsa(e));
        }
        let mut head: *mut AddrInfo = null_mut();
        let mut tail: *mut *mut AddrInfo = &mut head;
        let mut p = res;
        while !p.is_null() {
            // SAFETY: a node of the list libc returned, freed below.
            let h = unsafe { &*p };
            // SAFETY: the node's address, of the size its family needs.
            if let Some((fam, bytes)) = unsafe { host_to_win(h.ai_addr) } {
                let mut n = Box::new(Node {
                    ai: AddrInfo {
                        ai_flags: 0,
                        ai_family: fam,
                        ai_socktype: h.ai_socktype,
                        ai_protocol: h.ai_protocol,
                        ai_addrlen: bytes.len(),
                        ai_canonname: null_mut(),
                        ai_addr: null_mut(),
                        ai_next: null_mut(),
                    },
                    addr: [0; 28],
                });
                n.addr[..bytes.len()].copy_from_slice(&bytes);
                n.ai.ai_addr = n.addr.as_mut_ptr();
                if head.is_null() && !h.ai_canonname.is_null() {
                    // SAFETY: libc's NUL-terminated canonical name.
                    let c = unsafe { CStr::from_ptr(h.ai_canonname) }.to_owned();
                    n.ai.ai_canonname = c.into_raw();
                }
                let raw = Box::into_raw(n).cast::<AddrInfo>();
                // SAFETY: `tail` points at `head` or at the previous node's `ai_next`.
                unsafe { *tail = raw };
                // SAFETY: `raw` is the node just leaked; its first field is the AddrInfo.
                tail = unsafe { &mut (*raw).ai_next };
            }
            p = h.ai_next;
        }
        // SAFETY: the list libc returned.
        unsafe { libc::freeaddrinfo(res) };
        if head.is_null() {
            return Err(WsaError(11001));
        }
        // SAFETY: non-null caller pointer.
        unsafe { mem::write(ppResult, head) }
    }));
    code(r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)))
}

/// `freeaddrinfo`: frees a list `wsp_getaddrinfo` returned.
#[no_mangle]
pub unsafe extern "system" fn wsp_freeaddrinfo(pAddrInfo: *mut AddrInfo) {
    let _ = catch_unwind(|| {
        let mut p = pAddrInfo;
        while !p.is_null() {
            // SAFETY: a node this module leaked in `wsp_getaddrinfo` (Node's first field).
            let n = unsafe { Box::from_raw(p.cast::<Node>()) };
            if !n.ai.ai_canonname.is_null() {
                // SAFETY: the CString leaked with this node.
                drop(unsafe { CString::from_raw(n.ai.ai_canonname) });
            }
            p = n.ai.ai_next;
        }
    });
}

/// `getnameinfo`.
#[no_mangle]
pub unsafe extern "system" fn wsp_getnameinfo(
    pSockaddr: *const u8,
    SockaddrLength: c_int,
    pNodeBuffer: *mut c_char,
    NodeBufferSize: u32,
    pServiceBuffer: *mut c_char,
    ServiceBufferSize: u32,
    Flags: c_int,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<(), WsaError> {
        require_started()?;
        let len = usize::try_from(SockaddrLength).map_err(|_| WsaError::WSAEFAULT)?;
        // SAFETY: the caller declared `SockaddrLength` bytes.
        let b = unsafe { super::user_mem::copy_in(pSockaddr, len) }?;
        let (ss, sl) = win_to_host(&b)?;
        if pNodeBuffer.is_null() && pServiceBuffer.is_null() {
            return Err(WsaError(11001));
        }
        // SAFETY: a live host address; the caller's buffers of the declared sizes.
        let e = unsafe {
            libc::getnameinfo(
                (&ss as *const libc::sockaddr_storage).cast(),
                sl,
                pNodeBuffer,
                if pNodeBuffer.is_null() {
                    0
                } else {
                    NodeBufferSize as libc::socklen_t
                },
                pServiceBuffer,
                if pServiceBuffer.is_null() {
                    0
                } else {
                    ServiceBufferSize as libc::socklen_t
                },
                ni_flags_to_host(Flags),
            )
        };
        if e != 0 {
            #[cfg(target_os = "linux")]
            if e == libc::EAI_OVERFLOW {
                return Err(WsaError::WSAEFAULT);
            }
            return Err(eai_to_wsa(e));
        }
        Ok(())
    }));
    code(r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)))
}

/// Winsock's `hostent`, x64 layout.
#[repr(C)]
pub struct HostEnt {
    h_name: *mut c_char,
    h_aliases: *mut *mut c_char,
    h_addrtype: i16,
    h_length: i16,
    h_addr_list: *mut *mut c_char,
}

/// Winsock's `servent`, x64 layout (`s_proto` before `s_port` on 64-bit Windows).
#[repr(C)]
pub struct ServEnt {
    s_name: *mut c_char,
    s_aliases: *mut *mut c_char,
    s_proto: *mut c_char,
    s_port: i16,
}

/// Per-thread storage behind the `hostent`/`servent` pointers handed out.
struct HostStore {
    name: CString,
    addrs: Vec<[u8; 4]>,
    addr_ptrs: Vec<*mut c_char>,
    aliases: Vec<*mut c_char>,
    ent: HostEnt,
}

struct ServStore {
    name: CString,
    proto: CString,
    aliases: Vec<*mut c_char>,
    ent: ServEnt,
}

thread_local! {
    static HOST: RefCell<Option<Box<HostStore>>> = const { RefCell::new(None) };
    static SERV: RefCell<Option<Box<ServStore>>> = const { RefCell::new(None) };
}

fn run_ptr<T>(f: impl FnOnce() -> Result<*mut T, WsaError>) -> *mut T {
    match catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(p) => p,
        Err(e) => {
            set_last_error(e.0);
            null_mut()
        }
    }
}

fn host_name() -> Result<String, WsaError> {
    let mut buf = [0u8; 256];
    // SAFETY: a live buffer of the declared length.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } != 0 {
        return Err(WsaError(11003));
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Ok(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// `gethostbyname` (IPv4 only, as on Windows): per-thread storage, valid until the
/// thread's next call.
#[no_mangle]
pub unsafe extern "system" fn wsp_gethostbyname(name: *const c_char) -> *mut HostEnt {
    run_ptr(|| {
        require_started()?;
        let name = match opt_cstring(name)? {
            Some(n) => n,
            None => CString::new(host_name()?).map_err(|_| WsaError(11001))?,
        };
        // SAFETY: all-zero is a valid host addrinfo hints value.
        let mut hints: libc::addrinfo = unsafe { core::mem::zeroed() };
        hints.ai_family = libc::AF_INET;
        hints.ai_socktype = libc::SOCK_STREAM;
        hints.ai_flags = libc::AI_CANONNAME;
        let mut res: *mut libc::addrinfo = null_mut();
        // SAFETY: a NUL-terminated name, live hints and out pointer.
        let e = unsafe { libc::getaddrinfo(name.as_ptr(), null(), &hints, &mut res) };
        if e != 0 {
            return Err(eai_to_wsa(e));
        }
        let mut canon = name.clone();
        let mut addrs = Vec::new();
        let mut p = res;
        while !p.is_null() {
            // SAFETY: a node of libc's list, freed below.
            let h = unsafe { &*p };
            if p == res && !h.ai_canonname.is_null() {
                // SAFETY: libc's NUL-terminated canonical name.
                canon = unsafe { CStr::from_ptr(h.ai_canonname) }.to_owned();
            }
            // SAFETY: the node's address of its family's size.
            if let Some((AF_INET, b)) = unsafe { host_to_win(h.ai_addr) } {
                let a = [b[4], b[5], b[6], b[7]];
                if !addrs.contains(&a) {
                    addrs.push(a);
                }
            }
            p = h.ai_next;
        }
        // SAFETY: the list libc returned.
        unsafe { libc::freeaddrinfo(res) };
        let mut st = Box::new(HostStore {
            name: canon,
            addrs,
            addr_ptrs: Vec::new(),
            aliases: vec![null_mut()],
            ent: HostEnt {
                h_name: null_mut(),
                h_aliases: null_mut(),
                h_addrtype: AF_INET as i16,
                h_length: 4,
                h_addr_list: null_mut(),
            },
        });
        let ptrs: Vec<*mut c_char> = st
            .addrs
            .iter_mut()
            .map(|a| a.as_mut_ptr().cast())
            .chain([null_mut()])
            .collect();
        st.addr_ptrs = ptrs;
        st.ent.h_name = st.name.as_ptr().cast_mut();
        st.ent.h_aliases = st.aliases.as_mut_ptr();
        st.ent.h_addr_list = st.addr_ptrs.as_mut_ptr();
        HOST.with(|h| {
            let mut h = h.borrow_mut();
            *h = Some(st);
            Ok(h.as_mut()
                .map_or(null_mut(), |s| &mut s.ent as *mut HostEnt))
        })
    })
}

/// `gethostname`: `WSAEFAULT` when `namelen` cannot hold the name and its NUL.
#[no_mangle]
pub unsafe extern "system" fn wsp_gethostname(name: *mut c_char, namelen: c_int) -> c_int {
    match catch_unwind(|| -> Result<(), WsaError> {
        require_started()?;
        let n = host_name()?;
        let cap = usize::try_from(namelen).map_err(|_| WsaError::WSAEFAULT)?;
        if name.is_null() || cap < n.len() + 1 {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller declared `namelen` >= len + 1 bytes: a checked copy.
        unsafe { super::user_mem::put_cstr(name, &n) }?;
        Ok(())
    })
    .unwrap_or(Err(WsaError::WSASYSCALLFAILURE))
    {
        Ok(()) => 0,
        Err(e) => {
            set_last_error(e.0);
            -1
        }
    }
}

static SERV_LOCK: Mutex<()> = Mutex::new(());

/// `getservbyname`: per-thread storage, valid until the thread's next call.
#[no_mangle]
pub unsafe extern "system" fn wsp_getservbyname(
    name: *const c_char,
    proto: *const c_char,
) -> *mut ServEnt {
    run_ptr(|| {
        require_started()?;
        let n = opt_cstring(name)?.ok_or(WsaError::WSAEFAULT)?;
        let p = opt_cstring(proto)?;
        let _g = SERV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: NUL-terminated strings; libc's static result is copied before the lock
        // is released (the lock serializes this library's callers).
        let (sname, sproto, port) = unsafe {
            let s = libc::getservbyname(n.as_ptr(), p.as_ref().map_or(null(), |c| c.as_ptr()));
            if s.is_null() {
                return Err(WsaError(11004));
            }
            (
                CStr::from_ptr((*s).s_name).to_owned(),
                CStr::from_ptr((*s).s_proto).to_owned(),
                (*s).s_port as u16 as i16,
            )
        };
        let mut st = Box::new(ServStore {
            name: sname,
            proto: sproto,
            aliases: vec![null_mut()],
            ent: ServEnt {
                s_name: null_mut(),
                s_aliases: null_mut(),
                s_proto: null_mut(),
                s_port: port,
            },
        });
        st.ent.s_name = st.name.as_ptr().cast_mut();
        st.ent.s_proto = st.proto.as_ptr().cast_mut();
        st.ent.s_aliases = st.aliases.as_mut_ptr();
        SERV.with(|s| {
            let mut s = s.borrow_mut();
            *s = Some(st);
            Ok(s.as_mut()
                .map_or(null_mut(), |s| &mut s.ent as *mut ServEnt))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn shapes_match_windows_x64() {
        assert_eq!(size_of::<AddrInfo>(), 48);
        assert_eq!(offset_of!(AddrInfo, ai_addrlen), 16);
        assert_eq!(offset_of!(AddrInfo, ai_canonname), 24);
        assert_eq!(offset_of!(AddrInfo, ai_addr), 32);
        assert_eq!(size_of::<HostEnt>(), 32);
        assert_eq!(offset_of!(HostEnt, h_addr_list), 24);
        assert_eq!(offset_of!(ServEnt, s_proto), 16);
        assert_eq!(offset_of!(ServEnt, s_port), 24);
    }

    #[test]
    fn flags_translate() {
        assert_eq!(
            ai_flags_to_host(0x1 | 0x8),
            libc::AI_PASSIVE | libc::AI_NUMERICSERV
        );
        assert_eq!(
            ni_flags_to_host(0x2 | 0x8),
            libc::NI_NUMERICHOST | libc::NI_NUMERICSERV
        );
    }
}
