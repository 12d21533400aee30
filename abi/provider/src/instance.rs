//! Provider instances: the engine behind one exported `WSPPROC_TABLE`, the caller's upcall
//! table, and the mapping from the caller's `WSAEVENT`/`HWND` handles to engine objects.
//!
//! # Slots
//! The table's entry points are plain C functions without a context argument, so each
//! table is bound to a *slot*: a process-wide cell holding at most one live instance.
//! Slot 0 is the one the exported `WSPStartup` serves. Slots `1..SLOTS` serve
//! [`crate::ForeignProvider::in_tree`], so that tests and conformance cases that run side
//! by side each drive their own engine through C. An instance is created by the first
//! `WSPStartup` of its slot and dropped by the `WSPCleanup` that balances the last one.
//!
//! # Events and windows
//! The engine signals `wsp::sync::Event`s and posts to `wsp::sync::Hwnd`s itself; it does
//! not yet route those through `wsp::upcall::Upcalls` (see the crate docs for the hook
//! this needs). So a caller's handle becomes an engine object here:
//! * if the caller's upcall table is this crate's own ([`crate::ffi::local`]), its handles
//!   are registry handles and resolve directly (`Event::from_raw`, `Hwnd::from_raw`);
//! * otherwise each foreign handle gets a *proxy* object and a forwarding thread that
//!   calls `WPUSetEvent`/`WPUPostMessage` on the caller's handle when the engine signals
//!   the proxy. `WSPEnumNetworkEvents` also calls `WPUResetEvent`. A proxy lives until
//!   the instance is cleaned up.

use crate::abi::{HANDLE, HWND, WSPUPCALLTABLE};
use crate::ffi::upcall::CUpcalls;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use wsp::sync::{Apc, Event, Hwnd, RealTime, ThreadHandle};
use wsp::types::{SOCKET, WSAPROTOCOL_INFOW, WSPDATA};
use wsp::upcall::Upcalls;
use wsp::{Engine, WsaError, Wsp};
use wsp_portable::Portable;

/// Number of slots (0 for the exported `WSPStartup`, the rest for in-tree wrappers).
pub const SLOTS: usize = 16;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One live provider instance.
pub struct Instance {
    /// The engine every entry point calls.
    pub engine: Engine<Portable>,
    /// The caller's upcalls.
    pub up: CUpcalls,
    /// Whether the caller's handles are this crate's registry handles.
    native: bool,
    /// Catalog entries `WSPStartup` was called for.
    pub started: Mutex<Vec<WSAPROTOCOL_INFOW>>,
    events: Mutex<HashMap<HANDLE, Proxy<Event>>>,
    windows: Mutex<HashMap<HWND, Proxy<Hwnd>>>,
}

struct Proxy<T> {
    object: T,
    stop: Arc<AtomicBool>,
}

impl Instance {
    fn new(up: CUpcalls) -> Result<Instance, WsaError> {
        let net = Portable::new().map_err(|_| WsaError::WSASYSNOTREADY)?;
        Ok(Instance {
            engine: Engine::new(net),
            native: up.is_local(),
            up,
            started: Mutex::new(Vec::new()),
            events: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
        })
    }

    /// Whether `h` is handled through a proxy (so resets must be forwarded).
    pub fn is_proxied_event(&self, h: HANDLE) -> bool {
        !self.native && h != 0
    }

    /// The engine event for the caller's `WSAEVENT` (0 is `None`). An unknown registry
    /// handle is `WSAEINVAL`, as `WSAEventSelect` reports an invalid event.
    pub fn event(&self, h: HANDLE) -> Result<Option<Event>, WsaError> {
        if h == 0 {
            return Ok(None);
        }
        if self.native {
            return Event::from_raw(h).map(Some).ok_or(WsaError::WSAEINVAL);
        }
        let mut map = lock(&self.events);
        if let Some(p) = map.get(&h) {
            return Ok(Some(p.object.clone()));
        }
        let proxy = Event::new();
        let stop = Arc::new(AtomicBool::new(false));
        let (ev, flag, up) = (proxy.clone(), stop.clone(), self.up);
        std::thread::Builder::new()
            .name("wsp-event-proxy".into())
            .spawn(move || loop {
                ev.wait(&RealTime, None, false);
                if flag.load(Ordering::Acquire) {
                    return;
                }
                ev.reset();
                let _ = up.set_event(h);
            })
            .map_err(|_| WsaError::WSAENOBUFS)?;
        map.insert(
            h,
            Proxy {
                object: proxy.clone(),
                stop,
            },
        );
        Ok(Some(proxy))
    }

    /// The engine window for the caller's `HWND` (0 is `None`).
    pub fn window(&self, h: HWND) -> Result<Option<Hwnd>, WsaError> {
        if h == 0 {
            return Ok(None);
        }
        if self.native {
            return Hwnd::from_raw(h).map(Some).ok_or(WsaError::WSAEINVAL);
        }
        let mut map = lock(&self.windows);
        if let Some(p) = map.get(&h) {
            return Ok(Some(p.object.clone()));
        }
        let proxy = Hwnd::new();
        let stop = Arc::new(AtomicBool::new(false));
        let (w, up) = (proxy.clone(), self.up);
        std::thread::Builder::new()
            .name("wsp-window-proxy".into())
            .spawn(move || {
                while let Some(m) = w.get(&RealTime, 0, 0) {
                    up.post_message(h, m.msg, m.wparam, m.lparam);
                }
            })
            .map_err(|_| WsaError::WSAENOBUFS)?;
        map.insert(
            h,
            Proxy {
                object: proxy.clone(),
                stop,
            },
        );
        Ok(Some(proxy))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        for (_, p) in lock(&self.events).drain() {
            p.stop.store(true, Ordering::Release);
            p.object.set();
        }
        for (_, p) in lock(&self.windows).drain() {
            p.stop.store(true, Ordering::Release);
            p.object.post_quit(0);
        }
    }
}

struct Slot {
    instance: Option<Arc<Instance>>,
    users: u32,
    reserved: bool,
}

static SLOT_CELLS: [Mutex<Slot>; SLOTS] = [const {
    Mutex::new(Slot {
        instance: None,
        users: 0,
        reserved: false,
    })
}; SLOTS];

/// The live instance of `slot`, or `WSANOTINITIALISED`.
pub fn get(slot: usize) -> Result<Arc<Instance>, WsaError> {
    SLOT_CELLS
        .get(slot)
        .and_then(|c| lock(c).instance.clone())
        .ok_or(WsaError::WSANOTINITIALISED)
}

/// `WSPStartup` for `slot`: validate the protocol info against the catalog, create the
/// instance if this is the first user, and count one more user.
pub fn startup(
    slot: usize,
    version: u16,
    info: &WSAPROTOCOL_INFOW,
    upcalls: WSPUPCALLTABLE,
) -> Result<WSPDATA, WsaError> {
    let cell = SLOT_CELLS.get(slot).ok_or(WsaError::WSAEINVALIDPROVIDER)?;
    let catalog = wsp::catalog::entries();
    let index =
        wsp::catalog::select_info(&catalog, info).map_err(|_| WsaError::WSAEINVALIDPROVIDER)?;
    let mut c = lock(cell);
    let inst = match &c.instance {
        Some(i) => i.clone(),
        None => Arc::new(Instance::new(CUpcalls(upcalls))?),
    };
    let data = inst.engine.startup(version)?;
    lock(&inst.started).push(catalog[index]);
    c.instance = Some(inst);
    c.users += 1;
    Ok(data)
}

/// `WSPCleanup` for `slot`: one user fewer; the last one drops the instance.
pub fn cleanup(slot: usize) -> Result<(), WsaError> {
    let cell = SLOT_CELLS.get(slot).ok_or(WsaError::WSANOTINITIALISED)?;
    let mut c = lock(cell);
    let inst = c.instance.clone().ok_or(WsaError::WSANOTINITIALISED)?;
    inst.engine.cleanup()?;
    c.users = c.users.saturating_sub(1);
    if c.users == 0 {
        c.instance = None;
    }
    Ok(())
}

/// Reserve a free in-tree slot (1..SLOTS) for a new wrapper; `None` when all are taken.
pub fn reserve() -> Option<usize> {
    (1..SLOTS).find(|&i| {
        let mut c = lock(&SLOT_CELLS[i]);
        if c.reserved || c.instance.is_some() {
            false
        } else {
            c.reserved = true;
            true
        }
    })
}

/// Give a reserved slot back, dropping an instance a careless user left started.
pub fn release(slot: usize) {
    if let Some(cell) = SLOT_CELLS.get(slot) {
        let mut c = lock(cell);
        c.reserved = false;
        c.users = 0;
        c.instance = None;
    }
}

/// [`Upcalls`] over a C `WSPUPCALLTABLE`: the engine's objects stand for the caller's
/// handles, mapped back by their registry handle values (`Event::raw`, `Hwnd::raw`).
///
/// This is the implementation the engine will call once it routes its notifications
/// through `Upcalls`; until then the instance's proxies forward through the same table.
pub struct TableUpcalls {
    up: CUpcalls,
    events: Mutex<HashMap<usize, HANDLE>>,
    windows: Mutex<HashMap<usize, HWND>>,
}

impl TableUpcalls {
    /// Upcalls over `table`.
    pub fn new(table: WSPUPCALLTABLE) -> TableUpcalls {
        TableUpcalls {
            up: CUpcalls(table),
            events: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Declare that `event` stands for the caller's handle `h`.
    pub fn bind_event(&self, event: &Event, h: HANDLE) {
        lock(&self.events).insert(event.raw(), h);
    }

    /// Declare that `hwnd` stands for the caller's window `h`.
    pub fn bind_window(&self, hwnd: &Hwnd, h: HWND) {
        lock(&self.windows).insert(hwnd.raw(), h);
    }

    fn foreign_event(&self, e: &Event) -> Result<HANDLE, WsaError> {
        lock(&self.events)
            .get(&e.raw())
            .copied()
            .ok_or(WsaError::WSA_INVALID_HANDLE)
    }
}

impl Upcalls for TableUpcalls {
    fn create_event(&self) -> Result<Event, WsaError> {
        let h = self.up.create_event()?;
        let e = Event::new();
        self.bind_event(&e, h);
        Ok(e)
    }
    fn set_event(&self, event: &Event) -> Result<(), WsaError> {
        self.up.set_event(self.foreign_event(event)?)
    }
    fn reset_event(&self, event: &Event) -> Result<(), WsaError> {
        self.up.reset_event(self.foreign_event(event)?)
    }
    fn close_event(&self, event: &Event) -> Result<(), WsaError> {
        let h = lock(&self.events)
            .remove(&event.raw())
            .ok_or(WsaError::WSA_INVALID_HANDLE)?;
        event.close();
        self.up.close_event(h)
    }
    fn post_message(&self, hwnd: &Hwnd, msg: u32, wparam: usize, lparam: isize) -> bool {
        match lock(&self.windows).get(&hwnd.raw()).copied() {
            Some(h) => self.up.post_message(h, msg, wparam, lparam),
            None => false,
        }
    }
    fn queue_apc(&self, thread: &ThreadHandle, routine: Apc) -> Result<(), WsaError> {
        // A Rust closure cannot cross to a foreign thread's APC queue without a trampoline
        // and a boxed context; the engine's threads are this process's, so queue locally.
        thread.queue(routine)
    }
    fn complete_overlapped(
        &self,
        _socket: SOCKET,
        _overlapped: usize,
        _error: Option<WsaError>,
        _bytes: u32,
        _flags: u32,
    ) -> Result<(), WsaError> {
        // WPUCompleteOverlappedRequest is a ws2_32 export, not an upcall-table entry; the
        // provider completes overlapped requests itself once the engine has them.
        Err(WsaError::WSAEOPNOTSUPP)
    }
    fn create_socket_handle(&self, entry: u32, context: usize) -> Result<SOCKET, WsaError> {
        self.up.create_socket_handle(entry, context)
    }
    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        self.up.query_socket_handle_context(s)
    }
    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        self.up.close_socket_handle(s)
    }
}
