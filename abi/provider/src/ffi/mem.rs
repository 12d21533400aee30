//! Caller memory: the one step from a C pointer and its declared length to bytes.
//! Everything after this is [`crate::decode`] over Rust-owned bytes.
//!
//! Two kinds of caller memory cross the boundary, and they are treated differently:
//!
//! * **Structures the library reads or writes itself** — socket addresses and their
//!   length words, `WSABUF` arrays, `fd_set`s, option and ioctl buffers,
//!   `WSAOVERLAPPED`, `WSAPROTOCOL_INFOW`, `WSANETWORKEVENTS`, `lpErrno`, strings. These
//!   are copied in ([`read`], [`copy_in`], [`struct_bytes`], [`wide_cstr`], [`cstr`]) and
//!   out ([`write`], [`copy_out`], [`put_wide`]) by the kernel ([`super::probe`]): memory
//!   that is unmapped, `PROT_NONE`, or (for writes) read-only gives `WSAEFAULT`, as
//!   Windows' kernel probe does ("not completely contained in a valid part of the user
//!   address space"), never a crash. No reference to caller memory is made for them.
//! * **Data buffers** (the bytes a `WSABUF` points to, `buf` of `send`/`recv`) stay
//!   zero-copy: [`in_bytes`]/[`out_bytes`] make slices over them that go to the host's
//!   `sendmsg`/`recvmsg`, and the host reports a bad one as `EFAULT` (= `WSAEFAULT`). The
//!   few engine paths that copy data in user space (the emulated framed protocol, the
//!   AcceptEx address block, ioctl output) are given memory that [`probe_in`]/
//!   [`probe_out`] checked first.
//!
//! A call that reads or writes several structures adds them to a [`Batch`]: one kernel
//! check for all of them (its inputs before the operation, its outputs after), with the
//! outcome and error order of copying them one by one.
//!
//! Null pointers are `WSAEFAULT` everywhere. Reads and writes of single values are
//! unaligned-safe.

use super::probe;
use wsp::WsaError;

/// Bytes the caller declared at `p` (`len` bytes), zero-copy: a **data buffer** that goes
/// to the host (module docs). Null with `len > 0` is `WSAEFAULT`; `len == 0` gives an
/// empty slice whatever `p` is. Do not decode structures from it: use [`copy_in`].
///
/// # Safety
/// A non-null `p` must be valid for reads of `len` bytes for `'a`, or point at memory the
/// only reader of which is a host call that reports a bad address as `EFAULT`.
pub unsafe fn in_bytes<'a>(p: *const u8, len: usize) -> Result<&'a [u8], WsaError> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null and, by this function's contract, valid for `len` bytes (or only
    // handed to a host call that checks it).
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Writable bytes the caller declared at `p` (`len` bytes), zero-copy: a **data buffer**
/// (as [`in_bytes`]); null with `len > 0` is `WSAEFAULT`.
///
/// # Safety
/// As [`in_bytes`], for writes, and not aliased by another slice made here during the call.
pub unsafe fn out_bytes<'a>(p: *mut u8, len: usize) -> Result<&'a mut [u8], WsaError> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-null and, by this function's contract, valid and unaliased for `len`.
    Ok(unsafe { core::slice::from_raw_parts_mut(p, len) })
}

/// `len` caller bytes at `p`, copied (checked); null or bad memory is `WSAEFAULT`. A
/// length beyond [`BIG`] is first probed page by page, so a garbage length over a small
/// valid buffer is `WSAEFAULT` before anything that large is allocated.
///
/// # Safety
/// None beyond [`probe::copy_in`]'s (only on a host without a checked method must `p` be
/// valid).
pub unsafe fn copy_in(p: *const u8, len: usize) -> Result<Vec<u8>, WsaError> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() || (len > BIG && !probe::readable(p, len)) {
        return Err(WsaError::WSAEFAULT);
    }
    let mut v = vec![0u8; len];
    // SAFETY: forwarded contract.
    unsafe { probe::copy_in(p, &mut v) }.map_err(|_| WsaError::WSAEFAULT)?;
    Ok(v)
}

/// Lengths up to this are copied without a page probe first.
pub const BIG: usize = 64 * 1024;

/// Copy `bytes` to the caller's `p` (checked); null or bad memory is `WSAEFAULT`. Empty
/// `bytes` writes nothing and always succeeds.
///
/// # Safety
/// As [`copy_in`].
pub unsafe fn copy_out(p: *mut u8, bytes: &[u8]) -> Result<(), WsaError> {
    if bytes.is_empty() {
        return Ok(());
    }
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: forwarded contract.
    unsafe { probe::copy_out(bytes, p) }.map_err(|_| WsaError::WSAEFAULT)
}

/// Check that the caller's `len` bytes at `p` are readable now (a range used in place
/// later, by code that reads it in user space); null with `len > 0` is `WSAEFAULT`.
pub fn probe_in(p: *const u8, len: usize) -> Result<(), WsaError> {
    if probe::readable(p, len) {
        Ok(())
    } else {
        Err(WsaError::WSAEFAULT)
    }
}

/// Check that the caller's `len` bytes at `p` are writable now (as [`probe_in`]).
pub fn probe_out(p: *mut u8, len: usize) -> Result<(), WsaError> {
    if probe::writable(p, len) {
        Ok(())
    } else {
        Err(WsaError::WSAEFAULT)
    }
}

/// The bytes of one `T` at `p`, copied (for decoding with [`crate::decode`]); null or bad
/// memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`].
pub unsafe fn struct_bytes<T>(p: *const T) -> Result<Vec<u8>, WsaError> {
    // SAFETY: forwarded contract; `T`'s size is the declared length.
    unsafe { copy_in(p.cast(), core::mem::size_of::<T>()) }
}

/// Read one `T` (a checked, unaligned copy); null or bad memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`], and any bit pattern must be a valid `T` (use only for integers,
/// `Option` of function pointers, and `#[repr(C)]` structs of those and raw pointers).
pub unsafe fn read<T: Copy>(p: *const T) -> Result<T, WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    let mut v = core::mem::MaybeUninit::<T>::uninit();
    // SAFETY: the destination is the `size_of::<T>()` bytes of a local; the source is
    // checked by the kernel.
    let dst =
        unsafe { core::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), size_of::<T>()) };
    // SAFETY: forwarded contract.
    unsafe { probe::copy_in(p.cast(), dst) }.map_err(|_| WsaError::WSAEFAULT)?;
    // SAFETY: every byte was written by the copy, and any bit pattern is a valid `T` by
    // this function's contract.
    Ok(unsafe { v.assume_init() })
}

/// Write one `T` (a checked, unaligned copy); null or bad memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`]. `v` is moved into the caller's memory (not dropped here).
pub unsafe fn write<T>(p: *mut T, v: T) -> Result<(), WsaError> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    let v = core::mem::ManuallyDrop::new(v);
    let src = (&*v as *const T).cast::<u8>();
    // SAFETY: the source is the bytes of a live local `T` (padding bytes only travel
    // through the copy, no Rust code reads them); forwarded contract for `p`.
    unsafe { probe::copy_out_raw(src, size_of::<T>(), p.cast()) }.map_err(|_| WsaError::WSAEFAULT)
}

/// Longest NUL-terminated UTF-16 string read from a caller (address strings are short).
pub const MAX_WIDE: usize = 4096;

/// Longest NUL-terminated narrow string read from a caller.
pub const MAX_NARROW: usize = 64 * 1024;

/// Read a NUL-terminated string of `unit`-byte units, in checked copies that never cross a
/// page boundary past the terminator, at most `max` units before it (longer is
/// `WSAEINVAL`). Returns the bytes before the NUL.
fn terminated(p: usize, unit: usize, max: usize) -> Result<Vec<u8>, WsaError> {
    if p == 0 {
        return Err(WsaError::WSAEFAULT);
    }
    const CHUNK: usize = 256;
    let mut out = Vec::new();
    let mut at = p;
    loop {
        // Up to the end of this 256-byte block (a divisor of any page size), whole units.
        let mut n = CHUNK - at % CHUNK;
        n -= n % unit;
        if n == 0 {
            n = unit;
        }
        let mut buf = [0u8; CHUNK + 8];
        // SAFETY: checked copy of `n` bytes at `at` (an odd unit straddling two blocks is
        // read whole: both blocks belong to the string up to its NUL).
        unsafe { probe::copy_in(at as *const u8, &mut buf[..n]) }
            .map_err(|_| WsaError::WSAEFAULT)?;
        for c in buf[..n].chunks_exact(unit) {
            if c.iter().all(|&b| b == 0) {
                return Ok(out);
            }
            if out.len() / unit == max {
                return Err(WsaError::WSAEINVAL);
            }
            out.extend_from_slice(c);
        }
        at = at.checked_add(n).ok_or(WsaError::WSAEFAULT)?;
    }
}

/// A NUL-terminated UTF-16 string at `p` (checked), at most [`MAX_WIDE`] units (longer is
/// `WSAEINVAL`); null or bad memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`].
pub unsafe fn wide_cstr(p: *const u16) -> Result<Vec<u16>, WsaError> {
    let b = terminated(p as usize, 2, MAX_WIDE)?;
    Ok(b.chunks_exact(2)
        .map(|c| u16::from_ne_bytes([c[0], c[1]]))
        .collect())
}

/// A NUL-terminated narrow string at `p` (checked): its bytes without the NUL, at most
/// [`MAX_NARROW`] (longer is `WSAEINVAL`); null or bad memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`].
pub unsafe fn cstr(p: *const core::ffi::c_char) -> Result<Vec<u8>, WsaError> {
    terminated(p as usize, 1, MAX_NARROW)
}

/// Store UTF-16 `units` at the caller's `p` (checked); null or bad memory is `WSAEFAULT`.
///
/// # Safety
/// As [`copy_in`].
pub unsafe fn put_wide(p: *mut u16, units: &[u16]) -> Result<(), WsaError> {
    let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_ne_bytes()).collect();
    // SAFETY: forwarded contract.
    unsafe { copy_out(p.cast(), &bytes) }
}

/// Several caller structures copied in and out with **one** kernel check
/// ([`probe::transfer`]): a call adds what it reads and writes ([`Batch::read`],
/// [`Batch::bytes`], [`Batch::write`]), runs the batch, then takes each result from the
/// [`Done`] in the order it would have read them one by one. A piece that faulted makes
/// its own result and every later one `WSAEFAULT`, and the pieces after it are not
/// transferred: the same outcome, and the same error order, as copying them in turn and
/// stopping at the first failure.
#[derive(Debug, Default)]
pub struct Batch {
    /// `(caller address, offset in arena, length, is a write)`.
    pieces: Vec<(usize, usize, usize, bool)>,
    arena: Vec<u8>,
    /// The first piece known bad before any copy (a length beyond [`BIG`] whose pages are
    /// not all readable).
    bad: Option<usize>,
}

/// A piece of a [`Batch`]: read a `T` (`Slot<T>`), bytes (`Slot<[u8]>`) or a write
/// (`Slot<()>`).
#[derive(Debug)]
pub struct Slot<T: ?Sized> {
    index: usize,
    at: usize,
    len: usize,
    _t: core::marker::PhantomData<fn() -> *const T>,
}

impl<T: ?Sized> Clone for Slot<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Slot<T> {}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    fn add<T: ?Sized>(&mut self, p: usize, bytes: Option<&[u8]>, len: usize) -> Slot<T> {
        let index = self.pieces.len();
        let at = self.arena.len();
        match bytes {
            Some(b) => self.arena.extend_from_slice(b),
            None => self.arena.resize(at + len, 0),
        }
        self.pieces.push((p, at, len, bytes.is_some()));
        Slot {
            index,
            at,
            len,
            _t: core::marker::PhantomData,
        }
    }

    /// Read one `T` at `p` (null is `WSAEFAULT` at [`Done::get`]).
    ///
    /// # Safety
    /// Any bit pattern must be a valid `T` (as [`read`]).
    pub unsafe fn read<T: Copy>(&mut self, p: *const T) -> Slot<T> {
        self.add(p as usize, None, size_of::<T>())
    }

    /// Read `len` bytes at `p` (as [`copy_in`]: a length beyond [`BIG`] is probed page by
    /// page first, so a garbage length allocates nothing).
    pub fn bytes(&mut self, p: *const u8, len: usize) -> Slot<[u8]> {
        if len > BIG && self.bad.is_none() && !probe::readable(p, len) {
            self.bad = Some(self.pieces.len());
        }
        let len = if self.bad.is_some() { 0 } else { len };
        self.add(p as usize, None, len)
    }

    /// Write `v` at `p` (null is `WSAEFAULT` at [`Done::wrote`]).
    pub fn write<T: Copy>(&mut self, p: *mut T, v: T) -> Slot<()> {
        let v = core::mem::ManuallyDrop::new(v);
        // SAFETY: the bytes of a live local `T`; padding bytes, if any, are only stored in
        // the arena and copied by the kernel (no Rust code reads them as values). `T` is
        // `Copy`, so there is nothing to drop.
        let b =
            unsafe { core::slice::from_raw_parts((&*v as *const T).cast::<u8>(), size_of::<T>()) };
        self.add(p as usize, Some(b), b.len())
    }

    /// Write `bytes` at `p`; empty `bytes` writes nothing and always succeeds.
    pub fn write_bytes(&mut self, p: *mut u8, bytes: &[u8]) -> Slot<()> {
        self.add(p as usize, Some(bytes), bytes.len())
    }

    /// Make every transfer, with one kernel check.
    ///
    /// # Safety
    /// None beyond [`probe::transfer`]'s (only on a host without a checked method must
    /// the caller's pointers be valid).
    pub unsafe fn run(self) -> Done {
        let Batch {
            pieces,
            mut arena,
            bad,
        } = self;
        let limit = bad.unwrap_or(pieces.len());
        let base = arena.as_mut_ptr();
        let parts: Vec<probe::Piece> = pieces[..limit]
            .iter()
            .map(|&(p, at, len, out)| {
                // A null caller pointer is reported by `transfer` (an empty piece is
                // skipped whatever its pointer, as an empty copy).
                let ours = base.wrapping_add(at);
                if out {
                    probe::Piece::copy_out(ours, p as *mut u8, len)
                } else {
                    probe::Piece::copy_in(p as *const u8, ours, len)
                }
            })
            .collect();
        // SAFETY: this batch's side of each piece is its own range of `arena`, which lives
        // through the call and is not the caller's memory; forwarded contract otherwise.
        let ok = match unsafe { probe::transfer(&parts) } {
            Ok(()) => limit,
            Err(k) => k,
        };
        Done {
            arena,
            ok,
            total: pieces.len(),
        }
    }
}

/// The outcome of a [`Batch`].
#[derive(Debug)]
pub struct Done {
    arena: Vec<u8>,
    /// Pieces before this index were transferred.
    ok: usize,
    total: usize,
}

impl Done {
    fn check<T: ?Sized>(&self, s: Slot<T>) -> Result<(), WsaError> {
        if s.index < self.ok {
            Ok(())
        } else {
            Err(WsaError::WSAEFAULT)
        }
    }

    /// The `T` read, or `WSAEFAULT` if that piece (or an earlier one) faulted.
    pub fn get<T: Copy>(&self, s: Slot<T>) -> Result<T, WsaError> {
        self.check(s)?;
        // SAFETY: the slot's `size_of::<T>()` bytes of the arena, all written by the copy;
        // `Batch::read`'s contract makes any bit pattern a valid `T`.
        Ok(unsafe { self.arena.as_ptr().add(s.at).cast::<T>().read_unaligned() })
    }

    /// The bytes read, or `WSAEFAULT` as [`Done::get`].
    pub fn bytes(&self, s: Slot<[u8]>) -> Result<&[u8], WsaError> {
        self.check(s)?;
        Ok(&self.arena[s.at..s.at + s.len])
    }

    /// Whether the write was made (`WSAEFAULT` as [`Done::get`]).
    pub fn wrote(&self, s: Slot<()>) -> Result<(), WsaError> {
        self.check(s)
    }

    /// Whether every piece was transferred.
    pub fn all(&self) -> Result<(), WsaError> {
        if self.ok == self.total {
            Ok(())
        } else {
            Err(WsaError::WSAEFAULT)
        }
    }
}
