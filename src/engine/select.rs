//! `WSPSelect` over Winsock's `fd_set` (a count and an array of handles).
//!
//! Readiness meanings, from the select page
//! (<https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-select>):
//!
//! * **readable**: a listening socket has a connection to accept; a connected stream has
//!   data, or the peer closed (recv returns 0), or the connection was reset (recv fails);
//!   a datagram socket has a datagram (or an error) to receive; OOB data with
//!   `SO_OOBINLINE`.
//! * **writable**: a connect finished successfully; a connected stream or a datagram socket
//!   can send.
//! * **except**: a non-blocking connect failed; OOB data is pending (without
//!   `SO_OOBINLINE`).
//!
//! Errors: every set empty or absent, or a negative timeout, gives `WSAEINVAL`; a handle that
//! is not a socket gives `WSAENOTSOCK`. A null timeout blocks; a zero one polls. The sets are
//! rewritten in place to the ready handles, and the total count is returned.

use super::socket::{Conn, Probe, SocketCell};
use super::Engine;
use crate::error::WsaError;
use crate::net::{Gate, Net, Readiness};
use crate::types::{SOCKET, SOCK_STREAM, TIMEVAL};
use crate::wsp::{FdSet, WspResult};
use std::sync::Arc;
use std::time::Duration;

impl<N: Net> SocketCell<N> {
    /// select()'s "readable".
    pub fn select_readable(&self) -> bool {
        let (listening, stream_connected, ready, dead) = {
            let st = self.lock();
            if st.listening && !st.backlog.is_empty() {
                return true;
            }
            (
                st.listening,
                self.props.ty == SOCK_STREAM && st.conn == Conn::Connected,
                st.ready,
                st.reset || st.close_error.is_some(),
            )
        };
        if listening {
            if ready.contains(Readiness::READABLE) {
                self.stash_accept();
                return !self.lock().backlog.is_empty();
            }
            return false;
        }
        if self.props.ty == SOCK_STREAM {
            if !stream_connected {
                return false;
            }
            if dead {
                return true;
            }
        }
        // Data, end of stream, or an error to report: recv would not block.
        ready.intersects(Readiness::READABLE | Readiness::READ_CLOSED | Readiness::ERROR)
            && self.probe_read() != Probe::Nothing
    }

    /// select()'s "writable".
    pub fn select_writable(&self) -> bool {
        let st = self.lock();
        if self.props.ty == SOCK_STREAM {
            st.conn == Conn::Connected && st.ready.contains(Readiness::WRITABLE)
        } else {
            st.ready.contains(Readiness::WRITABLE)
        }
    }

    /// select()'s "except".
    pub fn select_except(&self) -> bool {
        let st = self.lock();
        matches!(st.conn, Conn::Failed(_)) && st.via_connect
            || (st.conn == Conn::Connected && st.ready.contains(Readiness::PRIORITY))
    }
}

impl<N: Net> Engine<N> {
    pub(super) fn select_impl(
        &self,
        read: Option<&mut FdSet>,
        write: Option<&mut FdSet>,
        except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        self.started()?;
        let total = [&read, &write, &except]
            .iter()
            .map(|s| s.as_ref().map_or(0, |s| s.len()))
            .sum::<usize>();
        if total == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        let wait = match timeout {
            None => None,
            Some(tv) => {
                if tv.tv_sec < 0 || tv.tv_usec < 0 {
                    return Err(WsaError::WSAEINVAL);
                }
                Some(
                    Duration::from_secs(tv.tv_sec as u64)
                        + Duration::from_micros(tv.tv_usec as u64),
                )
            }
        };
        let lookup = |set: &Option<&mut FdSet>| -> WspResult<Vec<Arc<SocketCell<N>>>> {
            let table = self.table_read();
            set.as_ref().map_or(Ok(Vec::new()), |s| {
                s.fd_array
                    .iter()
                    .map(|&h| table.get(h).cloned().ok_or(WsaError::WSAENOTSOCK))
                    .collect()
            })
        };
        let cells = [lookup(&read)?, lookup(&write)?, lookup(&except)?];
        let gate = Arc::new(Gate::new());
        for set in &cells {
            for c in set {
                c.watch(&gate);
            }
        }
        let mut found: [Vec<SOCKET>; 3] = Default::default();
        let mut poll = || {
            for (i, set) in cells.iter().enumerate() {
                found[i].clear();
                for c in set {
                    let ready = match i {
                        0 => c.select_readable(),
                        1 => c.select_writable(),
                        _ => c.select_except(),
                    };
                    if ready && !found[i].contains(&c.handle) {
                        found[i].push(c.handle);
                    }
                }
            }
            found.iter().any(|f| !f.is_empty())
        };
        let deadline = wait.map(|d| self.inner.net.now() + d);
        let ready = match wait {
            Some(d) if d.is_zero() => poll(),
            _ => self.inner.net.block_until(&gate, deadline, &mut poll),
        };
        for set in &cells {
            for c in set {
                c.unwatch(&gate);
            }
        }
        let mut count = 0;
        for (set, hits) in [read, write, except].into_iter().zip(found.iter()) {
            if let Some(set) = set {
                if ready {
                    set.fd_array.retain(|h| hits.contains(h));
                    count += set.fd_array.len();
                } else {
                    set.fd_array.clear();
                }
            }
        }
        Ok(count)
    }
}
