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
//!   can send (a stream whose send backlog holds data cannot: backlog.rs).
//! * **except**: a non-blocking connect failed; OOB data is pending (without
//!   `SO_OOBINLINE`).
//!
//! Errors: every set empty or absent, or a negative timeout, gives `WSAEINVAL`; a handle that
//! is not a socket gives `WSAENOTSOCK`. A null timeout blocks; a zero one polls. The sets are
//! rewritten in place to the ready handles, and the total count is returned.

use super::socket::{Conn, SocketCell};
use super::Engine;
use crate::error::WsaError;
use crate::net::{Gate, Net, Readiness};
use crate::types::{SOCK_STREAM, TIMEVAL};
use crate::wsp::{FdSet, WspResult};
use std::sync::Arc;
use std::time::Duration;

/// A socket's state as select reads it.
#[derive(Clone, Copy)]
struct SelectSnap {
    listening: bool,
    conn: Conn,
    dead: bool,
    backlog: bool,
    via_connect: bool,
    framed: bool,
    /// A send backlog holds data: the send buffer is full (backlog.rs).
    tx: bool,
}

/// Which of select's three sets a socket belongs in.
#[derive(Clone, Copy, Debug, Default)]
struct Ready3 {
    read: bool,
    write: bool,
    except: bool,
}

impl<N: Net> SocketCell<N> {
    /// The state select's meanings depend on, read under one lock.
    fn select_snapshot(&self) -> SelectSnap {
        let st = self.lock();
        SelectSnap {
            listening: st.listening,
            conn: st.conn,
            dead: st.reset || st.close_error.is_some(),
            backlog: !st.backlog.is_empty(),
            via_connect: st.via_connect,
            framed: st.framed.is_some(),
            tx: st.has_backlog(),
        }
    }

    /// select()'s meanings for this socket, given its current host readiness `lv` (from
    /// [`Net::poll_now`], so nothing the host already knows is missed).
    fn select_state(&self, lv: Readiness) -> Ready3 {
        let mut snap = self.select_snapshot();
        // A connect whose outcome the host knows but no report has resolved yet.
        if snap.conn == Conn::Connecting
            && lv.intersects(Readiness::WRITABLE | Readiness::ERROR | Readiness::WRITE_CLOSED)
        {
            self.kick_connect();
            snap = self.select_snapshot();
        }
        let SelectSnap {
            listening,
            conn,
            dead,
            backlog,
            via_connect,
            framed,
            tx,
        } = snap;
        let stream = self.props.ty == SOCK_STREAM;
        let mut r = Ready3::default();
        if listening {
            r.read = backlog
                || (lv.contains(Readiness::READABLE) && {
                    // Taken ahead of the backend's report: record FD_ACCEPT now too.
                    if self.stash_accept() {
                        self.evaluate();
                    }
                    !self.lock().backlog.is_empty()
                });
            return r;
        }
        if stream {
            if conn == Conn::Connected {
                // Data, end of stream (recv returns 0) or a reset (recv fails): recv would
                // not block.
                r.read = dead || lv.intersects(Readiness::READABLE | Readiness::READ_CLOSED);
                if framed {
                    if let Some(whole) = self.framed_select_read() {
                        // Host bytes are frames: readable means a whole frame's worth.
                        r.read = dead || whole;
                    }
                }
                // Not writable while a send backlog holds data (Windows: the send buffer
                // is full, so a send would fail WSAEWOULDBLOCK).
                r.write = lv.contains(Readiness::WRITABLE) && !tx;
                r.except = lv.contains(Readiness::PRIORITY);
            }
            // A failed non-blocking connect is reported in the except set.
            r.except |= matches!(conn, Conn::Failed(_)) && via_connect;
        } else {
            r.read = lv.intersects(Readiness::READABLE | Readiness::ERROR);
            r.write = lv.contains(Readiness::WRITABLE);
        }
        r
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
        // One flag per set entry, index-aligned with the caller's array, so the rewrite is
        // linear in the set size (duplicates in a caller's array are kept as given).
        let mut hits: [Vec<bool>; 3] = [
            vec![false; cells[0].len()],
            vec![false; cells[1].len()],
            vec![false; cells[2].len()],
        ];
        let hosts: Vec<_> = cells.iter().flatten().map(|c| c.host).collect();
        let mut levels = vec![Readiness::EMPTY; hosts.len()];
        let mut poll = || {
            self.inner.net.poll_now(&hosts, &mut levels);
            let mut any = false;
            let mut k = 0;
            for (i, set) in cells.iter().enumerate() {
                for (j, c) in set.iter().enumerate() {
                    let r = c.select_state(levels[k]);
                    k += 1;
                    let ready = match i {
                        0 => r.read,
                        1 => r.write,
                        _ => r.except,
                    };
                    hits[i][j] = ready;
                    any |= ready;
                }
            }
            any
        };
        let ready = match wait {
            // A poll needs no wake-up plumbing.
            Some(d) if d.is_zero() => poll(),
            _ => {
                let gate = Arc::new(Gate::new());
                for c in cells.iter().flatten() {
                    c.watch(&gate);
                }
                let deadline = wait.map(|d| self.inner.net.now() + d);
                let ready = self.inner.net.block_until(&gate, deadline, &mut poll);
                for c in cells.iter().flatten() {
                    c.unwatch(&gate);
                }
                ready
            }
        };
        let mut count = 0;
        for (set, hits) in [read, write, except].into_iter().zip(hits.iter()) {
            if let Some(set) = set {
                if ready {
                    let mut flags = hits.iter();
                    set.fd_array.retain(|_| *flags.next().unwrap_or(&false));
                    count += set.fd_array.len();
                } else {
                    set.fd_array.clear();
                }
            }
        }
        Ok(count)
    }
}
