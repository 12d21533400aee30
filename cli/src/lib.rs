//! # wsp-cli — the `wsp` command
//!
//! One binary for users of the library, each subcommand reusing the runner that already
//! exists rather than a copy of it:
//!
//! | command | what it runs |
//! | --- | --- |
//! | `wsp conformance [ARGS]` | the conformance report ([`wsp_conformance::runner`]) |
//! | `wsp catalog [--provider PATH] [--no-trace]` | the protocol catalog, laid out as `netsh winsock show catalog`, with the trace layer's entries and chains ([`catalog`]) |
//! | `wsp trace [--json] [--quiet] [--output FILE] -- PROGRAM ARGS` | a program on the shim with the trace layer in its chain (over `WSP_PROVIDER`'s library when set), its calls and overlapped completions, then a summary ([`trace`]) |
//! | `wsp bench [ARGS]` | the benchmark ([`wsp_bench::cli`]) |

pub mod catalog;
pub mod trace;
