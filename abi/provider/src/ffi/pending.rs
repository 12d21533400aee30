//! Overlapped requests made *through* a foreign `WSPPROC_TABLE` (the reverse wrapper):
//! the `WSAOVERLAPPED` this crate owns for each request, and its completion.
//!
//! Each request is a [`Pending`] in an `Arc`, whose first field is the `WSAOVERLAPPED`
//! handed to the provider, so the `lpOverlapped` the provider gives back to the completion
//! routine *is* the `Arc`'s data pointer. One strong count is leaked into the provider
//! with the call (`Arc::into_raw`) and taken back by `ov_done`, which the provider runs
//! exactly once per started request (Winsock: a completion routine is queued for every
//! request that started, immediate completions included); a request that never started
//! takes it back in the issuing call. The `Pending` therefore lives, at a fixed address,
//! until the provider is done with it — the "valid until completion" the provider needs.
//!
//! Completion routines go to one process-wide *completion thread* of this crate, which
//! sits in an alertable wait; its `WSATHREADID` is a `wsp::sync` registry handle, so
//! providers started with [`crate::ffi::local`]'s upcall table queue to it through
//! `WPUQueueApc`. `ov_done` then stores the outcome in the Rust caller's
//! [`OpHandle`] and notifies as the caller asked (its event, or its routine queued to the
//! issuing Rust thread). An immediate completion is reported by the issuing call itself
//! (so the caller's event is set when the call returns), and the routine that follows
//! only releases the `Pending`.
//!
//! The caller's owned buffers are kept in the `OpHandle` as a raw `Box` pointer
//! (`HeldRecv`/`HeldSend`): their memory is what the `WSABUF`s describe, and a raw
//! pointer (unlike a `Box` that moves) keeps those addresses valid for the provider's
//! writes until the request completes.

use super::calls::Table;
use crate::abi::*;
use core::cell::UnsafeCell;
use core::ptr::null_mut;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};
use std::time::Duration;
use wsp::overlapped::{
    Buffers, CompletionRoutine, Issued, OpCompleter, OpHandle, OpResult, Overlapped, RecvBufs,
    SendBufs,
};
use wsp::sync::{current_thread, sleep_ex, Event, RealTime, ThreadHandle};
use wsp::types::SOCKET_ERROR;
use wsp::{SockAddr, WsaError};

type R<T> = Result<T, WsaError>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The thread completion routines of requests made through foreign tables run on.
static COMPLETION_THREAD: LazyLock<Option<ThreadHandle>> = LazyLock::new(|| {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("wsp-foreign-completions".into())
        .spawn(move || {
            let _ = tx.send(current_thread());
            loop {
                sleep_ex(&RealTime, None, true);
            }
        })
        .ok()?;
    rx.recv().ok()
});

fn completion_thread() -> R<WSATHREADID> {
    let t = COMPLETION_THREAD.as_ref().ok_or(WsaError::WSAENOBUFS)?;
    Ok(WSATHREADID {
        ThreadHandle: t.raw(),
        Reserved: 0,
    })
}

/// How the Rust caller asked to be told.
struct Notify {
    event: Option<Event>,
    routine: Option<CompletionRoutine>,
    thread: ThreadHandle,
    key: usize,
}

/// One request in flight with a foreign provider.
#[repr(C)]
pub struct Pending {
    /// What the provider gets as `lpOverlapped`; first, so its address is the `Pending`'s.
    ov: UnsafeCell<WSAOVERLAPPED>,
    from: UnsafeCell<[u8; 128]>,
    fromlen: UnsafeCell<INT>,
    want_from: bool,
    op: OpHandle,
    completer: OpCompleter,
    notify: Mutex<Option<Notify>>,
}

// SAFETY: the UnsafeCell fields are written only by the provider through the pointers this
// crate handed it, while the request is pending, and read here only after the provider
// reported completion (the routine, or the issuing call's return), which orders them.
unsafe impl Sync for Pending {}
// SAFETY: as above; every other field is Send.
unsafe impl Send for Pending {}

impl Pending {
    fn new(s: SOCKET, ov: Overlapped, buffers: Buffers, want_from: bool) -> Arc<Pending> {
        let Overlapped {
            key,
            event,
            routine,
            thread,
            ..
        } = ov;
        let (op, completer) = OpHandle::external(s, key, buffers);
        Arc::new(Pending {
            ov: UnsafeCell::new(WSAOVERLAPPED::default()),
            from: UnsafeCell::new([0; 128]),
            fromlen: UnsafeCell::new(128),
            want_from,
            op,
            completer,
            notify: Mutex::new(Some(Notify {
                event: if routine.is_some() { None } else { event },
                routine,
                thread: thread.unwrap_or_else(current_thread),
                key,
            })),
        })
    }

    /// Store the outcome and notify, once (later calls do nothing).
    fn finish(&self, r: OpResult) {
        let Some(n) = lock(&self.notify).take() else {
            return;
        };
        if self.want_from {
            // SAFETY: the provider wrote the address (if any) before reporting completion.
            let (buf, len) = unsafe { (*self.from.get(), *self.fromlen.get()) };
            let len = (len.max(0) as usize).min(buf.len());
            if len > 0 {
                let a = SockAddr::from_bytes(&buf[..len]);
                self.completer.with_buffers(|b| {
                    if let Buffers::Recv(rb) = b {
                        rb.set_from(&a);
                    }
                });
                self.completer.set_from(a);
            }
        }
        match n.routine {
            Some(routine) => {
                // Queued before the result is visible, so a caller that saw the handle
                // complete finds the routine queued in its next alertable wait.
                let (code, bytes, flags, key) = (r.code(), r.bytes, r.flags, n.key);
                let _ = n
                    .thread
                    .queue(Box::new(move || routine(code, bytes, key, flags)));
                self.completer.complete(r);
            }
            None => {
                self.completer.complete(r);
                if let Some(e) = n.event {
                    e.set();
                }
            }
        }
    }
}

/// The completion routine given to the provider with every request.
unsafe extern "system" fn ov_done(
    error: DWORD,
    bytes: DWORD,
    ov: *mut WSAOVERLAPPED,
    flags: DWORD,
) {
    if ov.is_null() {
        return;
    }
    // SAFETY: `ov` is the data pointer of the `Arc<Pending>` leaked for this request by
    // `issue` (its first field); the provider runs this routine once per started request,
    // so this takes back exactly that strong count.
    let p = unsafe { Arc::from_raw(ov as *const Pending) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        p.finish(OpResult {
            error: (error != 0).then_some(WsaError(error as i32)),
            bytes,
            flags,
        })
    }));
}

/// The caller's receive buffers, kept behind a raw pointer while the provider writes them.
pub(crate) struct HeldRecv(pub(crate) *mut dyn RecvBufs);
// SAFETY: the pointee is a `Box<dyn RecvBufs>`, which is `Send`; we are its only owner.
unsafe impl Send for HeldRecv {}

impl RecvBufs for HeldRecv {
    fn slices(&mut self) -> Vec<&mut [u8]> {
        // SAFETY: the pointer came from `Box::into_raw` and is freed only in `into_any`/drop.
        unsafe { (*self.0).slices() }
    }
    fn set_from(&mut self, from: &SockAddr) {
        // SAFETY: as in `slices`.
        unsafe { (*self.0).set_from(from) }
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        let raw = self.0;
        core::mem::forget(self);
        // SAFETY: the `Box::into_raw` pointer, given back once (`self` is forgotten).
        unsafe { Box::from_raw(raw) }.into_any()
    }
}

impl Drop for HeldRecv {
    fn drop(&mut self) {
        // SAFETY: the `Box::into_raw` pointer, freed once.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

/// The caller's send buffers, as [`HeldRecv`].
pub(crate) struct HeldSend(pub(crate) *mut dyn SendBufs);
// SAFETY: as for `HeldRecv`.
unsafe impl Send for HeldSend {}

impl SendBufs for HeldSend {
    fn slices(&self) -> Vec<&[u8]> {
        // SAFETY: the pointer came from `Box::into_raw` and is freed only in `into_any`/drop.
        unsafe { (*self.0).slices() }
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        let raw = self.0;
        core::mem::forget(self);
        // SAFETY: the `Box::into_raw` pointer, given back once.
        unsafe { Box::from_raw(raw) }.into_any()
    }
}

impl Drop for HeldSend {
    fn drop(&mut self) {
        // SAFETY: the `Box::into_raw` pointer, freed once.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

/// The requests a wrapper has made, by `(socket, key)`, for `WSPGetOverlappedResult`.
#[derive(Default)]
pub struct Requests {
    map: Mutex<HashMap<(SOCKET, usize), Arc<Pending>>>,
}

impl std::fmt::Debug for Requests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Requests")
            .field("len", &lock(&self.map).len())
            .finish()
    }
}

/// Which call to make.
pub enum Call<'a> {
    /// WSPRecv (`from == false`) or WSPRecvFrom.
    Recv {
        /// `*lpFlags` in.
        flags: u32,
        /// WSPRecvFrom, keeping the source address.
        from: bool,
    },
    /// WSPSend (`plain`) or WSPSendTo.
    Send {
        /// `dwFlags`.
        flags: u32,
        /// `lpTo` (WSPSendTo).
        to: Option<&'a SockAddr>,
        /// WSPSend rather than WSPSendTo.
        plain: bool,
    },
    /// WSPIoctl.
    Ioctl {
        /// `dwIoControlCode`.
        code: u32,
        /// `lpvInBuffer`, read during the call.
        input: &'a [u8],
    },
}

fn wsabufs(v: Vec<&[u8]>) -> Vec<WSABUF> {
    v.into_iter()
        .map(|b| WSABUF {
            len: b.len().min(u32::MAX as usize) as u32,
            buf: b.as_ptr().cast_mut(),
        })
        .collect()
}

impl Requests {
    /// Issue `call` with `buffers` (receive buffers for Recv/Ioctl, send buffers for Send)
    /// as an overlapped request through `t`.
    pub fn issue(
        &self,
        t: &Table,
        s: SOCKET,
        call: Call<'_>,
        recv: Option<Box<dyn RecvBufs>>,
        send: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> R<Issued> {
        let mut tid = completion_thread()?;
        let key = ov.key;
        // The caller's buffers, by address, before they go into the handle.
        let (buffers, mut v) = match (recv, send) {
            (Some(b), _) => {
                let raw = Box::into_raw(b);
                // SAFETY: just made from a Box; the slices' memory stays where it is until
                // `HeldRecv` frees it, after completion.
                let v: Vec<WSABUF> = unsafe { (*raw).slices() }
                    .into_iter()
                    .map(|b| WSABUF {
                        len: b.len().min(u32::MAX as usize) as u32,
                        buf: b.as_mut_ptr(),
                    })
                    .collect();
                (Buffers::Recv(Box::new(HeldRecv(raw))), v)
            }
            (None, Some(b)) => {
                let raw = Box::into_raw(b);
                // SAFETY: as above, read-only.
                let v = wsabufs(unsafe { (*raw).slices() });
                (Buffers::Send(Box::new(HeldSend(raw))), v)
            }
            (None, None) => (Buffers::None, Vec::new()),
        };
        let want_from = matches!(call, Call::Recv { from: true, .. });
        let p = Pending::new(s, ov, buffers, want_from);
        let vp = if v.is_empty() {
            null_mut()
        } else {
            v.as_mut_ptr()
        };
        let n = v.len() as DWORD;
        let ctx = Arc::into_raw(p.clone());
        let lpov = ctx as *mut WSAOVERLAPPED;
        let cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE = Some(ov_done);
        let (mut count, mut errno) = (0 as DWORD, 0 as INT);
        let mut flags_out = 0 as DWORD;
        // SAFETY: (all arms) a provider entry called with the signature ws2spi.h gives it;
        // the WSABUFs describe the caller's buffers, valid until completion (held by the
        // OpHandle); `lpov` is the `Pending`'s WSAOVERLAPPED, alive until `ov_done` (or
        // below, when the call fails); the address buffers live in the `Pending` too;
        // `tid` and the counters are live locals the provider reads/writes in the call.
        let r = unsafe {
            match &call {
                Call::Recv { flags, from } => {
                    flags_out = *flags;
                    if *from {
                        let f = t.0.lpWSPRecvFrom.ok_or(WsaError::WSAEOPNOTSUPP);
                        match f {
                            Ok(f) => f(
                                s,
                                vp,
                                n,
                                &mut count,
                                &mut flags_out,
                                (*ctx).from.get().cast(),
                                (*ctx).fromlen.get(),
                                lpov,
                                cr,
                                &mut tid,
                                &mut errno,
                            ),
                            Err(e) => {
                                errno = e.0;
                                SOCKET_ERROR
                            }
                        }
                    } else {
                        match t.0.lpWSPRecv {
                            Some(f) => f(
                                s,
                                vp,
                                n,
                                &mut count,
                                &mut flags_out,
                                lpov,
                                cr,
                                &mut tid,
                                &mut errno,
                            ),
                            None => {
                                errno = WsaError::WSAEOPNOTSUPP.0;
                                SOCKET_ERROR
                            }
                        }
                    }
                }
                Call::Send { flags, to, plain } => {
                    if *plain {
                        match t.0.lpWSPSend {
                            Some(f) => {
                                f(s, vp, n, &mut count, *flags, lpov, cr, &mut tid, &mut errno)
                            }
                            None => {
                                errno = WsaError::WSAEOPNOTSUPP.0;
                                SOCKET_ERROR
                            }
                        }
                    } else {
                        let (tp, tl) = to.map_or((core::ptr::null(), 0), |a| {
                            (a.as_bytes().as_ptr().cast::<SOCKADDR>(), a.len() as INT)
                        });
                        match t.0.lpWSPSendTo {
                            Some(f) => f(
                                s, vp, n, &mut count, *flags, tp, tl, lpov, cr, &mut tid,
                                &mut errno,
                            ),
                            None => {
                                errno = WsaError::WSAEOPNOTSUPP.0;
                                SOCKET_ERROR
                            }
                        }
                    }
                }
                Call::Ioctl { code, input } => {
                    let (op, ol) = v.first().map_or((null_mut(), 0), |w| (w.buf, w.len));
                    let ip = if input.is_empty() {
                        null_mut()
                    } else {
                        input.as_ptr().cast_mut()
                    };
                    match t.0.lpWSPIoctl {
                        Some(f) => f(
                            s,
                            *code,
                            ip,
                            input.len() as DWORD,
                            op,
                            ol,
                            &mut count,
                            lpov,
                            cr,
                            &mut tid,
                            &mut errno,
                        ),
                        None => {
                            errno = WsaError::WSAEOPNOTSUPP.0;
                            SOCKET_ERROR
                        }
                    }
                }
            }
        };
        if r == SOCKET_ERROR && errno != WsaError::WSA_IO_PENDING.0 {
            // Never started: no routine will come; take the leaked count back.
            // SAFETY: the pointer from `Arc::into_raw` above, not given to anyone else.
            drop(unsafe { Arc::from_raw(ctx) });
            return Err(WsaError(errno));
        }
        lock(&self.map).insert((s, key), p.clone());
        let op = p.op.clone();
        if r == SOCKET_ERROR {
            return Ok(Issued {
                op,
                immediate: None,
            });
        }
        let res = OpResult::ok(count as usize, flags_out);
        p.finish(res);
        Ok(Issued {
            op,
            immediate: Some(res),
        })
    }

    /// `WSPGetOverlappedResult` through the provider, for the request the caller named
    /// `key` on `s` (an unknown key asks about a fresh, never-used WSAOVERLAPPED).
    pub fn result(&self, t: &Table, s: SOCKET, key: usize, wait: bool) -> R<OpResult> {
        let f =
            t.0.lpWSPGetOverlappedResult
                .ok_or(WsaError::WSAEOPNOTSUPP)?;
        let p = lock(&self.map).get(&(s, key)).cloned();
        let mut fresh = WSAOVERLAPPED::default();
        let ov = p.as_ref().map_or(&mut fresh as *mut _, |p| p.ov.get());
        let (mut cb, mut flags, mut errno) = (0 as DWORD, 0 as DWORD, 0 as INT);
        // SAFETY: `ov` is a live WSAOVERLAPPED (the request's, kept alive by `p`, or a
        // local); the out-values are live locals.
        let r = unsafe { f(s, ov, &mut cb, BOOL::from(wait), &mut flags, &mut errno) };
        if r != FALSE {
            // The provider has completed it; our handle completes when its routine has run
            // on the completion thread. Wait for that, so the caller who hears "complete"
            // finds the handle complete (its buffers handed back) too.
            if let Some(p) = &p {
                p.op.wait(&RealTime, Some(Duration::from_secs(5)));
            }
            return Ok(OpResult::ok(cb as usize, flags));
        }
        let e = WsaError(errno);
        if e == WsaError::WSA_IO_INCOMPLETE {
            return Err(e);
        }
        // The operation's own error (the provider reports it with its bytes and flags), or
        // a failure of the call itself: our record of the request tells them apart.
        if let Some(p) = p {
            if let Some(mine) = p.op.wait(&RealTime, Some(Duration::from_secs(5))) {
                if mine.error == Some(e) {
                    return Ok(OpResult {
                        error: Some(e),
                        bytes: cb,
                        flags,
                    });
                }
            }
        }
        Err(e)
    }
}
