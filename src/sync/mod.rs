//! Emulated kernel objects: the events, multi-wait, message queues and APC queues that
//! Winsock's notification model signals.
//!
//! On Windows these are kernel objects and window messages; here they are plain Rust
//! objects with the same observable rules, so the engine can deliver notifications to a
//! Rust program, and the C layers (the provider's `WSPUPCALLTABLE`, the ws2_32 shim) can
//! hand out handle values for them.
//!
//! | Windows                                   | here                                   |
//! |-------------------------------------------|----------------------------------------|
//! | `WSACreateEvent`, `CreateEvent`           | [`Event::new`], [`Event::create`]      |
//! | `WSASetEvent`, `WSAResetEvent`            | [`Event::set`], [`Event::reset`]       |
//! | `WSAWaitForMultipleEvents`                | [`wait_for_multiple`]                  |
//! | `SleepEx`                                 | [`sleep_ex`]                           |
//! | `QueueUserAPC`, `WPUQueueApc`             | [`queue_apc`], [`ThreadHandle`]        |
//! | a window's message queue (`HWND`)         | [`Hwnd`]                               |
//! | `PostMessage`, `GetMessage`, `PeekMessage`| [`Hwnd::post`], [`Hwnd::get`], [`Hwnd::peek`] |
//! | `HANDLE` values, `CloseHandle`            | [`Event::raw`], [`Event::from_raw`], [`close_handle`] |
//!
//! # Waiting goes through a [`Clock`]
//!
//! The engine reads no clock and never parks a thread by itself: every blocking call here
//! takes a [`Clock`], which is implemented for every [`Net`] backend (so a
//! simulated backend runs its virtual network while a thread waits) and by [`RealTime`]
//! for programs that wait outside any backend. Timeouts are measured on that clock.
//!
//! # No lost wake-ups
//!
//! Every thread owns one [`Gate`] (an eventcount). A waiting thread enters its gate into
//! the waiter list of each object it waits on, then sleeps on its gate; setting an event
//! notifies every gate in the event's list, and queuing an APC notifies the target
//! thread's gate. Because the waiter is listed before it checks the objects, a set that
//! happens at any moment after the check wakes it. Nothing polls and nothing sleeps for a
//! fixed time.

mod apc;
mod event;
mod message;
mod registry;
mod wait;

pub use apc::{current_thread, queue_apc, Apc, ThreadHandle};
pub use event::Event;
pub use message::{
    Hwnd, Message, WM_QUIT, WM_USER, WSAGETSELECTERROR, WSAGETSELECTEVENT, WSAMAKESELECTREPLY,
};
pub use registry::close_handle;
pub use wait::{
    sleep_ex, timeout_from_millis, wait_for_multiple, WaitResult, WSA_INFINITE,
    WSA_MAXIMUM_WAIT_EVENTS, WSA_WAIT_EVENT_0, WSA_WAIT_FAILED, WSA_WAIT_IO_COMPLETION,
    WSA_WAIT_TIMEOUT,
};

use crate::net::{Gate, Net};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Where waits get their time and how they park: a [`Net`] backend, or [`RealTime`].
///
/// The contract is [`Net::now`] and [`Net::block_until`]'s: `now` is monotonic, and
/// `block_until` returns `true` as soon as `cond()` returns `true`, or `false` once
/// `now()` has reached `deadline`; it re-evaluates `cond` whenever `gate` is notified
/// (spurious evaluations are allowed). It calls `cond` on the calling thread only.
pub trait Clock {
    /// Monotonic time on this clock.
    fn now(&self) -> Duration;
    /// Park the calling thread until `cond()` holds (`true`) or `deadline` passes
    /// (`false`). See the trait documentation.
    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool;
}

impl<N: Net + ?Sized> Clock for N {
    fn now(&self) -> Duration {
        Net::now(self)
    }
    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        Net::block_until(self, gate, deadline, cond)
    }
}

/// The host's monotonic clock, for waits outside any backend (and for tests).
///
/// `now` counts from the first time any `RealTime` was asked; `block_until` sleeps on the
/// gate with the host's timed condition variable wait.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealTime;

impl Clock for RealTime {
    fn now(&self) -> Duration {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed()
    }
    fn block_until(
        &self,
        gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        crate::net::wait_on_gate(&|| self.now(), gate, deadline, cond)
    }
}

/// Lock a mutex, ignoring poisoning: the objects' invariants hold between statements, so
/// a panic in another holder (an APC, a caller's closure) leaves nothing half-updated.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
