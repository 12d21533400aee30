//! The layering framework (`wsp::layer`): each hard part done once in `Layered`, tested
//! over the engine on the portable backend (loopback, port 0) with layers that override
//! little or nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::layer::catalog::layered_entries;
use wsp::layer::{Layer, Layered, WspExt};
use wsp::overlapped::{
    guid_to_bytes, ExtensionFn, OpResult, Overlapped, RecvBufs, WSAID_ACCEPTEX, WSAID_CONNECTEX,
};
use wsp::sync::{Apc, Event, Hwnd, RealTime, ThreadHandle, WSAGETSELECTEVENT};
use wsp::types::*;
use wsp::upcall::{LocalUpcalls, Upcalls};
use wsp::wsp::WspResult;
use wsp::{Engine, FdSet, SockAddr, WsaError, Wsp};

const BOUND: Option<Duration> = Some(Duration::from_secs(5));

/// Wait (bounded) for `e` to be signalled.
fn signalled(e: &Event) -> bool {
    e.wait(&RealTime, BOUND, false) != wsp::sync::WaitResult::Timeout
}

fn engine() -> Engine<wsp_portable::Portable> {
    Engine::new(wsp_portable::Portable::new().unwrap())
}

fn lo() -> SockAddr {
    SockAddr::from_std("127.0.0.1:0".parse().unwrap())
}

/// Overrides nothing.
struct Pass;
impl Layer for Pass {
    fn name(&self) -> &str {
        "pass"
    }
}

/// Upcalls that count socket handles made and released (and delegate the rest).
#[derive(Default)]
struct Counting {
    inner: LocalUpcalls,
    made: AtomicUsize,
    closed: AtomicUsize,
}

impl Upcalls for Counting {
    fn create_event(&self) -> Result<Event, WsaError> {
        self.inner.create_event()
    }
    fn set_event(&self, e: &Event) -> Result<(), WsaError> {
        self.inner.set_event(e)
    }
    fn reset_event(&self, e: &Event) -> Result<(), WsaError> {
        self.inner.reset_event(e)
    }
    fn close_event(&self, e: &Event) -> Result<(), WsaError> {
        self.inner.close_event(e)
    }
    fn post_message(&self, h: &Hwnd, m: u32, w: usize, l: isize) -> bool {
        self.inner.post_message(h, m, w, l)
    }
    fn queue_apc(&self, t: &ThreadHandle, r: Apc) -> Result<(), WsaError> {
        self.inner.queue_apc(t, r)
    }
    fn complete_overlapped(
        &self,
        s: SOCKET,
        o: usize,
        e: Option<WsaError>,
        b: u32,
        f: u32,
    ) -> Result<(), WsaError> {
        self.inner.complete_overlapped(s, o, e, b, f)
    }
    fn create_socket_handle(&self, id: u32, ctx: usize) -> Result<SOCKET, WsaError> {
        self.made.fetch_add(1, Ordering::SeqCst);
        self.inner.create_socket_handle(id, ctx)
    }
    fn query_socket_handle_context(&self, s: SOCKET) -> Result<usize, WsaError> {
        self.inner.query_socket_handle_context(s)
    }
    fn close_socket_handle(&self, s: SOCKET) -> Result<(), WsaError> {
        self.closed.fetch_add(1, Ordering::SeqCst);
        self.inner.close_socket_handle(s)
    }
}

fn tcp(w: &dyn Wsp) -> SOCKET {
    w.socket(
        AF_INET,
        SOCK_STREAM,
        IPPROTO_TCP,
        None,
        0,
        WSA_FLAG_OVERLAPPED,
    )
    .unwrap()
}

fn listener(w: &dyn Wsp) -> (SOCKET, SockAddr) {
    let l = tcp(w);
    w.bind(l, &lo()).unwrap();
    w.listen(l, SOMAXCONN).unwrap();
    let mut a = SockAddr::default();
    w.get_sock_name(l, &mut a).unwrap();
    (l, a)
}

/// (client, server) over loopback.
fn pair(w: &dyn Wsp, l: SOCKET, at: &SockAddr) -> (SOCKET, SOCKET) {
    let c = tcp(w);
    w.connect(c, at, None, None, None, None).unwrap();
    let s = w.accept(l, None, None).unwrap();
    (c, s)
}

#[test]
fn layer_handles_are_its_own_and_map_to_the_lower_ones() {
    let e = engine();
    let w = Layered::new(Pass, Arc::new(e.clone()));
    w.startup(0x0202).unwrap();
    let s = tcp(&w);
    let lower = w.lower_handle(s).unwrap();
    assert_ne!(s, lower, "the layer hands out its own handle");
    // The lower provider's handle is not one of the layer's.
    assert_eq!(w.bind(lower, &lo()), Err(WsaError::WSAENOTSOCK));
    assert_eq!(w.bind(0x7bad_f00d, &lo()), Err(WsaError::WSAENOTSOCK));
    w.bind(s, &lo()).unwrap();
    // The engine sees the bind on its own handle.
    let mut a = SockAddr::default();
    e.get_sock_name(lower, &mut a).unwrap();
    assert_ne!(a.to_std().unwrap().port(), 0);
    w.close_socket(s).unwrap();
    assert_eq!(w.close_socket(s), Err(WsaError::WSAENOTSOCK));
    assert_eq!(w.handles(), 0);
    w.cleanup().unwrap();
}

#[test]
fn many_sockets_opened_accepted_closed_leave_no_mapping_and_no_lower_socket() {
    let e = engine();
    let up = Arc::new(Counting::default());
    let w = Layered::with_upcalls(Pass, Arc::new(e.clone()), up.clone(), &[]);
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    for _ in 0..40 {
        let (c, s) = pair(&w, l, &at);
        assert_eq!(w.send(c, &[b"x"], 0).unwrap(), 1);
        let mut b = [0u8; 1];
        assert_eq!(w.recv(s, &mut [&mut b[..]], &mut 0).unwrap(), 1);
        w.close_socket(c).unwrap();
        w.close_socket(s).unwrap();
    }
    w.close_socket(l).unwrap();
    assert_eq!(w.handles(), 0);
    assert_eq!(e.socket_count(), 0, "no lower socket left behind");
    assert_eq!(up.made.load(Ordering::SeqCst), 81);
    assert_eq!(up.closed.load(Ordering::SeqCst), 81);
    // Sockets left open are released by the cleanup that closes them below.
    for _ in 0..5 {
        tcp(&w);
    }
    assert_eq!(w.handles(), 5);
    w.cleanup().unwrap();
    assert_eq!(w.handles(), 0);
    assert_eq!(up.closed.load(Ordering::SeqCst), 86);
}

#[test]
fn select_sets_are_translated_both_ways() {
    let w = Layered::new(Pass, Arc::new(engine()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    w.send(c, &[b"ready"], 0).unwrap();
    let mut read = FdSet::new();
    read.set(s);
    read.set(l);
    let t = TIMEVAL {
        tv_sec: 5,
        tv_usec: 0,
    };
    let n = w.select(Some(&mut read), None, None, Some(&t)).unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        read.fd_array,
        vec![s],
        "the ready set names the layer's handle"
    );
    let mut write = FdSet::new();
    write.set(c);
    assert_eq!(w.select(None, Some(&mut write), None, Some(&t)).unwrap(), 1);
    assert_eq!(write.fd_array, vec![c]);
    // A handle the layer never gave out: WSAENOTSOCK (WSPSelect page).
    let mut bad = FdSet::new();
    bad.set(w.lower_handle(s).unwrap());
    assert_eq!(
        w.select(Some(&mut bad), None, None, Some(&t)),
        Err(WsaError::WSAENOTSOCK)
    );
    w.cleanup().unwrap();
}

#[test]
fn async_select_messages_carry_the_layer_handle() {
    let w = Layered::new(Pass, Arc::new(engine()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let win = Hwnd::new();
    w.async_select(l, Some(&win), 0x0401, FD_ACCEPT).unwrap();
    let c = tcp(&w);
    // Non-blocking connect would need its own loop; a blocking one completes through the
    // backlog (the listener was made blocking before async select).
    let _ = w.connect(c, &at, None, None, None, None);
    assert!(win.wait(&RealTime, 0, 0, BOUND), "no FD_ACCEPT message");
    let m = win.try_get().unwrap();
    assert_eq!(m.msg, 0x0401);
    assert_eq!(
        m.wparam, l,
        "wParam is the layer's handle, not the engine's"
    );
    assert_eq!(WSAGETSELECTEVENT(m.lparam), FD_ACCEPT);
    w.cleanup().unwrap();
}

#[test]
fn event_select_and_enum_network_events_work_on_layer_handles() {
    let w = Layered::new(Pass, Arc::new(engine()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let ev = Event::new();
    w.event_select(s, Some(&ev), FD_READ | FD_CLOSE).unwrap();
    w.send(c, &[b"hi"], 0).unwrap();
    assert!(signalled(&ev), "FD_READ not signalled");
    let ne = w.enum_network_events(s, Some(&ev)).unwrap();
    assert_eq!(ne.lNetworkEvents & FD_READ, FD_READ);
    assert!(!ev.is_set(), "enum_network_events reset the event");
    w.cleanup().unwrap();
}

#[test]
fn overlapped_requests_complete_for_the_layer_handle() {
    let w = Layered::new(Pass, Arc::new(engine()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    // Event notification; the result is read back through the layer's handle.
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 16]),
            0,
            Overlapped::new(0x51).with_event(&ev),
        )
        .unwrap();
    w.send(c, &[b"abc"], 0).unwrap();
    assert!(signalled(&ev));
    assert_eq!(w.get_overlapped_result(s, 0x51, false).unwrap(), (3, 0));
    let data: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&data[..3], b"abc");
    // Completion port associated through the layer: the packet carries the key given.
    let port = wsp::overlapped::CompletionPort::new();
    w.associate_port(s, &port, 77).unwrap();
    assert_eq!(
        w.associate_port(s, &port, 78),
        Err(WsaError::WSAEINVAL),
        "one association per socket, as below"
    );
    w.recv_overlapped(s, Box::new(vec![0u8; 16]), 0, Overlapped::new(0x52))
        .unwrap();
    w.send(c, &[b"de"], 0).unwrap();
    let p = port.get(&RealTime, BOUND).expect("a completion packet");
    assert_eq!(
        (p.key, p.overlapped, p.bytes, p.status),
        (77, 0x52, 2, None)
    );
    // Completion routine: runs in the issuing thread's alertable wait.
    let got = Arc::new(Mutex::new(None));
    let g = got.clone();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 16]),
        0,
        Overlapped::new(0x53).with_routine(move |err, n, key, _| {
            *g.lock().unwrap() = Some((err, n, key));
        }),
    )
    .unwrap();
    w.send(c, &[b"f"], 0).unwrap();
    for _ in 0..100 {
        if got.lock().unwrap().is_some() {
            break;
        }
        wsp::sync::sleep_ex(&RealTime, Some(Duration::from_millis(50)), true);
    }
    assert_eq!(*got.lock().unwrap(), Some((0, 1, 0x53)));
    // Closing through the layer aborts what is pending, exactly once.
    let ev2 = Event::new();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 4]),
        0,
        Overlapped::new(0x54).with_event(&ev2),
    )
    .unwrap();
    w.cancel_overlapped(s, Some(0x54)).unwrap();
    assert!(signalled(&ev2));
    assert_eq!(
        w.get_overlapped_result(s, 0x54, false),
        Err(WsaError::WSA_OPERATION_ABORTED)
    );
    w.cleanup().unwrap();
}

/// Counts the extension calls that reach the layer.
#[derive(Default)]
struct ExtCounter {
    accept_ex: AtomicUsize,
    connect_ex: AtomicUsize,
}

impl Layer for ExtCounter {
    fn name(&self) -> &str {
        "ext counter"
    }
    fn accept_ex(
        &self,
        next: &dyn WspExt,
        listen: SOCKET,
        accept: SOCKET,
        buf: Box<dyn RecvBufs>,
        receive_len: usize,
        local_len: usize,
        remote_len: usize,
        ov: Overlapped,
    ) -> WspResult<wsp::overlapped::Issued> {
        self.accept_ex.fetch_add(1, Ordering::SeqCst);
        next.accept_ex(listen, accept, buf, receive_len, local_len, remote_len, ov)
    }
    fn connect_ex(
        &self,
        next: &dyn WspExt,
        s: SOCKET,
        name: &SockAddr,
        data: Option<Box<dyn wsp::overlapped::SendBufs>>,
        ov: Overlapped,
    ) -> WspResult<wsp::overlapped::Issued> {
        self.connect_ex.fetch_add(1, Ordering::SeqCst);
        next.connect_ex(s, name, data, ov)
    }
}

#[test]
fn extension_functions_go_through_the_layer_with_mapped_handles() {
    let w = Layered::new(ExtCounter::default(), Arc::new(engine()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    // The ioctl answers with the function's identifier: "call this provider's method".
    let mut out = [0u8; 8];
    let n = w
        .ioctl(
            l,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            &guid_to_bytes(&WSAID_ACCEPTEX),
            &mut out,
        )
        .unwrap();
    assert_eq!(n, 8);
    assert_eq!(
        ExtensionFn::from_id(usize::from_ne_bytes(out)),
        Some(ExtensionFn::AcceptEx)
    );
    let n = w
        .ioctl(
            l,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            &guid_to_bytes(&WSAID_CONNECTEX),
            &mut out,
        )
        .unwrap();
    assert_eq!(n, 8);
    // AcceptEx with both handles the layer's.
    let accept = tcp(&w);
    let ev = Event::new();
    let room = 16 + 16;
    w.accept_ex(
        l,
        accept,
        Box::new(vec![0u8; 2 * room]),
        0,
        room,
        room,
        Overlapped::new(1).with_event(&ev),
    )
    .unwrap();
    // ConnectEx from a bound socket.
    let c = tcp(&w);
    w.bind(c, &lo()).unwrap();
    let cev = Event::new();
    w.connect_ex(c, &at, None, Overlapped::new(2).with_event(&cev))
        .unwrap();
    assert!(signalled(&ev) && signalled(&cev));
    assert_eq!(w.get_overlapped_result(accept, 1, false).ok(), None);
    assert_eq!(w.get_overlapped_result(l, 1, false).unwrap().0, 0);
    // SO_UPDATE_ACCEPT_CONTEXT names the listener by the layer's handle.
    w.set_sock_opt(
        accept,
        SOL_SOCKET,
        SO_UPDATE_ACCEPT_CONTEXT,
        &(l as u64).to_le_bytes(),
    )
    .unwrap();
    w.send(c, &[b"via ex"], 0).unwrap();
    let mut b = [0u8; 6];
    assert_eq!(w.recv(accept, &mut [&mut b[..]], &mut 0).unwrap(), 6);
    assert_eq!(&b, b"via ex");
    assert_eq!(w.layer().accept_ex.load(Ordering::SeqCst), 1);
    assert_eq!(w.layer().connect_ex.load(Ordering::SeqCst), 1);
    w.cleanup().unwrap();
}

#[test]
fn duplicate_socket_comes_back_as_a_new_layer_handle() {
    let e = engine();
    let w = Layered::new(Pass, Arc::new(e.clone()));
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let info = w.duplicate_socket(c, std::process::id()).unwrap();
    let d = w
        .socket(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            Some(&info),
            0,
            0,
        )
        .unwrap();
    assert_ne!(d, c);
    assert_eq!(w.handles(), 4);
    w.send(d, &[b"dup"], 0).unwrap();
    let mut b = [0u8; 3];
    assert_eq!(w.recv(s, &mut [&mut b[..]], &mut 0).unwrap(), 3);
    w.close_socket(c).unwrap();
    w.close_socket(d).unwrap();
    assert_eq!(w.handles(), 2);
    w.cleanup().unwrap();
    assert_eq!(w.handles(), 0);
    assert_eq!(e.socket_count(), 0);
}

/// Upper-cases what it receives: proves an override changes what the caller sees.
struct Upper;
impl Layer for Upper {
    fn name(&self) -> &str {
        "upper"
    }
    fn recv(
        &self,
        next: &dyn Wsp,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: &mut u32,
    ) -> WspResult<usize> {
        let n = next.recv(s, bufs, flags)?;
        let mut left = n;
        for b in bufs.iter_mut() {
            let k = left.min(b.len());
            b[..k].make_ascii_uppercase();
            left -= k;
        }
        Ok(n)
    }
}

#[test]
fn layers_stack_and_each_sees_its_own_handles() {
    let e = engine();
    let inner = Arc::new(Layered::new(Upper, Arc::new(e.clone())));
    let w = Layered::new(Pass, inner.clone());
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let mid = w.lower_handle(s).unwrap();
    let bottom = inner.lower_handle(mid).unwrap();
    assert!(s != mid && mid != bottom && s != bottom);
    w.send(c, &[b"quiet"], 0).unwrap();
    let mut b = [0u8; 5];
    assert_eq!(w.recv(s, &mut [&mut b[..]], &mut 0).unwrap(), 5);
    assert_eq!(&b, b"QUIET");
    w.cleanup().unwrap();
    assert_eq!((w.handles(), inner.handles(), e.socket_count()), (0, 0, 0));
}

#[test]
fn layered_catalog_entries_chain_to_the_base_and_stack() {
    let base = wsp::catalog::entries();
    let one = layered_entries("faults", 0x4c00_1000, &base);
    assert_eq!(one.len(), base.len() + 1);
    let layered = one.last().unwrap();
    assert_eq!(layered.dwCatalogEntryId, 0x4c00_1000);
    assert_eq!(layered.ProtocolChain.ChainLen, LAYERED_PROTOCOL);
    assert_eq!(layered.dwProviderFlags & PFL_HIDDEN, PFL_HIDDEN);
    for (c, b) in one.iter().zip(&base) {
        assert_eq!(c.ProtocolChain.ChainLen, 2);
        assert_eq!(
            &c.ProtocolChain.ChainEntries[..2],
            &[0x4c00_1000, b.dwCatalogEntryId]
        );
        assert_eq!(
            (c.iAddressFamily, c.iSocketType, c.iProtocol),
            (b.iAddressFamily, b.iSocketType, b.iProtocol)
        );
        assert_eq!(c.dwServiceFlags1 & XP1_IFS_HANDLES, 0, "non-IFS layer");
        assert_eq!(c.dwProviderFlags & PFL_HIDDEN, 0);
        assert!(c.protocol_name().starts_with("faults over ["));
    }
    // A second layer over the first: [trace, faults, base], the hidden entry skipped.
    let two = layered_entries("trace", 0x4c00_2000, &one);
    assert_eq!(two.len(), base.len() + 1);
    assert_eq!(two[0].ProtocolChain.ChainLen, 3);
    assert_eq!(
        &two[0].ProtocolChain.ChainEntries[..3],
        &[0x4c00_2000, 0x4c00_1000, base[0].dwCatalogEntryId]
    );
    // The engine accepts a chain entry in WSPSocket (it names one of its ids).
    let e = engine();
    let w = Layered::with_upcalls(Pass, Arc::new(e), Arc::new(LocalUpcalls::new()), &one);
    w.startup(0x0202).unwrap();
    let s = w.socket(0, 0, 0, Some(&one[1]), 0, 0).unwrap();
    let mut info = [0u8; std::mem::size_of::<WSAPROTOCOL_INFOW>()];
    let _ = w
        .get_sock_opt(s, SOL_SOCKET, SO_TYPE, &mut info[..4])
        .unwrap();
    assert_eq!(
        i32::from_le_bytes(info[..4].try_into().unwrap()),
        SOCK_DGRAM
    );
    // WSPDuplicateSocket answers with the layer's chain entry, so the duplicate is made
    // through the layer again.
    let d = w.duplicate_socket(s, std::process::id()).unwrap();
    assert_eq!(d.dwCatalogEntryId, one[1].dwCatalogEntryId);
    let s2 = w.socket(0, 0, 0, Some(&d), 0, 0).unwrap();
    assert_ne!(s2, s);
    w.cleanup().unwrap();
}

// ---- overlapped requests completed on the layer's own handle ---------------------------
// Windows LSPs issue their own request below and complete the caller's with
// WPUCompleteOverlappedRequest / WPUQueueApc on the layer's socket (Microsoft, "Layered
// Service Providers", ws2spi WPUCompleteOverlappedRequest and WPUQueueApc pages); these
// tests hold `Layered` to that: the upcalls the *layer* was given see every completion
// with the layer's handle and the caller's key, exactly once, and nothing below is
// associated with the caller's port.

/// A pass-through layer over a fresh engine, reporting through `Counting` upcalls.
fn counted() -> (Layered<Pass>, Arc<Counting>, Engine<wsp_portable::Portable>) {
    let e = engine();
    let up = Arc::new(Counting::default());
    let w = Layered::with_upcalls(Pass, Arc::new(e.clone()), up.clone(), &[]);
    w.startup(0x0202).unwrap();
    (w, up, e)
}

/// Run alertable waits (bounded) until `done` holds.
fn alertable_until(done: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        wsp::sync::sleep_ex(&RealTime, Some(Duration::from_millis(50)), true);
    }
    done()
}

#[test]
fn an_event_request_completes_on_the_layer_handle_through_the_layers_upcalls() {
    let (w, up, _e) = counted();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 8]),
            0,
            Overlapped::new(0x61).with_event(&ev),
        )
        .unwrap();
    assert!(issued.immediate.is_none(), "nothing to read yet: pending");
    assert_eq!(issued.op.socket(), s, "the handle names the layer's socket");
    assert_eq!(
        w.get_overlapped_result(s, 0x61, false),
        Err(WsaError::WSA_IO_INCOMPLETE)
    );
    w.send(c, &[b"four"], 0).unwrap();
    assert!(signalled(&ev));
    assert_eq!(issued.op.result(), Some(OpResult::ok(4, 0)));
    let done = up.inner.take_completions();
    assert_eq!(done.len(), 1, "one completion: {done:?}");
    assert_eq!(
        (
            done[0].socket,
            done[0].overlapped,
            done[0].bytes,
            done[0].error
        ),
        (s, 0x61, 4, None)
    );
    assert_eq!(w.get_overlapped_result(s, 0x61, false).unwrap(), (4, 0));
    let data: Vec<u8> = issued.op.take_buffers().downcast().unwrap();
    assert_eq!(&data[..4], b"four");
    // A key the layer never saw on this socket is WSAEINVAL, as the engine answers.
    assert_eq!(
        w.get_overlapped_result(s, 0x99, false),
        Err(WsaError::WSAEINVAL)
    );
    w.cleanup().unwrap();
}

#[test]
fn an_immediate_completion_still_notifies_once() {
    let (w, up, _e) = counted();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    w.send(c, &[b"ready"], 0).unwrap();
    // Wait (bounded) until the data is there, so the receive completes in the call.
    let mut fds = FdSet::new();
    fds.fd_array.push(s);
    let t = TIMEVAL {
        tv_sec: 5,
        tv_usec: 0,
    };
    assert_eq!(w.select(Some(&mut fds), None, None, Some(&t)).unwrap(), 1);
    let ev = Event::new();
    let issued = w
        .recv_overlapped(
            s,
            Box::new(vec![0u8; 8]),
            0,
            Overlapped::new(0x62).with_event(&ev),
        )
        .unwrap();
    assert_eq!(issued.immediate, Some(OpResult::ok(5, 0)));
    assert!(signalled(&ev), "immediate completion still sets the event");
    assert_eq!(up.inner.take_completions().len(), 1);
    w.cleanup().unwrap();
}

#[test]
fn a_completion_routine_runs_on_the_issuing_thread_with_the_callers_key() {
    let (w, up, _e) = counted();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let me = std::thread::current().id();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 8]),
        0,
        Overlapped::new(0x63).with_routine(move |err, n, key, flags| {
            g.lock()
                .unwrap()
                .push((err, n, key, flags, std::thread::current().id() == me));
        }),
    )
    .unwrap();
    w.send(c, &[b"xy"], 0).unwrap();
    // The request completes (result recorded) before the routine runs; the routine waits
    // for this thread's alertable wait.
    // Waiting for the result (fWait) is not alertable: the routine stays queued.
    assert_eq!(w.get_overlapped_result(s, 0x63, true), Ok((2, 0)));
    assert!(
        got.lock().unwrap().is_empty(),
        "not outside an alertable wait"
    );
    assert!(alertable_until(|| !got.lock().unwrap().is_empty()));
    assert_eq!(*got.lock().unwrap(), vec![(0, 2, 0x63, 0, true)]);
    let done = up.inner.take_completions();
    assert_eq!(
        done.iter()
            .map(|d| (d.socket, d.overlapped))
            .collect::<Vec<_>>(),
        vec![(s, 0x63)]
    );
    w.cleanup().unwrap();
}

#[test]
fn completion_ports_get_the_layer_sockets_key_and_nothing_goes_below() {
    let (w, _up, e) = counted();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let port = wsp::overlapped::CompletionPort::new();
    w.associate_port(s, &port, 0x77).unwrap();
    assert_eq!(w.associate_port(s, &port, 0x78), Err(WsaError::WSAEINVAL));
    // The lower socket is still free to associate: the layer kept the association.
    let other = wsp::overlapped::CompletionPort::new();
    e.associate_port(w.lower_handle(s).unwrap(), &other, 1)
        .unwrap();
    // hEvent with the low bit set (skip_port): completes, posts nothing.
    let mut skip = Overlapped::new(0x65);
    skip.skip_port = true;
    w.recv_overlapped(s, Box::new(vec![0u8; 8]), 0, skip)
        .unwrap();
    let issued = w
        .recv_overlapped(s, Box::new(vec![0u8; 8]), 0, Overlapped::new(0x64))
        .unwrap();
    w.send(c, &[b"pq"], 0).unwrap();
    assert_eq!(w.get_overlapped_result(s, 0x65, true).unwrap(), (2, 0));
    w.send(c, &[b"abc"], 0).unwrap();
    let p = port
        .get(&RealTime, BOUND)
        .expect("a packet on the layer's port");
    assert_eq!(
        (p.key, p.overlapped, p.bytes, p.status),
        (0x77, 0x64, 3, None)
    );
    let data: Vec<u8> = p
        .buffers
        .downcast()
        .expect("the buffers come with the packet");
    assert_eq!(&data[..3], b"abc");
    assert!(issued.op.take_buffers().is_none(), "they went to the port");
    assert!(port.is_empty(), "one packet");
    assert!(other.is_empty(), "the lower socket's port hears nothing");
    w.cleanup().unwrap();
}

#[test]
fn get_overlapped_result_gives_bytes_flags_and_the_operations_own_error() {
    let (w, _up, _e) = counted();
    let u = w
        .socket(
            AF_INET,
            SOCK_DGRAM,
            IPPROTO_UDP,
            None,
            0,
            WSA_FLAG_OVERLAPPED,
        )
        .unwrap();
    w.bind(u, &lo()).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(u, &mut at).unwrap();
    let ev = Event::new();
    // A 3-byte buffer for a 6-byte datagram: WSAEMSGSIZE with MSG_PARTIAL (WSARecv page).
    w.recv_overlapped(
        u,
        Box::new(vec![0u8; 3]),
        0,
        Overlapped::new(0x66).with_event(&ev),
    )
    .unwrap();
    w.send_to(u, &[b"toobig"], 0, Some(&at)).unwrap();
    assert!(signalled(&ev));
    let r = w.get_overlapped_result_ex(u, 0x66, true).unwrap();
    assert_eq!(r.error, Some(WsaError::WSAEMSGSIZE));
    assert_eq!((r.bytes, r.flags), (3, MSG_PARTIAL));
    assert_eq!(
        w.get_overlapped_result(u, 0x66, false),
        Err(WsaError::WSAEMSGSIZE)
    );
    // fWait on a pending request waits for it.
    let (l, a2) = listener(&w);
    let (c, s) = pair(&w, l, &a2);
    w.recv_overlapped(s, Box::new(vec![0u8; 8]), 0, Overlapped::new(0x67))
        .unwrap();
    // The send comes from another thread while this one waits (or just before: the
    // answer is the same either way).
    let got = std::thread::scope(|sc| {
        sc.spawn(|| w.send(c, &[b"late"], 0).unwrap());
        w.get_overlapped_result(s, 0x67, true)
    });
    assert_eq!(got.unwrap(), (4, 0));
    w.cleanup().unwrap();
}

#[test]
fn cancel_and_close_abort_pending_requests_exactly_once_on_the_layer_handle() {
    let (w, up, _e) = counted();
    let (l, at) = listener(&w);
    let (_c, s) = pair(&w, l, &at);
    let port = wsp::overlapped::CompletionPort::new();
    w.associate_port(s, &port, 5).unwrap();
    // CancelIoEx with one key: that request only.
    let (e1, e2) = (Event::new(), Event::new());
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 4]),
        0,
        Overlapped::new(1).with_event(&e1),
    )
    .unwrap();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 4]),
        0,
        Overlapped::new(2).with_event(&e2),
    )
    .unwrap();
    assert_eq!(w.cancel_overlapped(s, Some(2)).unwrap(), 1);
    assert!(signalled(&e2) && !e1.is_set());
    assert_eq!(
        w.get_overlapped_result(s, 2, false),
        Err(WsaError::WSA_OPERATION_ABORTED)
    );
    assert_eq!(w.cancel_overlapped(s, Some(2)).unwrap(), 0, "already done");
    assert_eq!(
        w.cancel_overlapped(s, Some(0x1234)).unwrap(),
        0,
        "unknown key"
    );
    // A routine request too, then close with both pending.
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    w.recv_overlapped(
        s,
        Box::new(vec![0u8; 4]),
        0,
        Overlapped::new(3)
            .with_routine(move |err, n, key, _| g.lock().unwrap().push((err, n, key))),
    )
    .unwrap();
    w.close_socket(s).unwrap();
    assert!(signalled(&e1));
    assert!(alertable_until(|| !got.lock().unwrap().is_empty()));
    let aborted = WsaError::WSA_OPERATION_ABORTED.code() as u32;
    assert_eq!(*got.lock().unwrap(), vec![(aborted, 0, 3)]);
    // Port: the two event requests (not the routine one), each once, with the layer's key.
    let mut packets = Vec::new();
    while let Some(p) = port.get(&RealTime, Some(Duration::ZERO)) {
        packets.push((p.key, p.overlapped, p.status.map(|e| e.code())));
    }
    packets.sort();
    let ab = Some(WsaError::WSA_OPERATION_ABORTED);
    let abc = ab.map(|e| e.code());
    assert_eq!(packets, vec![(5, 1, abc), (5, 2, abc)]);
    let mut done: Vec<(SOCKET, usize)> = up
        .inner
        .take_completions()
        .iter()
        .filter(|d| d.error == ab)
        .map(|d| (d.socket, d.overlapped))
        .collect();
    done.sort();
    assert_eq!(done, vec![(s, 1), (s, 2), (s, 3)], "each exactly once");
    // Nothing more arrives later.
    wsp::sync::sleep_ex(&RealTime, Some(Duration::ZERO), true);
    assert_eq!(got.lock().unwrap().len(), 1);
    assert_eq!(w.next().requests(), 0, "a closed socket's records are gone");
    assert_eq!(
        w.get_overlapped_result(s, 1, false),
        Err(WsaError::WSAENOTSOCK)
    );
    w.cleanup().unwrap();
}

#[test]
fn stacked_layers_complete_on_the_outer_handle() {
    let e = engine();
    let inner = Arc::new(Layered::new(Pass, Arc::new(e.clone())));
    let up = Arc::new(Counting::default());
    let w = Layered::with_upcalls(Pass, inner.clone(), up.clone(), &[]);
    w.startup(0x0202).unwrap();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    let port = wsp::overlapped::CompletionPort::new();
    w.associate_port(s, &port, 9).unwrap();
    let issued = w
        .recv_overlapped(s, Box::new(vec![0u8; 8]), 0, Overlapped::new(0x70))
        .unwrap();
    assert_eq!(issued.op.socket(), s, "the outer layer's socket");
    assert_ne!(Some(s), w.lower_handle(s));
    w.send(c, &[b"deep"], 0).unwrap();
    let p = port.get(&RealTime, BOUND).expect("a packet");
    assert_eq!((p.key, p.overlapped, p.bytes), (9, 0x70, 4));
    let data: Vec<u8> = p.buffers.downcast().unwrap();
    assert_eq!(&data[..4], b"deep");
    let done = up.inner.take_completions();
    assert_eq!(
        done.iter()
            .map(|d| (d.socket, d.overlapped))
            .collect::<Vec<_>>(),
        vec![(s, 0x70)]
    );
    w.cleanup().unwrap();
    assert_eq!((w.handles(), inner.handles(), e.socket_count()), (0, 0, 0));
}

#[test]
fn the_record_of_requests_is_bounded() {
    let (w, _up, _e) = counted();
    let (l, at) = listener(&w);
    let (c, s) = pair(&w, l, &at);
    for k in 0..1500usize {
        w.send_overlapped(c, Box::new(b"z".to_vec()), 0, Overlapped::new(k))
            .unwrap();
    }
    assert!(w.next().requests() <= 1024, "{}", w.next().requests());
    let _ = s;
    w.cleanup().unwrap();
}
