//! Strings: `MultiByteToWideChar`, `WideCharToMultiByte`, and the `lstr*` family
//! (`lstrlenA/W`, `lstrcpyA/W`, `lstrcpynA/W`, `lstrcatA/W`, `lstrcmpA/W`, `lstrcmpiA/W`).
//!
//! `WCHAR` is 16-bit (UTF-16), as on Windows. The code pages are `CP_UTF8` and the ANSI and
//! OEM code pages (`CP_ACP`, `CP_OEMCP`, `CP_THREAD_ACP`), which here are UTF-8 too: the
//! answer Windows gives with the UTF-8 active code page (Windows 10 1903 and later with
//! `activeCodePage` UTF-8), and what a Linux locale uses. Other code pages fail with
//! `ERROR_INVALID_PARAMETER`.
//!
//! Conversion rules (Microsoft's pages for both functions): a length of -1 means a
//! NUL-terminated input whose terminator is converted and counted; an output size of 0
//! asks for the size needed; an output too small fails with `ERROR_INSUFFICIENT_BUFFER`
//! (the output holds the part that fit); invalid input becomes U+FFFD, or fails with
//! `ERROR_NO_UNICODE_TRANSLATION` under `MB_ERR_INVALID_CHARS`/`WC_ERR_INVALID_CHARS`. For
//! `CP_UTF8`, other flags give `ERROR_INVALID_FLAGS`, and `WideCharToMultiByte`'s default
//! character arguments must be null (`ERROR_INVALID_PARAMETER`).
//!
//! `lstrcmp`/`lstrcmpi` compare as Windows' word sort does for ASCII text: letters compare
//! alphabetically whatever their case, and for `lstrcmp` a lower-case letter sorts before
//! its upper-case form when the strings differ only in case (`lstrcmpA("a", "B") < 0`,
//! `lstrcmpA("a", "A") < 0`). Other characters compare by code point. The `lstr*`
//! functions, like Windows', treat a null pointer as an empty string (or fail with `NULL`)
//! instead of faulting.

use super::{fail, guard};
use std::cmp::Ordering;
use std::ffi::c_char;

/// `CP_ACP`.
pub const CP_ACP: u32 = 0;
/// `CP_OEMCP`.
pub const CP_OEMCP: u32 = 1;
/// `CP_THREAD_ACP`.
pub const CP_THREAD_ACP: u32 = 3;
/// `CP_UTF8`.
pub const CP_UTF8: u32 = 65001;
/// `MB_ERR_INVALID_CHARS`.
pub const MB_ERR_INVALID_CHARS: u32 = 0x8;
/// `WC_ERR_INVALID_CHARS`.
pub const WC_ERR_INVALID_CHARS: u32 = 0x80;
/// `ERROR_INVALID_PARAMETER`.
const ERROR_INVALID_PARAMETER: u32 = 87;
/// `ERROR_INSUFFICIENT_BUFFER`.
const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
/// `ERROR_INVALID_FLAGS`.
const ERROR_INVALID_FLAGS: u32 = 1004;
/// `ERROR_NO_UNICODE_TRANSLATION`.
const ERROR_NO_UNICODE_TRANSLATION: u32 = 1113;

/// The length of a NUL-terminated UTF-16 string.
///
/// # Safety
/// `p` is a NUL-terminated UTF-16 string.
pub(crate) unsafe fn wide_len(p: *const u16) -> usize {
    let mut n = 0;
    // SAFETY: the caller's contract: every unit up to the terminator is readable.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    n
}

/// UTF-16 to a `String`, unpaired surrogates as U+FFFD.
pub(crate) fn utf16_to_string(s: &[u16]) -> String {
    char::decode_utf16(s.iter().copied())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Whether a code page is one this module converts (all UTF-8).
fn utf8_page(code_page: u32) -> bool {
    matches!(code_page, CP_ACP | CP_OEMCP | CP_THREAD_ACP | CP_UTF8)
}

/// Decode UTF-8, each invalid sequence as one U+FFFD (Unicode's "maximal subpart"
/// practice); `None` if `strict` and the input is invalid.
fn decode_utf8(bytes: &[u8], strict: bool) -> Option<Vec<u16>> {
    let mut out = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.extend(chunk.valid().encode_utf16());
        if !chunk.invalid().is_empty() {
            if strict {
                return None;
            }
            out.push(0xFFFD);
        }
    }
    Some(out)
}

/// `MultiByteToWideChar`: convert `cbMultiByte` bytes (-1: up to and including the NUL)
/// of `lpMultiByteStr` to UTF-16 in `lpWideCharStr` (`cchWideChar` units; 0: return the
/// size needed). Returns the units written (or needed), 0 on failure (see the module
/// documentation for the errors).
///
/// # Safety
/// `lpMultiByteStr` is valid for `cbMultiByte` bytes (or NUL-terminated for -1);
/// `lpWideCharStr` is valid for `cchWideChar` units.
#[no_mangle]
pub unsafe extern "system" fn wsp_MultiByteToWideChar(
    CodePage: u32,
    dwFlags: u32,
    lpMultiByteStr: *const c_char,
    cbMultiByte: i32,
    lpWideCharStr: *mut u16,
    cchWideChar: i32,
) -> i32 {
    guard(0, || {
        if lpMultiByteStr.is_null() || cbMultiByte == 0 || cbMultiByte < -1 || cchWideChar < 0 {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if cchWideChar > 0 && lpWideCharStr.is_null() {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if !utf8_page(CodePage) {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if CodePage == CP_UTF8 && dwFlags & !MB_ERR_INVALID_CHARS != 0 {
            return fail(ERROR_INVALID_FLAGS, 0);
        }
        let len = if cbMultiByte == -1 {
            // SAFETY: the caller promises a NUL-terminated string; the NUL is converted.
            unsafe { libc::strlen(lpMultiByteStr) + 1 }
        } else {
            cbMultiByte as usize
        };
        // SAFETY: the caller promises `len` readable bytes.
        let bytes = unsafe { std::slice::from_raw_parts(lpMultiByteStr.cast::<u8>(), len) };
        let Some(units) = decode_utf8(bytes, dwFlags & MB_ERR_INVALID_CHARS != 0) else {
            return fail(ERROR_NO_UNICODE_TRANSLATION, 0);
        };
        let Ok(needed) = i32::try_from(units.len()) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        if cchWideChar == 0 {
            return needed;
        }
        let n = units.len().min(cchWideChar as usize);
        // SAFETY: the caller promises `cchWideChar` writable units; n <= cchWideChar.
        unsafe { std::ptr::copy_nonoverlapping(units.as_ptr(), lpWideCharStr, n) };
        if n < units.len() {
            return fail(ERROR_INSUFFICIENT_BUFFER, 0);
        }
        needed
    })
}

/// `WideCharToMultiByte`: convert `cchWideChar` UTF-16 units (-1: up to and including the
/// NUL) to UTF-8 in `lpMultiByteStr` (`cbMultiByte` bytes; 0: return the size needed).
/// Returns the bytes written (or needed), 0 on failure (see the module documentation).
/// For the ANSI code pages `*lpUsedDefaultChar` (when given) says whether an unpaired
/// surrogate was replaced; `lpDefaultChar` is ignored (U+FFFD is the replacement).
///
/// # Safety
/// `lpWideCharStr` is valid for `cchWideChar` units (or NUL-terminated for -1);
/// `lpMultiByteStr` is valid for `cbMultiByte` bytes; `lpUsedDefaultChar` is null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_WideCharToMultiByte(
    CodePage: u32,
    dwFlags: u32,
    lpWideCharStr: *const u16,
    cchWideChar: i32,
    lpMultiByteStr: *mut c_char,
    cbMultiByte: i32,
    lpDefaultChar: *const c_char,
    lpUsedDefaultChar: *mut i32,
) -> i32 {
    guard(0, || {
        if lpWideCharStr.is_null() || cchWideChar == 0 || cchWideChar < -1 || cbMultiByte < 0 {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if cbMultiByte > 0 && lpMultiByteStr.is_null() {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if !utf8_page(CodePage) {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        if CodePage == CP_UTF8 {
            if dwFlags & !WC_ERR_INVALID_CHARS != 0 {
                return fail(ERROR_INVALID_FLAGS, 0);
            }
            if !lpDefaultChar.is_null() || !lpUsedDefaultChar.is_null() {
                return fail(ERROR_INVALID_PARAMETER, 0);
            }
        }
        let len = if cchWideChar == -1 {
            // SAFETY: the caller promises a NUL-terminated string; the NUL is converted.
            unsafe { wide_len(lpWideCharStr) + 1 }
        } else {
            cchWideChar as usize
        };
        // SAFETY: the caller promises `len` readable units.
        let units = unsafe { std::slice::from_raw_parts(lpWideCharStr, len) };
        let mut out = String::with_capacity(len);
        let mut replaced = false;
        for c in char::decode_utf16(units.iter().copied()) {
            match c {
                Ok(c) => out.push(c),
                Err(_) if dwFlags & WC_ERR_INVALID_CHARS != 0 => {
                    return fail(ERROR_NO_UNICODE_TRANSLATION, 0);
                }
                Err(_) => {
                    replaced = true;
                    out.push(char::REPLACEMENT_CHARACTER);
                }
            }
        }
        if !lpUsedDefaultChar.is_null() {
            // SAFETY: non-null, and the caller promises a writable BOOL.
            unsafe { lpUsedDefaultChar.write(i32::from(replaced)) };
        }
        let Ok(needed) = i32::try_from(out.len()) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        if cbMultiByte == 0 {
            return needed;
        }
        let bytes = out.as_bytes();
        // Whole characters only, as Windows writes them.
        let mut n = bytes.len().min(cbMultiByte as usize);
        while n < bytes.len() && !out.is_char_boundary(n) {
            n -= 1;
        }
        // SAFETY: the caller promises `cbMultiByte` writable bytes; n <= cbMultiByte.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), lpMultiByteStr.cast::<u8>(), n) };
        if n < bytes.len() {
            return fail(ERROR_INSUFFICIENT_BUFFER, 0);
        }
        needed
    })
}

// ---------------------------------------------------------------------------------------
// lstr*

/// A character type of the `lstr*` functions.
trait Unit: Copy + Eq + Default {
    fn code(self) -> u32;
}
impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}
impl Unit for u16 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

/// The string at `p` (without its terminator); empty for null.
///
/// # Safety
/// `p` is null or NUL-terminated.
unsafe fn units<'a, C: Unit>(p: *const C) -> &'a [C] {
    if p.is_null() {
        return &[];
    }
    let mut n = 0;
    // SAFETY: the caller's contract.
    while unsafe { *p.add(n) } != C::default() {
        n += 1;
    }
    // SAFETY: `n` readable units.
    unsafe { std::slice::from_raw_parts(p, n) }
}

fn fold(c: u32) -> u32 {
    if (u32::from(b'A')..=u32::from(b'Z')).contains(&c) {
        c + 32
    } else {
        c
    }
}

/// Windows' word-sort order for ASCII text (see the module documentation).
fn compare<C: Unit>(a: &[C], b: &[C], ignore_case: bool) -> i32 {
    let fa = a.iter().map(|c| fold(c.code()));
    let fb = b.iter().map(|c| fold(c.code()));
    let mut ord = fa.cmp(fb);
    if ord == Ordering::Equal && !ignore_case {
        // Same letters: lower case sorts first, so compare the "is upper" pattern.
        let ua = a.iter().map(|c| fold(c.code()) != c.code());
        let ub = b.iter().map(|c| fold(c.code()) != c.code());
        ord = ua.cmp(ub);
    }
    match ord {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Copy `src` and a terminator to `dst`.
///
/// # Safety
/// `dst` is valid for `src.len() + 1` units and does not overlap `src`.
unsafe fn put<C: Unit>(dst: *mut C, src: &[C]) {
    // SAFETY: the caller's contract.
    unsafe {
        std::ptr::copy(src.as_ptr(), dst, src.len());
        dst.add(src.len()).write(C::default());
    }
}

macro_rules! lstr {
    ($len:ident, $cpy:ident, $cpyn:ident, $cat:ident, $cmp:ident, $cmpi:ident, $c:ty) => {
        /// `lstrlen`: the length in characters; 0 for null.
        ///
        /// # Safety
        /// The string is null or NUL-terminated.
        #[no_mangle]
        pub unsafe extern "system" fn $len(lpString: *const $c) -> i32 {
            // SAFETY: the caller's contract.
            guard(0, || unsafe { units(lpString) }.len() as i32)
        }

        /// `lstrcpy`: copy with the terminator; returns the destination, or `NULL` for a
        /// null argument.
        ///
        /// # Safety
        /// `dst` is large enough; `src` NUL-terminated.
        #[no_mangle]
        pub unsafe extern "system" fn $cpy(lpString1: *mut $c, lpString2: *const $c) -> *mut $c {
            guard(std::ptr::null_mut(), || {
                if lpString1.is_null() || lpString2.is_null() {
                    return std::ptr::null_mut();
                }
                // SAFETY: the caller's contract.
                unsafe { put(lpString1, units(lpString2)) };
                lpString1
            })
        }

        /// `lstrcpyn`: copy at most `iMaxLength - 1` characters and always terminate;
        /// returns the destination, or `NULL` for a null argument or a length below 1.
        ///
        /// # Safety
        /// `dst` is valid for `iMaxLength` characters; `src` NUL-terminated (or at least
        /// `iMaxLength - 1` characters long).
        #[no_mangle]
        pub unsafe extern "system" fn $cpyn(
            lpString1: *mut $c,
            lpString2: *const $c,
            iMaxLength: i32,
        ) -> *mut $c {
            guard(std::ptr::null_mut(), || {
                if lpString1.is_null() || lpString2.is_null() || iMaxLength < 1 {
                    return std::ptr::null_mut();
                }
                let max = iMaxLength as usize - 1;
                let mut n = 0;
                // SAFETY: the caller's contract: read up to the terminator or `max`.
                while n < max && unsafe { *lpString2.add(n) } != 0 {
                    n += 1;
                }
                // SAFETY: `n` readable units; `n + 1 <= iMaxLength` writable ones.
                unsafe { put(lpString1, std::slice::from_raw_parts(lpString2, n)) };
                lpString1
            })
        }

        /// `lstrcat`: append with the terminator; returns the destination, or `NULL` for
        /// a null argument.
        ///
        /// # Safety
        /// `dst` is NUL-terminated and large enough; `src` NUL-terminated.
        #[no_mangle]
        pub unsafe extern "system" fn $cat(lpString1: *mut $c, lpString2: *const $c) -> *mut $c {
            guard(std::ptr::null_mut(), || {
                if lpString1.is_null() || lpString2.is_null() {
                    return std::ptr::null_mut();
                }
                // SAFETY: the caller's contract.
                unsafe {
                    let n = units(lpString1).len();
                    put(lpString1.add(n), units(lpString2));
                }
                lpString1
            })
        }

        /// `lstrcmp`: -1, 0 or 1 in Windows' word-sort order (module documentation).
        ///
        /// # Safety
        /// Both strings are null or NUL-terminated.
        #[no_mangle]
        pub unsafe extern "system" fn $cmp(lpString1: *const $c, lpString2: *const $c) -> i32 {
            // SAFETY: the caller's contract.
            guard(0, || unsafe {
                compare(units(lpString1), units(lpString2), false)
            })
        }

        /// `lstrcmpi`: as `lstrcmp`, ignoring case.
        ///
        /// # Safety
        /// Both strings are null or NUL-terminated.
        #[no_mangle]
        pub unsafe extern "system" fn $cmpi(lpString1: *const $c, lpString2: *const $c) -> i32 {
            // SAFETY: the caller's contract.
            guard(0, || unsafe {
                compare(units(lpString1), units(lpString2), true)
            })
        }
    };
}

lstr!(
    wsp_lstrlenA,
    wsp_lstrcpyA,
    wsp_lstrcpynA,
    wsp_lstrcatA,
    wsp_lstrcmpA,
    wsp_lstrcmpiA,
    u8
);
lstr!(
    wsp_lstrlenW,
    wsp_lstrcpyW,
    wsp_lstrcpynW,
    wsp_lstrcatW,
    wsp_lstrcmpW,
    wsp_lstrcmpiW,
    u16
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_sort_puts_lower_case_first_and_ignores_case_between_letters() {
        assert_eq!(compare(b"a", b"B", false), -1);
        assert_eq!(compare(b"a", b"A", false), -1);
        assert_eq!(compare(b"A", b"a", false), 1);
        assert_eq!(compare(b"abc", b"ABC", true), 0);
        assert_eq!(compare(b"ab", b"abc", true), -1);
    }

    #[test]
    fn invalid_utf8_becomes_one_replacement_per_maximal_subpart() {
        assert_eq!(
            decode_utf8(b"a\xffb", false),
            Some(vec![0x61, 0xFFFD, 0x62])
        );
        assert_eq!(decode_utf8(b"a\xffb", true), None);
    }
}
