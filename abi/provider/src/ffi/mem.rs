//! Caller memory as Rust slices: the one step from a C pointer and its declared length to
//! bytes. Everything after this is [`crate::decode`] over slices.
//!
//! The contract of every function here is the C contract of the SPI: a non-null pointer
//! names at least the declared number of valid bytes for the duration of the call. Null
//! pointers are caught and reported as `WSAEFAULT`; nothing here reads or writes past the
//! declared length. Reads and writes of single values are unaligned-safe.

use wsp::WsaError;

/// Bytes the caller declared at `p` (`len` bytes). Null with `len > 0` is `WSAEFAULT`;
/// `len == 0` gives an empty slice whatever `p` is.
///
/// # Safety
/// A non-null `p` must be valid for reads of `len` bytes for `'a`.
pub unsafe fn in_bytes<'a>(p: *const u8, len: usize) -> Result<&'a [u8], WsaError> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null and, by this function's contract, valid for `len` bytes.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Writable bytes the caller declared at `p` (`len` bytes); null with `len > 0` is
/// `WSAEFAULT`.
///
/// # Safety
/// A non-null `p` must be valid for reads and writes of `len` bytes for `'a`, and not
/// aliased by another slice made here during the call.
pub unsafe fn out_bytes<'a>(p: *mut u8, len: usize) -> Result<&'a mut [u8], WsaError> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null and, by this function's contract, valid and unaliased for `len`.
    Ok(unsafe { core::slice::from_raw_parts_mut(p, len) })
}

/// The bytes of one `T` at `p` (for decoding with [`crate::decode`]); null is `WSAEFAULT`.
///
/// # Safety
/// A non-null `p` must be valid for reads of `size_of::<T>()` bytes.
pub unsafe fn struct_bytes<'a, T>(p: *const T) -> Result<&'a [u8], WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: forwarded contract; `T`'s size is the declared length.
    unsafe { in_bytes(p.cast(), core::mem::size_of::<T>()) }
}

/// Read one `T` (unaligned); null is `WSAEFAULT`.
///
/// # Safety
/// A non-null `p` must be valid for reads of one `T`, and any bit pattern there must be a
/// valid `T` (use only for integers and `#[repr(C)]` structs of integers/pointers).
pub unsafe fn read<T: Copy>(p: *const T) -> Result<T, WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null, valid for one `T` by contract; unaligned read needs no alignment.
    Ok(unsafe { p.read_unaligned() })
}

/// Write one `T` (unaligned); null is `WSAEFAULT`.
///
/// # Safety
/// A non-null `p` must be valid for writes of one `T`.
pub unsafe fn write<T>(p: *mut T, v: T) -> Result<(), WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null, valid for one `T` by contract; unaligned write.
    unsafe { p.write_unaligned(v) };
    Ok(())
}

/// Longest NUL-terminated UTF-16 string read from a caller (address strings are short).
pub const MAX_WIDE: usize = 4096;

/// A NUL-terminated UTF-16 string at `p`, read unit by unit up to the NUL, at most
/// [`MAX_WIDE`] units (longer is `WSAEINVAL`); null is `WSAEFAULT`.
///
/// # Safety
/// A non-null `p` must be valid for reads up to and including its NUL terminator.
pub unsafe fn wide_cstr(p: *const u16) -> Result<Vec<u16>, WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    let mut units = Vec::new();
    loop {
        if units.len() == MAX_WIDE {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: every unit before the terminator, and the terminator, is readable by
        // contract; we stop at the first NUL.
        let c = unsafe { p.add(units.len()).read_unaligned() };
        if c == 0 {
            return Ok(units);
        }
        units.push(c);
    }
}

/// `len` UTF-16 units at `p` as a mutable slice (an output string buffer).
///
/// # Safety
/// A non-null `p` must be valid and 2-byte aligned for reads and writes of `len` units.
pub unsafe fn out_wide<'a>(p: *mut u16, len: usize) -> Result<&'a mut [u16], WsaError> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() || !p.is_aligned() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null, aligned, valid for `len` units by contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(p, len) })
}
