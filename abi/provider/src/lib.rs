//! # wsp-provider — the engine as a Winsock service provider, and back
//!
//! Two directions over one C ABI (`ws2spi.h`):
//!
//! * **Out**: this crate is a `cdylib` exporting `WSPStartup` (and [`WSPEnumCatalog`],
//!   which copies the catalog out for hosts that are not ws2_32). `WSPStartup` fills a
//!   `WSPPROC_TABLE` whose 30 entries call [`wsp::Engine`] over the portable backend, and
//!   keeps the caller's `WSPUPCALLTABLE` for notifications.
//! * **In**: [`ForeignProvider`] implements [`wsp::Wsp`] over any `WSPPROC_TABLE` (a
//!   library loaded by path, a `WSPStartup` function pointer, or this crate's own table
//!   through [`ForeignProvider::in_tree`]), handing the provider an upcall table backed
//!   by the engine's emulated kernel objects.
//!
//! The layers, top down: [`abi`] (C mirrors with Windows x64 layout), [`decode`] (bytes
//! to engine values, fuzzable), [`instance`] (provider instances and handle mapping),
//! [`foreign`] (the reverse wrapper), and [`ffi`], the only module with `unsafe`.
//!
//! ## The engine hook still needed
//! The engine sets `wsp::sync::Event`s and posts to `wsp::sync::Hwnd`s directly instead of
//! calling `wsp::upcall::Upcalls`. A caller's foreign `WSAEVENT`/`HWND` is therefore
//! mapped to a proxy object plus a forwarding thread (see [`instance`]). With
//! `Engine::with_upcalls(net, Arc<dyn Upcalls>)` and the notify path calling
//! `upcalls.set_event`/`post_message`, [`instance::TableUpcalls`] would forward
//! synchronously, under the socket lock, with no thread and no spurious wake-ups.

#![deny(unsafe_code)]

pub mod abi;
pub mod decode;
pub mod ffi;
pub mod foreign;
pub mod instance;

pub use ffi::exports::{WSPEnumCatalog, WSPStartup};
pub use foreign::ForeignProvider;
