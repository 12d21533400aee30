//! Modules: `LoadLibraryA/W`, `LoadLibraryExA/W`, `GetProcAddress`, `FreeLibrary`,
//! `GetModuleHandleA/W`, `GetModuleFileNameA`.
//!
//! # The shim's own DLLs
//!
//! A program that looks up Winsock at run time (`LoadLibrary("ws2_32.dll")` then
//! `GetProcAddress(h, "WSASend")`) gets the shim's exports: the module names `ws2_32`,
//! `mswsock`, `wsock32`, `kernel32`, `kernelbase` and `user32` (any case, with or without
//! `.dll`, with or without a directory) name the shim itself, under a fixed `HMODULE` per
//! name, and `GetProcAddress` on one resolves `name` to the shim's export `wsp_<name>`
//! (`GetProcAddress(ws2, "WSAStartup") == (FARPROC)&WSAStartup`, since the header maps
//! `WSAStartup` onto `wsp_WSAStartup`). The lookup does not check which DLL a function
//! lives in on Windows (`GetProcAddress(ws2, "Sleep")` succeeds). Functions the headers
//! define inline (strsafe, `Interlocked*`, ...) have no export and are not found.
//!
//! The exports are found with `dlsym` in the shared library holding this code; when the
//! shim is linked statically into a program, the program must export its dynamic symbols
//! (`-rdynamic`) for this to work.
//!
//! # Other libraries
//!
//! Any other name is handed to the host's `dlopen` as it is (`libm.so.6`, a path, ...):
//! the `HMODULE` is the `dlopen` handle, `GetProcAddress` is `dlsym`, `FreeLibrary` is
//! `dlclose`. Handles the shim did not give out are refused with `ERROR_MOD_NOT_FOUND`
//! rather than passed to the host. Ordinals (`MAKEINTRESOURCE`) are not supported:
//! `ERROR_PROC_NOT_FOUND`.

use super::text::{utf16_to_string, wide_len};
use super::{fail, guard};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{LazyLock, Mutex, MutexGuard};

/// `ERROR_MOD_NOT_FOUND`.
pub const ERROR_MOD_NOT_FOUND: u32 = 126;
/// `ERROR_PROC_NOT_FOUND`.
pub const ERROR_PROC_NOT_FOUND: u32 = 127;
/// `ERROR_INSUFFICIENT_BUFFER`.
const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
/// `ERROR_INVALID_PARAMETER`.
const ERROR_INVALID_PARAMETER: u32 = 87;

/// The module names that mean the shim itself.
const OWN: [&str; 6] = [
    "ws2_32",
    "mswsock",
    "wsock32",
    "kernel32",
    "kernelbase",
    "user32",
];

/// One distinct address per own module: the `HMODULE` values (never a `dlopen` handle).
static OWN_HANDLES: [u8; OWN.len()] = [0; OWN.len()];

fn own_handle(i: usize) -> usize {
    &OWN_HANDLES[i] as *const u8 as usize
}

/// Which own module an `HMODULE` is.
fn own_index(h: usize) -> Option<usize> {
    (0..OWN.len()).find(|&i| own_handle(i) == h)
}

/// Host libraries given out, by `dlopen` handle: their reference counts.
static HOST: LazyLock<Mutex<HashMap<usize, usize>>> = LazyLock::new(Default::default);

fn host() -> MutexGuard<'static, HashMap<usize, usize>> {
    HOST.lock().unwrap_or_else(|p| p.into_inner())
}

/// The own module `name` means: the base name without directory or `.dll`, any case.
fn own_module(name: &str) -> Option<usize> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.to_ascii_lowercase();
    let base = base.strip_suffix(".dll").unwrap_or(&base);
    let base = base.strip_suffix('.').unwrap_or(base);
    OWN.iter().position(|&m| m == base)
}

/// The `dlopen` handle of the shared object holding this code (or of the program, when
/// the shim is linked into it statically).
fn self_handle() -> usize {
    static SELF: LazyLock<usize> = LazyLock::new(|| {
        // SAFETY: dladdr only reads the address; `info` is a valid out-structure.
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        let anchor = wsp_GetProcAddress as *const c_void;
        // SAFETY: as above.
        if unsafe { libc::dladdr(anchor, &mut info) } != 0 && !info.dli_fname.is_null() {
            // SAFETY: dli_fname is the loader's NUL-terminated path of a loaded object;
            // RTLD_NOLOAD only looks it up (and counts one more reference, kept for the
            // life of the process).
            let h = unsafe { libc::dlopen(info.dli_fname, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
            if !h.is_null() {
                return h as usize;
            }
        }
        libc::RTLD_DEFAULT as usize
    });
    *SELF
}

/// The shim's export for `name` (`wsp_<name>`), if there is one.
fn own_symbol(name: &str) -> *mut c_void {
    let Ok(sym) = CString::new(format!("wsp_{name}")) else {
        return std::ptr::null_mut();
    };
    // SAFETY: a handle from dlopen (or RTLD_DEFAULT) and a NUL-terminated name.
    let p = unsafe { libc::dlsym(self_handle() as *mut c_void, sym.as_ptr()) };
    if p.is_null() {
        // SAFETY: as above, in the global scope.
        return unsafe { libc::dlsym(libc::RTLD_DEFAULT, sym.as_ptr()) };
    }
    p
}

/// `LoadLibrary` for a name already decoded.
fn load(name: &str) -> *mut c_void {
    if let Some(i) = own_module(name) {
        return own_handle(i) as *mut c_void;
    }
    let Ok(c) = CString::new(name) else {
        return fail(ERROR_MOD_NOT_FOUND, std::ptr::null_mut());
    };
    // SAFETY: a NUL-terminated name; the host loader validates it.
    let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if h.is_null() {
        return fail(ERROR_MOD_NOT_FOUND, std::ptr::null_mut());
    }
    *host().entry(h as usize).or_insert(0) += 1;
    h
}

/// The string at `p`, or `None` for null or text that is not UTF-8.
///
/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn narrow(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's contract.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .ok()
        .map(str::to_owned)
}

/// The wide string at `p`, or `None` for null.
///
/// # Safety
/// `p` is null or a NUL-terminated UTF-16 string.
unsafe fn wide(p: *const u16) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's contract.
    let s = unsafe { std::slice::from_raw_parts(p, wide_len(p)) };
    Some(utf16_to_string(s))
}

/// `LoadLibraryA`: see the module documentation. `NULL` with `ERROR_MOD_NOT_FOUND` when the
/// host cannot load the library, `ERROR_INVALID_PARAMETER` for a null name.
///
/// # Safety
/// `lpLibFileName` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn wsp_LoadLibraryA(lpLibFileName: *const c_char) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        match unsafe { narrow(lpLibFileName) } {
            Some(name) => load(&name),
            None => fail(ERROR_INVALID_PARAMETER, std::ptr::null_mut()),
        }
    })
}

/// `LoadLibraryW`: as [`wsp_LoadLibraryA`], for a UTF-16 name.
///
/// # Safety
/// `lpLibFileName` is null or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn wsp_LoadLibraryW(lpLibFileName: *const u16) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        match unsafe { wide(lpLibFileName) } {
            Some(name) => load(&name),
            None => fail(ERROR_INVALID_PARAMETER, std::ptr::null_mut()),
        }
    })
}

/// `LoadLibraryExA`: [`wsp_LoadLibraryA`]; the flags are ignored.
///
/// # Safety
/// As [`wsp_LoadLibraryA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LoadLibraryExA(
    lpLibFileName: *const c_char,
    _hFile: *mut c_void,
    _dwFlags: u32,
) -> *mut c_void {
    // SAFETY: the caller's contract, passed on.
    unsafe { wsp_LoadLibraryA(lpLibFileName) }
}

/// `LoadLibraryExW`: [`wsp_LoadLibraryW`]; the flags are ignored.
///
/// # Safety
/// As [`wsp_LoadLibraryW`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LoadLibraryExW(
    lpLibFileName: *const u16,
    _hFile: *mut c_void,
    _dwFlags: u32,
) -> *mut c_void {
    // SAFETY: the caller's contract, passed on.
    unsafe { wsp_LoadLibraryW(lpLibFileName) }
}

/// `FreeLibrary`: `TRUE` for the shim's own modules (they stay loaded) and for a host
/// library (one reference dropped, `dlclose`); `FALSE` with `ERROR_MOD_NOT_FOUND` for a
/// handle the shim did not give out.
#[no_mangle]
pub extern "system" fn wsp_FreeLibrary(hLibModule: *mut c_void) -> i32 {
    guard(0, || {
        let h = hLibModule as usize;
        if own_index(h).is_some() || h == main_program() {
            return 1;
        }
        let mut libs = host();
        let Some(count) = libs.get_mut(&h) else {
            return fail(ERROR_MOD_NOT_FOUND, 0);
        };
        *count -= 1;
        if *count == 0 {
            libs.remove(&h);
        }
        drop(libs);
        // SAFETY: a handle dlopen gave us, one of whose references we drop.
        unsafe { libc::dlclose(h as *mut c_void) };
        1
    })
}

/// `GetProcAddress`: the function `lpProcName` in a module. For the shim's own modules,
/// the export `wsp_<lpProcName>`; for a host library, `dlsym`. `NULL` with
/// `ERROR_PROC_NOT_FOUND` for an unknown name or an ordinal, `ERROR_MOD_NOT_FOUND` for a
/// handle the shim did not give out.
///
/// # Safety
/// `lpProcName` is null, an ordinal (below 0x10000), or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetProcAddress(
    hModule: *mut c_void,
    lpProcName: *const c_char,
) -> *mut c_void {
    let null = std::ptr::null_mut();
    guard(null, || {
        let h = hModule as usize;
        let own = own_index(h).is_some();
        let program = h == main_program();
        if !own && !program && !host().contains_key(&h) {
            return fail(ERROR_MOD_NOT_FOUND, null);
        }
        if (lpProcName as usize) < 0x1_0000 {
            return fail(ERROR_PROC_NOT_FOUND, null);
        }
        let p = if own {
            // SAFETY: the caller's contract.
            match unsafe { narrow(lpProcName) } {
                Some(name) => own_symbol(&name),
                None => null,
            }
        } else {
            // SAFETY: a handle dlopen gave us and the caller's NUL-terminated name.
            unsafe { libc::dlsym(hModule, lpProcName) }
        };
        if p.is_null() {
            return fail(ERROR_PROC_NOT_FOUND, null);
        }
        p
    })
}

/// The program's own module (`GetModuleHandle(NULL)`): `dlopen(NULL)`.
fn main_program() -> usize {
    static MAIN: LazyLock<usize> = LazyLock::new(|| {
        // SAFETY: dlopen(NULL) returns the main program's handle.
        unsafe { libc::dlopen(std::ptr::null(), libc::RTLD_LAZY) as usize }
    });
    *MAIN
}

/// `GetModuleHandle` for a decoded name (`None`: the program).
fn module_handle(name: Option<String>) -> *mut c_void {
    let Some(name) = name else {
        return main_program() as *mut c_void;
    };
    if let Some(i) = own_module(&name) {
        return own_handle(i) as *mut c_void;
    }
    let Ok(c) = CString::new(name) else {
        return fail(ERROR_MOD_NOT_FOUND, std::ptr::null_mut());
    };
    // SAFETY: a NUL-terminated name; RTLD_NOLOAD loads nothing.
    let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
    if h.is_null() {
        return fail(ERROR_MOD_NOT_FOUND, std::ptr::null_mut());
    }
    // GetModuleHandle takes no reference: keep the one dlopen counted in the table, so
    // GetProcAddress accepts the handle; a later FreeLibrary would drop it.
    *host().entry(h as usize).or_insert(0) += 1;
    h
}

/// `GetModuleHandleA`: the program for `NULL`, the shim for its own module names, else a
/// host library already loaded; `NULL` with `ERROR_MOD_NOT_FOUND` otherwise.
///
/// # Safety
/// `lpModuleName` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetModuleHandleA(lpModuleName: *const c_char) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        module_handle(unsafe { narrow(lpModuleName) })
    })
}

/// `GetModuleHandleW`: as [`wsp_GetModuleHandleA`].
///
/// # Safety
/// `lpModuleName` is null or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetModuleHandleW(lpModuleName: *const u16) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        module_handle(unsafe { wide(lpModuleName) })
    })
}

/// `GetModuleFileNameA`: the program's path (for `NULL` or the program's handle; the
/// shim's own modules give the shim library's path). Returns the length copied without the
/// NUL; when the buffer is too small, the path truncated to `nSize - 1` characters, `nSize`,
/// and `ERROR_INSUFFICIENT_BUFFER`, as on Windows Vista and later.
///
/// # Safety
/// `lpFilename` is valid for `nSize` bytes.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetModuleFileNameA(
    hModule: *mut c_void,
    lpFilename: *mut c_char,
    nSize: u32,
) -> u32 {
    guard(0, || {
        let h = hModule as usize;
        let path = if h == 0 || h == main_program() {
            std::env::current_exe()
                .ok()
                .map(|p| p.to_string_lossy().into_owned())
        } else if own_index(h).is_some() {
            // SAFETY: dladdr reads only the address.
            let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
            // SAFETY: as above.
            let ok = unsafe { libc::dladdr(wsp_GetProcAddress as *const c_void, &mut info) };
            (ok != 0 && !info.dli_fname.is_null()).then(|| {
                // SAFETY: dli_fname is the loader's NUL-terminated path.
                unsafe { CStr::from_ptr(info.dli_fname) }
                    .to_string_lossy()
                    .into_owned()
            })
        } else {
            None
        };
        let Some(path) = path else {
            return fail(ERROR_MOD_NOT_FOUND, 0);
        };
        if lpFilename.is_null() || nSize == 0 {
            return fail(ERROR_INSUFFICIENT_BUFFER, 0);
        }
        let bytes = path.as_bytes();
        let cap = nSize as usize - 1;
        let n = bytes.len().min(cap);
        // SAFETY: the caller promises nSize writable bytes; n + 1 <= nSize.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), lpFilename.cast::<u8>(), n);
            lpFilename.add(n).write(0);
        }
        if bytes.len() > cap {
            return fail(ERROR_INSUFFICIENT_BUFFER, nSize);
        }
        n as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_module_names_ignore_case_directory_and_extension() {
        assert_eq!(own_module("ws2_32.dll"), Some(0));
        assert_eq!(own_module("WS2_32"), Some(0));
        assert_eq!(own_module("C:\\Windows\\System32\\WS2_32.DLL"), Some(0));
        assert_eq!(own_module("MSWSock.dll"), Some(1));
        assert_eq!(own_module("libm.so.6"), None);
    }
}
