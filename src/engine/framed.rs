//! The emulated connection-oriented protocol that carries connect and disconnect data
//! (`WSP Framed [FRAMED/IP]`, `[FRAMED/IPv6]`; protocol number 253), framed over a host TCP
//! stream. The wire format is in `docs/framed-protocol.md`.
//!
//! TCP/IP on Windows carries neither connect nor disconnect data (`XP1_CONNECT_DATA` and
//! `XP1_DISCONNECT_DATA` clear), so the catalog offers this protocol for programs that use
//! `WSPConnect`'s `lpCallerData`/`lpCalleeData`, the condition function's caller and callee
//! data, and `WSPSendDisconnect`/`WSPRecvDisconnect` with data. It is stream-oriented
//! (bytes arrive in order across frame boundaries, a receive may return part of a frame or
//! several frames' bytes), and every rule of the engine applies to it: blocking and
//! non-blocking calls, event and async select, select.
//!
//! All framing lives here, in the engine, over the ordinary `Net` stream calls: no OS
//! call. Each framed socket has a `Framed` next to its state: host bytes not yet parsed,
//! application bytes parsed and not yet received, frames queued for the host and not yet
//! taken, the peer's connect-time and disconnect data. One `io` lock serialises host reads
//! and writes of a socket so frames are neither split nor reordered between threads; it is
//! never held while the socket's state lock is taken, and readiness reports only
//! `try_lock` it (the backend may report from inside a `Net` call).
//!
//! Differences from a native provider with these flags:
//! * A non-blocking `WSPConnect` reports `FD_CONNECT` when the host stream is up, before
//!   the listener has decided; a refusal then shows as `FD_CLOSE` / receives failing with
//!   `WSAECONNREFUSED`, and callee data is not returned (Windows offers it through
//!   `SO_CONNDATA` only on some providers; see `docs/framed-protocol.md`). A blocking connect
//!   waits for the decision and returns the callee data.
//! * `FIONREAD` and overlapped receives read the host stream, not the parsed bytes.

use super::socket::{Conn, Probe, SockState, SocketCell};
use super::{skip, skip_mut, Engine, READ_WANT, WRITE_WANT};
use crate::error::WsaError;
use crate::net::{HostSocket, IoFlags, Net, Readiness};
use crate::types::*;
use crate::wsp::{OutBuf, WspResult};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The protocol number of the emulated protocol (253: "use for experimentation and
/// testing", RFC 3692; it never reaches the wire as an IP protocol).
pub const IPPROTO_WSP_FRAMED: i32 = 253;
/// Largest connect data (`lpCallerData`/`lpCalleeData`) one side may send.
pub const MAX_CONNECT_DATA: usize = 4096;
/// Largest disconnect data `WSPSendDisconnect` may send.
pub const MAX_DISCONNECT_DATA: usize = 4096;

const T_CONNECT: u8 = 1;
const T_ACCEPT: u8 = 2;
const T_REJECT: u8 = 3;
const T_DATA: u8 = 4;
const T_DISCONNECT: u8 = 5;
/// CONNECT payload prefix: magic and version.
const MAGIC: &[u8; 5] = b"WSPF\x01";
const HEADER: usize = 3;
const MAX_FRAME: usize = 0xffff;
/// A non-blocking send takes at most this much into the engine at once.
const SEND_CHUNK: usize = 64 * 1024;
/// Stop reading the host while this much is parsed and unread.
const READ_AHEAD: usize = 1 << 20;
/// How long a blocking accept waits for a connected caller's CONNECT frame before it
/// treats the request as withdrawn.
const HELLO_WAIT: Duration = Duration::from_secs(5);

/// Whether a catalog entry is the emulated protocol.
pub fn is_framed(entry: &WSAPROTOCOL_INFOW) -> bool {
    entry.iProtocol == IPPROTO_WSP_FRAMED
}

/// Append one frame to `out`.
fn frame(out: &mut Vec<u8>, ty: u8, payload: &[u8]) {
    debug_assert!(payload.len() <= MAX_FRAME);
    out.push(ty);
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
}

/// Where the connect-time exchange stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hs {
    /// Caller: CONNECT queued or sent, no answer yet.
    AwaitAnswer,
    /// Caller: the listener refused (REJECT).
    Refused,
    /// Both sides: done.
    Done,
}

/// Framing state of one socket.
#[derive(Debug)]
pub(crate) struct FramedState {
    pub hs: Hs,
    /// Host bytes not yet parsed into frames.
    raw: Vec<u8>,
    /// Application bytes parsed and not yet received.
    data: VecDeque<u8>,
    /// Frames for the host, from `tx_off` on not yet taken.
    tx: Vec<u8>,
    tx_off: usize,
    /// Connect data from the listener (caller side).
    pub callee_data: Vec<u8>,
    /// The peer's DISCONNECT frame arrived, with this data.
    pub disc: Option<Vec<u8>>,
    /// The host stream ended.
    pub eof: bool,
    /// The host stream failed, or the peer broke the format.
    pub failed: Option<WsaError>,
}

impl FramedState {
    fn has_input(&self) -> bool {
        !self.data.is_empty() || self.disc.is_some() || self.eof || self.failed.is_some()
    }

    fn tx_empty(&self) -> bool {
        self.tx_off >= self.tx.len()
    }

    /// Parse every complete frame of `raw`.
    fn parse(&mut self) {
        let mut at = 0;
        while self.raw.len() - at >= HEADER && self.failed.is_none() {
            let ty = self.raw[at];
            let len = usize::from(u16::from_be_bytes([self.raw[at + 1], self.raw[at + 2]]));
            if self.raw.len() - at < HEADER + len {
                break;
            }
            let payload = &self.raw[at + HEADER..at + HEADER + len];
            match ty {
                T_DATA if self.disc.is_none() => self.data.extend(payload),
                T_ACCEPT if self.hs == Hs::AwaitAnswer => {
                    self.callee_data = payload.to_vec();
                    self.hs = Hs::Done;
                }
                T_REJECT if self.hs == Hs::AwaitAnswer => self.hs = Hs::Refused,
                T_DISCONNECT if self.disc.is_none() => self.disc = Some(payload.to_vec()),
                // Anything else breaks the protocol: the connection is aborted.
                _ => self.failed = Some(WsaError::WSAECONNABORTED),
            }
            at += HEADER + len;
        }
        self.raw.drain(..at);
    }
}

/// A framed socket's state and its I/O lock.
#[derive(Debug)]
pub(crate) struct Framed {
    io: Mutex<()>,
    st: Mutex<FramedState>,
}

impl Framed {
    fn new(hs: Hs, tx: Vec<u8>) -> Arc<Framed> {
        Arc::new(Framed {
            io: Mutex::new(()),
            st: Mutex::new(FramedState {
                hs,
                raw: Vec::new(),
                data: VecDeque::new(),
                tx,
                tx_off: 0,
                callee_data: Vec::new(),
                disc: None,
                eof: false,
                failed: None,
            }),
        })
    }

    /// Lock the framing state.
    pub fn lock(&self) -> MutexGuard<'_, FramedState> {
        self.st.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn io(&self) -> MutexGuard<'_, ()> {
        self.io.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a receive would not block (data, an end, or an error).
    pub fn has_input(&self) -> bool {
        self.lock().has_input()
    }
}

/// A caller's CONNECT frame, peeked at (still queued on the host stream).
#[derive(Debug)]
pub(super) struct Hello {
    pub caller_data: Vec<u8>,
    /// Bytes of the whole frame.
    frame_len: usize,
}

/// The framing of `st`, if the socket is framed.
pub(crate) fn of(st: &SockState) -> Option<Arc<Framed>> {
    st.framed.clone()
}

/// Host I/O on one framed socket, shared by calls and readiness reports.
impl<N: Net> SocketCell<N> {
    fn framing(&self) -> Option<Arc<Framed>> {
        of(&self.lock())
    }

    /// Read what the host has into the framing state. Stops at would-block (consuming the
    /// read readiness seen at `seen`), the end of the stream, an error, or the read-ahead.
    fn framed_pump(&self, f: &Framed) {
        let _io = f.io();
        loop {
            {
                let st = f.lock();
                if st.eof || st.failed.is_some() || st.data.len() >= READ_AHEAD {
                    return;
                }
            }
            let seen = self.seq();
            let mut buf = [0u8; 16 * 1024];
            match self
                .net
                .recv(self.host, &mut [&mut buf[..]], IoFlags::default())
            {
                Ok(r) if r.bytes == 0 => {
                    f.lock().eof = true;
                    return;
                }
                Ok(r) => {
                    let mut st = f.lock();
                    st.raw.extend_from_slice(&buf[..r.bytes]);
                    st.parse();
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    self.consume(seen, Readiness::READABLE | Readiness::READ_CLOSED);
                    return;
                }
                Err(e) => {
                    f.lock().failed = Some(e);
                    return;
                }
            }
        }
    }

    /// Hand queued frames to the host until it would block (consuming the write readiness)
    /// or all are taken.
    fn framed_flush(&self, f: &Framed) -> WspResult<()> {
        let _io = f.io();
        self.framed_flush_locked(f)
    }

    fn framed_flush_locked(&self, f: &Framed) -> WspResult<()> {
        loop {
            let pending = {
                let st = f.lock();
                if st.tx_empty() {
                    return Ok(());
                }
                st.tx[st.tx_off..].to_vec()
            };
            let seen = self.seq();
            match self
                .net
                .send(self.host, &[&pending], None, IoFlags::default())
            {
                Ok(n) => {
                    let mut st = f.lock();
                    st.tx_off += n;
                    if st.tx_empty() {
                        st.tx.clear();
                        st.tx_off = 0;
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    self.consume(seen, Readiness::WRITABLE);
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Readiness arrived: move queued frames on (the caller's CONNECT frame, data a
    /// non-blocking send left). Never waits for the I/O lock.
    pub(crate) fn framed_drive(&self) {
        let Some(f) = self.framing() else { return };
        if self.lock().conn != Conn::Connected {
            return;
        }
        let Ok(_io) = f.io.try_lock() else { return };
        let _ = self.framed_flush_locked(&f);
    }

    /// What a receive would see on a framed socket, or `None` if the socket is not framed.
    pub(crate) fn framed_probe(&self) -> Option<Probe> {
        let f = self.framing()?;
        self.framed_pump(&f);
        let st = f.lock();
        Some(if !st.data.is_empty() {
            Probe::Data
        } else if st.hs == Hs::Refused {
            Probe::Failed(WsaError::WSAECONNREFUSED)
        } else if let Some(e) = st.failed {
            Probe::Failed(e)
        } else if st.disc.is_some() || st.eof {
            Probe::Eof
        } else {
            Probe::Nothing
        })
    }

    /// Select's readability on a framed socket, or `None` if not framed.
    pub(crate) fn framed_select_read(&self) -> Option<bool> {
        Some(!matches!(self.framed_probe()?, Probe::Nothing))
    }
}

/// Whether the framing of `st` holds something a receive would return (for the
/// level-triggered re-recording of `FD_READ`/`FD_CLOSE`).
pub(crate) fn buffered_input(st: &SockState) -> bool {
    st.framed.as_ref().is_some_and(|f| f.has_input())
}

impl<N: Net> Engine<N> {
    /// The caller's CONNECT frame on a queued connection: `Ok(None)` if it has not arrived
    /// (non-blocking), `Err` if the caller went away or spoke something else.
    pub(super) fn framed_peek_connect(
        &self,
        cell: &SocketCell<N>,
        host: HostSocket,
        timeout: Option<u32>,
    ) -> WspResult<Option<Hello>> {
        let net = &self.inner.net;
        let deadline = net.now() + HELLO_WAIT;
        loop {
            let mut buf = vec![0u8; HEADER + MAGIC.len() + MAX_CONNECT_DATA];
            let peek = IoFlags {
                peek: true,
                ..IoFlags::default()
            };
            match net.recv(host, &mut [&mut buf[..]], peek) {
                Ok(r) if r.bytes == 0 => return Err(WsaError::WSAECONNRESET),
                Ok(r) if r.bytes >= HEADER => {
                    let len = usize::from(u16::from_be_bytes([buf[1], buf[2]]));
                    if buf[0] != T_CONNECT
                        || len < MAGIC.len()
                        || len > MAGIC.len() + MAX_CONNECT_DATA
                    {
                        return Err(WsaError::WSAECONNRESET);
                    }
                    if r.bytes >= HEADER + len {
                        if &buf[HEADER..HEADER + MAGIC.len()] != MAGIC {
                            return Err(WsaError::WSAECONNRESET);
                        }
                        return Ok(Some(Hello {
                            caller_data: buf[HEADER + MAGIC.len()..HEADER + len].to_vec(),
                            frame_len: HEADER + len,
                        }));
                    }
                }
                Ok(_) | Err(WsaError::WSAEWOULDBLOCK) => {}
                Err(_) => return Err(WsaError::WSAECONNRESET),
            }
            if timeout.is_none() {
                return Ok(None);
            }
            if net.now() >= deadline {
                // "The connection request that was offered has timed out or been withdrawn."
                return Err(WsaError::WSAEACCES);
            }
            // The queued connection is not registered for readiness: look again shortly.
            let mut closed = false;
            let step = net.now() + Duration::from_millis(1);
            net.block_until(&cell.gate, Some(step), &mut || {
                closed = cell.lock().closed;
                closed
            });
            if closed {
                return Err(WsaError::WSAEINTR);
            }
        }
    }

    /// Take `n` bytes off an unregistered host stream (a frame already peeked at).
    fn framed_discard(&self, host: HostSocket, mut n: usize) -> WspResult<()> {
        let mut buf = vec![0u8; n];
        while n > 0 {
            let r = self
                .inner
                .net
                .recv(host, &mut [&mut buf[..n]], IoFlags::default())?;
            if r.bytes == 0 {
                return Err(WsaError::WSAECONNRESET);
            }
            n -= r.bytes;
        }
        Ok(())
    }

    /// Refuse a framed connection: the caller's connect fails `WSAECONNREFUSED`.
    pub(super) fn framed_refuse(&self, host: HostSocket, hello: &Hello) {
        if self.framed_discard(host, hello.frame_len).is_ok() {
            let mut out = Vec::new();
            frame(&mut out, T_REJECT, &[]);
            let _ = self.inner.net.send(host, &[&out], None, IoFlags::default());
            let _ = self.inner.net.shutdown(host, SD_SEND);
        }
        self.inner.net.close(host);
    }

    /// Accept a framed connection: consume the CONNECT frame and queue the ACCEPT frame.
    pub(super) fn framed_admit(
        &self,
        host: HostSocket,
        hello: &Hello,
        callee_data: &[u8],
    ) -> WspResult<Arc<Framed>> {
        self.framed_discard(host, hello.frame_len)?;
        let mut out = Vec::new();
        frame(&mut out, T_ACCEPT, callee_data);
        let f = Framed::new(Hs::Done, Vec::new());
        // The new stream's send buffer is empty; what the host does not take now is sent
        // by the first readiness report or call.
        let n = match self.inner.net.send(host, &[&out], None, IoFlags::default()) {
            Ok(n) => n,
            Err(WsaError::WSAEWOULDBLOCK) => 0,
            Err(e) => return Err(e),
        };
        f.lock().tx = out[n..].to_vec();
        Ok(f)
    }

    /// Framing for a caller about to connect with `caller_data`.
    pub(super) fn framed_start_connect(
        &self,
        cell: &SocketCell<N>,
        caller_data: Option<&[u8]>,
    ) -> WspResult<()> {
        let data = caller_data.unwrap_or_default();
        // WSPConnect: WSAEFAULT when "the buffer length for lpCallerData is too large".
        if data.len() > MAX_CONNECT_DATA {
            return Err(WsaError::WSAEFAULT);
        }
        let mut payload = MAGIC.to_vec();
        payload.extend_from_slice(data);
        let mut out = Vec::new();
        frame(&mut out, T_CONNECT, &payload);
        cell.lock().framed = Some(Framed::new(Hs::AwaitAnswer, out));
        Ok(())
    }

    /// A caller's host stream is up: send CONNECT and, if blocking, wait for the answer
    /// and return the callee data.
    pub(super) fn framed_finish_connect(
        &self,
        cell: &Arc<SocketCell<N>>,
        callee_data: Option<&mut OutBuf<'_>>,
        blocking: bool,
    ) -> WspResult<()> {
        let Some(f) = cell.framing() else {
            return Ok(());
        };
        let mut callee_data = callee_data;
        if let Some(b) = callee_data.as_deref_mut() {
            b.len = 0;
        }
        match cell.framed_flush(&f) {
            Ok(()) | Err(WsaError::WSAEWOULDBLOCK) => {}
            Err(e) => return Err(self.framed_fail(cell, e)),
        }
        if !blocking {
            return Ok(());
        }
        loop {
            let seen = cell.seq();
            let flushed = match cell.framed_flush(&f) {
                Ok(()) => true,
                Err(WsaError::WSAEWOULDBLOCK) => false,
                Err(e) => return Err(self.framed_fail(cell, e)),
            };
            cell.framed_pump(&f);
            let (hs, failed, ended) = {
                let st = f.lock();
                (st.hs, st.failed, st.eof || st.disc.is_some())
            };
            match hs {
                Hs::Done => {
                    let st = f.lock();
                    if let Some(b) = callee_data {
                        // WSPConnect: WSAEFAULT when "the buffer length for lpCalleeData
                        // is too small"; the connection stays up, `len` says what was sent.
                        b.len = st.callee_data.len();
                        if st.callee_data.len() > b.buf.len() {
                            return Err(WsaError::WSAEFAULT);
                        }
                        b.buf[..st.callee_data.len()].copy_from_slice(&st.callee_data);
                    }
                    return Ok(());
                }
                Hs::Refused => return Err(self.framed_fail(cell, WsaError::WSAECONNREFUSED)),
                Hs::AwaitAnswer => {}
            }
            if let Some(e) = failed {
                return Err(self.framed_fail(cell, e));
            }
            if ended {
                return Err(self.framed_fail(cell, WsaError::WSAECONNRESET));
            }
            let want = if flushed { READ_WANT } else { WRITE_WANT };
            if let Err(e) = self.wait_ready(cell, seen, want, 0) {
                return Err(self.framed_fail(cell, e));
            }
        }
    }

    /// The connect-time exchange failed: the connect fails with `e`.
    fn framed_fail(&self, cell: &SocketCell<N>, e: WsaError) -> WsaError {
        let mut st = cell.lock();
        st.conn = Conn::Failed(e);
        drop(st);
        cell.evaluate();
        e
    }

    /// `WSPRecv` on a framed socket (state checks already done by the caller).
    pub(super) fn framed_recv(
        &self,
        cell: &Arc<SocketCell<N>>,
        f: &Framed,
        bufs: &mut [&mut [u8]],
        flags: u32,
        timeout: Option<u32>,
    ) -> WspResult<usize> {
        if flags & MSG_OOB != 0 {
            // No XP1_EXPEDITED_DATA on this protocol.
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let peek = flags & MSG_PEEK != 0;
        let want_all = flags & MSG_WAITALL != 0 && !peek;
        let capacity: usize = bufs.iter().map(|b| b.len()).sum();
        let mut total = 0usize;
        loop {
            let seen = cell.seq();
            cell.framed_pump(f);
            {
                let mut st = f.lock();
                if !st.data.is_empty() {
                    let mut rest = skip_mut(bufs, total);
                    let mut n = 0;
                    'fill: for b in rest.iter_mut() {
                        for byte in b.iter_mut() {
                            let Some(&x) = st.data.get(n) else {
                                break 'fill;
                            };
                            *byte = x;
                            n += 1;
                        }
                    }
                    if !peek {
                        st.data.drain(..n);
                    }
                    total += n;
                    if !want_all || total >= capacity {
                        return Ok(total);
                    }
                    continue;
                }
                if st.hs == Hs::Refused {
                    return Err(Self::note_error(cell, WsaError::WSAECONNREFUSED));
                }
                if let Some(e) = st.failed {
                    if total > 0 {
                        return Ok(total);
                    }
                    return Err(Self::note_error(cell, e));
                }
                if st.disc.is_some() || st.eof {
                    return Ok(total);
                }
            }
            match timeout {
                None => {
                    if total > 0 {
                        return Ok(total);
                    }
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                Some(ms) => {
                    if let Err(e) = self.wait_ready(cell, seen, READ_WANT, ms) {
                        if total > 0 && e != WsaError::WSAEINTR {
                            return Ok(total);
                        }
                        return Err(e);
                    }
                }
            }
        }
    }

    /// `WSPSend` on a framed socket (state checks already done by the caller).
    pub(super) fn framed_send(
        &self,
        cell: &Arc<SocketCell<N>>,
        f: &Framed,
        bufs: &[&[u8]],
        flags: u32,
        timeout: Option<u32>,
    ) -> WspResult<usize> {
        if flags & MSG_OOB != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let mut sent = 0usize;
        loop {
            let seen = cell.seq();
            match cell.framed_flush(f) {
                Ok(()) => {
                    if sent >= total {
                        return Ok(sent);
                    }
                    let take = (total - sent).min(SEND_CHUNK);
                    let rest = skip(bufs, sent);
                    let mut bytes = Vec::with_capacity(take);
                    for b in rest {
                        let n = (take - bytes.len()).min(b.len());
                        bytes.extend_from_slice(&b[..n]);
                        if bytes.len() == take {
                            break;
                        }
                    }
                    {
                        let mut st = f.lock();
                        for chunk in bytes.chunks(MAX_FRAME) {
                            let mut out = std::mem::take(&mut st.tx);
                            frame(&mut out, T_DATA, chunk);
                            st.tx = out;
                        }
                    }
                    sent += take;
                    if timeout.is_none() {
                        // Non-blocking: the bytes are the engine's now; the first flush
                        // happens here, the rest on readiness or the next call.
                        let _ = cell.framed_flush(f);
                        return Ok(sent);
                    }
                    continue;
                }
                Err(WsaError::WSAEWOULDBLOCK) => match timeout {
                    None => {
                        if sent > 0 {
                            return Ok(sent);
                        }
                        return Err(WsaError::WSAEWOULDBLOCK);
                    }
                    Some(ms) => self.wait_ready(cell, seen, WRITE_WANT, ms)?,
                },
                Err(e) => return Err(Self::note_error(cell, e)),
            }
        }
    }

    /// Hand every queued frame to the host, waiting for space (shutdown, disconnect).
    pub(super) fn framed_flush_all(&self, cell: &Arc<SocketCell<N>>, f: &Framed) -> WspResult<()> {
        loop {
            let seen = cell.seq();
            match cell.framed_flush(f) {
                Ok(()) => return Ok(()),
                Err(WsaError::WSAEWOULDBLOCK) => self.wait_ready(cell, seen, WRITE_WANT, 0)?,
                Err(e) => return Err(e),
            }
        }
    }

    /// `WSPSendDisconnect` on a framed socket: the DISCONNECT frame with `data`, then the
    /// host stream's send side is shut.
    pub(super) fn framed_send_disconnect(
        &self,
        cell: &Arc<SocketCell<N>>,
        f: &Framed,
        data: &[u8],
    ) -> WspResult<()> {
        if data.len() > MAX_DISCONNECT_DATA {
            return Err(WsaError::WSAEFAULT);
        }
        {
            let mut st = f.lock();
            let mut out = std::mem::take(&mut st.tx);
            frame(&mut out, T_DISCONNECT, data);
            st.tx = out;
        }
        self.framed_flush_all(cell, f)
    }

    /// `WSPRecvDisconnect` on a framed socket: copy the peer's disconnect data (if it has
    /// arrived) into `data`. Returns the bytes copied.
    pub(super) fn framed_recv_disconnect(
        &self,
        cell: &Arc<SocketCell<N>>,
        f: &Framed,
        data: Option<&mut [u8]>,
    ) -> WspResult<usize> {
        cell.framed_pump(f);
        let st = f.lock();
        let Some(disc) = &st.disc else { return Ok(0) };
        match data {
            None => Ok(0),
            // WSPRecvDisconnect: WSAEFAULT when the buffer "is too small".
            Some(buf) if buf.len() < disc.len() => Err(WsaError::WSAEFAULT),
            Some(buf) => {
                buf[..disc.len()].copy_from_slice(disc);
                Ok(disc.len())
            }
        }
    }
}
