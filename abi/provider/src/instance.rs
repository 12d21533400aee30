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
//! # Events, windows and threads
//! The engine reports through [`TableUpcalls`] (installed with `Engine::set_upcalls`), so a
//! caller's handle becomes an engine object here:
//! * if the caller's upcall table is this crate's own ([`crate::ffi::local`]), its handles
//!   are registry handles and resolve directly (`Event::from_raw`, `Hwnd::from_raw`,
//!   `ThreadHandle::from_raw`): no map, no C call;
//! * otherwise each foreign handle gets a stand-in object, bound to the handle in the
//!   [`TableUpcalls`], which calls `WPUSetEvent`/`WPUResetEvent`/`WPUPostMessage`/
//!   `WPUQueueApc` on the caller's handle when the engine signals the stand-in. A stand-in
//!   lives until the instance is cleaned up.

use crate::abi::{HANDLE, HWND, WSATHREADID, WSPUPCALLTABLE};
use crate::ffi::upcall::CUpcalls;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use wsp::overlapped::{OpHandle, OpResult};
use wsp::sync::{current_thread, Event, Hwnd, ThreadHandle};
use wsp::types::{SOCKET, WSAPROTOCOL_INFOW, WSPDATA};
use wsp::upcall::Upcalls;
use wsp::{Engine, WsaError, WspExt};

/// The network the provider's engine runs on: the portable backend on Linux/macOS.
#[cfg(unix)]
pub type Backend = wsp_portable::Portable;
/// The network the provider's engine runs on: on Windows, until a backend that calls the
/// next provider in the chain exists, the in-memory simulated network (one per instance:
/// sockets of one instance reach each other, nothing else).
#[cfg(not(unix))]
pub type Backend = wsp_sim::Sim;

#[cfg(unix)]
fn backend() -> Result<Backend, WsaError> {
    wsp_portable::Portable::new().map_err(|_| WsaError::WSASYSNOTREADY)
}

#[cfg(not(unix))]
fn backend() -> Result<Backend, WsaError> {
    Ok(wsp_sim::Sim::new(0x5157_0001))
}

/// Number of slots (0 for the exported `WSPStartup`, the rest for in-tree wrappers).
pub const SLOTS: usize = 16;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One live provider instance.
pub struct Instance {
    /// What every entry point calls: the engine, or a layered provider
    /// ([`crate::layer::Export`]) over it or over a foreign table.
    pub provider: Arc<dyn WspExt>,
    /// The in-tree engine at the bottom, when there is one (none when a layer stands on a
    /// provider loaded by path).
    pub engine: Option<Engine<Backend>>,
    /// The catalog this instance serves (the engine's, or the layer's chain entries).
    pub catalog: Vec<WSAPROTOCOL_INFOW>,
    /// The caller's upcalls.
    pub up: CUpcalls,
    /// What the engine reports through (the caller's table, with handle mapping).
    pub upcalls: Arc<TableUpcalls>,
    /// Catalog entries `WSPStartup` was called for.
    pub started: Mutex<Vec<WSAPROTOCOL_INFOW>>,
    events: Mutex<HashMap<HANDLE, Event>>,
    windows: Mutex<HashMap<HWND, Hwnd>>,
}

impl Instance {
    fn new(
        up: CUpcalls,
        non_ifs: bool,
        layer: Option<Arc<crate::layer::Export>>,
    ) -> Result<Instance, WsaError> {
        // A layer makes its own socket handles with the caller's WPUCreateSocketHandle, so
        // the instance publishes nothing more.
        let upcalls = Arc::new(TableUpcalls::new(up.0, non_ifs && layer.is_none()));
        let mut engine = None;
        let mut make_engine = || -> Result<Arc<dyn WspExt>, WsaError> {
            let e = Engine::new(backend()?);
            e.set_upcalls(upcalls.clone());
            engine = Some(e.clone());
            Ok(Arc::new(e))
        };
        let (provider, catalog) = match &layer {
            None => (make_engine()?, wsp::catalog::entries()),
            Some(x) => {
                let up: Arc<dyn Upcalls> = upcalls.clone();
                (x.build(up, &mut make_engine)?, x.catalog())
            }
        };
        Ok(Instance {
            provider,
            engine,
            catalog,
            up,
            upcalls,
            started: Mutex::new(Vec::new()),
            events: Mutex::new(HashMap::new()),
            windows: Mutex::new(HashMap::new()),
        })
    }

    /// The engine event for the caller's `WSAEVENT` (0 is `None`). An unknown registry
    /// handle is `WSAEINVAL`, as `WSAEventSelect` reports an invalid event.
    pub fn event(&self, h: HANDLE) -> Result<Option<Event>, WsaError> {
        if h == 0 {
            return Ok(None);
        }
        if self.upcalls.is_native() {
            return Event::from_raw(h).map(Some).ok_or(WsaError::WSAEINVAL);
        }
        let mut map = lock(&self.events);
        let e = map.entry(h).or_insert_with(|| {
            let e = Event::new();
            self.upcalls.bind_event(&e, h);
            e
        });
        Ok(Some(e.clone()))
    }

    /// The engine window for the caller's `HWND` (0 is `None`).
    pub fn window(&self, h: HWND) -> Result<Option<Hwnd>, WsaError> {
        if h == 0 {
            return Ok(None);
        }
        if self.upcalls.is_native() {
            return Hwnd::from_raw(h).map(Some).ok_or(WsaError::WSAEINVAL);
        }
        let mut map = lock(&self.windows);
        let w = map.entry(h).or_insert_with(|| {
            let w = Hwnd::new();
            self.upcalls.bind_window(&w, h);
            w
        });
        Ok(Some(w.clone()))
    }

    /// The engine's socket for the caller's handle `h` (see [`TableUpcalls::inward`]).
    pub fn sock(&self, h: SOCKET) -> Result<SOCKET, WsaError> {
        self.upcalls.inward(h)
    }

    /// The caller's handle for a socket the engine just made (`WPUCreateSocketHandle`
    /// for a non-IFS provider). If no handle can be made, the engine socket is closed
    /// again and the error returned.
    pub fn publish(&self, e: SOCKET, info: Option<&WSAPROTOCOL_INFOW>) -> Result<SOCKET, WsaError> {
        if !self.upcalls.is_non_ifs() {
            return Ok(e);
        }
        let entry = match info {
            Some(i) => i.dwCatalogEntryId,
            None => lock(&self.started)
                .first()
                .map_or(0, |i| i.dwCatalogEntryId),
        };
        self.upcalls.publish(e, entry).inspect_err(|_| {
            let _ = self.provider.close_socket(e);
        })
    }

    /// Wait for an overlapped operation of this instance's provider to complete: on the
    /// engine's clock when the engine is at the bottom, else in real time.
    pub fn wait_op(&self, op: &OpHandle) -> Option<OpResult> {
        match &self.engine {
            Some(e) => e.wait_op(op, None),
            None => op.wait(&wsp::sync::RealTime, None),
        }
    }

    /// The engine thread for the caller's `WSATHREADID` (`lpThreadId` of an overlapped
    /// call with a completion routine): the registry thread itself for native callers,
    /// else the calling thread's own handle bound to the caller's id, so the engine's
    /// `queue_apc` reaches `WPUQueueApc` with it.
    pub fn thread(&self, id: &WSATHREADID) -> ThreadHandle {
        if self.upcalls.is_native() {
            if let Some(t) = ThreadHandle::from_raw(id.ThreadHandle) {
                return t;
            }
        }
        let t = current_thread();
        self.upcalls.bind_thread(&t, *id);
        t
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

/// Per slot: make the next instance non-IFS on every platform (it is on Windows anyway),
/// so socket handles come from the caller's `WPUCreateSocketHandle`.
static NON_IFS: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];

/// Make `slot`'s next instance hand out the caller's own socket handles
/// (`WPUCreateSocketHandle`), as a non-IFS provider on Windows must; for tests of that path
/// on other platforms.
pub fn set_non_ifs(slot: usize, on: bool) {
    if let Some(f) = NON_IFS.get(slot) {
        f.store(on, Ordering::Relaxed);
    }
}

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
    let layer = crate::layer::for_slot(slot);
    let catalog = match &layer {
        Some(x) => x.catalog(),
        None => wsp::catalog::entries(),
    };
    let index =
        wsp::catalog::select_info(&catalog, info).map_err(|_| WsaError::WSAEINVALIDPROVIDER)?;
    let mut c = lock(cell);
    let inst = match &c.instance {
        Some(i) => i.clone(),
        None => Arc::new(Instance::new(
            CUpcalls(upcalls),
            cfg!(windows) || NON_IFS[slot].load(Ordering::Relaxed),
            layer,
        )?),
    };
    let data = inst.provider.startup(version)?;
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
    inst.provider.cleanup()?;
    c.users = c.users.saturating_sub(1);
    if c.users == 0 {
        inst.upcalls.unpublish_all();
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
        NON_IFS[slot].store(false, Ordering::Relaxed);
        crate::layer::set_slot(slot, None);
        let mut c = lock(cell);
        c.reserved = false;
        c.users = 0;
        c.instance = None;
    }
}

pub use crate::ffi::upcall::TableUpcalls;
