//! Loading a provider library by path: `dlopen`/`dlsym` on Unix, `LoadLibraryW`/
//! `GetProcAddress` on Windows.
//!
//! A library is never unloaded: a provider may still run threads of its own (the portable
//! backend's reactor, proxy forwarders) after its last `WSPCleanup`, and unmapping their
//! code would crash them. ws2_32 likewise keeps providers loaded until process exit in
//! practice.

use crate::abi::{INT, LPWSPENUMCATALOG, LPWSPSTARTUP};
use std::path::Path;

/// A loaded library.
#[derive(Debug)]
pub struct Library {
    handle: usize,
}

/// Why a library could not be used.
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

#[cfg(unix)]
mod sys {
    use super::LoadError;
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    fn last_error() -> String {
        // SAFETY: dlerror returns null or a NUL-terminated string owned by libc, valid
        // until the next dl* call on this thread; we copy it at once.
        unsafe {
            let e = libc::dlerror();
            if e.is_null() {
                "unknown dlopen error".into()
            } else {
                CStr::from_ptr(e).to_string_lossy().into_owned()
            }
        }
    }

    pub fn open(path: &Path) -> Result<usize, LoadError> {
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| LoadError("path contains a NUL byte".into()))?;
        // SAFETY: a NUL-terminated path; loading runs the library's initialisers, which
        // is what the caller asked for.
        let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if h.is_null() {
            Err(LoadError(last_error()))
        } else {
            Ok(h as usize)
        }
    }

    pub fn symbol(handle: usize, name: &CStr) -> Option<usize> {
        // SAFETY: a handle from dlopen that is still open, and a NUL-terminated name.
        let p = unsafe { libc::dlsym(handle as *mut libc::c_void, name.as_ptr()) };
        (!p.is_null()).then_some(p as usize)
    }
}

#[cfg(windows)]
mod sys {
    use super::LoadError;
    use std::ffi::CStr;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    extern "system" {
        fn LoadLibraryW(name: *const u16) -> usize;
        fn GetProcAddress(module: usize, name: *const core::ffi::c_char) -> usize;
        fn GetLastError() -> u32;
    }

    pub fn open(path: &Path) -> Result<usize, LoadError> {
        let w: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
        // SAFETY: a NUL-terminated wide path.
        let h = unsafe { LoadLibraryW(w.as_ptr()) };
        if h == 0 {
            // SAFETY: no arguments.
            Err(LoadError(format!(
                "LoadLibraryW failed: error {}",
                unsafe { GetLastError() }
            )))
        } else {
            Ok(h)
        }
    }

    pub fn symbol(handle: usize, name: &CStr) -> Option<usize> {
        // SAFETY: a loaded module and a NUL-terminated name.
        let p = unsafe { GetProcAddress(handle, name.as_ptr()) };
        (p != 0).then_some(p)
    }
}

impl Library {
    /// Load the library at `path`.
    pub fn open(path: &Path) -> Result<Library, LoadError> {
        sys::open(path).map(|handle| Library { handle })
    }

    /// Its `WSPStartup`.
    pub fn wsp_startup(&self) -> Result<LPWSPSTARTUP, LoadError> {
        let p = sys::symbol(self.handle, c"WSPStartup")
            .ok_or_else(|| LoadError("no WSPStartup symbol".into()))?;
        // SAFETY: a provider library's WSPStartup has the ws2spi.h signature; the pointer
        // is non-null and stays valid while `self` keeps the library loaded.
        Ok(unsafe { core::mem::transmute::<usize, LPWSPSTARTUP>(p) })
    }

    /// Its `WSPEnumCatalog`, if it has one.
    pub fn wsp_enum_catalog(&self) -> Option<LPWSPENUMCATALOG> {
        let p = sys::symbol(self.handle, c"WSPEnumCatalog")?;
        // SAFETY: this crate's documented signature; valid while the library is loaded.
        Some(unsafe { core::mem::transmute::<usize, LPWSPENUMCATALOG>(p) })
    }

    /// Its `WSPExtensionLastError` (this crate's export: the last error of an extension
    /// function on the calling thread), if it has one.
    pub fn extension_last_error(&self) -> Option<unsafe extern "system" fn() -> INT> {
        let p = sys::symbol(self.handle, c"WSPExtensionLastError")?;
        // SAFETY: this crate's documented signature; valid while the library is loaded.
        Some(unsafe { core::mem::transmute::<usize, unsafe extern "system" fn() -> INT>(p) })
    }
}

/// Convenience: load `path`.
pub fn open(path: &Path) -> Result<Library, LoadError> {
    Library::open(path)
}
