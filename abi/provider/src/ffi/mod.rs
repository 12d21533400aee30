//! Everything `unsafe` in this crate: the C entry points, the calls through foreign
//! function pointers, and the step from caller pointers to slices. Each block says why
//! it is sound (`// SAFETY:`); the rest of the crate is safe code.

#![allow(unsafe_code)]
#![allow(non_snake_case)]

pub mod calls;
pub mod exports;
pub mod ext;
pub mod loader;
pub mod local;
pub mod mem;
pub mod ov;
pub mod pending;
pub mod probe;
pub mod upcall;
pub mod wsc;
