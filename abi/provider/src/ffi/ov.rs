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

use super::mem;
use crate::abi::*;
use crate::decode;
use crate::ffi::upcall::Ticket;
use crate::instance::Instance;
use std::any::Any;
use wsp::overlapped::{Overlapped, RecvBufs, SendBufs};
use wsp::{SockAddr, WsaError};

type R<T> = Result<T, WsaError>;

/// The `(address, length)` pairs of a caller's `WSABUF` array, validated: a null buffer
/// with a non-zero length is `WSAEFAULT`.
///
/// # Safety
/// None beyond [`mem::copy_in`]'s (the array is copied, checked).
unsafe fn descriptors(p: *const WSABUF, count: DWORD) -> R<Vec<(usize, usize)>> {
    let n = (count as usize)
        .checked_mul(decode::WSABUF_LEN)
        .ok_or(WsaError::WSAEFAULT)?;
    // SAFETY: the caller declared `count` WSABUFs at `p`: a checked copy.
    let descs = decode::wsabufs(&unsafe { mem::copy_in(p.cast(), n) }?)?;
    descs
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
    from: Option<(usize, usize)>,
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

    /// Also write the datagram's source address to `from`/`fromlen` (WSPRecvFrom).
    ///
    /// # Safety
    /// Both null (no address wanted) or valid until completion: `fromlen` an INT holding
    /// the capacity, `from` that many bytes.
    pub unsafe fn with_from(mut self, from: *mut SOCKADDR, fromlen: *mut INT) -> R<CRecvBufs> {
        if from.is_null() {
            return Ok(self);
        }
        // SAFETY: caller INT, readable now.
        decode::length(unsafe { mem::read(fromlen) }?)?;
        self.from = Some((from as usize, fromlen as usize));
        Ok(self)
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
        if let Some((p, lp)) = self.from {
            let (p, lp) = (p as *mut SOCKADDR, lp as *mut INT);
            // SAFETY: `lpFrom`/`lpFromlen` stay valid until completion, and the engine calls
            // this before completing (module docs).
            let _ = unsafe { put_addr(from, p, lp) };
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

/// Copy an address out to `(p, *lp)` and store its length (checked copies).
///
/// # Safety
/// None beyond [`mem::copy_out`]'s.
unsafe fn put_addr(a: &SockAddr, p: *mut SOCKADDR, lp: *mut INT) -> R<()> {
    // SAFETY: forwarded contract.
    unsafe { super::exports::addr_out(a, p, lp) }
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

impl Request {
    /// Build the request for `lpOverlapped` (non-null), `lpCompletionRoutine` and
    /// `lpThreadId`. `hEvent` with its low bit set skips the completion port. A routine
    /// without a thread id is `WSAEFAULT`.
    ///
    /// # Safety
    /// `ov` non-null and valid until the request completes (the Winsock contract);
    /// `tid` null or a valid WSATHREADID now; `cr` a routine with the Winsock signature.
    pub unsafe fn new(
        i: &Instance,
        ov: *mut WSAOVERLAPPED,
        cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        tid: *mut WSATHREADID,
    ) -> R<Request> {
        // SAFETY: caller WSAOVERLAPPED, valid by contract.
        let h = unsafe { mem::read(core::ptr::addr_of!((*ov).hEvent)) }?;
        let mut o = Overlapped::new(ov as usize);
        o.skip_port = h & 1 != 0;
        match cr {
            Some(f) => {
                // SAFETY: caller WSATHREADID (null is WSAEFAULT).
                let id = unsafe { mem::read(tid) }?;
                o.thread = Some(i.thread(&id));
                o.routine = Some(Box::new(move |e, n, key, flags| {
                    // SAFETY: the caller's completion routine, called (on the issuing
                    // thread, in an alertable wait) with its own WSAOVERLAPPED.
                    unsafe { f(e, n, key as *mut WSAOVERLAPPED, flags) }
                }));
            }
            None => o.event = i.event(h & !1)?,
        }
        // SAFETY: forwarded contract.
        let ticket = unsafe { i.upcalls.expect(ov) }?;
        Ok(Request { ov: o, ticket })
    }

    /// Split into the engine's value and the ticket to settle.
    pub fn split(self) -> (Overlapped, Ticket) {
        (self.ov, self.ticket)
    }
}
