//! The 16-bit `WCHAR` variants of the address and name functions: `InetPtonW`,
//! `InetNtopW`, `GetAddrInfoW`, `FreeAddrInfoW`, `GetNameInfoW`.
//!
//! Each converts its strings (UTF-16, no byte-order mark) and calls the 8-bit function
//! (`inet_pton`, `getaddrinfo`, ...), so results and error codes are the same: Windows
//! documents the W and A forms with one set of rules. Lengths of `WCHAR` buffers are in
//! characters, as on Windows. Host names are passed to the resolver as UTF-8 (Windows
//! applies IDN encoding to non-ASCII names; this shim does not).

#![allow(unsafe_code)]
#![allow(non_snake_case)]
#![allow(clippy::missing_safety_doc)]

use super::error::{last_error, set_last_error};
use super::exports::{wsp_inet_ntop, wsp_inet_pton};
use super::netdb::{wsp_freeaddrinfo, wsp_getaddrinfo, wsp_getnameinfo, AddrInfo};
use core::ffi::{c_char, c_int, c_void};
use core::ptr::{null, null_mut};
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wsp::WsaError;
use wsp_provider::ffi::mem;

/// At most this many characters are read from a caller's wide string (longer: the
/// string is cut there, and a name that long fails to resolve).
const MAX_WIDE: usize = 4096;

/// A caller's NUL-terminated UTF-16 string as UTF-8 (`None` for null).
///
/// # Safety
/// `p` null or a NUL-terminated `WCHAR` string.
unsafe fn wide_in(p: *const u16) -> Result<Option<CString>, WsaError> {
    if p.is_null() {
        return Ok(None);
    }
    let mut units = Vec::new();
    for i in 0..MAX_WIDE {
        // SAFETY: characters up to the terminator belong to the caller's string.
        let c = unsafe { mem::read(p.wrapping_add(i)) }?;
        if c == 0 {
            break;
        }
        units.push(c);
    }
    let s = String::from_utf16(&units).map_err(|_| WsaError::WSAEINVAL)?;
    CString::new(s).map(Some).map_err(|_| WsaError::WSAEINVAL)
}

/// Write `s` and a terminator to a caller's `WCHAR` buffer of `cap` characters:
/// `false` (nothing written) if it does not fit.
///
/// # Safety
/// `p` valid for `cap` WCHARs.
unsafe fn wide_out(s: &str, p: *mut u16, cap: usize) -> Result<bool, WsaError> {
    let w: Vec<u16> = s.encode_utf16().chain([0]).collect();
    if p.is_null() || w.len() > cap {
        return Ok(false);
    }
    for (i, c) in w.iter().enumerate() {
        // SAFETY: `i < w.len() <= cap`.
        unsafe { mem::write(p.wrapping_add(i), *c) }?;
    }
    Ok(true)
}

/// `InetPtonW`: as `inet_pton` (1; 0 for text that is not an address of the family;
/// -1 with `WSAEAFNOSUPPORT` or `WSAEFAULT`).
/// <https://learn.microsoft.com/en-us/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_pton>
#[no_mangle]
pub unsafe extern "system" fn wsp_InetPtonW(
    Family: c_int,
    pszAddrString: *const u16,
    pAddrBuf: *mut c_void,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<c_int, WsaError> {
        if pszAddrString.is_null() || pAddrBuf.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller's string.
        let s = match unsafe { wide_in(pszAddrString) } {
            Ok(Some(s)) => s,
            Ok(None) => return Err(WsaError::WSAEFAULT),
            // Not UTF-16 text: not an address either.
            Err(_) => return Ok(0),
        };
        // SAFETY: a live C string and the caller's buffer.
        let r = unsafe { wsp_inet_pton(Family, s.as_ptr(), pAddrBuf) };
        if r < 0 {
            return Err(WsaError(last_error()));
        }
        Ok(r)
    }));
    match r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(v) => v,
        Err(e) => {
            set_last_error(e.0);
            -1
        }
    }
}

/// `InetNtopW`: as `inet_ntop`; `StringBufSize` counts characters. Null with
/// `WSAEAFNOSUPPORT`, or `ERROR_INVALID_PARAMETER` (87) for a null address or a null or
/// short buffer.
/// <https://learn.microsoft.com/en-us/windows/win32/api/ws2tcpip/nf-ws2tcpip-inet_ntop>
#[no_mangle]
pub unsafe extern "system" fn wsp_InetNtopW(
    Family: c_int,
    pAddr: *const c_void,
    pStringBuf: *mut u16,
    StringBufSize: usize,
) -> *const u16 {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<*const u16, WsaError> {
        let mut narrow = [0 as c_char; 66];
        // SAFETY: the caller's address and a live local buffer of its length.
        let p = unsafe { wsp_inet_ntop(Family, pAddr, narrow.as_mut_ptr(), narrow.len()) };
        if p.is_null() {
            return Err(WsaError(last_error()));
        }
        let end = narrow.iter().position(|&c| c == 0).unwrap_or(narrow.len());
        let text: String = narrow[..end].iter().map(|&c| c as u8 as char).collect();
        // SAFETY: the caller declared `StringBufSize` characters.
        if !unsafe { wide_out(&text, pStringBuf, StringBufSize) }? {
            return Err(WsaError::WSA_INVALID_PARAMETER);
        }
        Ok(pStringBuf.cast_const())
    }));
    match r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(v) => v,
        Err(e) => {
            set_last_error(e.0);
            null()
        }
    }
}

/// `ADDRINFOW`: `ADDRINFOA` with a `WCHAR` canonical name (same x64 layout).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AddrInfoW {
    ai_flags: c_int,
    ai_family: c_int,
    ai_socktype: c_int,
    ai_protocol: c_int,
    ai_addrlen: usize,
    ai_canonname: *mut u16,
    ai_addr: *mut u8,
    ai_next: *mut AddrInfoW,
}

/// One allocation per `GetAddrInfoW` result: the node, its address, its name.
#[repr(C)]
struct NodeW {
    ai: AddrInfoW,
    addr: [u8; 28],
    name: Vec<u16>,
}

/// Report a resolver result the way `GetAddrInfoW`/`GetNameInfoW` do: return the code
/// and also set it.
fn code(r: Result<(), WsaError>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => {
            set_last_error(e.0);
            e.0
        }
    }
}

/// `GetAddrInfoW`: `getaddrinfo` with UTF-16 names; the result is an `ADDRINFOW` list
/// that `FreeAddrInfoW` releases.
/// <https://learn.microsoft.com/en-us/windows/win32/api/ws2tcpip/nf-ws2tcpip-getaddrinfow>
#[no_mangle]
pub unsafe extern "system" fn wsp_GetAddrInfoW(
    pNodeName: *const u16,
    pServiceName: *const u16,
    pHints: *const AddrInfoW,
    ppResult: *mut *mut AddrInfoW,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<(), WsaError> {
        if ppResult.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: non-null caller pointer.
        unsafe { mem::write(ppResult, null_mut()) }?;
        // SAFETY: the caller's strings.
        let (node, service) = unsafe { (wide_in(pNodeName)?, wide_in(pServiceName)?) };
        let hints = if pHints.is_null() {
            None
        } else {
            // SAFETY: a caller ADDRINFOW.
            let h = unsafe { mem::read(pHints) }?;
            Some(AddrInfo {
                ai_flags: h.ai_flags,
                ai_family: h.ai_family,
                ai_socktype: h.ai_socktype,
                ai_protocol: h.ai_protocol,
                ai_addrlen: h.ai_addrlen,
                ai_canonname: h.ai_canonname.cast(),
                ai_addr: h.ai_addr,
                ai_next: h.ai_next.cast(),
            })
        };
        let mut res: *mut AddrInfo = null_mut();
        // SAFETY: live C strings or null, a live hints value or null, a live out pointer.
        let e = unsafe {
            wsp_getaddrinfo(
                node.as_ref().map_or(null(), |c| c.as_ptr()),
                service.as_ref().map_or(null(), |c| c.as_ptr()),
                hints.as_ref().map_or(null(), |h| h as *const AddrInfo),
                &mut res,
            )
        };
        if e != 0 {
            return Err(WsaError(e));
        }
        let mut head: *mut AddrInfoW = null_mut();
        let mut tail: *mut *mut AddrInfoW = &mut head;
        let mut p = res;
        while !p.is_null() {
            // SAFETY: a node of the list wsp_getaddrinfo returned, freed below.
            let a = unsafe { &*p };
            let mut n = Box::new(NodeW {
                ai: AddrInfoW {
                    ai_flags: a.ai_flags,
                    ai_family: a.ai_family,
                    ai_socktype: a.ai_socktype,
                    ai_protocol: a.ai_protocol,
                    ai_addrlen: a.ai_addrlen,
                    ai_canonname: null_mut(),
                    ai_addr: null_mut(),
                    ai_next: null_mut(),
                },
                addr: [0; 28],
                name: Vec::new(),
            });
            let len = a.ai_addrlen.min(28);
            // SAFETY: the node's address of `ai_addrlen` bytes (at most 28).
            n.addr[..len].copy_from_slice(unsafe { core::slice::from_raw_parts(a.ai_addr, len) });
            n.ai.ai_addr = n.addr.as_mut_ptr();
            if !a.ai_canonname.is_null() {
                // SAFETY: the NUL-terminated canonical name of the node.
                let c = unsafe { core::ffi::CStr::from_ptr(a.ai_canonname) };
                n.name = c.to_string_lossy().encode_utf16().chain([0]).collect();
                n.ai.ai_canonname = n.name.as_mut_ptr();
            }
            let raw = Box::into_raw(n).cast::<AddrInfoW>();
            // SAFETY: `tail` points at `head` or at the previous node's `ai_next`.
            unsafe { *tail = raw };
            // SAFETY: `raw` is the node just leaked; its first field is the AddrInfoW.
            tail = unsafe { &mut (*raw).ai_next };
            p = a.ai_next;
        }
        // SAFETY: the list wsp_getaddrinfo returned.
        unsafe { wsp_freeaddrinfo(res) };
        // SAFETY: non-null caller pointer.
        unsafe { mem::write(ppResult, head) }
    }));
    code(r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)))
}

/// `FreeAddrInfoW`: frees a list `GetAddrInfoW` returned (null: nothing).
#[no_mangle]
pub unsafe extern "system" fn wsp_FreeAddrInfoW(pAddrInfo: *mut AddrInfoW) {
    let _ = catch_unwind(|| {
        let mut p = pAddrInfo;
        while !p.is_null() {
            // SAFETY: a node `wsp_GetAddrInfoW` leaked (NodeW's first field).
            let n = unsafe { Box::from_raw(p.cast::<NodeW>()) };
            p = n.ai.ai_next;
        }
    });
}

/// `GetNameInfoW`: `getnameinfo` writing UTF-16 names; buffer sizes count characters. A
/// buffer too small for the answer: `WSAEFAULT`.
/// <https://learn.microsoft.com/en-us/windows/win32/api/ws2tcpip/nf-ws2tcpip-getnameinfow>
#[no_mangle]
pub unsafe extern "system" fn wsp_GetNameInfoW(
    pSockaddr: *const u8,
    SockaddrLength: c_int,
    pNodeBuffer: *mut u16,
    NodeBufferSize: u32,
    pServiceBuffer: *mut u16,
    ServiceBufferSize: u32,
    Flags: c_int,
) -> c_int {
    let r = catch_unwind(AssertUnwindSafe(|| -> Result<(), WsaError> {
        let mut host = [0 as c_char; 1025];
        let mut serv = [0 as c_char; 32];
        let (hp, hl) = if pNodeBuffer.is_null() {
            (null_mut(), 0)
        } else {
            (host.as_mut_ptr(), host.len() as u32)
        };
        let (sp, sl) = if pServiceBuffer.is_null() {
            (null_mut(), 0)
        } else {
            (serv.as_mut_ptr(), serv.len() as u32)
        };
        // SAFETY: the caller's address; live local buffers of the declared lengths.
        let e = unsafe { wsp_getnameinfo(pSockaddr, SockaddrLength, hp, hl, sp, sl, Flags) };
        if e != 0 {
            return Err(WsaError(e));
        }
        let text = |b: &[c_char]| -> String {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            let bytes: Vec<u8> = b[..end].iter().map(|&c| c as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        // SAFETY: the caller declared these character counts.
        unsafe {
            if !pNodeBuffer.is_null()
                && !wide_out(&text(&host), pNodeBuffer, NodeBufferSize as usize)?
            {
                return Err(WsaError::WSAEFAULT);
            }
            if !pServiceBuffer.is_null()
                && !wide_out(&text(&serv), pServiceBuffer, ServiceBufferSize as usize)?
            {
                return Err(WsaError::WSAEFAULT);
            }
        }
        Ok(())
    }));
    code(r.unwrap_or(Err(WsaError::WSASYSCALLFAILURE)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn addrinfow_has_addrinfoa_layout() {
        assert_eq!(size_of::<AddrInfoW>(), 48);
        assert_eq!(offset_of!(AddrInfoW, ai_canonname), 24);
        assert_eq!(offset_of!(AddrInfoW, ai_addr), 32);
        assert_eq!(offset_of!(AddrInfoW, ai_next), 40);
    }
}
