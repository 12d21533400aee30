//! The socket handle table.
//!
//! A `SOCKET` value encodes a slot index and that slot's generation:
//! `((generation << INDEX_BITS) | (index + 1)) << 2`. Values are multiples of four (as
//! Windows' handles are), never 0, and below 2^31 so that legacy C code that stores a
//! `SOCKET` in an `int` keeps working. A closed handle's slot gets a new generation, and
//! freed slots are reused oldest-first, so a stale handle can only alias a new socket after
//! its slot has been reused 2^GEN_BITS times (2,048) — and each such reuse needs every other
//! free slot to be reused first. (A LIFO free list, like `slab`'s, would reuse the slot just
//! freed and wrap a generation counter far sooner; that is why this is not a `slab`.)

use crate::types::SOCKET;
use std::collections::VecDeque;

const INDEX_BITS: u32 = 18;
const GEN_BITS: u32 = 11;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
const GEN_MASK: u32 = (1 << GEN_BITS) - 1;
/// Most slots a table can hold.
pub const MAX_SLOTS: usize = INDEX_MASK - 1;

struct Slot<T> {
    generation: u32,
    value: Option<T>,
}

/// A generational handle table.
pub struct HandleTable<T> {
    slots: Vec<Slot<T>>,
    free: VecDeque<usize>,
    len: usize,
}

impl<T> Default for HandleTable<T> {
    fn default() -> Self {
        HandleTable {
            slots: Vec::new(),
            free: VecDeque::new(),
            len: 0,
        }
    }
}

fn encode(index: usize, generation: u32) -> SOCKET {
    ((((generation & GEN_MASK) as usize) << INDEX_BITS) | (index + 1)) << 2
}

fn decode(handle: SOCKET) -> Option<(usize, u32)> {
    if handle & 3 != 0 || handle >= (1usize << 31) {
        return None;
    }
    let v = handle >> 2;
    let index = (v & INDEX_MASK).checked_sub(1)?;
    Some((index, (v >> INDEX_BITS) as u32))
}

impl<T> HandleTable<T> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Insert the value `make(handle)` builds; `None` when the table is full.
    pub fn insert_with(&mut self, make: impl FnOnce(SOCKET) -> T) -> Option<SOCKET> {
        let index = match self.free.pop_front() {
            Some(i) => i,
            None => {
                if self.slots.len() >= MAX_SLOTS {
                    return None;
                }
                self.slots.push(Slot {
                    generation: 0,
                    value: None,
                });
                self.slots.len() - 1
            }
        };
        let slot = &mut self.slots[index];
        let handle = encode(index, slot.generation);
        slot.value = Some(make(handle));
        self.len += 1;
        Some(handle)
    }

    /// The entry for `handle`, if it is live and of the current generation.
    pub fn get(&self, handle: SOCKET) -> Option<&T> {
        let (index, generation) = decode(handle)?;
        let slot = self.slots.get(index)?;
        if slot.generation != generation {
            return None;
        }
        slot.value.as_ref()
    }

    /// Remove and return the entry for `handle`; its slot's generation moves on.
    pub fn remove(&mut self, handle: SOCKET) -> Option<T> {
        let (index, generation) = decode(handle)?;
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation = (slot.generation + 1) & GEN_MASK;
        self.free.push_back(index);
        self.len -= 1;
        Some(value)
    }

    /// Put `value` in place of the live entry for `handle` (same handle, same
    /// generation), returning the old one; `None` (and `value` dropped) if not live.
    pub fn replace(&mut self, handle: SOCKET, value: T) -> Option<T> {
        let (index, generation) = decode(handle)?;
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation || slot.value.is_none() {
            return None;
        }
        slot.value.replace(value)
    }

    /// Remove every entry, returning them.
    pub fn drain(&mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if let Some(v) = slot.value.take() {
                slot.generation = (slot.generation + 1) & GEN_MASK;
                self.free.push_back(index);
                out.push(v);
            }
        }
        self.len = 0;
        out
    }

    /// Every live `(handle, entry)`.
    pub fn iter(&self) -> impl Iterator<Item = (SOCKET, &T)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.value.as_ref().map(|v| (encode(i, s.generation), v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_nonzero_multiples_of_four_below_2_pow_31() {
        let mut t = HandleTable::new();
        for _ in 0..1000 {
            let h = t.insert_with(|_| ()).unwrap();
            assert_ne!(h, 0);
            assert_eq!(h % 4, 0);
            assert!(h < 1 << 31);
        }
    }

    #[test]
    fn stale_handle_never_reaches_new_entry() {
        let mut t = HandleTable::new();
        let a = t.insert_with(|h| h).unwrap();
        assert_eq!(t.remove(a), Some(a));
        let b = t.insert_with(|h| h).unwrap();
        assert_ne!(a, b);
        assert!(t.get(a).is_none());
        assert_eq!(t.get(b), Some(&b));
        assert!(t.remove(a).is_none());
    }

    #[test]
    fn freed_slots_are_reused_oldest_first() {
        let mut t = HandleTable::new();
        let hs: Vec<_> = (0..4).map(|_| t.insert_with(|_| ()).unwrap()).collect();
        for h in &hs {
            t.remove(*h);
        }
        // 4 more inserts reuse the 4 slots in the order they were freed, each with a new
        // generation, so none equals an old handle.
        for _ in 0..4 {
            let h = t.insert_with(|_| ()).unwrap();
            assert!(!hs.contains(&h));
        }
    }

    #[test]
    fn garbage_handles_decode_to_nothing() {
        let mut t: HandleTable<()> = HandleTable::new();
        t.insert_with(|_| ());
        for h in [0usize, 1, 2, 3, 5, !0, 1 << 40, usize::MAX - 3] {
            assert!(t.get(h).is_none(), "{h:#x}");
        }
    }

    #[test]
    fn drain_empties_and_invalidates() {
        let mut t = HandleTable::new();
        let a = t.insert_with(|_| 1).unwrap();
        assert_eq!(t.drain(), vec![1]);
        assert!(t.get(a).is_none());
        assert!(t.is_empty());
    }
}
