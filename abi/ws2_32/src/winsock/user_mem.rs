//! The shim's own reads and writes of caller memory, all checked: a bad pointer (unmapped,
//! `PROT_NONE`, or read-only where the shim writes) gives `WSAEFAULT` instead of a crash.
//!
//! The checked copies are the provider's ([`wsp_provider::ffi::mem`], over
//! [`wsp_provider::ffi::probe`]: the kernel copies, or nothing when the range is in live
//! frames of the caller's stack). The shim's `mem::read`/`mem::write` of single values
//! already go through them; this module adds what the shim needs besides: C strings in
//! and out, and byte blocks out.

#![allow(unsafe_code)]

use core::ffi::c_char;
use wsp::WsaError;
use wsp_provider::ffi::mem;

pub use wsp_provider::ffi::mem::{copy_in, copy_out};

type R<T> = Result<T, WsaError>;

/// A caller's NUL-terminated 8-bit string, copied (checked): its bytes without the NUL.
/// Null or bad memory is `WSAEFAULT`; longer than [`mem::MAX_NARROW`] is `WSAEINVAL`.
///
/// # Safety
/// None beyond [`mem::copy_in`]'s.
pub unsafe fn cstr(p: *const c_char) -> R<Vec<u8>> {
    // SAFETY: forwarded contract (a checked copy).
    unsafe { mem::cstr(p) }
}

/// Store `s` and a NUL at the caller's `p` (checked).
///
/// # Safety
/// None beyond [`mem::copy_out`]'s.
pub unsafe fn put_cstr(p: *mut c_char, s: &str) -> R<()> {
    let mut b = Vec::with_capacity(s.len() + 1);
    b.extend_from_slice(s.as_bytes());
    b.push(0);
    // SAFETY: forwarded contract (a checked copy).
    unsafe { mem::copy_out(p.cast(), &b) }
}
