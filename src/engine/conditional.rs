//! `WSPAccept`'s condition function: `CF_ACCEPT`, `CF_REJECT`, `CF_DEFER`.
//!
//! Windows' rules (<https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspaccept>,
//! and the SPI's "Conditional Acceptance" section,
//! <https://learn.microsoft.com/en-us/windows/win32/winsock/winsock-service-provider-interface-2>):
//!
//! * The condition function sees the first connection of the queue: the caller's address
//!   (`lpCallerId`), the caller's connect data (`lpCallerData`, only on a protocol with
//!   `XP1_CONNECT_DATA`, else null), no flow specs (`lpSQOS`/`lpGQOS` null: no catalog entry
//!   sets `XP1_QOS_SUPPORTED`), the local address (`lpCalleeId`), room for connect data to
//!   return (`lpCalleeData`, only with `XP1_CONNECT_DATA`), and `g` = 0.
//! * `CF_ACCEPT`: a new socket with the listener's properties.
//! * `CF_REJECT`: `WSAECONNREFUSED`; the caller sees a refusal. On TCP the host stack has
//!   already completed the handshake (as Windows' own stack does without
//!   `SO_CONDITIONAL_ACCEPT`), so the refusal is a reset (an abortive close with a zero
//!   linger): a connect already completed sees `WSAECONNRESET` on its next call. With
//!   `SO_CONDITIONAL_ACCEPT` Windows answers the SYN with a reset and the connect itself
//!   fails `WSAECONNREFUSED`; the difference is timing only. On the emulated framed
//!   protocol the refusal is a REJECT frame and the caller's connect fails
//!   `WSAECONNREFUSED`.
//! * `CF_DEFER`: `WSATRY_AGAIN`; the connection stays at the head of the queue, `FD_ACCEPT`
//!   is not re-enabled ("while a deferred connection request is at the top of the backlog
//!   queue, the service provider does not issue any further indications"), and the next
//!   `WSPAccept` offers the same connection again. Windows lets any condition function defer;
//!   `SO_CONDITIONAL_ACCEPT` only decides whether the SYN is acknowledged before the
//!   decision, which a host stack underneath us always does, so this engine does not need
//!   the option to defer.
//! * A group other than 0 set by the condition function: `WSAEINVAL` ("the parameter g
//!   specified in the condition function is not a valid value"; this provider has no socket
//!   groups). The connection is refused as for `CF_REJECT`.

use super::framed;
use super::socket::SocketCell;
use super::Engine;
use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::net::{HostOpt, HostSocket, Net};
use crate::wsp::{AcceptCondition, ConditionDecision, ConditionFn, OutBuf, WspResult};
use std::net::SocketAddr;
use std::sync::Arc;

/// What admitting a queued connection produced.
pub(super) struct Admitted {
    /// Framing state for the new socket (emulated protocol only).
    pub framed: Option<Arc<framed::Framed>>,
}

impl<N: Net> Engine<N> {
    /// Refuse a queued TCP connection so the caller sees a reset.
    fn refuse_host(&self, host: HostSocket) {
        // A zero linger makes the close abortive (RST), as a refusal is.
        let _ = self.inner.net.set_opt(host, HostOpt::Linger(Some(0)));
        self.inner.net.close(host);
    }

    /// Run the condition function (if any) on the connection `(host, peer)` just taken
    /// from the head of `cell`'s queue, and act on its decision. On `CF_DEFER` (and while a
    /// framed connection's CONNECT frame has not arrived) the connection goes back to the
    /// head of the queue.
    pub(super) fn admit(
        &self,
        cell: &Arc<SocketCell<N>>,
        host: HostSocket,
        peer: SocketAddr,
        condition: Option<&mut ConditionFn<'_>>,
        timeout: Option<u32>,
    ) -> WspResult<Admitted> {
        let entry = &self.inner.catalog[cell.props.catalog_index];
        let is_framed = framed::is_framed(entry);
        // The emulated protocol: the caller's CONNECT frame carries its connect data.
        let hello = if is_framed {
            match self.framed_peek_connect(cell, host, timeout) {
                Ok(Some(h)) => Some(h),
                Ok(None) => {
                    cell.lock().backlog.push_front((host, peer));
                    return Err(WsaError::WSAEWOULDBLOCK);
                }
                Err(e) => {
                    self.inner.net.close(host);
                    return Err(e);
                }
            }
        } else {
            None
        };
        let mut callee_len = 0usize;
        let mut callee_room = vec![
            0u8;
            if is_framed {
                framed::MAX_CONNECT_DATA
            } else {
                0
            }
        ];
        if let Some(cond) = condition {
            let local = self
                .inner
                .net
                .local_addr(host)
                .map(SockAddr::from_std)
                .unwrap_or_default();
            let mut args = AcceptCondition {
                caller_id: SockAddr::from_std(peer),
                caller_data: hello.as_ref().map(|h| h.caller_data.as_slice()),
                sqos: None,
                gqos: None,
                callee_id: local,
                callee_data: is_framed.then(|| OutBuf {
                    buf: &mut callee_room[..],
                    len: 0,
                }),
                group: 0,
            };
            let decision = cond(&mut args);
            let group = args.group;
            let wrote = args.callee_data.as_ref().map_or(0, |b| b.len);
            let decision = if group != 0 || wrote > framed::MAX_CONNECT_DATA {
                Err(WsaError::WSAEINVAL)
            } else {
                Ok(decision)
            };
            match decision {
                Ok(ConditionDecision::Accept) => callee_len = wrote,
                Ok(ConditionDecision::Defer) => {
                    cell.lock().backlog.push_front((host, peer));
                    return Err(WsaError::WSATRY_AGAIN);
                }
                Ok(ConditionDecision::Reject) | Err(_) => {
                    if let Some(h) = &hello {
                        self.framed_refuse(host, h);
                    } else {
                        self.refuse_host(host);
                    }
                    return Err(decision.err().unwrap_or(WsaError::WSAECONNREFUSED));
                }
            }
        }
        let framed = match &hello {
            Some(h) => match self.framed_admit(host, h, &callee_room[..callee_len]) {
                Ok(f) => Some(f),
                Err(e) => {
                    self.inner.net.close(host);
                    return Err(e);
                }
            },
            None => None,
        };
        Ok(Admitted { framed })
    }
}
