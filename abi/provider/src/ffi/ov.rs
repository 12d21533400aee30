//! Overlapped requests from C: the caller's `WSABUF` memory as the engine's owned buffers,
//! and the step from `lpOverlapped`/`lpCompletionRoutine`/`lpThreadId` to an
//! [`Overlapped`].
//!
//! # Soundness of [`CRecvBufs`] / [`CSendBufs`]
//! The engine's overlapped API takes *owned* buffers (`Box<dyn RecvBufs>`, `'static`,
//! `Send`) and touches them from any thread (the issuing one, the reactor) until the
//! request completes. These types hold the caller's buffer addresses and lengths, copied
//! out of the `WSABUF` array at issue time (the array itself may be transient: WSPSend
//! "must capture these WSABUF structures before returning"). Turning them back into
//! slices is sound because of the Winsock contract for overlapped calls: the buffers the
//! `WSABUF`s describe (and `lpFrom`/`lpFromlen`) "must remain valid for the duration of
//! the send/receive operation", i.e. until completion, and the caller does not touch a
//! receive buffer while the request is pending. The engine only calls
//! [`RecvBufs::slices`]/[`SendBufs::slices`]/[`RecvBufs::set_from`] from the request's
//! work, which it drops when the request completes (before any notification), so no slice
//! outlives the caller's promise. After completion the engine may keep the value (for
//! `WSPGetOverlappedResult` records) and drops it later; dropping it touches nothing.
//! Winsock also forbids two pending requests sharing a receive buffer, which is what keeps
//! the `&mut` slices of different requests disjoint.

use super::mem::{self, Batch, Done, Slot};
use super::upcall::STATUS_PENDING;
use crate::abi::*;
use crate::decode;
use crate::ffi::upcall::Ticket;
use crate::instance::Instance;
use core::mem::offset_of;
use std::any::Any;
use std::cell::Cell;
use wsp::overlapped::{Overlapped, RecvBufs, SendBufs};
use wsp::{SockAddr, WsaError};

type R<T> = Result<T, WsaError>;

/// The bytes of a `WSABUF` array of `count` entries.
pub fn wsabufs_len(count: DWORD) -> R<usize> {
    (count as usize)
        .checked_mul(decode::WSABUF_LEN)
        .ok_or(WsaError::WSAEFAULT)
}

/// The `(address, length)` pairs of a caller's `WSABUF` array, validated: a null buffer
/// with a non-zero length is `WSAEFAULT`.
///
/// # Safety
/// None beyond [`mem::copy_in`]'s (the array is copied, checked).
unsafe fn descriptors(p: *const WSABUF, count: DWORD) -> R<Vec<(usize, usize)>> {
    let n = wsabufs_len(count)?;
    // SAFETY: the caller declared `count` WSABUFs at `p`: a checked copy.
    pairs(&unsafe { mem::copy_in(p.cast(), n) }?)
}

/// The validated `(address, length)` pairs of the bytes of a `WSABUF` array.
fn pairs(bytes: &[u8]) -> R<Vec<(usize, usize)>> {
    decode::wsabufs(bytes)?
        .into_iter()
        .map(|(len, ptr)| {
            if ptr == 0 && len > 0 {
                Err(WsaError::WSAEFAULT)
            } else {
                Ok((ptr, len as usize))
            }
        })
        .collect()
}

/// Receive buffers over a caller's `WSABUF` memory (and `lpFrom`/`lpFromlen`).
#[derive(Debug)]
pub struct CRecvBufs {
    bufs: Vec<(usize, usize)>,
    /// `lpFrom`, `lpFromlen` and the capacity `*lpFromlen` held at issue.
    from: Option<(usize, usize, usize)>,
    /// `WSAMSG.Control`: the buffer, its capacity, and where to store the length used.
    control: Option<(usize, usize, usize)>,
}

impl CRecvBufs {
    /// Capture `count` WSABUFs at `p`.
    ///
    /// # Safety
    /// `p` valid for `count` WSABUFs now; each buffer valid for writes of its length, and
    /// not used by anyone else, until the request completes (the module docs).
    pub unsafe fn new(p: *const WSABUF, count: DWORD) -> R<CRecvBufs> {
        Ok(CRecvBufs {
            // SAFETY: forwarded contract.
            bufs: unsafe { descriptors(p, count) }?,
            from: None,
            control: None,
        })
    }

    /// Buffers from the bytes of a `WSABUF` array copied in a [`mem::Batch`].
    ///
    /// # Safety
    /// As [`CRecvBufs::new`] for the buffers the array describes.
    pub unsafe fn from_wsabufs(bytes: &[u8]) -> R<CRecvBufs> {
        Ok(CRecvBufs {
            bufs: pairs(bytes)?,
            from: None,
            control: None,
        })
    }

    /// One buffer (`lpvOutBuffer`, `cbOutBuffer`).
    ///
    /// # Safety
    /// `p` null with `len == 0`, or valid for writes of `len` bytes until completion.
    pub unsafe fn single(p: *mut u8, len: usize) -> R<CRecvBufs> {
        if p.is_null() && len > 0 {
            return Err(WsaError::WSAEFAULT);
        }
        Ok(CRecvBufs {
            bufs: vec![(p as usize, len)],
            from: None,
            control: None,
        })
    }

    /// As [`CRecvBufs::with_from`], with `*fromlen` already read (`len`).
    ///
    /// # Safety
    /// As [`CRecvBufs::with_from`].
    pub unsafe fn with_from_len(
        mut self,
        from: *mut SOCKADDR,
        fromlen: *mut INT,
        len: INT,
    ) -> R<CRecvBufs> {
        if from.is_null() {
            return Ok(self);
        }
        let cap = decode::length(len)?;
        self.from = Some((from as usize, fromlen as usize, cap));
        Ok(self)
    }

    /// Also write the datagram's source address to `from`/`fromlen` (WSPRecvFrom).
    ///
    /// # Safety
    /// Both null (no address wanted) or valid until completion: `fromlen` an INT holding
    /// the capacity, `from` that many bytes.
    pub unsafe fn with_from(self, from: *mut SOCKADDR, fromlen: *mut INT) -> R<CRecvBufs> {
        if from.is_null() {
            return Ok(self);
        }
        // SAFETY: caller INT, readable now; forwarded contract.
        unsafe {
            let len = mem::read(fromlen)?;
            self.with_from_len(from, fromlen, len)
        }
    }
}

impl CRecvBufs {
    /// Also write control data (`WSARecvMsg`): `buf` of `cap` bytes, the length used
    /// stored at `len_out` (`WSAMSG.Control.len`).
    ///
    /// # Safety
    /// `buf` null with `cap == 0` or valid for writes of `cap` bytes, and `len_out` valid
    /// for a write, until completion (the WSARecvMsg contract for `lpMsg`).
    pub unsafe fn with_control(
        mut self,
        buf: *mut u8,
        cap: usize,
        len_out: *mut u32,
    ) -> R<CRecvBufs> {
        if buf.is_null() && cap > 0 {
            return Err(WsaError::WSAEFAULT);
        }
        self.control = Some((buf as usize, cap, len_out as usize));
        Ok(self)
    }
}

// SAFETY: the value is only addresses; the memory they name is the caller's, valid until
// completion and used by one request at a time (module docs), whichever thread completes it.
unsafe impl Send for CRecvBufs {}

impl RecvBufs for CRecvBufs {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        self.bufs
            .iter()
            // SAFETY: each pair is a caller buffer valid for writes of its length until the
            // request completes, and the engine only asks before completion (module docs).
            .map(|&(p, n)| unsafe { mem::out_bytes(p as *mut u8, n) }.unwrap_or(&mut []))
            .collect()
    }
    fn set_from(&mut self, from: &SockAddr) {
        if let Some((p, lp, cap)) = self.from {
            let (p, lp) = (p as *mut SOCKADDR, lp as *mut INT);
            // SAFETY: `lpFrom`/`lpFromlen` stay valid until completion, and the engine calls
            // this before completing (module docs). The capacity is the one read at issue.
            let _ = unsafe { put_addr(from, p, lp, cap) };
        }
    }
    fn set_control(&mut self, control: &[u8]) -> bool {
        let Some((buf, cap, len_out)) = self.control else {
            return true;
        };
        let fits = control.len() <= cap;
        let used = if fits { control.len() } else { 0 };
        // SAFETY: `Control.buf` (`cap` bytes) and `Control.len` stay valid until
        // completion, and the engine calls this before completing (module docs).
        let _ = unsafe {
            mem::out_bytes(buf as *mut u8, used)
                .map(|o| o.copy_from_slice(&control[..used]))
                .and_then(|()| mem::write(len_out as *mut u32, used as u32))
        };
        fits
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// Copy an address out to `p` (room for `cap` bytes; less is `WSAEFAULT`) and store its
/// length at `lp`, in one checked copy.
///
/// # Safety
/// None beyond [`mem::Batch::run`]'s.
unsafe fn put_addr(a: &SockAddr, p: *mut SOCKADDR, lp: *mut INT, cap: usize) -> R<()> {
    let bytes = super::exports::addr_bytes(a, cap)?;
    let mut b = Batch::new();
    b.write_bytes(p.cast(), &bytes);
    b.write(lp, bytes.len() as INT);
    // SAFETY: forwarded contract.
    unsafe { b.run() }.all()
}

/// Send buffers over a caller's `WSABUF` memory.
#[derive(Debug)]
pub struct CSendBufs {
    bufs: Vec<(usize, usize)>,
}

impl CSendBufs {
    /// Capture `count` WSABUFs at `p`.
    ///
    /// # Safety
    /// `p` valid for `count` WSABUFs now; each buffer valid for reads of its length until
    /// the request completes.
    pub unsafe fn new(p: *const WSABUF, count: DWORD) -> R<CSendBufs> {
        Ok(CSendBufs {
            // SAFETY: forwarded contract.
            bufs: unsafe { descriptors(p, count) }?,
        })
    }

    /// Buffers from the bytes of a `WSABUF` array copied in a [`mem::Batch`].
    ///
    /// # Safety
    /// As [`CSendBufs::new`] for the buffers the array describes.
    pub unsafe fn from_wsabufs(bytes: &[u8]) -> R<CSendBufs> {
        Ok(CSendBufs {
            bufs: pairs(bytes)?,
        })
    }

    /// One buffer.
    ///
    /// # Safety
    /// `p` null with `len == 0`, or valid for reads of `len` bytes until completion.
    pub unsafe fn single(p: *const u8, len: usize) -> R<CSendBufs> {
        if p.is_null() && len > 0 {
            return Err(WsaError::WSAEFAULT);
        }
        Ok(CSendBufs {
            bufs: vec![(p as usize, len)],
        })
    }
}

impl CSendBufs {
    /// Buffers from `(address, length)` pairs (TransmitPackets' memory elements).
    ///
    /// # Safety
    /// Each non-empty pair names memory valid for reads until completion.
    pub unsafe fn from_pairs(bufs: Vec<(usize, usize)>) -> R<CSendBufs> {
        if bufs.iter().any(|&(p, n)| p == 0 && n > 0) {
            return Err(WsaError::WSAEFAULT);
        }
        Ok(CSendBufs { bufs })
    }
}

// SAFETY: as for `CRecvBufs`; the memory is only read.
unsafe impl Send for CSendBufs {}

impl SendBufs for CSendBufs {
    fn slices(&self) -> Vec<&[u8]> {
        self.bufs
            .iter()
            // SAFETY: each pair is a caller buffer valid for reads of its length until the
            // request completes (module docs).
            .map(|&(p, n)| unsafe { mem::in_bytes(p as *const u8, n) }.unwrap_or(&[]))
            .collect()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

/// An overlapped request in the making: the engine's [`Overlapped`] and the registration
/// of the caller's `WSAOVERLAPPED` (settle the ticket with [`crate::ffi::upcall::TableUpcalls::settle`] after the call).
pub struct Request {
    /// What to hand the engine.
    pub ov: Overlapped,
    ticket: Ticket,
}

/// The caller's `WSAOVERLAPPED` (and `WSATHREADID`) pieces of a request in a
/// [`mem::Batch`] ([`Request::add`]).
#[derive(Debug)]
pub struct Pieces {
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    event: Slot<HANDLE>,
    tid: Option<Slot<WSATHREADID>>,
    /// `Internal` and `InternalHigh` as they were, to restore if the call fails later.
    old: Slot<[usize; 2]>,
    pending: Slot<()>,
}

/// `Internal`/`InternalHigh` (two `ULONG_PTR`s at the start of the structure).
fn internal(ov: *mut WSAOVERLAPPED) -> *mut [usize; 2] {
    ov.cast()
}

/// A field of the caller's `WSAOVERLAPPED` at `ov` (address arithmetic only).
fn field<T>(ov: *mut WSAOVERLAPPED, offset: usize) -> *mut T {
    ov.cast::<u8>().wrapping_add(offset).cast()
}

impl Request {
    /// Add the request's caller memory to `b`: read `hEvent` and (with a completion
    /// routine) `*lpThreadId`, and mark the `WSAOVERLAPPED` pending (`Internal =
    /// STATUS_PENDING`, `InternalHigh = 0`) in the same check as the call's other
    /// structures. Then [`Request::finish`].
    ///
    /// # Safety
    /// `ov` non-null (the caller decided the call is overlapped).
    pub unsafe fn add(
        b: &mut Batch,
        ov: *mut WSAOVERLAPPED,
        cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        tid: *mut WSATHREADID,
    ) -> Pieces {
        // SAFETY: HANDLE and WSATHREADID are integers and pointers: any bits are valid.
        unsafe {
            let event = b.read(field::<HANDLE>(ov, offset_of!(WSAOVERLAPPED, hEvent)));
            let tid = cr.map(|_| b.read(tid.cast_const()));
            let old = b.read(internal(ov).cast_const());
            let pending = b.write(internal(ov), [STATUS_PENDING, 0]);
            Pieces {
                ov,
                cr,
                event,
                tid,
                old,
                pending,
            }
        }
    }

    /// Build the request from the batch's results (`lpOverlapped`, `lpCompletionRoutine`
    /// and `lpThreadId`: `hEvent` with its low bit set skips the completion port; a
    /// routine without a thread id is `WSAEFAULT`) and register the `WSAOVERLAPPED` for
    /// its completion. On failure the pending mark is undone ([`Request::undo`]).
    ///
    /// # Safety
    /// `p.ov` valid until the request completes (the Winsock contract); `cr` a routine
    /// with the Winsock signature.
    pub unsafe fn finish(i: &Instance, p: &Pieces, d: &Done) -> R<Request> {
        let made = (|| {
            let h = d.get(p.event)?;
            let mut o = Overlapped::new(p.ov as usize);
            o.skip_port = h & 1 != 0;
            match (p.cr, p.tid) {
                (Some(f), Some(tid)) => {
                    let id = d.get(tid)?;
                    o.thread = Some(i.thread(&id));
                    o.routine = Some(Box::new(move |e, n, key, flags| {
                        // SAFETY: the caller's completion routine, called (on the issuing
                        // thread, in an alertable wait) with its own WSAOVERLAPPED.
                        unsafe { f(e, n, key as *mut WSAOVERLAPPED, flags) }
                    }));
                }
                _ => o.event = i.event(h & !1)?,
            }
            d.wrote(p.pending)?;
            Ok(o)
        })();
        match made {
            Ok(o) => Ok(Request {
                ov: o,
                ticket: i.upcalls.register(p.ov),
            }),
            Err(e) => {
                // SAFETY: forwarded contract.
                unsafe { Request::undo(p, d) };
                Err(e)
            }
        }
    }

    /// The call fails after its batch ran: put back `Internal`/`InternalHigh` if the batch
    /// marked them pending (Windows leaves a failed call's `WSAOVERLAPPED` alone).
    ///
    /// # Safety
    /// `p.ov` as in [`Request::finish`].
    pub unsafe fn undo(p: &Pieces, d: &Done) {
        if d.wrote(p.pending).is_ok() {
            if let Ok(old) = d.get(p.old) {
                // SAFETY: the caller's WSAOVERLAPPED, just written (checked copy).
                let _ = unsafe { mem::write(internal(p.ov), old) };
            }
        }
    }

    /// Split into the engine's value and the ticket to settle.
    pub fn split(self) -> (Overlapped, Ticket) {
        (self.ov, self.ticket)
    }
}

/// What [`issuing`] saw of the completion write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Merged {
    /// No completion on this thread during the call: write the counts after it.
    #[default]
    No,
    /// The completion wrote the call's `*lpNumberOf*` and `*lpFlags` too.
    Wrote,
    /// The completion wrote the `WSAOVERLAPPED` but faulted on those (`WSAEFAULT`).
    Fault,
}

#[derive(Debug, Clone, Copy, Default)]
struct Issue {
    ov: usize,
    count: usize,
    flags: usize,
    merged: Merged,
}

thread_local! {
    /// The overlapped call this thread is issuing: a completion inside it writes the
    /// call's outputs with the `WSAOVERLAPPED` ([`write_completion`]).
    static ISSUE: Cell<Issue> = const {
        Cell::new(Issue {
            ov: 0,
            count: 0,
            flags: 0,
            merged: Merged::No,
        })
    };
}

/// Run `f` (the engine's issue of the request on `ov`) with `count`/`flags` (null or the
/// call's `lpNumberOf*`/`lpFlags`) known to [`write_completion`], so a request that
/// completes inside the call, on this thread, has its `WSAOVERLAPPED` and those outputs
/// written with one check.
pub fn issuing<T>(
    ov: *mut WSAOVERLAPPED,
    count: *mut DWORD,
    flags: *mut DWORD,
    f: impl FnOnce() -> T,
) -> (T, Merged) {
    let old = ISSUE.with(|c| {
        c.replace(Issue {
            ov: ov as usize,
            count: count as usize,
            flags: flags as usize,
            merged: Merged::No,
        })
    });
    let r = f();
    let now = ISSUE.with(|c| c.replace(old));
    (r, now.merged)
}

/// Write a completion into the caller's `WSAOVERLAPPED` (`InternalHigh` = bytes, `Offset`
/// = result flags, then `Internal` = status), in one check; when the request completes
/// inside its issuing call on this thread ([`issuing`]), that call's `*lpNumberOf*` and
/// `*lpFlags` follow in the same check (the values the call would write: the engine's
/// immediate result is this completion). `WSAEFAULT` if the `WSAOVERLAPPED` itself
/// faulted; a fault on the outputs after it is left for the issuing call to report.
///
/// # Safety
/// `ov` is a caller `WSAOVERLAPPED` registered for this request (valid until completion
/// by the Winsock contract; checked copies regardless).
pub unsafe fn write_completion(
    ov: *mut WSAOVERLAPPED,
    status: usize,
    bytes: u32,
    flags: u32,
) -> R<()> {
    let issue = ISSUE.with(|c| c.get());
    let merge = issue.ov == ov as usize && issue.merged == Merged::No;
    let mut b = Batch::new();
    let high = b.write(
        field::<usize>(ov, offset_of!(WSAOVERLAPPED, InternalHigh)),
        bytes as usize,
    );
    let off = b.write(field::<u32>(ov, offset_of!(WSAOVERLAPPED, Offset)), flags);
    let st = b.write(
        field::<usize>(ov, offset_of!(WSAOVERLAPPED, Internal)),
        status,
    );
    if merge {
        if issue.count != 0 {
            b.write(issue.count as *mut DWORD, bytes);
        }
        if issue.flags != 0 {
            b.write(issue.flags as *mut DWORD, flags);
        }
    }
    // SAFETY: forwarded contract.
    let d = unsafe { b.run() };
    d.wrote(high)?;
    d.wrote(off)?;
    d.wrote(st)?;
    if merge {
        let merged = if d.all().is_ok() {
            Merged::Wrote
        } else {
            Merged::Fault
        };
        ISSUE.with(|c| c.set(Issue { merged, ..issue }));
    }
    Ok(())
}
