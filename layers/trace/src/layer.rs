//! `impl Layer for Trace`: every SPI call timed, passed to the next provider unchanged, and
//! recorded.

use crate::decode;
use crate::record::Value;
use crate::Trace;
use wsp::engine::transmit_file::TransmitFileRequest;
use wsp::layer::{Layer, WspExt};
use wsp::overlapped::{CompletionPort, Issued, OpResult, Overlapped, RecvBufs, SendBufs};
use wsp::sync::{Event, Hwnd};
use wsp::types::{Qos, GROUP, SOCKET, TIMEVAL, WSANETWORKEVENTS, WSAPROTOCOL_INFOW, WSPDATA};
use wsp::wsp::{ConditionFn, OutBuf, WspResult};
use wsp::{FdSet, SockAddr, WsaError, Wsp};

type Args = Vec<(&'static str, Value)>;

fn unit() -> (Value, Args) {
    (Value::Int(0), Vec::new())
}

fn count(n: usize) -> (Value, Args) {
    (Value::Int(n as i64), Vec::new())
}

fn handle(s: SOCKET) -> Value {
    Value::Handle(s)
}

fn version(v: u16) -> Value {
    Value::str(format!("{}.{}", v & 0xff, v >> 8))
}

fn addr(a: &SockAddr) -> Value {
    Value::str(decode::addr(a))
}

fn opt_addr(a: Option<&SockAddr>) -> Value {
    a.map_or(Value::Null, addr)
}

fn info(i: Option<&WSAPROTOCOL_INFOW>) -> Value {
    i.map_or(Value::Null, |i| Value::Int(i64::from(i.dwCatalogEntryId)))
}

fn len_or_null(b: Option<usize>) -> Value {
    b.map_or(Value::Null, |n| Value::Int(n as i64))
}

fn flag(b: bool) -> Value {
    Value::Bool(b)
}

fn event(e: Option<&Event>) -> Value {
    e.map_or(Value::Null, |e| Value::Int(e.raw() as i64))
}

fn set(s: &Option<&mut FdSet>) -> Value {
    s.as_ref()
        .map_or(Value::Null, |s| Value::handles(&s.fd_array))
}

/// An option or ioctl value: small buffers (1, 2, 4 or 8 bytes) as the little-endian
/// number they hold (`SO_RCVTIMEO` 5000, `FIONBIO` 1), others by length only.
fn small_value(b: &[u8]) -> Option<Value> {
    let n = match b.len() {
        1 => i64::from(b[0]),
        2 => i64::from(u16::from_le_bytes([b[0], b[1]])),
        4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        8 => i64::from_le_bytes(b.try_into().ok()?),
        _ => return None,
    };
    Some(Value::Int(n))
}

impl Trace {
    fn data(&self, args: &mut Args, bufs: &[&[u8]]) {
        let n = self.tracer().data_bytes();
        if n > 0 {
            let joined: Vec<u8> = bufs
                .iter()
                .flat_map(|b| b.iter().copied())
                .take(n)
                .collect();
            args.push(("data", Value::str(decode::hex(&joined, n))));
        }
    }

    fn data_in(&self, out: &mut Args, bufs: &[&mut [u8]], got: usize) {
        let n = self.tracer().data_bytes();
        if n > 0 {
            let joined: Vec<u8> = bufs
                .iter()
                .flat_map(|b| b.iter().copied())
                .take(got.min(n))
                .collect();
            out.push(("data", Value::str(decode::hex(&joined, n))));
        }
    }

    /// Record an overlapped issue as the C caller sees it (the bytes when it completed
    /// inside the call, else `WSA_IO_PENDING`), then follow the request to its completion
    /// and record that once (`NAME:complete`), however the caller is told: event,
    /// completion routine, completion port, or `WSPGetOverlappedResult` alone.
    fn overlapped(
        &self,
        function: &'static str,
        complete: &'static str,
        s: SOCKET,
        mut args: Args,
        ov: Overlapped,
        issue: impl FnOnce(Overlapped) -> WspResult<Issued>,
    ) -> WspResult<Issued> {
        let key = ov.key;
        args.push(("ov", Value::str(format!("{key:#x}"))));
        if ov.routine.is_some() {
            args.push(("routine", Value::Bool(true)));
        } else if let Some(e) = &ov.event {
            args.push(("event", Value::Int(e.raw() as i64)));
        }
        let start = self.begin();
        let r = issue(ov);
        match &r {
            Ok(Issued {
                immediate: Some(res),
                ..
            }) => self.emit(
                start,
                function,
                args,
                if res.error.is_none() {
                    Value::Int(i64::from(res.bytes))
                } else {
                    Value::Null
                },
                result_out(res),
                res.error,
            ),
            Ok(Issued {
                immediate: None, ..
            }) => self.emit(
                start,
                function,
                args,
                Value::Null,
                Vec::new(),
                Some(WsaError::WSA_IO_PENDING),
            ),
            // Not started: no completion indication follows (the WSASend/WSARecv pages:
            // "any other error code indicates that the overlapped operation was not
            // successfully initiated").
            Err(e) => self.emit(start, function, args, Value::Null, Vec::new(), Some(*e)),
        }
        if let Ok(issued) = &r {
            // The framework completes the caller's request on this layer's handle (its
            // relay); the watcher runs when that record is written, before the caller is
            // notified, on the completing thread (at once here if it already completed).
            // Registered after the issue record, so the completion always follows it.
            let me = self.clone();
            // Timed from the issue: `us` is how long the request was outstanding.
            issued.op.on_complete(move |res| {
                me.emit(
                    start,
                    complete,
                    vec![("s", handle(s)), ("ov", Value::str(format!("{key:#x}")))],
                    if res.error.is_none() {
                        Value::Int(i64::from(res.bytes))
                    } else {
                        Value::Null
                    },
                    result_out(&res),
                    res.error,
                );
            });
        }
        r
    }
}

/// The output arguments of an overlapped result: bytes and flags by name.
fn result_out(res: &OpResult) -> Args {
    vec![
        ("bytes", Value::Int(i64::from(res.bytes))),
        ("flags", Value::str(decode::msg_flags(res.flags))),
    ]
}

/// The name of the trace layer (its catalog entries read "wsp trace over [...]").
pub const NAME: &str = "wsp trace";

impl Layer for Trace {
    fn name(&self) -> &str {
        NAME
    }

    fn startup(&self, next: &dyn Wsp, version_requested: u16) -> WspResult<WSPDATA> {
        self.call(
            "WSPStartup",
            vec![("version", version(version_requested))],
            || next.startup(version_requested),
            |d| (version(d.wVersion), vec![("high", version(d.wHighVersion))]),
        )
    }

    fn cleanup(&self, next: &dyn Wsp) -> WspResult<()> {
        self.call("WSPCleanup", vec![], || next.cleanup(), |_| unit())
    }

    fn socket(
        &self,
        next: &dyn Wsp,
        af: i32,
        ty: i32,
        protocol: i32,
        info_: Option<&WSAPROTOCOL_INFOW>,
        group: GROUP,
        flags: u32,
    ) -> WspResult<SOCKET> {
        self.call(
            "WSPSocket",
            vec![
                ("af", Value::str(decode::af(af))),
                ("type", Value::str(decode::socket_type(ty))),
                ("protocol", Value::str(decode::protocol(protocol))),
                ("info", info(info_)),
                ("g", Value::Int(i64::from(group))),
                ("flags", Value::str(decode::wsa_flags(flags))),
            ],
            || next.socket(af, ty, protocol, info_, group, flags),
            |&h| (handle(h), vec![]),
        )
    }

    fn close_socket(&self, next: &dyn Wsp, s: SOCKET) -> WspResult<()> {
        self.call(
            "WSPCloseSocket",
            vec![("s", handle(s))],
            || next.close_socket(s),
            |_| unit(),
        )
    }

    fn bind(&self, next: &dyn Wsp, s: SOCKET, name: &SockAddr) -> WspResult<()> {
        self.call(
            "WSPBind",
            vec![("s", handle(s)), ("name", addr(name))],
            || next.bind(s, name),
            |_| unit(),
        )
    }

    fn listen(&self, next: &dyn Wsp, s: SOCKET, backlog: i32) -> WspResult<()> {
        self.call(
            "WSPListen",
            vec![
                ("s", handle(s)),
                ("backlog", Value::Int(i64::from(backlog))),
            ],
            || next.listen(s, backlog),
            |_| unit(),
        )
    }

    fn accept(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        mut addr_: Option<&mut SockAddr>,
        condition: Option<&mut ConditionFn<'_>>,
    ) -> WspResult<SOCKET> {
        let args = vec![
            ("s", handle(s)),
            ("addrlen", len_or_null(addr_.as_ref().map(|a| a.len()))),
            ("condition", flag(condition.is_some())),
        ];
        let start = self.begin();
        let r = next.accept(s, addr_.as_deref_mut(), condition);
        self.finish(start, "WSPAccept", args, &r, |&h| {
            let out = addr_.as_deref().map(|a| vec![("addr", addr(a))]);
            (handle(h), out.unwrap_or_default())
        });
        r
    }

    fn connect(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
    ) -> WspResult<()> {
        let args = vec![
            ("s", handle(s)),
            ("name", addr(name)),
            ("caller_data", len_or_null(caller_data.map(<[u8]>::len))),
            (
                "callee_data",
                len_or_null(callee_data.as_ref().map(|b| b.buf.len())),
            ),
            ("sqos", flag(sqos.is_some())),
            ("gqos", flag(gqos.is_some())),
        ];
        let start = self.begin();
        let mut callee_data = callee_data;
        let r = next.connect(s, name, caller_data, callee_data.as_deref_mut(), sqos, gqos);
        self.finish(start, "WSPConnect", args, &r, |_| {
            (
                Value::Int(0),
                callee_data
                    .map(|b| vec![("callee_len", Value::Int(b.len as i64))])
                    .unwrap_or_default(),
            )
        });
        r
    }

    fn join_leaf(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &SockAddr,
        caller_data: Option<&[u8]>,
        callee_data: Option<&mut OutBuf<'_>>,
        sqos: Option<&Qos>,
        gqos: Option<&Qos>,
        flags: u32,
    ) -> WspResult<SOCKET> {
        let args = vec![
            ("s", handle(s)),
            ("name", addr(name)),
            ("caller_data", len_or_null(caller_data.map(<[u8]>::len))),
            (
                "callee_data",
                len_or_null(callee_data.as_ref().map(|b| b.buf.len())),
            ),
            ("sqos", flag(sqos.is_some())),
            ("gqos", flag(gqos.is_some())),
            ("flags", Value::Int(i64::from(flags))),
        ];
        self.call(
            "WSPJoinLeaf",
            args,
            || next.join_leaf(s, name, caller_data, callee_data, sqos, gqos, flags),
            |&h| (handle(h), vec![]),
        )
    }

    fn send(&self, next: &dyn Wsp, s: SOCKET, bufs: &[&[u8]], flags: u32) -> WspResult<usize> {
        let mut args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
        ];
        self.data(&mut args, bufs);
        self.call("WSPSend", args, || next.send(s, bufs, flags), |&n| count(n))
    }

    fn send_to(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &[&[u8]],
        flags: u32,
        to: Option<&SockAddr>,
    ) -> WspResult<usize> {
        let mut args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
            ("to", opt_addr(to)),
        ];
        self.data(&mut args, bufs);
        self.call(
            "WSPSendTo",
            args,
            || next.send_to(s, bufs, flags, to),
            |&n| count(n),
        )
    }

    fn recv(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
    ) -> WspResult<usize> {
        let args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(*flags))),
        ];
        let start = self.begin();
        let r = next.recv(s, bufs, flags);
        self.finish(start, "WSPRecv", args, &r, |&n| {
            let mut out = vec![("flags", Value::str(decode::msg_flags(*flags)))];
            self.data_in(&mut out, bufs, n);
            (Value::Int(n as i64), out)
        });
        r
    }

    fn recv_from(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
        mut from: Option<&mut SockAddr>,
    ) -> WspResult<usize> {
        let args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(*flags))),
            ("fromlen", len_or_null(from.as_ref().map(|a| a.len()))),
        ];
        let start = self.begin();
        let r = next.recv_from(s, bufs, flags, from.as_deref_mut());
        self.finish(start, "WSPRecvFrom", args, &r, |&n| {
            let mut out = vec![
                ("flags", Value::str(decode::msg_flags(*flags))),
                ("from", opt_addr(from.as_deref())),
            ];
            self.data_in(&mut out, bufs, n);
            (Value::Int(n as i64), out)
        });
        r
    }

    fn send_disconnect(&self, next: &dyn Wsp, s: SOCKET, data: Option<&[u8]>) -> WspResult<()> {
        self.call(
            "WSPSendDisconnect",
            vec![
                ("s", handle(s)),
                ("data", len_or_null(data.map(<[u8]>::len))),
            ],
            || next.send_disconnect(s, data),
            |_| unit(),
        )
    }

    fn recv_disconnect(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        data: Option<&mut [u8]>,
    ) -> WspResult<usize> {
        self.call(
            "WSPRecvDisconnect",
            vec![
                ("s", handle(s)),
                ("data", len_or_null(data.as_ref().map(|d| d.len()))),
            ],
            || next.recv_disconnect(s, data),
            |&n| count(n),
        )
    }

    fn shutdown(&self, next: &dyn Wsp, s: SOCKET, how: i32) -> WspResult<()> {
        self.call(
            "WSPShutdown",
            vec![
                ("s", handle(s)),
                ("how", Value::str(decode::shutdown_how(how))),
            ],
            || next.shutdown(s, how),
            |_| unit(),
        )
    }

    fn get_sock_name(&self, next: &dyn Wsp, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        let args = vec![("s", handle(s)), ("namelen", Value::Int(name.len() as i64))];
        let start = self.begin();
        let r = next.get_sock_name(s, name);
        self.finish(start, "WSPGetSockName", args, &r, |_| {
            (Value::Int(0), vec![("name", addr(name))])
        });
        r
    }

    fn get_peer_name(&self, next: &dyn Wsp, s: SOCKET, name: &mut SockAddr) -> WspResult<()> {
        let args = vec![("s", handle(s)), ("namelen", Value::Int(name.len() as i64))];
        let start = self.begin();
        let r = next.get_peer_name(s, name);
        self.finish(start, "WSPGetPeerName", args, &r, |_| {
            (Value::Int(0), vec![("name", addr(name))])
        });
        r
    }

    fn get_sock_opt(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &mut [u8],
    ) -> WspResult<usize> {
        let args = vec![
            ("s", handle(s)),
            ("level", Value::str(decode::level(level))),
            ("optname", Value::str(decode::option(level, name))),
            ("optlen", Value::Int(optval.len() as i64)),
        ];
        let start = self.begin();
        let r = next.get_sock_opt(s, level, name, optval);
        self.finish(start, "WSPGetSockOpt", args, &r, |&n| {
            let v = optval.get(..n).and_then(small_value);
            (
                Value::Int(0),
                vec![
                    ("optlen", Value::Int(n as i64)),
                    ("optval", v.unwrap_or(Value::Null)),
                ],
            )
        });
        r
    }

    fn set_sock_opt(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        level: i32,
        name: i32,
        optval: &[u8],
    ) -> WspResult<()> {
        self.call(
            "WSPSetSockOpt",
            vec![
                ("s", handle(s)),
                ("level", Value::str(decode::level(level))),
                ("optname", Value::str(decode::option(level, name))),
                ("optval", small_value(optval).unwrap_or(Value::Null)),
                ("optlen", Value::Int(optval.len() as i64)),
            ],
            || next.set_sock_opt(s, level, name, optval),
            |_| unit(),
        )
    }

    fn ioctl(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        code: u32,
        input: &[u8],
        output: &mut [u8],
    ) -> WspResult<usize> {
        let mut args = vec![
            ("s", handle(s)),
            ("code", Value::str(decode::ioctl(code))),
            ("inlen", Value::Int(input.len() as i64)),
            ("outlen", Value::Int(output.len() as i64)),
        ];
        if let Some(g) = decode::extension_guid(input) {
            args.push(("guid", Value::str(g)));
        } else if let Some(v) = small_value(input) {
            args.push(("in", v));
        }
        let start = self.begin();
        let r = next.ioctl(s, code, input, output);
        self.finish(start, "WSPIoctl", args, &r, |&n| {
            let mut out = vec![("bytes", Value::Int(n as i64))];
            if code != wsp::types::SIO_GET_EXTENSION_FUNCTION_POINTER {
                if let Some(v) = output.get(..n).and_then(small_value) {
                    out.push(("out", v));
                }
            }
            (Value::Int(0), out)
        });
        r
    }

    fn event_select(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        ev: Option<&Event>,
        network_events: i32,
    ) -> WspResult<()> {
        self.call(
            "WSPEventSelect",
            vec![
                ("s", handle(s)),
                ("event", event(ev)),
                ("events", Value::str(decode::fd_events(network_events))),
            ],
            || next.event_select(s, ev, network_events),
            |_| unit(),
        )
    }

    fn enum_network_events(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        ev: Option<&Event>,
    ) -> WspResult<WSANETWORKEVENTS> {
        self.call(
            "WSPEnumNetworkEvents",
            vec![("s", handle(s)), ("event", event(ev))],
            || next.enum_network_events(s, ev),
            |ne| {
                let mut out = vec![("events", Value::str(decode::fd_events(ne.lNetworkEvents)))];
                let errors: Vec<String> = ne
                    .iErrorCode
                    .iter()
                    .enumerate()
                    .filter(|&(bit, &code)| code != 0 && ne.lNetworkEvents & (1 << bit) != 0)
                    .map(|(bit, &code)| {
                        format!(
                            "{}={}",
                            decode::fd_events(1 << bit),
                            decode::error(WsaError(code))
                        )
                    })
                    .collect();
                if !errors.is_empty() {
                    out.push(("errors", Value::str(errors.join(","))));
                }
                (Value::Int(0), out)
            },
        )
    }

    fn async_select(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        hwnd: Option<&Hwnd>,
        msg: u32,
        events: i32,
    ) -> WspResult<()> {
        self.call(
            "WSPAsyncSelect",
            vec![
                ("s", handle(s)),
                (
                    "hwnd",
                    hwnd.map_or(Value::Null, |h| Value::Int(h.raw() as i64)),
                ),
                ("msg", Value::str(format!("{msg:#x}"))),
                ("events", Value::str(decode::fd_events(events))),
            ],
            || next.async_select(s, hwnd, msg, events),
            |_| unit(),
        )
    }

    fn select(
        &self,
        next: &dyn Wsp,
        mut read: Option<&mut FdSet>,
        mut write: Option<&mut FdSet>,
        mut except: Option<&mut FdSet>,
        timeout: Option<&TIMEVAL>,
    ) -> WspResult<usize> {
        let args = vec![
            ("read", set(&read)),
            ("write", set(&write)),
            ("except", set(&except)),
            (
                "timeout",
                timeout.map_or(Value::str("INFINITE"), |t| {
                    Value::str(format!("{}.{:06}", t.tv_sec, t.tv_usec))
                }),
            ),
        ];
        let start = self.begin();
        let r = next.select(
            read.as_deref_mut(),
            write.as_deref_mut(),
            except.as_deref_mut(),
            timeout,
        );
        self.finish(start, "WSPSelect", args, &r, |&n| {
            (
                Value::Int(n as i64),
                vec![
                    ("read", set(&read)),
                    ("write", set(&write)),
                    ("except", set(&except)),
                ],
            )
        });
        r
    }

    fn cancel_blocking_call(&self, next: &dyn Wsp) -> WspResult<()> {
        self.call(
            "WSPCancelBlockingCall",
            vec![],
            || next.cancel_blocking_call(),
            |_| unit(),
        )
    }

    fn duplicate_socket(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        pid: u32,
    ) -> WspResult<WSAPROTOCOL_INFOW> {
        self.call(
            "WSPDuplicateSocket",
            vec![("s", handle(s)), ("pid", Value::Int(i64::from(pid)))],
            || next.duplicate_socket(s, pid),
            |i| {
                (
                    Value::Int(0),
                    vec![
                        ("protocol", Value::str(i.protocol_name())),
                        ("catalog_id", Value::Int(i64::from(i.dwCatalogEntryId))),
                    ],
                )
            },
        )
    }

    fn get_overlapped_result(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<(usize, u32)> {
        self.call(
            "WSPGetOverlappedResult",
            vec![
                ("s", handle(s)),
                ("ov", Value::str(format!("{overlapped:#x}"))),
                ("wait", flag(wait)),
            ],
            || next.get_overlapped_result(s, overlapped, wait),
            |&(n, f)| {
                (
                    Value::Bool(true),
                    vec![
                        ("bytes", Value::Int(n as i64)),
                        ("flags", Value::str(decode::msg_flags(f))),
                    ],
                )
            },
        )
    }

    fn get_overlapped_result_ex(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        overlapped: usize,
        wait: bool,
    ) -> WspResult<OpResult> {
        let args = vec![
            ("s", handle(s)),
            ("ov", Value::str(format!("{overlapped:#x}"))),
            ("wait", flag(wait)),
        ];
        let start = self.begin();
        let r = next.get_overlapped_result_ex(s, overlapped, wait);
        // As the C caller sees it: FALSE with the operation's own error when it failed.
        match &r {
            Ok(res) => self.emit(
                start,
                "WSPGetOverlappedResult",
                args,
                if res.error.is_none() {
                    Value::Bool(true)
                } else {
                    Value::Null
                },
                vec![
                    ("bytes", Value::Int(i64::from(res.bytes))),
                    ("flags", Value::str(decode::msg_flags(res.flags))),
                ],
                res.error,
            ),
            Err(e) => self.emit(
                start,
                "WSPGetOverlappedResult",
                args,
                Value::Null,
                Vec::new(),
                Some(*e),
            ),
        }
        r
    }

    fn send_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let mut args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
        ];
        self.data(&mut args, &bufs.slices());
        self.overlapped("WSPSend", "WSPSend:complete", s, args, ov, |ov| {
            next.send_overlapped(s, bufs, flags, ov)
        })
    }

    fn send_to_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let mut args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
            ("to", opt_addr(to)),
        ];
        self.data(&mut args, &bufs.slices());
        self.overlapped("WSPSendTo", "WSPSendTo:complete", s, args, ov, |ov| {
            next.send_to_overlapped(s, bufs, flags, to, ov)
        })
    }

    fn recv_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        mut bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
        ];
        self.overlapped("WSPRecv", "WSPRecv:complete", s, args, ov, |ov| {
            next.recv_overlapped(s, bufs, flags, ov)
        })
    }

    fn recv_from_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        mut bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
        ];
        self.overlapped("WSPRecvFrom", "WSPRecvFrom:complete", s, args, ov, |ov| {
            next.recv_from_overlapped(s, bufs, flags, ov)
        })
    }

    fn ioctl_overlapped(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        code: u32,
        input: &[u8],
        mut output: Box<dyn RecvBufs>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let mut args = vec![
            ("s", handle(s)),
            ("code", Value::str(decode::ioctl(code))),
            ("inlen", Value::Int(input.len() as i64)),
            (
                "outlen",
                Value::Int(output.slices().iter().map(|b| b.len()).sum::<usize>() as i64),
            ),
        ];
        if let Some(g) = decode::extension_guid(input) {
            args.push(("guid", Value::str(g)));
        } else if let Some(v) = small_value(input) {
            args.push(("in", v));
        }
        self.overlapped("WSPIoctl", "WSPIoctl:complete", s, args, ov, |ov| {
            next.ioctl_overlapped(s, code, input, output, ov)
        })
    }

    fn get_qos_by_name(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        name: &str,
        qos: &mut Qos,
    ) -> WspResult<()> {
        self.call(
            "WSPGetQOSByName",
            vec![("s", handle(s)), ("name", Value::str(name))],
            || next.get_qos_by_name(s, name, qos),
            |_| unit(),
        )
    }

    fn address_to_string(
        &self,
        next: &dyn Wsp,
        a: &SockAddr,
        info_: Option<&WSAPROTOCOL_INFOW>,
    ) -> WspResult<String> {
        self.call(
            "WSPAddressToString",
            vec![
                ("addrlen", Value::Int(a.len() as i64)),
                (
                    "family",
                    a.family()
                        .map_or(Value::Null, |f| Value::str(decode::af(f))),
                ),
                ("info", info(info_)),
            ],
            || next.address_to_string(a, info_),
            |t| (Value::str(t.clone()), vec![]),
        )
    }

    fn string_to_address(
        &self,
        next: &dyn Wsp,
        text: &str,
        af: i32,
        info_: Option<&WSAPROTOCOL_INFOW>,
        out: &mut SockAddr,
    ) -> WspResult<()> {
        let args = vec![
            ("text", Value::str(text)),
            ("af", Value::str(decode::af(af))),
            ("info", info(info_)),
            ("addrlen", Value::Int(out.len() as i64)),
        ];
        let start = self.begin();
        let r = next.string_to_address(text, af, info_, out);
        self.finish(start, "WSPStringToAddress", args, &r, |_| {
            (Value::Int(0), vec![("addr", addr(out))])
        });
        r
    }

    // ---- extension functions -----------------------------------------------------------

    fn accept_ex(
        &self,
        next: &dyn WspExt,
        listen: SOCKET,
        accept: SOCKET,
        mut buf: Box<dyn RecvBufs>,
        receive_len: usize,
        local_len: usize,
        remote_len: usize,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("listen", handle(listen)),
            ("accept", handle(accept)),
            (
                "buflen",
                Value::Int(buf.slices().iter().map(|b| b.len()).sum::<usize>() as i64),
            ),
            ("receive_len", Value::Int(receive_len as i64)),
            ("local_len", Value::Int(local_len as i64)),
            ("remote_len", Value::Int(remote_len as i64)),
        ];
        self.overlapped("AcceptEx", "AcceptEx:complete", listen, args, ov, |ov| {
            next.accept_ex(listen, accept, buf, receive_len, local_len, remote_len, ov)
        })
    }

    fn connect_ex(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            ("name", addr(name)),
            (
                "data",
                len_or_null(
                    data.as_ref()
                        .map(|d| d.slices().iter().map(|b| b.len()).sum::<usize>()),
                ),
            ),
        ];
        self.overlapped("ConnectEx", "ConnectEx:complete", s, args, ov, |ov| {
            next.connect_ex(s, name, data, ov)
        })
    }

    fn disconnect_ex(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            // TF_REUSE_SOCKET is the one flag DisconnectEx takes.
            ("flags", Value::str(decode::tf_flags(flags))),
        ];
        self.overlapped("DisconnectEx", "DisconnectEx:complete", s, args, ov, |ov| {
            next.disconnect_ex(s, flags, ov)
        })
    }

    fn transmit_packets(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        packets: Box<dyn SendBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            (
                "elements",
                Value::sizes(packets.slices().iter().map(|b| b.len())),
            ),
            ("flags", Value::str(decode::tf_flags(flags))),
        ];
        self.overlapped(
            "TransmitPackets",
            "TransmitPackets:complete",
            s,
            args,
            ov,
            |ov| next.transmit_packets(s, packets, flags, ov),
        )
    }

    fn transmit_file(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        req: TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let part = |b: &Option<Box<dyn SendBufs>>| {
            len_or_null(
                b.as_ref()
                    .map(|b| b.slices().iter().map(|x| x.len()).sum::<usize>()),
            )
        };
        let args = vec![
            ("s", handle(s)),
            ("file", flag(req.file.is_some())),
            ("bytes_to_write", Value::Int(i64::from(req.bytes_to_write))),
            ("bytes_per_send", Value::Int(i64::from(req.bytes_per_send))),
            ("head", part(&req.head)),
            ("tail", part(&req.tail)),
            ("flags", Value::str(decode::tf_flags(req.flags))),
        ];
        self.overlapped("TransmitFile", "TransmitFile:complete", s, args, ov, |ov| {
            next.transmit_file(s, req, ov)
        })
    }

    fn recv_msg(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        mut bufs: Box<dyn RecvBufs>,
        flags: u32,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
        ];
        self.overlapped("WSARecvMsg", "WSARecvMsg:complete", s, args, ov, |ov| {
            next.recv_msg(s, bufs, flags, ov)
        })
    }

    fn send_msg(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        bufs: Box<dyn SendBufs>,
        flags: u32,
        to: Option<&SockAddr>,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let mut args = vec![
            ("s", handle(s)),
            ("bufs", Value::sizes(bufs.slices().iter().map(|b| b.len()))),
            ("flags", Value::str(decode::msg_flags(flags))),
            ("to", opt_addr(to)),
        ];
        self.data(&mut args, &bufs.slices());
        self.overlapped("WSASendMsg", "WSASendMsg:complete", s, args, ov, |ov| {
            next.send_msg(s, bufs, flags, to, ov)
        })
    }

    fn associate_port(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        port: &CompletionPort,
        key: usize,
    ) -> WspResult<()> {
        self.call(
            "CreateIoCompletionPort",
            vec![("s", handle(s)), ("key", Value::str(format!("{key:#x}")))],
            || next.associate_port(s, port, key),
            |_| unit(),
        )
    }

    fn cancel_overlapped(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        key: Option<usize>,
    ) -> WspResult<usize> {
        self.call(
            if key.is_some() {
                "CancelIoEx"
            } else {
                "CancelIo"
            },
            vec![
                ("s", handle(s)),
                (
                    "ov",
                    key.map_or(Value::Null, |k| Value::str(format!("{k:#x}"))),
                ),
            ],
            || next.cancel_overlapped(s, key),
            |&n| count(n),
        )
    }
}
