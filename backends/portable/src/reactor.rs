//! The reactor thread: owns the `mio::Poll` and turns its events into
//! [`ReadinessSink::ready`] calls.

use mio::event::Event;
use mio::{Events, Poll, Token};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use wsp::net::{Readiness, ReadinessSink};

/// The token of the reactor's own `mio::Waker`. Engine tokens must be below it.
pub(crate) const WAKE_TOKEN: Token = Token(usize::MAX - 1);

/// What the reactor thread shares with the `Portable` handle.
#[derive(Default)]
pub(crate) struct Shared {
    /// Where readiness goes; set once by `Net::attach`.
    pub sink: OnceLock<Weak<dyn ReadinessSink>>,
    /// Set by `Portable`'s `Drop` before it wakes the thread.
    pub stop: AtomicBool,
}

/// Translate one mio event into the seam's readiness bits.
pub(crate) fn readiness(event: &Event) -> Readiness {
    let mut r = Readiness::EMPTY;
    if event.is_readable() {
        r.insert(Readiness::READABLE);
    }
    if event.is_writable() {
        r.insert(Readiness::WRITABLE);
    }
    if event.is_read_closed() {
        r.insert(Readiness::READ_CLOSED);
    }
    if event.is_write_closed() {
        r.insert(Readiness::WRITE_CLOSED);
    }
    if event.is_error() {
        r.insert(Readiness::ERROR);
    }
    if event.is_priority() {
        r.insert(Readiness::PRIORITY);
    }
    r
}

/// The reactor loop. Runs until `shared.stop` is set and the waker fires, or until
/// `Poll::poll` fails with something other than `EINTR` (which the host only does for a
/// broken poll descriptor; the error is returned so the thread's join result shows it).
pub(crate) fn run(mut poll: Poll, shared: Arc<Shared>) -> io::Result<()> {
    let mut events = Events::with_capacity(1024);
    // Reports of one batch, gathered first so that no borrow of `events` or lock of ours
    // is held while the sink runs.
    let mut batch: Vec<(u64, Readiness)> = Vec::with_capacity(1024);
    loop {
        match poll.poll(&mut events, None) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        batch.clear();
        for event in events.iter() {
            if event.token() == WAKE_TOKEN {
                continue;
            }
            batch.push((event.token().0 as u64, readiness(event)));
        }
        if shared.stop.load(Ordering::Acquire) {
            return Ok(());
        }
        if batch.is_empty() {
            continue;
        }
        let Some(sink) = shared.sink.get().and_then(Weak::upgrade) else {
            continue;
        };
        for &(token, r) in &batch {
            if shared.stop.load(Ordering::Acquire) {
                return Ok(());
            }
            sink.ready(token, r);
        }
    }
}
