//! ws2_32's catalog functions (`WSCEnumProtocols`, `WSCGetProviderPath`,
//! `WSCInstallProvider`, `WSCDeinstallProvider`, `WSCWriteProviderOrder`), for the Windows
//! build's next-provider lookup ([`crate::next`]) and the install tool (`wsp-install`).
//! Elsewhere every function is `WSAEOPNOTSUPP`, so the callers type-check on every host.

use crate::abi::{GUID, WSAPROTOCOL_INFOW};
use std::path::PathBuf;
use wsp::WsaError;

#[cfg(windows)]
mod sys {
    use crate::abi::{GUID, WSAPROTOCOL_INFOW};

    #[link(name = "ws2_32")]
    extern "system" {
        pub fn WSCEnumProtocols(
            protocols: *const i32,
            buffer: *mut WSAPROTOCOL_INFOW,
            length: *mut u32,
            errno: *mut i32,
        ) -> i32;
        pub fn WSCGetProviderPath(
            id: *mut GUID,
            path: *mut u16,
            length: *mut i32,
            errno: *mut i32,
        ) -> i32;
        pub fn WSCInstallProvider(
            id: *mut GUID,
            path: *const u16,
            list: *const WSAPROTOCOL_INFOW,
            count: u32,
            errno: *mut i32,
        ) -> i32;
        pub fn WSCDeinstallProvider(id: *mut GUID, errno: *mut i32) -> i32;
        pub fn WSCWriteProviderOrder(ids: *mut u32, count: u32) -> i32;
    }

    #[link(name = "kernel32")]
    extern "system" {
        pub fn ExpandEnvironmentStringsW(src: *const u16, dst: *mut u16, size: u32) -> u32;
    }
}

/// `SOCKET_ERROR`.
#[cfg(windows)]
const SOCKET_ERROR: i32 = -1;

#[cfg(windows)]
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

/// Every entry of the protocol catalog (`WSCEnumProtocols` with no filter).
#[cfg(windows)]
pub fn enum_protocols() -> Result<Vec<WSAPROTOCOL_INFOW>, WsaError> {
    let size = std::mem::size_of::<WSAPROTOCOL_INFOW>() as u32;
    let mut len = 0u32;
    let mut errno = 0;
    // SAFETY: a null buffer with length 0 asks for the size (WSAENOBUFS + length).
    let n = unsafe {
        sys::WSCEnumProtocols(std::ptr::null(), std::ptr::null_mut(), &mut len, &mut errno)
    };
    if n != SOCKET_ERROR {
        return Ok(Vec::new());
    }
    if errno != WsaError::WSAENOBUFS.code() {
        return Err(WsaError(errno));
    }
    let count = (len / size + 1) as usize;
    let mut v = vec![WSAPROTOCOL_INFOW::default(); count];
    let mut len = size * count as u32;
    // SAFETY: `v` holds `len` bytes of WSAPROTOCOL_INFOW; ws2_32 writes at most that.
    let n =
        unsafe { sys::WSCEnumProtocols(std::ptr::null(), v.as_mut_ptr(), &mut len, &mut errno) };
    if n == SOCKET_ERROR {
        return Err(WsaError(errno));
    }
    v.truncate(n.max(0) as usize);
    Ok(v)
}

/// The DLL path registered for provider `id`, with environment strings expanded
/// (`WSCGetProviderPath` returns e.g. `%SystemRoot%\system32\mswsock.dll`).
#[cfg(windows)]
pub fn provider_path(id: &GUID) -> Result<PathBuf, WsaError> {
    use std::os::windows::ffi::OsStringExt;
    let mut id = *id;
    let mut raw = vec![0u16; 260];
    let mut len = raw.len() as i32;
    let mut errno = 0;
    // SAFETY: a GUID we own, a buffer of `len` WCHARs, live out-parameters.
    let r = unsafe { sys::WSCGetProviderPath(&mut id, raw.as_mut_ptr(), &mut len, &mut errno) };
    if r == SOCKET_ERROR {
        return Err(WsaError(errno));
    }
    let mut out = vec![0u16; 1024];
    // SAFETY: `raw` is NUL-terminated (ws2_32 wrote a string into it); `out` holds 1024.
    let n = unsafe { sys::ExpandEnvironmentStringsW(raw.as_ptr(), out.as_mut_ptr(), 1024) };
    if n == 0 || n as usize > out.len() {
        return Err(WsaError::WSAEINVAL);
    }
    out.truncate(n as usize - 1);
    Ok(PathBuf::from(std::ffi::OsString::from_wide(&out)))
}

/// `WSCInstallProvider(id, path, entries)`: the 64-bit catalog only (the DLL is 64-bit;
/// a 32-bit catalog entry pointing at it would break every 32-bit Winsock program).
#[cfg(windows)]
pub fn install_provider(
    id: &GUID,
    path: &str,
    entries: &[WSAPROTOCOL_INFOW],
) -> Result<(), WsaError> {
    let mut id = *id;
    let path = wide(path);
    let mut errno = 0;
    // SAFETY: a GUID we own, a NUL-terminated path, `entries.len()` live entries.
    let r = unsafe {
        sys::WSCInstallProvider(
            &mut id,
            path.as_ptr(),
            entries.as_ptr(),
            entries.len() as u32,
            &mut errno,
        )
    };
    if r == SOCKET_ERROR {
        Err(WsaError(errno))
    } else {
        Ok(())
    }
}

/// `WSCDeinstallProvider(id)`.
#[cfg(windows)]
pub fn deinstall_provider(id: &GUID) -> Result<(), WsaError> {
    let mut id = *id;
    let mut errno = 0;
    // SAFETY: a GUID we own and a live out-parameter.
    if unsafe { sys::WSCDeinstallProvider(&mut id, &mut errno) } == SOCKET_ERROR {
        Err(WsaError(errno))
    } else {
        Ok(())
    }
}

/// `WSCWriteProviderOrder(ids)`: the catalog's new order (every entry id, once). Returns
/// the Winsock error it reports.
#[cfg(windows)]
pub fn write_provider_order(ids: &[u32]) -> Result<(), WsaError> {
    let mut ids = ids.to_vec();
    // SAFETY: `ids.len()` live ids.
    match unsafe { sys::WSCWriteProviderOrder(ids.as_mut_ptr(), ids.len() as u32) } {
        0 => Ok(()),
        e => Err(WsaError(e)),
    }
}

/// Not on this host: `WSAEOPNOTSUPP`.
#[cfg(not(windows))]
pub fn enum_protocols() -> Result<Vec<WSAPROTOCOL_INFOW>, WsaError> {
    Err(WsaError::WSAEOPNOTSUPP)
}

/// Not on this host: `WSAEOPNOTSUPP`.
#[cfg(not(windows))]
pub fn provider_path(_id: &GUID) -> Result<PathBuf, WsaError> {
    Err(WsaError::WSAEOPNOTSUPP)
}

/// Not on this host: `WSAEOPNOTSUPP`.
#[cfg(not(windows))]
pub fn install_provider(
    _id: &GUID,
    _path: &str,
    _entries: &[WSAPROTOCOL_INFOW],
) -> Result<(), WsaError> {
    Err(WsaError::WSAEOPNOTSUPP)
}

/// Not on this host: `WSAEOPNOTSUPP`.
#[cfg(not(windows))]
pub fn deinstall_provider(_id: &GUID) -> Result<(), WsaError> {
    Err(WsaError::WSAEOPNOTSUPP)
}

/// Not on this host: `WSAEOPNOTSUPP`.
#[cfg(not(windows))]
pub fn write_provider_order(_ids: &[u32]) -> Result<(), WsaError> {
    Err(WsaError::WSAEOPNOTSUPP)
}
