//! # ws2_32 shim — the Winsock 2 API for legacy C code on Linux and macOS
//!
//! A Winsock C program keeps its source, includes this crate's headers
//! (`abi/ws2_32/include`) instead of the Windows SDK's, and links this library instead of
//! `ws2_32.dll`. The library loads a provider table through `WSPStartup` (the in-tree
//! provider by default) and implements the Winsock 2 API on it as ws2_32 does.
//!
//! Exported symbols carry a `wsp_` prefix and the headers map the Winsock names onto them,
//! so the shim never interposes on libc's own `socket`, `send`, `select`...
//!
//! * [`winsock`] — the Winsock 2 API (`WSAStartup`, `socket`, `WSARecv`, `select`, ...).
//! * [`win32`] — the Win32 pieces Winsock programs lean on (events, waits, threads,
//!   critical sections, completion ports, message-only windows, ...).
//!
//! `unsafe` is confined to the modules that read and write caller memory; each block has a
//! `// SAFETY:` comment.

pub mod win32;
pub mod winsock;
