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
//! ## Notifications
//! Each instance's engine reports through [`instance::TableUpcalls`] (installed with
//! `Engine::set_upcalls`): event select, async select and overlapped completions reach
//! the caller's `WPU*` functions synchronously; this crate's own registry handles are
//! signalled directly. Overlapped calls through C and the extension functions are in
//! [`ffi::exports`], [`ffi::ov`] and [`ffi::ext`].
//!
//! ## Overlapped through a foreign table
//! [`ForeignProvider`] implements the `Wsp` overlapped methods over a `WSAOVERLAPPED` it
//! owns per request ([`ffi::pending`]), handing out `OpHandle::external` handles.

#![deny(unsafe_code)]

pub mod abi;
pub mod decode;
pub mod ffi;
pub mod foreign;
pub mod instance;
pub mod layer;

pub use ffi::exports::{WSPEnumCatalog, WSPStartup};
pub use foreign::ForeignProvider;
pub use layer::{Export, NextProvider};
