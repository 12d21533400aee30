//! Calling a foreign `WSPPROC_TABLE`: one safe method per entry, taking the `Wsp` trait's
//! Rust arguments, building the C arguments from them, and turning `SOCKET_ERROR` plus
//! `*lpErrno` back into a `WsaError`. [`crate::ForeignProvider`] is a thin layer over this.
//!
//! Soundness rests on the table being a real provider's table: each entry is called with
//! the signature `ws2spi.h` gives it and with pointers to live Rust memory whose declared
//! lengths are exactly the memory's lengths. A null entry is `WSAEOPNOTSUPP`.

use crate::abi::*;
use core::ptr::{null, null_mut};
use wsp::types::{Qos, INVALID_SOCKET, SOCKET_ERROR};
use wsp::wsp::{AcceptCondition, ConditionDecision, ConditionFn, OutBuf};
use wsp::{FdSet, SockAddr, WsaError};

type R<T> = Result<T, WsaError>;

/// A provider's table, as `WSPStartup` filled it.
#[derive(Clone, Copy, Debug)]
pub struct Table(pub WSPPROC_TABLE);

fn missing() -> WsaError {
    WsaError::WSAEOPNOTSUPP
}

fn int(r: INT, errno: INT) -> R<INT> {
    if r == SOCKET_ERROR {
        Err(WsaError(errno))
    } else {
        Ok(r)
    }
}

fn sock(r: SOCKET, errno: INT) -> R<SOCKET> {
    if r == INVALID_SOCKET {
        Err(WsaError(errno))
    } else {
        Ok(r)
    }
}

fn boolean(r: BOOL, errno: INT) -> R<()> {
    if r == FALSE {
        Err(WsaError(errno))
    } else {
        Ok(())
    }
}

fn wsabuf(b: &[u8]) -> WSABUF {
    WSABUF {
        len: b.len().min(u32::MAX as usize) as u32,
        // The callee only reads an input buffer.
        buf: b.as_ptr().cast_mut(),
    }
}

fn wsabuf_mut(b: &mut [u8]) -> WSABUF {
    WSABUF {
        len: b.len().min(u32::MAX as usize) as u32,
        buf: b.as_mut_ptr(),
    }
}

/// A C `QOS` over a Rust one (the provider-specific bytes are only read).
fn c_qos(q: &Qos) -> QOS {
    QOS {
        SendingFlowspec: q.sending,
        ReceivingFlowspec: q.receiving,
        ProviderSpecific: wsabuf(&q.provider_specific),
    }
}

/// An `fd_set` in a `usize` buffer: `[fd_count, handles...]` (the count's word is the
/// `u_int` plus padding on little-endian targets, the layout `FD_SET` has).
fn c_fd_set(set: &FdSet) -> Vec<usize> {
    let mut v = Vec::with_capacity(set.len().max(FD_SETSIZE) + 1);
    v.push(set.len());
    v.extend(&set.fd_array);
    v.resize(FD_SETSIZE.max(set.len()) + 1, 0);
    v
}

fn rust_fd_set(v: &[usize]) -> FdSet {
    let n = (v[0] & 0xFFFF_FFFF).min(v.len() - 1);
    FdSet {
        fd_array: v[1..=n].to_vec(),
    }
}

/// The context a condition trampoline receives.
struct CondCtx<'a, 'b> {
    f: &'a mut ConditionFn<'b>,
}

/// `LPCONDITIONPROC` trampoline: decode the provider's arguments and call the Rust
/// condition function behind `data`.
unsafe extern "system" fn condition_trampoline(
    caller_id: *mut WSABUF,
    caller_data: *mut WSABUF,
    _sqos: *mut QOS,
    _gqos: *mut QOS,
    callee_id: *mut WSABUF,
    callee_data: *mut WSABUF,
    g: *mut GROUP,
    data: DWORD_PTR,
) -> INT {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> R<INT> {
        // SAFETY: `data` is the `CondCtx` that `Table::accept` passed and keeps alive for
        // the call; the WSABUFs are the provider's, valid for their declared lengths.
        unsafe {
            let ctx = &mut *(data as *mut CondCtx<'_, '_>);
            let bytes = |p: *mut WSABUF| -> R<Option<&[u8]>> {
                if p.is_null() {
                    return Ok(None);
                }
                let w = super::mem::read(p)?;
                Ok(Some(super::mem::in_bytes(w.buf, w.len as usize)?))
            };
            let caller = bytes(caller_id)?.unwrap_or(&[]);
            let callee = bytes(callee_id)?.unwrap_or(&[]);
            let cdata = bytes(caller_data)?;
            let out = if callee_data.is_null() {
                None
            } else {
                let w = super::mem::read(callee_data)?;
                Some(super::mem::out_bytes(w.buf, w.len as usize)?)
            };
            let mut c = AcceptCondition {
                caller_id: SockAddr::from_bytes(caller),
                caller_data: cdata,
                sqos: None,
                gqos: None,
                callee_id: SockAddr::from_bytes(callee),
                callee_data: out.map(|buf| OutBuf { buf, len: 0 }),
                group: if g.is_null() { 0 } else { super::mem::read(g)? },
            };
            let d = (ctx.f)(&mut c);
            if let Some(o) = &c.callee_data {
                super::mem::write(core::ptr::addr_of_mut!((*callee_data).len), o.len as u32)?;
            }
            if !g.is_null() {
                super::mem::write(g, c.group)?;
            }
            Ok(match d {
                ConditionDecision::Accept => 0,
                ConditionDecision::Reject => 1,
                ConditionDecision::Defer => 2,
            })
        }
    }));
    match r {
        Ok(Ok(v)) => v,
        _ => 1,
    }
}

impl Table {
    /// `WSPAccept`; the accepted peer's address is written back into `addr`.
    pub fn accept(
        &self,
        s: SOCKET,
        addr: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> R<SOCKET> {
        let f = self.0.lpWSPAccept.ok_or_else(missing)?;
        let mut buf = [0u8; 128];
        let cap = addr.as_ref().map_or(0, |a| a.len());
        let mut len = cap as INT;
        let want = addr.is_some();
        let (p, lp) = if want {
            (buf.as_mut_ptr().cast::<SOCKADDR>(), &mut len as *mut INT)
        } else {
            (null_mut(), null_mut())
        };
        let mut ctx = condition.map(|f| CondCtx { f });
        let (cb, data): (LPCONDITIONPROC, usize) = match ctx.as_mut() {
            Some(c) => (
                Some(condition_trampoline),
                c as *mut CondCtx<'_, '_> as usize,
            ),
            None => (None, 0),
        };
        let mut errno = 0;
        // SAFETY: a provider entry called with live locals; `ctx` outlives the call, the only
        // time the trampoline may use it; `buf` holds 128 bytes and `len` declares at most that.
        let r = sock(unsafe { f(s, p, lp, cb, data, &mut errno) }, errno)?;
        if let Some(a) = addr {
            let n = (len.max(0) as usize).min(cap).min(buf.len());
            *a = SockAddr::from_bytes(&buf[..n]);
        }
        Ok(r)
    }

    /// `WSPAddressToString`.
    pub fn address_to_string(
        &self,
        addr: &SockAddr,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> R<String> {
        let f = self.0.lpWSPAddressToString.ok_or_else(missing)?;
        let mut info = info.copied();
        let ip = info.as_mut().map_or(null_mut(), |i| i as *mut _);
        let mut a = *addr;
        let mut cap: DWORD = 64;
        loop {
            let mut out = vec![0u16; cap as usize];
            let mut len = cap;
            let mut errno = 0;
            let bytes = a.as_bytes().as_ptr().cast_mut().cast::<SOCKADDR>();
            // SAFETY: a provider entry with live buffers of the declared sizes.
            let r = unsafe {
                f(
                    bytes,
                    a.len() as DWORD,
                    ip,
                    out.as_mut_ptr(),
                    &mut len,
                    &mut errno,
                )
            };
            match int(r, errno) {
                Ok(_) => return crate::decode::wide(&out[..(len as usize).min(out.len())]),
                Err(WsaError::WSAEFAULT) if len > cap && len <= 4096 => cap = len,
                Err(e) => return Err(e),
            }
            a = *addr;
        }
    }

    /// `WSPAsyncSelect`.
    pub fn async_select(&self, s: SOCKET, hwnd: HWND, msg: u32, events: i32) -> R<()> {
        let f = self.0.lpWSPAsyncSelect.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: plain values and a live errno.
        int(unsafe { f(s, hwnd, msg, events, &mut errno) }, errno).map(drop)
    }

    /// `WSPBind`.
    pub fn bind(&self, s: SOCKET, name: &SockAddr) -> R<()> {
        let f = self.0.lpWSPBind.ok_or_else(missing)?;
        let mut errno = 0;
        let b = name.as_bytes();
        // SAFETY: `b` is `namelen` readable bytes.
        int(
            unsafe { f(s, b.as_ptr().cast(), b.len() as INT, &mut errno) },
            errno,
        )
        .map(drop)
    }

    /// `WSPCancelBlockingCall`.
    pub fn cancel_blocking_call(&self) -> R<()> {
        let f = self.0.lpWSPCancelBlockingCall.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(&mut errno) }, errno).map(drop)
    }

    /// `WSPCleanup`.
    pub fn cleanup(&self) -> R<()> {
        let f = self.0.lpWSPCleanup.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(&mut errno) }, errno).map(drop)
    }

    /// `WSPCloseSocket`.
    pub fn close_socket(&self, s: SOCKET) -> R<()> {
        let f = self.0.lpWSPCloseSocket.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(s, &mut errno) }, errno).map(drop)
    }

    /// `WSPConnect`.
    pub fn connect(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> R<()> {
        let f = self.0.lpWSPConnect.ok_or_else(missing)?;
        let b = name.as_bytes();
        let mut cd = caller_data.map(wsabuf);
        let mut out = callee_data;
        let mut ced = out.as_mut().map(|o| wsabuf_mut(o.buf));
        let (mut sq, mut gq) = (sqos.map(c_qos), gqos.map(c_qos));
        let mut errno = 0;
        // SAFETY: every pointer is a live local or null, with its declared length.
        let r = unsafe {
            f(
                s,
                b.as_ptr().cast(),
                b.len() as INT,
                cd.as_mut().map_or(null_mut(), |w| w as *mut _),
                ced.as_mut().map_or(null_mut(), |w| w as *mut _),
                sq.as_mut().map_or(null_mut(), |q| q as *mut _),
                gq.as_mut().map_or(null_mut(), |q| q as *mut _),
                &mut errno,
            )
        };
        // The provider writes `lpCalleeData->len` on failure too: with WSAEFAULT it is the
        // size the callee data needs, which may exceed the buffer.
        if let (Some(o), Some(w)) = (out, ced) {
            o.len = w.len as usize;
        }
        int(r, errno).map(|_| ())
    }

    /// `WSPDuplicateSocket`.
    pub fn duplicate_socket(&self, s: SOCKET, pid: u32) -> R<WSAPROTOCOL_INFOW> {
        let f = self.0.lpWSPDuplicateSocket.ok_or_else(missing)?;
        let mut info = WSAPROTOCOL_INFOW::default();
        let mut errno = 0;
        // SAFETY: a live structure and errno.
        int(unsafe { f(s, pid, &mut info, &mut errno) }, errno)?;
        Ok(info)
    }

    /// `WSPEnumNetworkEvents`.
    pub fn enum_network_events(&self, s: SOCKET, event: HANDLE) -> R<WSANETWORKEVENTS> {
        let f = self.0.lpWSPEnumNetworkEvents.ok_or_else(missing)?;
        let mut ne = WSANETWORKEVENTS::default();
        let mut errno = 0;
        // SAFETY: a live structure and errno.
        int(unsafe { f(s, event, &mut ne, &mut errno) }, errno)?;
        Ok(ne)
    }

    /// `WSPEventSelect`.
    pub fn event_select(&self, s: SOCKET, event: HANDLE, events: i32) -> R<()> {
        let f = self.0.lpWSPEventSelect.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(s, event, events, &mut errno) }, errno).map(drop)
    }

    /// `WSPGetOverlappedResult` for the caller's `WSAOVERLAPPED` at address `ov`.
    pub fn get_overlapped_result(&self, s: SOCKET, ov: usize, wait: bool) -> R<(usize, u32)> {
        let f = self.0.lpWSPGetOverlappedResult.ok_or_else(missing)?;
        let (mut n, mut flags, mut errno) = (0, 0, 0);
        // SAFETY: `ov` is the caller's own WSAOVERLAPPED address, passed through untouched;
        // the out-values are live locals.
        let r = unsafe {
            f(
                s,
                ov as *mut WSAOVERLAPPED,
                &mut n,
                BOOL::from(wait),
                &mut flags,
                &mut errno,
            )
        };
        boolean(r, errno)?;
        Ok((n as usize, flags))
    }

    fn name_call(&self, f: LPWSPGETSOCKNAME, s: SOCKET, name: &mut SockAddr) -> R<()> {
        let f = f.ok_or_else(missing)?;
        let mut buf = [0u8; 128];
        let cap = name.len();
        let mut len = cap as INT;
        let mut errno = 0;
        // SAFETY: `buf` holds at least `len` bytes.
        let r = unsafe { f(s, buf.as_mut_ptr().cast(), &mut len, &mut errno) };
        int(r, errno)?;
        *name = SockAddr::from_bytes(&buf[..(len.max(0) as usize).min(cap)]);
        Ok(())
    }

    /// `WSPGetPeerName`.
    pub fn get_peer_name(&self, s: SOCKET, name: &mut SockAddr) -> R<()> {
        self.name_call(self.0.lpWSPGetPeerName, s, name)
    }

    /// `WSPGetSockName`.
    pub fn get_sock_name(&self, s: SOCKET, name: &mut SockAddr) -> R<()> {
        self.name_call(self.0.lpWSPGetSockName, s, name)
    }

    /// `WSPGetSockOpt`.
    pub fn get_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &mut [u8]) -> R<usize> {
        let f = self.0.lpWSPGetSockOpt.ok_or_else(missing)?;
        let mut len = optval.len().min(INT::MAX as usize) as INT;
        let mut errno = 0;
        // SAFETY: `optval` holds `len` bytes.
        let r = unsafe { f(s, level, name, optval.as_mut_ptr(), &mut len, &mut errno) };
        int(r, errno)?;
        Ok((len.max(0) as usize).min(optval.len()))
    }

    /// `WSPGetQOSByName`.
    pub fn get_qos_by_name(&self, s: SOCKET, name: &str, qos: &mut Qos) -> R<()> {
        let f = self.0.lpWSPGetQOSByName.ok_or_else(missing)?;
        let mut text: Vec<u8> = name.bytes().chain([0]).collect();
        let mut w = wsabuf_mut(&mut text);
        let mut q = c_qos(&Qos::default());
        let mut errno = 0;
        // SAFETY: live locals of the declared sizes.
        boolean(unsafe { f(s, &mut w, &mut q, &mut errno) }, errno)?;
        qos.sending = q.SendingFlowspec;
        qos.receiving = q.ReceivingFlowspec;
        Ok(())
    }

    /// `WSPIoctl` (non-overlapped).
    pub fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], output: &mut [u8]) -> R<usize> {
        let f = self.0.lpWSPIoctl.ok_or_else(missing)?;
        let (mut ret, mut errno) = (0, 0);
        let ip = if input.is_empty() {
            null_mut()
        } else {
            input.as_ptr().cast_mut()
        };
        let op = if output.is_empty() {
            null_mut()
        } else {
            output.as_mut_ptr()
        };
        // SAFETY: buffers of the declared lengths; the provider only reads the input.
        let r = unsafe {
            f(
                s,
                code,
                ip,
                input.len() as DWORD,
                op,
                output.len() as DWORD,
                &mut ret,
                null_mut(),
                None,
                null_mut(),
                &mut errno,
            )
        };
        int(r, errno)?;
        Ok(ret as usize)
    }

    /// `WSPJoinLeaf`.
    #[allow(clippy::too_many_arguments)]
    pub fn join_leaf(
        &self,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> R<SOCKET> {
        let f = self.0.lpWSPJoinLeaf.ok_or_else(missing)?;
        let b = name.as_bytes();
        let mut cd = caller_data.map(wsabuf);
        let mut out = callee_data;
        let mut ced = out.as_mut().map(|o| wsabuf_mut(o.buf));
        let (mut sq, mut gq) = (sqos.map(c_qos), gqos.map(c_qos));
        let mut errno = 0;
        // SAFETY: every pointer is a live local or null, with its declared length.
        let r = unsafe {
            f(
                s,
                b.as_ptr().cast(),
                b.len() as INT,
                cd.as_mut().map_or(null_mut(), |w| w as *mut _),
                ced.as_mut().map_or(null_mut(), |w| w as *mut _),
                sq.as_mut().map_or(null_mut(), |q| q as *mut _),
                gq.as_mut().map_or(null_mut(), |q| q as *mut _),
                flags,
                &mut errno,
            )
        };
        let r = sock(r, errno)?;
        if let (Some(o), Some(w)) = (out, ced) {
            o.len = (w.len as usize).min(o.buf.len());
        }
        Ok(r)
    }

    /// `WSPListen`.
    pub fn listen(&self, s: SOCKET, backlog: i32) -> R<()> {
        let f = self.0.lpWSPListen.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(s, backlog, &mut errno) }, errno).map(drop)
    }

    /// `WSPRecv` / `WSPRecvFrom` (non-overlapped).
    pub fn recv_from(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        from: Option<&mut SockAddr>,
        plain: bool,
    ) -> R<usize> {
        let mut v: Vec<WSABUF> = bufs.iter_mut().map(|b| wsabuf_mut(b)).collect();
        let vp = if v.is_empty() {
            null_mut()
        } else {
            v.as_mut_ptr()
        };
        let (mut got, mut errno) = (0, 0);
        let r = if plain {
            let f = self.0.lpWSPRecv.ok_or_else(missing)?;
            // SAFETY: WSABUFs over live Rust buffers of their declared lengths.
            unsafe {
                f(
                    s,
                    vp,
                    v.len() as DWORD,
                    &mut got,
                    flags,
                    null_mut(),
                    None,
                    null_mut(),
                    &mut errno,
                )
            }
        } else {
            let f = self.0.lpWSPRecvFrom.ok_or_else(missing)?;
            let mut buf = [0u8; 128];
            let cap = from.as_ref().map_or(0, |a| a.len());
            let mut len = cap as INT;
            let (p, lp) = if from.is_some() {
                (buf.as_mut_ptr().cast::<SOCKADDR>(), &mut len as *mut INT)
            } else {
                (null_mut(), null_mut())
            };
            // SAFETY: as above, plus a 128-byte address buffer declared as `cap` <= 128.
            let r = unsafe {
                f(
                    s,
                    vp,
                    v.len() as DWORD,
                    &mut got,
                    flags,
                    p,
                    lp,
                    null_mut(),
                    None,
                    null_mut(),
                    &mut errno,
                )
            };
            if r != SOCKET_ERROR {
                if let Some(a) = from {
                    *a = SockAddr::from_bytes(&buf[..(len.max(0) as usize).min(cap)]);
                }
            }
            r
        };
        int(r, errno)?;
        Ok(got as usize)
    }

    /// `WSPRecvDisconnect`.
    pub fn recv_disconnect(&self, s: SOCKET, data: Option<&mut [u8]>) -> R<usize> {
        let f = self.0.lpWSPRecvDisconnect.ok_or_else(missing)?;
        let mut w = data.map(wsabuf_mut);
        let mut errno = 0;
        // SAFETY: a WSABUF over a live buffer, or null.
        let r = unsafe {
            f(
                s,
                w.as_mut().map_or(null_mut(), |w| w as *mut _),
                &mut errno,
            )
        };
        int(r, errno)?;
        Ok(w.map_or(0, |w| w.len as usize))
    }

    /// `WSPSelect`.
    pub fn select(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> R<usize> {
        let f = self.0.lpWSPSelect.ok_or_else(missing)?;
        let mut sets: Vec<Option<Vec<usize>>> = [&read, &write, &except]
            .iter()
            .map(|s| s.as_ref().map(|s| c_fd_set(s)))
            .collect();
        let ptr = |v: &mut Option<Vec<usize>>| {
            v.as_mut()
                .map_or(null_mut(), |v| v.as_mut_ptr().cast::<FD_SET>())
        };
        let (rp, wp, ep) = {
            let (a, rest) = sets.split_at_mut(1);
            let (b, c) = rest.split_at_mut(1);
            (ptr(&mut a[0]), ptr(&mut b[0]), ptr(&mut c[0]))
        };
        let tp = timeout.map_or(null(), |t| t as *const TIMEVAL);
        let mut errno = 0;
        // SAFETY: fd_sets in live buffers holding their counts' handles (at least
        // FD_SETSIZE), a live timeval or null.
        let n = int(unsafe { f(0, rp, wp, ep, tp, &mut errno) }, errno)?;
        for (out, set) in [read, write, except].into_iter().zip(&sets) {
            if let (Some(out), Some(set)) = (out, set) {
                *out = rust_fd_set(set);
            }
        }
        Ok(n as usize)
    }

    /// `WSPSend` / `WSPSendTo` (non-overlapped).
    pub fn send_to(
        &self,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
        plain: bool,
    ) -> R<usize> {
        let mut v: Vec<WSABUF> = bufs.iter().map(|b| wsabuf(b)).collect();
        let vp = if v.is_empty() {
            null_mut()
        } else {
            v.as_mut_ptr()
        };
        let (mut sent, mut errno) = (0, 0);
        let r = if plain {
            let f = self.0.lpWSPSend.ok_or_else(missing)?;
            // SAFETY: WSABUFs over live Rust buffers of their declared lengths.
            unsafe {
                f(
                    s,
                    vp,
                    v.len() as DWORD,
                    &mut sent,
                    flags,
                    null_mut(),
                    None,
                    null_mut(),
                    &mut errno,
                )
            }
        } else {
            let f = self.0.lpWSPSendTo.ok_or_else(missing)?;
            let (tp, tl) = to.map_or((null(), 0), |a| {
                (a.as_bytes().as_ptr().cast::<SOCKADDR>(), a.len() as INT)
            });
            // SAFETY: as above, plus an address of its declared length or null.
            unsafe {
                f(
                    s,
                    vp,
                    v.len() as DWORD,
                    &mut sent,
                    flags,
                    tp,
                    tl,
                    null_mut(),
                    None,
                    null_mut(),
                    &mut errno,
                )
            }
        };
        int(r, errno)?;
        Ok(sent as usize)
    }

    /// `WSPSendDisconnect`.
    pub fn send_disconnect(&self, s: SOCKET, data: Option<&[u8]>) -> R<()> {
        let f = self.0.lpWSPSendDisconnect.ok_or_else(missing)?;
        let mut w = data.map(wsabuf);
        let mut errno = 0;
        // SAFETY: a WSABUF over a live buffer, or null.
        let r = unsafe {
            f(
                s,
                w.as_mut().map_or(null_mut(), |w| w as *mut _),
                &mut errno,
            )
        };
        int(r, errno).map(drop)
    }

    /// `WSPSetSockOpt`.
    pub fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, optval: &[u8]) -> R<()> {
        let f = self.0.lpWSPSetSockOpt.ok_or_else(missing)?;
        let mut errno = 0;
        let p = if optval.is_empty() {
            null()
        } else {
            optval.as_ptr()
        };
        // SAFETY: `optval` holds `optlen` bytes.
        let r = unsafe { f(s, level, name, p, optval.len() as INT, &mut errno) };
        int(r, errno).map(drop)
    }

    /// `WSPShutdown`.
    pub fn shutdown(&self, s: SOCKET, how: i32) -> R<()> {
        let f = self.0.lpWSPShutdown.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: a live errno.
        int(unsafe { f(s, how, &mut errno) }, errno).map(drop)
    }

    /// `WSPSocket`.
    pub fn socket(
        &self,
        af: i32,
        ty: i32,
        protocol: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> R<SOCKET> {
        let f = self.0.lpWSPSocket.ok_or_else(missing)?;
        let mut info = info.copied();
        let mut errno = 0;
        // SAFETY: a live structure copy or null.
        let r = unsafe {
            f(
                af,
                ty,
                protocol,
                info.as_mut().map_or(null_mut(), |i| i as *mut _),
                group,
                flags,
                &mut errno,
            )
        };
        sock(r, errno)
    }

    /// `WSPStringToAddress`.
    pub fn string_to_address(
        &self,
        text: &str,
        af: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> R<()> {
        let f = self.0.lpWSPStringToAddress.ok_or_else(missing)?;
        let mut units: Vec<u16> = text.encode_utf16().chain([0]).collect();
        let mut info = info.copied();
        let mut buf = [0u8; 128];
        let cap = out.len();
        let mut len = cap as INT;
        let mut errno = 0;
        // SAFETY: a NUL-terminated string, a structure copy or null, and a 128-byte buffer
        // declared as `cap` <= 128 bytes.
        let r = unsafe {
            f(
                units.as_mut_ptr(),
                af,
                info.as_mut().map_or(null_mut(), |i| i as *mut _),
                buf.as_mut_ptr().cast(),
                &mut len,
                &mut errno,
            )
        };
        int(r, errno)?;
        *out = SockAddr::from_bytes(&buf[..(len.max(0) as usize).min(cap)]);
        Ok(())
    }
}

/// Call a `WSPStartup`.
pub fn startup(
    f: LPWSPSTARTUP,
    version: u16,
    info: &WSAPROTOCOL_INFOW,
    upcalls: WSPUPCALLTABLE,
) -> R<(WSPDATA, Table)> {
    let mut data = WSPDATA {
        wVersion: 0,
        wHighVersion: 0,
        szDescription: [0; wsp::types::WSPDESCRIPTION_LEN + 1],
    };
    let mut table = WSPPROC_TABLE::default();
    let mut info = *info;
    // SAFETY: a provider's WSPStartup called with live structures.
    let r = unsafe { f(version, &mut data, &mut info, upcalls, &mut table) };
    if r != 0 {
        return Err(WsaError(r));
    }
    Ok((data, Table(table)))
}

/// Call a `WSPEnumCatalog` (this crate's catalog export, in any library that has it).
pub fn enum_catalog(f: LPWSPENUMCATALOG) -> R<Vec<WSAPROTOCOL_INFOW>> {
    let mut len: DWORD = 0;
    let mut errno = 0;
    // SAFETY: a null buffer of declared length 0 asks for the size.
    let r = unsafe { f(null_mut(), &mut len, &mut errno) };
    if r != SOCKET_ERROR {
        return Ok(Vec::new());
    }
    if errno != WsaError::WSAENOBUFS.0 {
        return Err(WsaError(errno));
    }
    let n = len as usize / crate::decode::PROTOCOL_INFO_LEN;
    let mut v = vec![WSAPROTOCOL_INFOW::default(); n];
    let mut len = (n * crate::decode::PROTOCOL_INFO_LEN) as DWORD;
    // SAFETY: `v` holds `len` bytes of structures.
    let r = unsafe { f(v.as_mut_ptr(), &mut len, &mut errno) };
    let count = int(r, errno)? as usize;
    v.truncate(count);
    Ok(v)
}

// ---- extension functions through a foreign table ----------------------------------------
//
// `SIO_GET_EXTENSION_FUNCTION_POINTER` on the foreign table gives the provider's own
// AcceptEx/ConnectEx/DisconnectEx/TransmitPackets/WSARecvMsg/WSASendMsg; [`ext_issue`]
// calls them with a `WSAOVERLAPPED` this crate owns per request ([`ExtPending`]). The
// BOOL-returning functions have no completion routine, so every request (the two message
// functions too) is notified through `hEvent`: a [`Event::forwarding`] event whose handle
// value goes in the `WSAOVERLAPPED`. The provider writes the outcome there
// (`Internal`, `InternalHigh`, `Offset`: the bookkeeping of `WPUCompleteOverlappedRequest`)
// and then signals the event, through `WPUSetEvent` of this crate's upcall table or, for
// this crate's own provider, directly; the event's action reads the outcome, completes the
// Rust caller's `OpHandle` (buffers handed back) and notifies as the caller asked.

use crate::ffi::pending::{HeldRecv, HeldSend};
use core::cell::UnsafeCell;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use wsp::overlapped::{
    Buffers, CompletionRoutine, ExtensionFn, Issued, OpCompleter, OpHandle, OpResult, Overlapped,
    RecvBufs, SendBufs,
};
use wsp::sync::{current_thread, Event, ThreadHandle};

type AcceptExFn = unsafe extern "system" fn(
    SOCKET,
    SOCKET,
    *mut u8,
    DWORD,
    DWORD,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
) -> BOOL;
type ConnectExFn = unsafe extern "system" fn(
    SOCKET,
    *const SOCKADDR,
    INT,
    *mut u8,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
) -> BOOL;
type DisconnectExFn = unsafe extern "system" fn(SOCKET, *mut WSAOVERLAPPED, DWORD, DWORD) -> BOOL;
type TransmitPacketsFn = unsafe extern "system" fn(
    SOCKET,
    *mut TRANSMIT_PACKETS_ELEMENT,
    DWORD,
    DWORD,
    *mut WSAOVERLAPPED,
    DWORD,
) -> BOOL;
type RecvMsgFn = unsafe extern "system" fn(
    SOCKET,
    *mut WSAMSG,
    *mut DWORD,
    *mut WSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT;
type SendMsgFn = unsafe extern "system" fn(
    SOCKET,
    *mut WSAMSG,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT;

/// How a foreign provider's extension functions report their error: its
/// `WSPExtensionLastError` (this crate's export), or the thread's last error.
pub type LastError = unsafe extern "system" fn() -> INT;

fn guid_of(f: ExtensionFn) -> wsp::types::GUID {
    use wsp::overlapped::*;
    match f {
        ExtensionFn::AcceptEx => WSAID_ACCEPTEX,
        ExtensionFn::GetAcceptExSockaddrs => WSAID_GETACCEPTEXSOCKADDRS,
        ExtensionFn::ConnectEx => WSAID_CONNECTEX,
        ExtensionFn::DisconnectEx => WSAID_DISCONNECTEX,
        ExtensionFn::TransmitFile => WSAID_TRANSMITFILE,
        ExtensionFn::TransmitPackets => WSAID_TRANSMITPACKETS,
        ExtensionFn::WsaRecvMsg => WSAID_WSARECVMSG,
        ExtensionFn::WsaSendMsg => WSAID_WSASENDMSG,
    }
}

impl Table {
    /// The provider's own function for `f`, asked of socket `s` with
    /// `SIO_GET_EXTENSION_FUNCTION_POINTER` (null is `WSAEOPNOTSUPP`).
    pub fn extension(&self, s: SOCKET, f: ExtensionFn) -> R<usize> {
        let guid = wsp::overlapped::guid_to_bytes(&guid_of(f));
        let mut out = [0u8; core::mem::size_of::<usize>()];
        let n = self.ioctl(
            s,
            wsp::types::SIO_GET_EXTENSION_FUNCTION_POINTER,
            &guid,
            &mut out,
        )?;
        let p = usize::from_ne_bytes(out);
        if n != out.len() || p == 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        Ok(p)
    }
}

/// Which extension function to call, with the arguments that are not buffers.
pub enum ExtCall<'a> {
    /// `AcceptEx(listen, accept, ...)` with the three lengths of the output buffer.
    AcceptEx {
        /// The socket to accept into.
        accept: SOCKET,
        /// `dwReceiveDataLength`.
        receive: usize,
        /// `dwLocalAddressLength`.
        local: usize,
        /// `dwRemoteAddressLength`.
        remote: usize,
    },
    /// `ConnectEx` (optional send buffer).
    ConnectEx {
        /// The address to connect to (read during the call).
        name: &'a SockAddr,
    },
    /// `DisconnectEx`.
    DisconnectEx {
        /// `dwFlags` (`TF_REUSE_SOCKET`).
        flags: u32,
    },
    /// `TransmitPackets` with one memory element per send buffer.
    TransmitPackets {
        /// `dwFlags`.
        flags: u32,
    },
    /// `WSARecvMsg`.
    RecvMsg {
        /// `dwFlags` in.
        flags: u32,
    },
    /// `WSASendMsg`.
    SendMsg {
        /// `dwFlags`.
        flags: u32,
        /// The destination (datagrams), or none.
        to: Option<&'a SockAddr>,
    },
}

/// How the Rust caller asked to be told.
struct ExtNotify {
    event: Option<Event>,
    routine: Option<CompletionRoutine>,
    thread: ThreadHandle,
    key: usize,
}

#[derive(Default)]
struct ExtState {
    /// The issuing call has returned (and started the request).
    started: bool,
    /// The provider signalled the request's event.
    fired: bool,
}

/// One extension-function request in flight with a foreign provider. Everything the
/// provider may touch until completion lives here, at a fixed address (an `Arc`).
#[repr(C)]
pub struct ExtPending {
    ov: UnsafeCell<WSAOVERLAPPED>,
    msg: UnsafeCell<WSAMSG>,
    name: UnsafeCell<[u8; 128]>,
    to: UnsafeCell<Vec<u8>>,
    bufs: UnsafeCell<Vec<WSABUF>>,
    elements: UnsafeCell<Vec<TRANSMIT_PACKETS_ELEMENT>>,
    /// ConnectEx's data in one piece (when the caller gave several slices).
    joined: UnsafeCell<Vec<u8>>,
    want_from: bool,
    op: OpHandle,
    completer: OpCompleter,
    notify: Mutex<Option<ExtNotify>>,
    /// The forwarding event whose handle is `hEvent`; closed when the request is done.
    signal: Mutex<Option<Event>>,
    state: Mutex<ExtState>,
}

// SAFETY: the UnsafeCell fields are written here only before the issuing call, by the
// provider through the pointers handed to it while the request is pending, and read here
// only after the provider reported completion (the issuing call's return, or the event it
// signals after writing the WSAOVERLAPPED), which orders the accesses.
unsafe impl Sync for ExtPending {}
// SAFETY: as above; every other field is Send.
unsafe impl Send for ExtPending {}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ExtPending {
    /// The request's handle.
    pub fn op(&self) -> &OpHandle {
        &self.op
    }

    /// The `WSAOVERLAPPED` given to the provider (for `WSPGetOverlappedResult`).
    pub fn overlapped(&self) -> *mut WSAOVERLAPPED {
        self.ov.get()
    }

    /// The provider signalled: finish if the issuing call has returned, else it will.
    fn fired(&self) {
        let started = {
            let mut st = lock(&self.state);
            st.fired = true;
            st.started
        };
        if started {
            self.finish(None);
        }
    }

    /// Record the outcome (`immediate`, else what the provider wrote in the
    /// `WSAOVERLAPPED`) and notify, once.
    fn finish(&self, immediate: Option<OpResult>) {
        let r = immediate.unwrap_or_else(|| {
            // SAFETY: the provider wrote the outcome before signalling (module comment).
            let ov = unsafe { *self.ov.get() };
            OpResult {
                error: super::upcall::wsa_of_internal(ov.Internal),
                bytes: ov.InternalHigh as u32,
                flags: ov.Offset,
            }
        });
        self.record(r);
        let Some(n) = lock(&self.notify).take() else {
            return;
        };
        if let Some(e) = lock(&self.signal).take() {
            e.close();
        }
        match n.routine {
            Some(routine) => {
                let (code, bytes, flags, key) = (r.code(), r.bytes, r.flags, n.key);
                let _ = n
                    .thread
                    .queue(Box::new(move || routine(code, bytes, key, flags)));
            }
            None => {
                if let Some(e) = n.event {
                    e.set();
                }
            }
        }
    }

    /// Complete the handle with `r` (once), with WSARecvMsg's source address.
    fn record(&self, r: OpResult) {
        if self.op.result().is_some() {
            return;
        }
        if self.want_from {
            // SAFETY: the provider wrote the address and its length before reporting.
            let (buf, len) = unsafe { (*self.name.get(), (*self.msg.get()).namelen) };
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
        self.completer.complete(r);
    }
}

impl ExtCall<'_> {
    fn function(&self) -> ExtensionFn {
        match self {
            ExtCall::AcceptEx { .. } => ExtensionFn::AcceptEx,
            ExtCall::ConnectEx { .. } => ExtensionFn::ConnectEx,
            ExtCall::DisconnectEx { .. } => ExtensionFn::DisconnectEx,
            ExtCall::TransmitPackets { .. } => ExtensionFn::TransmitPackets,
            ExtCall::RecvMsg { .. } => ExtensionFn::WsaRecvMsg,
            ExtCall::SendMsg { .. } => ExtensionFn::WsaSendMsg,
        }
    }
}

/// A provider's extension functions, fetched from its table once each.
#[derive(Debug, Default)]
pub struct ExtFns(Mutex<std::collections::HashMap<ExtensionFn, usize>>);

impl ExtFns {
    /// Remember the provider's function `p` for `f` (an answer to the ioctl seen elsewhere).
    pub fn remember(&self, f: ExtensionFn, p: usize) {
        lock(&self.0).insert(f, p);
    }

    fn get(&self, t: &Table, s: SOCKET, f: ExtensionFn) -> R<usize> {
        if let Some(&p) = lock(&self.0).get(&f) {
            return Ok(p);
        }
        let p = t.extension(s, f)?;
        lock(&self.0).insert(f, p);
        Ok(p)
    }
}

/// Call the provider's extension function for `call` on socket `s` (fetched through `t`
/// into `fns`), with the caller's buffers (receive buffers for AcceptEx and WSARecvMsg,
/// send buffers for the others; ConnectEx's are optional) and request `ov`. A failure is
/// read with `last_error`, the provider's own accessor.
#[allow(clippy::too_many_arguments)]
pub fn ext_issue(
    t: &Table,
    fns: &ExtFns,
    last_error: LastError,
    s: SOCKET,
    call: ExtCall<'_>,
    recv: Option<Box<dyn RecvBufs>>,
    send: Option<Box<dyn SendBufs>>,
    ov: Overlapped,
) -> R<(Arc<ExtPending>, Issued)> {
    let func = fns.get(t, s, call.function())?;
    let Overlapped {
        key,
        event,
        routine,
        thread,
        ..
    } = ov;
    // The caller's buffers, by address, held behind raw pointers until completion.
    let (buffers, slices) = match (recv, send) {
        (Some(b), _) => {
            let raw = Box::into_raw(b);
            // SAFETY: just made from a Box; the memory stays put until `HeldRecv` frees it.
            let v: Vec<(usize, usize)> = unsafe { (*raw).slices() }
                .into_iter()
                .map(|b| (b.as_mut_ptr() as usize, b.len()))
                .collect();
            (Buffers::Recv(Box::new(HeldRecv(raw))), v)
        }
        (None, Some(b)) => {
            let raw = Box::into_raw(b);
            // SAFETY: as above, read-only.
            let v: Vec<(usize, usize)> = unsafe { (*raw).slices() }
                .into_iter()
                .map(|b| (b.as_ptr() as usize, b.len()))
                .collect();
            (Buffers::Send(Box::new(HeldSend(raw))), v)
        }
        (None, None) => (Buffers::None, Vec::new()),
    };
    let (op, completer) = OpHandle::external(s, key, buffers);
    let want_from = matches!(call, ExtCall::RecvMsg { .. });
    let p = Arc::new(ExtPending {
        ov: UnsafeCell::new(WSAOVERLAPPED::default()),
        msg: UnsafeCell::new(WSAMSG {
            name: null_mut(),
            namelen: 0,
            lpBuffers: null_mut(),
            dwBufferCount: 0,
            Control: WSABUF {
                len: 0,
                buf: null_mut(),
            },
            dwFlags: 0,
        }),
        name: UnsafeCell::new([0; 128]),
        to: UnsafeCell::new(Vec::new()),
        bufs: UnsafeCell::new(
            slices
                .iter()
                .map(|&(ptr, len)| WSABUF {
                    len: len.min(u32::MAX as usize) as u32,
                    buf: ptr as *mut u8,
                })
                .collect(),
        ),
        elements: UnsafeCell::new(
            slices
                .iter()
                .map(|&(ptr, len)| TRANSMIT_PACKETS_ELEMENT {
                    dwElFlags: TP_ELEMENT_MEMORY,
                    cLength: len.min(u32::MAX as usize) as u32,
                    pBuffer: ptr as *mut u8,
                    hFile: 0,
                })
                .collect(),
        ),
        joined: UnsafeCell::new(Vec::new()),
        want_from,
        op: op.clone(),
        completer,
        notify: Mutex::new(Some(ExtNotify {
            // With a completion routine, hEvent is ignored (WSARecv page).
            event: if routine.is_some() { None } else { event },
            routine,
            thread: thread.unwrap_or_else(current_thread),
            key,
        })),
        signal: Mutex::new(None),
        state: Mutex::new(ExtState::default()),
    });
    let weak: Weak<ExtPending> = Arc::downgrade(&p);
    let signal = Event::forwarding(move || {
        if let Some(p) = weak.upgrade() {
            p.fired();
        }
    });
    // SAFETY: nobody else has the pointers yet.
    unsafe { (*p.ov.get()).hEvent = signal.raw() };
    *lock(&p.signal) = Some(signal);
    let lpov = p.ov.get();
    let mut count: DWORD = 0;
    let mut immediate_flags: u32 = 0;
    // SAFETY: (all arms) `func` is the provider's answer to
    // SIO_GET_EXTENSION_FUNCTION_POINTER for `call`'s GUID, so it has that function's
    // mswsock.h signature and stays valid while the provider is loaded; every pointer names memory of the `Arc<ExtPending>` (alive at least
    // until completion: the caller keeps it) or the caller's buffers (held until
    // completion), with the lengths declared; `count` is a live local the provider writes
    // during the call.
    let ok = unsafe {
        match call {
            ExtCall::AcceptEx {
                accept,
                receive,
                local,
                remote,
            } => {
                let f = core::mem::transmute::<usize, AcceptExFn>(func);
                let (ptr, _) = slices.first().copied().unwrap_or((0, 0));
                f(
                    s,
                    accept,
                    ptr as *mut u8,
                    receive as DWORD,
                    local as DWORD,
                    remote as DWORD,
                    &mut count,
                    lpov,
                ) != FALSE
            }
            ExtCall::ConnectEx { name } => {
                let f = core::mem::transmute::<usize, ConnectExFn>(func);
                let (ptr, len) = match slices.len() {
                    0 => (0, 0),
                    1 => slices[0],
                    _ => {
                        let j = &mut *p.joined.get();
                        for &(ptr, len) in &slices {
                            j.extend_from_slice(core::slice::from_raw_parts(ptr as *const u8, len));
                        }
                        (j.as_ptr() as usize, j.len())
                    }
                };
                f(
                    s,
                    name.as_bytes().as_ptr().cast(),
                    name.len() as INT,
                    ptr as *mut u8,
                    len as DWORD,
                    &mut count,
                    lpov,
                ) != FALSE
            }
            ExtCall::DisconnectEx { flags } => {
                let f = core::mem::transmute::<usize, DisconnectExFn>(func);
                f(s, lpov, flags, 0) != FALSE
            }
            ExtCall::TransmitPackets { flags } => {
                let f = core::mem::transmute::<usize, TransmitPacketsFn>(func);
                let e = &mut *p.elements.get();
                let ep = if e.is_empty() {
                    null_mut()
                } else {
                    e.as_mut_ptr()
                };
                let ok = f(s, ep, e.len() as DWORD, 0, lpov, flags) != FALSE;
                // No count parameter: a transfer that completed in the call sent it all.
                count = slices.iter().map(|&(_, n)| n as DWORD).sum();
                ok
            }
            ExtCall::RecvMsg { flags } => {
                let f = core::mem::transmute::<usize, RecvMsgFn>(func);
                let m = &mut *p.msg.get();
                let b = &mut *p.bufs.get();
                m.name = p.name.get().cast();
                m.namelen = 128;
                m.lpBuffers = b.as_mut_ptr();
                m.dwBufferCount = b.len() as u32;
                m.dwFlags = flags;
                let r = f(s, m, &mut count, lpov, None);
                immediate_flags = m.dwFlags;
                r != SOCKET_ERROR
            }
            ExtCall::SendMsg { flags, to } => {
                let f = core::mem::transmute::<usize, SendMsgFn>(func);
                let m = &mut *p.msg.get();
                let b = &mut *p.bufs.get();
                let t = &mut *p.to.get();
                if let Some(a) = to {
                    t.extend_from_slice(a.as_bytes());
                    m.name = t.as_mut_ptr().cast();
                    m.namelen = t.len() as INT;
                }
                m.lpBuffers = b.as_mut_ptr();
                m.dwBufferCount = b.len() as u32;
                f(s, m, flags, &mut count, lpov, None) != SOCKET_ERROR
            }
        }
    };
    let error = if ok {
        None
    } else {
        // SAFETY: the provider's own error accessor, with the signature its type states.
        Some(WsaError(unsafe { last_error() }))
    };
    if let Some(e) = error.filter(|&e| e != WsaError::WSA_IO_PENDING) {
        // Never started: nothing will be signalled.
        if let Some(ev) = lock(&p.signal).take() {
            ev.close();
        }
        return Err(e);
    }
    let fired = {
        let mut st = lock(&p.state);
        st.started = true;
        st.fired
    };
    let immediate = ok.then(|| OpResult::ok(count as usize, immediate_flags));
    if fired {
        p.finish(immediate);
    } else if let Some(r) = immediate {
        // Reported by the call; the signal that follows notifies the caller.
        p.record(r);
    }
    Ok((p.clone(), Issued { op, immediate }))
}
