//! # wsp — the Winsock 2 service provider interface in Rust
//!
//! The layers, top down:
//!
//! * [`Wsp`] — the SPI as a Rust trait: one method per `WSP*` entry point.
//! * [`Engine`] — implements it: handles, socket state, Winsock's rules.
//! * [`layer`] — layered providers: a [`Layer`] over a next provider, as a provider again.
//! * [`net::Net`] — the seam the engine runs on; the backends (`wsp-portable` over mio and
//!   socket2, `wsp-sim` in memory) implement it.
//!
//! Types and constants keep Windows' names and numbering ([`types`]); errors are
//! [`WsaError`] values with Windows' codes.

pub mod addr;
pub mod addr_text;
pub mod catalog;
pub mod engine;
pub mod error;
pub mod layer;
pub mod net;
pub mod overlapped;
pub mod qos;
pub mod sync;
pub mod types;
pub mod upcall;
pub mod wsp;

pub use addr::SockAddr;
pub use engine::Engine;
pub use error::{WsaError, WsaResult};
pub use layer::{Layer, Layered, WspExt};
pub use wsp::{FdSet, Wsp};

/// The README's example, compiled and run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
