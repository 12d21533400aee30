//! Message queues standing in for a window (`HWND`), and the async-select reply helpers.

use super::registry::{self, Object, Registration};
use super::{lock, Clock};
use crate::net::Gate;
use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `WM_QUIT`: what [`Hwnd::peek`] returns after [`Hwnd::post_quit`], once no posted
/// message is left (`wparam` is the exit code).
pub const WM_QUIT: u32 = 0x0012;
/// `WM_USER`: the first message number free for applications (async-select messages are
/// usually `WM_USER + n`).
pub const WM_USER: u32 = 0x0400;

/// `WSAMAKESELECTREPLY(event, error)`: the `lParam` of an async-select message, the
/// network event (`FD_*`) in the low word and the error code in the high word, as the C
/// macro's `MAKELONG` builds it (then widened to `LPARAM` with the sign of the `LONG`).
#[allow(non_snake_case)]
pub const fn WSAMAKESELECTREPLY(event: i32, error: i32) -> isize {
    ((((error as u32) & 0xFFFF) << 16) | ((event as u32) & 0xFFFF)) as i32 as isize
}

/// `WSAGETSELECTEVENT(lParam)`: the network event (`FD_*`) of an async-select message.
#[allow(non_snake_case)]
pub const fn WSAGETSELECTEVENT(lparam: isize) -> i32 {
    (lparam as u32 & 0xFFFF) as i32
}

/// `WSAGETSELECTERROR(lParam)`: the error code (0 or a `WsaError` value) of an
/// async-select message.
#[allow(non_snake_case)]
pub const fn WSAGETSELECTERROR(lparam: isize) -> i32 {
    ((lparam as u32 >> 16) & 0xFFFF) as i32
}

/// A posted window message `(hwnd, msg, wParam, lParam)`; `hwnd` is the queue's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    /// Window id ([`Hwnd::id`]; 0 for `WM_QUIT`, which belongs to no window).
    pub hwnd: usize,
    /// Message number.
    pub msg: u32,
    /// `wParam` (the socket for async-select messages).
    pub wparam: usize,
    /// `lParam` (`WSAMAKESELECTREPLY(event, error)` for async-select messages).
    pub lparam: isize,
}

/// A message queue standing in for a window handle. Clones refer to the same queue.
///
/// Messages come out in the order posted. [`Hwnd::get`] blocks (`GetMessage`),
/// [`Hwnd::peek`] does not (`PeekMessage`, with or without `PM_REMOVE`); both can filter
/// by a range of message numbers. [`Hwnd::post_quit`] plays `PostQuitMessage`: as on
/// Windows it is a flag rather than a queued message, reported as `WM_QUIT` only once no
/// posted message matching the filter is left, and regardless of the filter.
///
/// On Windows the queue belongs to a thread and may serve several windows; here each
/// `Hwnd` is its own queue, which is all the SPI needs (`WPUPostMessage` names a window).
///
/// ```
/// use wsp::sync::{Hwnd, RealTime, WM_USER};
///
/// let w = Hwnd::new();
/// assert!(w.post(WM_USER + 1, 7, 0));
/// w.post_quit(3);
/// let m = w.get(&RealTime, 0, 0).unwrap();
/// assert_eq!((m.hwnd, m.msg, m.wparam), (w.id(), WM_USER + 1, 7));
/// assert_eq!(w.get(&RealTime, 0, 0), None); // WM_QUIT
/// ```
#[derive(Clone)]
pub struct Hwnd {
    inner: Arc<HwndInner>,
}

struct HwndInner {
    reg: Registration,
    queue: Mutex<Queue>,
    destroyed: AtomicBool,
    gate: Gate,
    /// A forwarding window's delivery ([`Hwnd::forwarding`]); `None` queues.
    forward: Option<Forward>,
}

/// What a forwarding window does with a posted `(msg, wParam, lParam)`.
type Forward = Box<dyn Fn(u32, usize, isize) -> bool + Send + Sync>;

#[derive(Default)]
struct Queue {
    posted: VecDeque<Message>,
    quit: Option<i32>,
}

impl Default for Hwnd {
    fn default() -> Hwnd {
        Hwnd {
            inner: Arc::new(HwndInner {
                reg: Registration::new(),
                queue: Mutex::new(Queue::default()),
                destroyed: AtomicBool::new(false),
                gate: Gate::new(),
                forward: None,
            }),
        }
    }
}

impl fmt::Debug for Hwnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = lock(&self.inner.queue);
        f.debug_struct("Hwnd")
            .field("id", &self.id())
            .field("queued", &q.posted.len())
            .field("quit", &q.quit)
            .finish()
    }
}

/// Whether `msg` passes the `GetMessage` filter `min..=max` (both zero: everything).
fn in_range(msg: u32, min: u32, max: u32) -> bool {
    (min == 0 && max == 0) || (min..=max).contains(&msg)
}

impl Hwnd {
    /// A new, empty queue.
    pub fn new() -> Hwnd {
        Hwnd::default()
    }

    /// The id messages carry in their `hwnd` field: the queue's handle value, the same
    /// number [`Hwnd::raw`] returns (never 0, never reused).
    pub fn id(&self) -> usize {
        self.inner.reg.id()
    }

    /// A window that queues nothing: every post calls `deliver(msg, wparam, lparam)`
    /// instead, on the posting thread, and returns what it returns. A layered provider
    /// hands one to the provider below it for `WSPAsyncSelect`, so that it can rewrite
    /// `wParam` (the socket) into its own handle before the message reaches the
    /// application's window (see `wsp::layer`).
    pub fn forwarding(deliver: impl Fn(u32, usize, isize) -> bool + Send + Sync + 'static) -> Hwnd {
        Hwnd {
            inner: Arc::new(HwndInner {
                reg: Registration::new(),
                queue: Mutex::new(Queue::default()),
                destroyed: AtomicBool::new(false),
                gate: Gate::new(),
                forward: Some(Box::new(deliver)),
            }),
        }
    }

    /// Whether this is a [`Hwnd::forwarding`] window.
    pub fn is_forwarding(&self) -> bool {
        self.inner.forward.is_some()
    }

    /// Post a message (`PostMessage`). Returns `false` (and drops it) if the queue has
    /// been destroyed, as `PostMessage` fails for a destroyed window.
    pub fn post(&self, msg: u32, wparam: usize, lparam: isize) -> bool {
        if self.is_destroyed() {
            return false;
        }
        if let Some(f) = &self.inner.forward {
            return f(msg, wparam, lparam);
        }
        let m = Message {
            hwnd: self.id(),
            msg,
            wparam,
            lparam,
        };
        lock(&self.inner.queue).posted.push_back(m);
        self.inner.gate.notify();
        true
    }

    /// Ask the loop to end (`PostQuitMessage(exit_code)`): the next retrieval that finds
    /// no matching posted message returns `WM_QUIT` with `wparam = exit_code`.
    pub fn post_quit(&self, exit_code: i32) {
        lock(&self.inner.queue).quit = Some(exit_code);
        self.inner.gate.notify();
    }

    /// Look at the first message in `min..=max` (both zero: any) without waiting
    /// (`PeekMessage`); `remove` takes it (`PM_REMOVE`), otherwise it stays queued
    /// (`PM_NOREMOVE`). Returns a `WM_QUIT` message when only the quit flag is left;
    /// removing it clears the flag.
    pub fn peek(&self, min: u32, max: u32, remove: bool) -> Option<Message> {
        let mut q = lock(&self.inner.queue);
        if let Some(i) = q.posted.iter().position(|m| in_range(m.msg, min, max)) {
            return if remove {
                q.posted.remove(i)
            } else {
                Some(q.posted[i])
            };
        }
        let code = q.quit?;
        if remove {
            q.quit = None;
        }
        Some(Message {
            hwnd: 0,
            msg: WM_QUIT,
            wparam: code as usize,
            lparam: 0,
        })
    }

    /// Take the next message without waiting (`PeekMessage(PM_REMOVE)`, no filter).
    pub fn try_get(&self) -> Option<Message> {
        self.peek(0, 0, true)
    }

    /// Wait for and take the first message in `min..=max` (both zero: any)
    /// (`GetMessage`). Returns `None` when it takes `WM_QUIT`, as `GetMessage` returns
    /// `FALSE`; the exit code is then lost, so use [`Hwnd::wait`] and [`Hwnd::peek`] to
    /// see it. Blocks on `clock` with no timeout.
    pub fn get<C: Clock + ?Sized>(&self, clock: &C, min: u32, max: u32) -> Option<Message> {
        let mut got = None;
        clock.block_until(&self.inner.gate, None, &mut || {
            got = self.peek(min, max, true);
            got.is_some()
        });
        got.filter(|m| m.msg != WM_QUIT)
    }

    /// Wait until a message in `min..=max` (or the quit flag) is there, without taking
    /// it (`MsgWaitForMultipleObjects` on this queue alone). Returns `false` if `timeout`
    /// passed first; a zero timeout polls.
    pub fn wait<C: Clock + ?Sized>(
        &self,
        clock: &C,
        min: u32,
        max: u32,
        timeout: Option<Duration>,
    ) -> bool {
        let mut cond = || self.peek(min, max, false).is_some();
        if cond() {
            return true;
        }
        if timeout == Some(Duration::ZERO) {
            return false;
        }
        let deadline = timeout.and_then(|t| clock.now().checked_add(t));
        clock.block_until(&self.inner.gate, deadline, &mut cond)
    }

    /// Messages queued (not counting the quit flag).
    pub fn len(&self) -> usize {
        lock(&self.inner.queue).posted.len()
    }

    /// Whether no message is queued (the quit flag aside).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The gate notified whenever a message is posted.
    pub fn gate(&self) -> &Gate {
        &self.inner.gate
    }

    /// Whether two values name the same queue.
    pub fn same(&self, other: &Hwnd) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The queue's handle value (equal to [`Hwnd::id`]), opening the handle the first time
    /// so that [`Hwnd::from_raw`] resolves it; see [`Event::raw`](super::Event::raw).
    pub fn raw(&self) -> usize {
        self.inner.reg.open(|| Object::Hwnd(self.clone()))
    }

    /// The queue an open handle value names.
    pub fn from_raw(handle: usize) -> Option<Hwnd> {
        match registry::lookup(handle)? {
            Object::Hwnd(h) => Some(h),
            _ => None,
        }
    }

    /// Destroy the window (`DestroyWindow`): close its handle and refuse further posts.
    /// Messages already queued can still be read.
    pub fn close(&self) {
        registry::retire(&self.inner.reg);
        self.destroy();
    }

    /// Whether the window has been destroyed.
    pub fn is_destroyed(&self) -> bool {
        self.inner.destroyed.load(Ordering::Acquire)
    }

    pub(super) fn destroy(&self) {
        self.inner.destroyed.store(true, Ordering::Release);
        self.inner.gate.notify();
    }

    pub(super) fn registration(&self) -> &Registration {
        &self.inner.reg
    }
}
