//! `WSAWaitForMultipleEvents` and `SleepEx`.

use super::{current_thread, Clock, Event};
use crate::error::WsaError;
use crate::net::Gate;
use std::sync::Arc;
use std::time::Duration;

/// Most objects one wait accepts (`WSA_MAXIMUM_WAIT_EVENTS`, `MAXIMUM_WAIT_OBJECTS`).
pub const WSA_MAXIMUM_WAIT_EVENTS: usize = 64;
/// Return code of a wait satisfied by object 0; object `i` gives `WSA_WAIT_EVENT_0 + i`.
pub const WSA_WAIT_EVENT_0: u32 = 0;
/// Return code of an alertable wait ended by running APCs (`WAIT_IO_COMPLETION`).
pub const WSA_WAIT_IO_COMPLETION: u32 = 0xC0;
/// Return code of a wait that timed out (`WAIT_TIMEOUT`).
pub const WSA_WAIT_TIMEOUT: u32 = 258;
/// Return code of a failed wait (`WAIT_FAILED`); the error is then `WSAGetLastError()`.
pub const WSA_WAIT_FAILED: u32 = 0xFFFF_FFFF;
/// The timeout value meaning "no timeout" (`WSA_INFINITE`, `INFINITE`), in milliseconds.
pub const WSA_INFINITE: u32 = 0xFFFF_FFFF;

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitResult {
    /// The object at this index satisfied a wait-any (the lowest signalled index), or, for
    /// a wait-all, every object was signalled at once (index 0, as Windows reports it).
    Object(usize),
    /// The timeout passed first (`WSA_WAIT_TIMEOUT`).
    Timeout,
    /// The wait was alertable and ran the thread's queued APCs (`WSA_WAIT_IO_COMPLETION`).
    IoCompletion,
}

impl WaitResult {
    /// The `DWORD` `WSAWaitForMultipleEvents` returns for this result.
    pub fn code(self) -> u32 {
        match self {
            WaitResult::Object(i) => WSA_WAIT_EVENT_0 + i as u32,
            WaitResult::Timeout => WSA_WAIT_TIMEOUT,
            WaitResult::IoCompletion => WSA_WAIT_IO_COMPLETION,
        }
    }
}

/// A C timeout in milliseconds as this module's timeout: [`WSA_INFINITE`] is `None`.
pub fn timeout_from_millis(ms: u32) -> Option<Duration> {
    (ms != WSA_INFINITE).then(|| Duration::from_millis(u64::from(ms)))
}

/// Wait for any or all of `events` (`WSAWaitForMultipleEvents`,
/// `WaitForMultipleObjectsEx`), on `clock`'s time.
///
/// * **Count**: 1 to [`WSA_MAXIMUM_WAIT_EVENTS`] objects; zero or more is
///   `Err(WSA_INVALID_PARAMETER)`. A wait-all naming one event twice is also
///   `WSA_INVALID_PARAMETER`, as on Windows (an auto-reset event could never satisfy it
///   twice at once); a wait-any may repeat events.
/// * **Wait-any** (`wait_all == false`) returns [`WaitResult::Object`] with the lowest
///   index whose event is signalled.
/// * **Wait-all** returns [`WaitResult::Object(0)`](WaitResult::Object) once every event
///   is signalled at the same moment: the check holds all their locks together, so an
///   event reset in between cannot be counted.
/// * Auto-reset events that satisfy the wait are reset by it (all of them for a
///   wait-all); manual-reset events stay signalled.
/// * **Timeout**: `None` waits forever; `Some(Duration::ZERO)` polls (checks once, never
///   parks, never advances a simulated network); otherwise [`WaitResult::Timeout`] once
///   `clock` has advanced that much.
/// * **Alertable**: the thread's queued APCs also end the wait; they run, in order, on
///   this thread, before this returns [`WaitResult::IoCompletion`]. As in the Windows
///   kernel, signalled objects are checked first: a wait that can be satisfied returns
///   the object and leaves the APCs queued for the next alertable wait. A non-alertable
///   wait never runs APCs.
///
/// ```
/// use wsp::sync::{wait_for_multiple, Event, RealTime, WaitResult};
/// use std::time::Duration;
///
/// let events = [Event::new(), Event::new()];
/// let r = wait_for_multiple(&RealTime, &events, false, Some(Duration::from_millis(1)), false);
/// assert_eq!(r, Ok(WaitResult::Timeout));
/// ```
pub fn wait_for_multiple<C: Clock + ?Sized>(
    clock: &C,
    events: &[Event],
    wait_all: bool,
    timeout: Option<Duration>,
    alertable: bool,
) -> Result<WaitResult, WsaError> {
    if events.is_empty() || events.len() > WSA_MAXIMUM_WAIT_EVENTS {
        return Err(WsaError::WSA_INVALID_PARAMETER);
    }
    // Lock order for wait-all: by handle value, which no two events share.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i].key());
    if wait_all && order.windows(2).any(|w| events[w[0]].same(&events[w[1]])) {
        return Err(WsaError::WSA_INVALID_PARAMETER);
    }
    let me = current_thread();
    let check = || -> Option<WaitResult> {
        let satisfied = if wait_all {
            try_all(events, &order)
        } else {
            try_any(events)
        };
        if satisfied.is_some() {
            return satisfied;
        }
        (alertable && me.has_apcs()).then_some(WaitResult::IoCompletion)
    };

    let mut outcome = check();
    if outcome.is_none() && timeout != Some(Duration::ZERO) {
        let deadline = timeout.and_then(|t| clock.now().checked_add(t));
        let listed = Listed::new(events, me.gate());
        // The outcome is whatever the last evaluation found (it may have taken an
        // auto-reset event's signal), whatever `block_until` returns.
        clock.block_until(listed.gate, deadline, &mut || {
            outcome = check();
            outcome.is_some()
        });
        drop(listed);
    }
    Ok(match outcome {
        Some(WaitResult::IoCompletion) => {
            me.run_apcs();
            WaitResult::IoCompletion
        }
        Some(r) => r,
        None => WaitResult::Timeout,
    })
}

/// This thread's gate entered in the waiter lists of `events`, until dropped (also if a
/// backend's `block_until` unwinds).
struct Listed<'a> {
    events: &'a [Event],
    gate: &'a Arc<Gate>,
}

impl<'a> Listed<'a> {
    fn new(events: &'a [Event], gate: &'a Arc<Gate>) -> Listed<'a> {
        for e in events {
            e.add_waiter(gate);
        }
        Listed { events, gate }
    }
}

impl Drop for Listed<'_> {
    fn drop(&mut self) {
        for e in self.events {
            e.remove_waiter(self.gate);
        }
    }
}

/// Wait-any: the lowest signalled index, taking an auto-reset signal.
fn try_any(events: &[Event]) -> Option<WaitResult> {
    events
        .iter()
        .position(|e| {
            let manual = e.is_manual_reset();
            Event::try_take(&mut e.state(), manual)
        })
        .map(WaitResult::Object)
}

/// Wait-all: every event signalled under all locks at once; then take the auto-reset
/// signals.
fn try_all(events: &[Event], order: &[usize]) -> Option<WaitResult> {
    let mut guards: Vec<_> = order.iter().map(|&i| events[i].state()).collect();
    if !guards.iter().all(|st| st.signalled) {
        return None;
    }
    for (g, &i) in guards.iter_mut().zip(order) {
        Event::try_take(g, events[i].is_manual_reset());
    }
    Some(WaitResult::Object(0))
}

/// Sleep on `clock` for `timeout` (`SleepEx`); `None` sleeps until an APC arrives (or
/// forever when not alertable).
///
/// Returns [`WaitResult::Timeout`] when the time passed (`SleepEx`'s 0) or, when
/// `alertable`, [`WaitResult::IoCompletion`] after running this thread's queued APCs. A
/// zero timeout with `alertable` runs the APCs already queued, if any, and returns at
/// once.
pub fn sleep_ex<C: Clock + ?Sized>(
    clock: &C,
    timeout: Option<Duration>,
    alertable: bool,
) -> WaitResult {
    let me = current_thread();
    let mut woke = alertable && me.has_apcs();
    if !woke && timeout != Some(Duration::ZERO) {
        let deadline = timeout.and_then(|t| clock.now().checked_add(t));
        woke = clock.block_until(me.gate(), deadline, &mut || alertable && me.has_apcs());
    }
    if woke {
        me.run_apcs();
        WaitResult::IoCompletion
    } else {
        WaitResult::Timeout
    }
}
