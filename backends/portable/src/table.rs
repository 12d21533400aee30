//! The socket table: [`HostSocket`] ids to host sockets.
//!
//! An id is `generation << 32 | slot`. The generation comes from a counter bumped on
//! every insert, so an id kept after `close` never reaches a socket opened later in the
//! same slot: it gives `WSAENOTSOCK` instead.
//!
//! Lookups take the read lock only long enough to clone an `Arc`; no lock is held across
//! a syscall. A socket being used by one thread while another closes it stays open until
//! the in-flight call returns (the `Arc` keeps the descriptor alive), so a descriptor
//! number is never reused under a running call.

use socket2::Socket;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, RwLock};
use wsp::net::{HostFamily, HostKind, HostSocket};
use wsp::WsaError;

/// One open host socket.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The host socket (non-blocking, close-on-exec).
    pub sock: Socket,
    /// Its address family (chooses `IP_TTL` or `IPV6_UNICAST_HOPS`).
    pub family: HostFamily,
    /// Stream or datagram.
    pub kind: HostKind,
    /// Whether it is registered with the reactor's `mio::Poll`.
    pub registered: AtomicBool,
}

/// A minimal slab: slots reused through a free list, so keys stay small and dense.
#[derive(Debug, Default)]
struct Slab {
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    len: usize,
}

impl Slab {
    fn len(&self) -> usize {
        self.len
    }

    fn insert(&mut self, slot: Slot) -> usize {
        self.len += 1;
        match self.free.pop() {
            Some(key) => {
                self.slots[key] = Some(slot);
                key
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        }
    }

    fn get(&self, key: usize) -> Option<&Slot> {
        self.slots.get(key).and_then(Option::as_ref)
    }

    fn remove(&mut self, key: usize) -> Option<Slot> {
        let slot = self.slots.get_mut(key)?.take()?;
        self.free.push(key);
        self.len -= 1;
        Some(slot)
    }

    fn drain(&mut self) -> impl Iterator<Item = Slot> + '_ {
        self.free.clear();
        self.len = 0;
        self.slots.drain(..).flatten()
    }
}

#[derive(Debug)]
struct Slot {
    generation: u32,
    entry: Arc<Entry>,
}

/// The table of open sockets.
#[derive(Debug, Default)]
pub(crate) struct Table {
    slots: RwLock<Slab>,
    generation: AtomicU32,
}

fn split(s: HostSocket) -> (usize, u32) {
    ((s.0 & 0xffff_ffff) as usize, (s.0 >> 32) as u32)
}

impl Table {
    /// Insert a socket; returns its id.
    pub fn insert(
        &self,
        sock: Socket,
        family: HostFamily,
        kind: HostKind,
    ) -> Result<HostSocket, WsaError> {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry {
            sock,
            family,
            kind,
            registered: AtomicBool::new(false),
        });
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        if slots.len() >= u32::MAX as usize {
            return Err(WsaError::WSAEMFILE);
        }
        let key = slots.insert(Slot { generation, entry });
        Ok(HostSocket((u64::from(generation) << 32) | key as u64))
    }

    /// The socket `s`, or `WSAENOTSOCK` if it is not open.
    pub fn get(&self, s: HostSocket) -> Result<Arc<Entry>, WsaError> {
        let (key, generation) = split(s);
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        match slots.get(key) {
            Some(slot) if slot.generation == generation => Ok(Arc::clone(&slot.entry)),
            _ => Err(WsaError::WSAENOTSOCK),
        }
    }

    /// [`Table::get`] for each of `ids`, under one read lock, into `out` (cleared first).
    pub fn get_each(&self, ids: &[HostSocket], out: &mut Vec<Option<Arc<Entry>>>) {
        out.clear();
        let slots = self.slots.read().unwrap_or_else(|p| p.into_inner());
        out.extend(ids.iter().map(|&s| {
            let (key, generation) = split(s);
            match slots.get(key) {
                Some(slot) if slot.generation == generation => Some(Arc::clone(&slot.entry)),
                _ => None,
            }
        }));
    }

    /// Remove `s` from the table, returning it if it was open.
    pub fn remove(&self, s: HostSocket) -> Option<Arc<Entry>> {
        let (key, generation) = split(s);
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        match slots.get(key) {
            Some(slot) if slot.generation == generation => slots.remove(key).map(|s| s.entry),
            _ => None,
        }
    }

    /// Remove every socket, returning them.
    pub fn drain(&self) -> Vec<Arc<Entry>> {
        let mut slots = self.slots.write().unwrap_or_else(|p| p.into_inner());
        slots.drain().map(|slot| slot.entry).collect()
    }
}
