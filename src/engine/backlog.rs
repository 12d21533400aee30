//! Windows' stream-send rule on non-blocking sockets: a send takes the whole buffer or
//! fails with `WSAEWOULDBLOCK`, never a short count.
//!
//! # What Windows does
//! * Microsoft's `send` page allows a non-blocking stream send to return fewer bytes than
//!   asked ("the number of bytes written can be between 1 and the requested length").
//! * Windows' AFD in practice copies the *whole* buffer whenever the socket's send buffer is
//!   not full, buffering past `SO_SNDBUF`: "If necessary, Winsock can buffer significantly
//!   more than the SO_SNDBUF buffer size" and "If the socket is still within SO_SNDBUF
//!   quota, Winsock copies the data from the application send and indicates the send
//!   completion" (Microsoft, *Design issues - Sending small data segments over TCP with
//!   Winsock*, KB 214397,
//!   <https://learn.microsoft.com/en-us/troubleshoot/windows/win32/data-segment-tcp-winsock>;
//!   KB 823764 describes a single non-blocking send filling the whole AFD buffer,
//!   <https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/slow-performance-copy-data-tcp-server-sockets-api>).
//!   Observed: a 1 GB `send` returns 1073741824 at once (Stack Overflow 28785626).
//! * While that buffer is full a send fails with `WSAEWOULDBLOCK`, and FD_WRITE is recorded
//!   once space is free again after such a failure (WSAEventSelect / WSAAsyncSelect pages).
//!   Programs rely on "all or WSAEWOULDBLOCK": one that got a short count and waits for
//!   FD_WRITE before sending the rest stalls for ever on a host that takes only what fits
//!   (Wine: its server re-enables FD_WRITE only for a *failed* send,
//!   `send_socket_completion_callback` in `server/sock.c`, while its send returns the
//!   host's short count; grpc/grpc#28432 and #28506 are such stalls).
//!
//! # The rule here
//! A non-blocking send on a connected stream whose backlog is empty hands the host what it
//! accepts now, keeps the rest in this per-socket **send backlog**, and returns the full
//! count. While the backlog is non-empty the socket's "send buffer is full": a further send
//! fails with `WSAEWOULDBLOCK` (and so arms FD_WRITE), select and WSAPoll do not report it
//! writable, and FD_WRITE is not recorded. The reactor's writable reports flush the
//! backlog (no extra thread, no polling); when it drains, FD_WRITE is recorded if a send
//! failed meanwhile. KB 214397 also accepts a send beyond the quota while only one earlier
//! buffered send is outstanding; here the backlog exists only once the host's own buffer
//! (sized by `SO_SNDBUF`) is full, so "backlog non-empty" is "beyond quota" and the simplest
//! faithful rule applies: refuse. Memory is bounded by one send's size.
//!
//! Everything that sends after such a send waits for the backlog: later sends (refused
//! while it lasts), overlapped sends, TransmitPackets and DisconnectEx (the overlapped
//! send queue is driven only once it is empty), `shutdown(SD_SEND)`/`WSASendDisconnect`
//! (the host's FIN is sent when it drains), a graceful `closesocket` (returns at once; the
//! socket lives on in the engine until the backlog is flushed, then closes, as Windows
//! sends buffered data after a graceful close). An abortive close (`SO_LINGER` on with 0)
//! drops the backlog and resets. A reset while flushing drops the backlog and is reported
//! by the next send or receive (`WSAECONNRESET`) and by FD_CLOSE.
//!
//! Not buffered (a short count can still happen, and FD_WRITE is re-armed by it so that
//! no program waiting for FD_WRITE stalls): `MSG_OOB` sends (the urgent byte must end the
//! host send that carries it), sockets shared by `WSPDuplicateSocket` (several handles on
//! one host socket), and the emulated framed protocol (its own queue, framed.rs).
//!
//! # Concurrency
//! One thread at a time sends on a socket's host stream (`tx_busy`, under the socket
//! lock): the sender or the flusher. A report arriving while another thread holds it is not
//! lost: the holder re-checks the readiness when it lets go ([`SocketCell::tx_release`]),
//! the same discipline as the overlapped queues' `driving` flag.

use super::socket::SocketCell;
use super::{Engine, Inner, WRITE_WANT};
use crate::error::WsaError;
use crate::net::{HostOpt, IoFlags, Net, Readiness};
use crate::types::*;
use crate::wsp::WspResult;
use std::sync::Arc;
use std::time::Duration;

/// Bytes a send took beyond what the host accepted, from `off` on not yet handed over.
#[derive(Debug)]
pub(crate) struct TxBacklog {
    buf: Vec<u8>,
    off: usize,
}

impl TxBacklog {
    /// The bytes of `bufs` after the first `skip`.
    pub fn rest_of(bufs: &[&[u8]], mut skip: usize) -> Box<TxBacklog> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let mut buf = Vec::with_capacity(total.saturating_sub(skip));
        for b in bufs {
            if skip >= b.len() {
                skip -= b.len();
            } else {
                buf.extend_from_slice(&b[skip..]);
                skip = 0;
            }
        }
        Box::new(TxBacklog { buf, off: 0 })
    }

    /// Bytes not yet handed to the host.
    pub fn len(&self) -> usize {
        self.buf.len() - self.off
    }
}

/// What `closesocket` does about a send backlog (`Engine::backlog_on_close`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnClose {
    /// No backlog (or it was dropped for an abortive close): close as usual.
    Nothing,
    /// Graceful: close now, flush the backlog in the background.
    Flush,
    /// The linger timeout passed with the backlog unsent: closed abortively already.
    Aborted,
}

/// What a flush left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flush {
    /// Nothing is left (or there was nothing).
    Empty,
    /// The host would block; the write readiness seen at this sequence number was consumed
    /// (unless a report arrived meanwhile).
    Blocked(u64),
    /// The host failed; the backlog was dropped and the reset recorded.
    Failed(WsaError),
}

impl<N: Net> SocketCell<N> {
    /// With the send path held (`tx_busy`): hand the backlog to the host until it is
    /// empty, the host would block, or it fails.
    pub fn flush_held(&self) -> Flush {
        loop {
            let (mut b, seen) = {
                let mut st = self.lock();
                match st.tx.take() {
                    None => return Flush::Empty,
                    Some(b) => {
                        // Still the socket's backlog for select and FD_WRITE while out.
                        st.tx_out = true;
                        (b, st.seq)
                    }
                }
            };
            match self
                .net
                .send(self.host, &[&b.buf[b.off..]], None, IoFlags::default())
            {
                Ok(0) => {
                    // Nothing taken (no host does this for a non-empty stream send; a
                    // reactor thread must not spin on it): as would block.
                    let mut st = self.lock();
                    st.tx_out = false;
                    st.tx = Some(b);
                    if st.seq == seen {
                        st.ready.remove(WRITE_WANT);
                    }
                    return Flush::Blocked(seen);
                }
                Ok(n) => {
                    b.off += n;
                    let mut st = self.lock();
                    st.tx_out = false;
                    if b.off < b.buf.len() {
                        // A short write: the next attempt finds the host full (and so the
                        // next writable report is guaranteed by the Net contract).
                        st.tx = Some(b);
                    }
                }
                Err(WsaError::WSAEWOULDBLOCK) => {
                    let mut st = self.lock();
                    st.tx_out = false;
                    st.tx = Some(b);
                    if st.seq == seen {
                        st.ready.remove(WRITE_WANT);
                        return Flush::Blocked(seen);
                    }
                    // A report arrived during the attempt: try again.
                }
                Err(e) => {
                    // The data can no longer be delivered: the connection is gone. Windows
                    // reports a reset to the next call and with FD_CLOSE.
                    let e = match e {
                        WsaError::WSAECONNABORTED => e,
                        _ => WsaError::WSAECONNRESET,
                    };
                    let mut st = self.lock();
                    st.tx_out = false;
                    st.reset = true;
                    st.fin_pending = false;
                    let e = *st.close_error.get_or_insert(e);
                    return Flush::Failed(e);
                }
            }
        }
    }

    /// Let go of the send path, then do what the backlog's state asks: flush again if a
    /// writable report came while it was held, send the deferred FIN once it drained,
    /// drive overlapped sends that waited for it, wake waiters.
    pub fn tx_release(&self) {
        let (pump, fin, drive, notify) = {
            let mut st = self.lock();
            st.tx_busy = false;
            let notify = st.tx_waiters > 0;
            if st.tx.is_some() {
                (st.ready.intersects(WRITE_WANT), false, false, notify)
            } else {
                let fin = std::mem::take(&mut st.fin_pending);
                let drive = st.ov.send_pending();
                (false, fin, drive, notify || fin)
            }
        };
        if fin {
            // shutdown(SD_SEND) was called with a backlog: its FIN goes now. The peer may
            // have gone meanwhile; the local direction is shut either way.
            let _ = self.net.shutdown(self.host, crate::types::SD_SEND);
        }
        if notify {
            self.wake();
        }
        if pump {
            self.tx_pump();
        } else if drive {
            self.drive(super::overlapped::Dir::Send);
        }
    }

    /// A report came (or a holder let go): flush the backlog if the host may take more.
    /// Called from `on_ready` on the reactor's thread; returns at once when another thread
    /// holds the send path (it re-checks when it lets go).
    pub fn tx_pump(&self) {
        {
            let mut st = self.lock();
            if st.tx.is_none() || st.tx_busy || !st.ready.intersects(WRITE_WANT) {
                return;
            }
            st.tx_busy = true;
        }
        let out = self.flush_held();
        self.tx_release();
        if out == Flush::Empty {
            // Drained: FD_WRITE for a send that failed meanwhile, select's writability.
            self.evaluate();
            self.wake();
        }
    }

    /// Whether the backlog is empty, after flushing what the host takes now if no other
    /// thread holds the send path (`false`: data is still waiting, or another thread is
    /// sending). The overlapped send queue asks before each attempt.
    pub fn tx_clear(&self) -> bool {
        if self.props.ty != crate::types::SOCK_STREAM {
            return true;
        }
        {
            let mut st = self.lock();
            if st.tx.is_none() && !st.tx_busy {
                return true;
            }
            if st.tx_busy {
                return false;
            }
            st.tx_busy = true;
        }
        let out = self.flush_held();
        self.tx_release();
        !matches!(out, Flush::Blocked(_))
    }

    /// Flush as if the host had reported writable: for a closed socket whose reports may
    /// have been lost while it was in neither the handle table nor the lingering set.
    /// A report counts (the sequence number moves), so a holder of the send path that
    /// meets a would-block meanwhile tries once more; the would-block that ends the
    /// attempt then guarantees the next writable report (the `Net` contract).
    fn tx_kick(&self) {
        {
            let mut st = self.lock();
            if st.tx.is_none() {
                return;
            }
            st.ready.insert(Readiness::WRITABLE);
            st.seq = st.seq.wrapping_add(1);
        }
        self.tx_pump();
    }

    /// Whether the backlog is empty and no thread holds the send path.
    pub fn tx_idle(&self) -> bool {
        let st = self.lock();
        st.tx.is_none() && !st.tx_busy
    }

    /// Whether the socket is closed and its backlog flushed (or dropped) with no thread
    /// holding the send path: nothing needs it any more.
    fn tx_done(&self) -> bool {
        let st = self.lock();
        st.closed && st.tx.is_none() && !st.tx_busy
    }

    /// Bytes in the backlog.
    pub fn tx_backlog(&self) -> usize {
        self.lock().tx.as_ref().map_or(0, |b| b.len())
    }
}

/// Closed sockets flushing their backlog in the background (`Inner::lingering`).
///
/// A graceful close removes the socket from the handle table, then adds it here. Two
/// interleavings with the reactor's reports matter, both seen under load (the conformance
/// case `graceful_close_after_big_send_delivers_the_data` hung):
/// * a writable report arriving between the two steps finds the socket in neither place
///   and is dropped; the host reports writable once per would-block (epoll's edge, the
///   chain backend's re-arming), so nothing would flush the backlog again. Hence the
///   kick after the insert ([`SocketCell::tx_kick`]).
/// * a report that found the socket still in the table may be flushing the last bytes
///   while the close adds it here and (seeing the send path held) leaves it; the
///   reporter, not the closer, then sees it flushed. Hence every report checks
///   ([`Inner::forget_flushed`]), or the socket would linger for ever and its FIN never go.
impl<N: Net> Inner<N> {
    /// Keep a closed socket whose send backlog still holds data until it is flushed.
    pub(super) fn linger_backlog(&self, cell: Arc<SocketCell<N>>) {
        if cell.tx_idle() {
            return;
        }
        let token = cell.handle as u64;
        self.lingering().insert(token, cell.clone());
        // A report may have come (and been dropped) before the insert.
        cell.tx_kick();
        self.forget_flushed(token, &cell);
    }

    /// After a report or a close: forget `cell` if it is closed and flushed (dropping
    /// the last reference closes the host socket, which sends the FIN).
    pub(super) fn forget_flushed(&self, token: u64, cell: &SocketCell<N>) {
        if !cell.tx_done() {
            return;
        }
        let gone = {
            let mut lingering = self.lingering();
            let ours = lingering
                .get(&token)
                .is_some_and(|c| std::ptr::eq(Arc::as_ptr(c), cell));
            if ours {
                lingering.remove(&token)
            } else {
                None
            }
        };
        // Dropped outside the lock: closing the host socket may report to this sink.
        drop(gone);
    }
}

impl<N: Net> Engine<N> {
    /// Bytes a non-blocking send on `s` left in its send backlog, not yet taken by the
    /// host (0 when the host took everything). Diagnostics and tests; Windows has no
    /// equivalent query (`SIO_IDEAL_SEND_BACKLOG_QUERY` is a different quantity).
    pub fn send_backlog(&self, s: SOCKET) -> WspResult<usize> {
        Ok(self.cell(s)?.tx_backlog())
    }

    /// `closesocket` and a send backlog, before `SO_LINGER` is applied to the host
    /// (options.rs `linger_on_close`, which runs unless this returns
    /// [`OnClose::Aborted`]).
    ///
    /// * Linger off (the default): nothing to do here; after the close the backlog is
    ///   flushed in the background (`Inner::linger_backlog`), as Windows sends what it
    ///   buffered after a graceful close (closesocket page: "any data queued for
    ///   transmission will be sent, if possible, before the underlying socket is
    ///   closed").
    /// * Linger on with 0 s: abortive; the backlog is dropped, the host resets.
    /// * Linger on with a timeout: a non-blocking socket with data unsent fails
    ///   `WSAEWOULDBLOCK` (closesocket page); a blocking one waits for the backlog up to
    ///   the timeout and, if it is not flushed by then, closes abortively (the host's own
    ///   queue then gets the rest of the timeout through `linger_on_close`).
    pub(super) fn backlog_on_close(&self, cell: &SocketCell<N>) -> WspResult<OnClose> {
        let (linger, nonblocking) = {
            let mut st = cell.lock();
            if st.tx.is_none() && !st.tx_busy {
                return Ok(OnClose::Nothing);
            }
            if st.opts.linger.0 != 0 && st.opts.linger.1 == 0 {
                st.tx = None;
                return Ok(OnClose::Nothing);
            }
            (st.opts.linger, st.nonblocking)
        };
        if linger.0 == 0 {
            return Ok(OnClose::Flush);
        }
        if nonblocking {
            return Err(WsaError::WSAEWOULDBLOCK);
        }
        let start = self.inner.net.now();
        let deadline = start + Duration::from_secs(linger.1.into());
        cell.lock().tx_waiters += 1;
        let flushed = self
            .inner
            .net
            .block_until(&cell.gate, Some(deadline), &mut || {
                let st = cell.lock();
                (st.tx.is_none() && !st.tx_busy) || st.closed
            });
        cell.lock().tx_waiters -= 1;
        if flushed {
            return Ok(OnClose::Nothing);
        }
        cell.lock().tx = None;
        let _ = self.inner.net.set_opt(cell.host, HostOpt::Linger(Some(0)));
        Ok(OnClose::Aborted)
    }
}
