//! # wsp-example-faults — a layered provider to copy
//!
//! [`Faults`] is a [`Layer`]: it overrides `WSPSend`, `WSPSendTo`, `WSPRecv`,
//! `WSPRecvFrom` and `WSPCloseSocket`, and lets the layering framework pass every other
//! call through. It injects faults chosen by [`Rule`]s and counts the bytes each socket
//! sent and received ([`Faults::counts`]).
//!
//! * In Rust: `wsp::Layered::new(Faults::new(rules), next)` over the engine or any `Wsp`.
//! * As a provider library: this crate is also a `cdylib` whose exported `WSPStartup`
//!   serves the layer over the in-tree engine (or over the provider library named by
//!   `WSP_LAYER_NEXT`), with rules from `WSP_FAULTS` ([`Faults::from_env`]). That is the
//!   one line at the bottom of this file.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;
use wsp::types::{SOCKET, SOCK_DGRAM};
use wsp::wsp::WspResult;
use wsp::{Layer, SockAddr, WsaError, Wsp};

/// One fault to inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Every send takes at most this many bytes (a short write; stream sockets keep the
    /// rest for the caller to send again, as a non-blocking send may on Windows).
    ShortWrites(usize),
    /// Once a socket has sent this many bytes, its sends fail with `WSAECONNRESET`.
    ResetAfter(usize),
    /// Wait this long before each send.
    Delay(Duration),
    /// Drop every n-th datagram a socket sends (reported as sent, never delivered).
    DropEveryNth(u32),
}

/// Bytes one socket moved through the layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Bytes the lower provider accepted for sending.
    pub sent: usize,
    /// Bytes received.
    pub received: usize,
    /// Datagrams dropped by [`Rule::DropEveryNth`].
    pub dropped: u32,
    datagrams: u32,
}

/// The fault-injecting, byte-counting layer.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Vec<Rule>,
    counts: Mutex<HashMap<SOCKET, Counts>>,
}

impl Faults {
    /// A layer applying `rules`.
    pub fn new(rules: Vec<Rule>) -> Faults {
        Faults {
            rules,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Rules from text: comma-separated `short=N`, `reset_after=N`, `delay_ms=N`,
    /// `drop_every=N`. Unknown or malformed items are ignored.
    pub fn parse(text: &str) -> Vec<Rule> {
        text.split(',')
            .filter_map(|item| {
                let (k, v) = item.trim().split_once('=')?;
                let n: u64 = v.trim().parse().ok()?;
                Some(match k.trim() {
                    "short" => Rule::ShortWrites(n.max(1) as usize),
                    "reset_after" => Rule::ResetAfter(n as usize),
                    "delay_ms" => Rule::Delay(Duration::from_millis(n)),
                    "drop_every" => Rule::DropEveryNth(n.max(1) as u32),
                    _ => return None,
                })
            })
            .collect()
    }

    /// The layer with the rules in the `WSP_FAULTS` environment variable (none if unset).
    pub fn from_env() -> Faults {
        Faults::new(Faults::parse(
            &std::env::var("WSP_FAULTS").unwrap_or_default(),
        ))
    }

    /// What socket `s` (a handle of this layer) has moved so far.
    pub fn counts(&self, s: SOCKET) -> Counts {
        self.lock().get(&s).copied().unwrap_or_default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SOCKET, Counts>> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The common part of `send` and `send_to`: delay, reset, drop, short write.
    fn send_with(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &[&[u8]],
        datagram: bool,
        send: impl FnOnce(&dyn Wsp, &[&[u8]]) -> WspResult<usize>,
    ) -> WspResult<usize> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let mut limit = total;
        for r in &self.rules {
            match *r {
                Rule::Delay(d) => std::thread::sleep(d),
                Rule::ResetAfter(n) if self.counts(s).sent >= n => {
                    return Err(WsaError::WSAECONNRESET)
                }
                Rule::ShortWrites(n) if !datagram => limit = limit.min(n),
                Rule::DropEveryNth(n) if datagram => {
                    let mut c = self.lock();
                    let e = c.entry(s).or_default();
                    e.datagrams += 1;
                    if e.datagrams % n == 0 {
                        e.dropped += 1;
                        return Ok(total);
                    }
                }
                _ => {}
            }
        }
        let sent = if limit < total {
            send(next, &truncate(bufs, limit))?
        } else {
            send(next, bufs)?
        };
        self.lock().entry(s).or_default().sent += sent;
        Ok(sent)
    }

    fn received(&self, s: SOCKET, n: usize) {
        self.lock().entry(s).or_default().received += n;
    }
}

/// The first `n` bytes of `bufs`.
fn truncate<'a>(bufs: &[&'a [u8]], mut n: usize) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    for b in bufs {
        if n == 0 {
            break;
        }
        let k = b.len().min(n);
        out.push(&b[..k]);
        n -= k;
    }
    out
}

impl Layer for Faults {
    fn name(&self) -> &str {
        "wsp example faults"
    }

    fn send(&self, next: &dyn Wsp, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        let datagram = is_datagram(next, s);
        self.send_with(next, s, bufs, datagram, |n, b| n.send(s, b, flags))
    }

    fn send_to(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        let datagram = is_datagram(next, s);
        self.send_with(next, s, bufs, datagram, |n, b| n.send_to(s, b, flags, to))
    }

    fn recv(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
    ) -> WspResult<usize> {
        let n = next.recv(s, bufs, flags)?;
        self.received(s, n);
        Ok(n)
    }

    fn recv_from(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        let n = next.recv_from(s, bufs, flags, from)?;
        self.received(s, n);
        Ok(n)
    }

    fn close_socket(&self, next: &dyn Wsp, s: SOCKET) -> WspResult<()> {
        next.close_socket(s)?;
        self.lock().remove(&s);
        Ok(())
    }
}

/// Whether `s` is a datagram socket (`SO_TYPE`).
fn is_datagram(next: &dyn Wsp, s: SOCKET) -> bool {
    let mut v = [0u8; 4];
    next.get_sock_opt(s, wsp::types::SOL_SOCKET, wsp::types::SO_TYPE, &mut v)
        .is_ok_and(|_| i32::from_le_bytes(v) == SOCK_DGRAM)
}

// The provider library: this crate's `WSPStartup` serves `Faults::from_env()` over the
// in-tree engine (or the library in `WSP_LAYER_NEXT`).
wsp_provider::export_layer!(Faults::from_env);
