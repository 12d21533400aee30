//! The trace layer over the engine (sim backend): each call passes through unchanged and
//! leaves one record with its decoded arguments, result and error name, in call order.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use wsp::layer::Layered;
use wsp::overlapped::Overlapped;
use wsp::sync::{sleep_ex, RealTime};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};
use wsp_trace::{Config, Record, Trace, Value};

fn traced() -> (Layered<Trace>, Arc<Mutex<Vec<Record>>>) {
    let (config, records) = Config::memory();
    let engine = wsp::Engine::new(wsp_sim::Sim::new(7));
    (Layered::new(Trace::new(config), Arc::new(engine)), records)
}

fn loopback() -> SockAddr {
    SockAddr::from_std("127.0.0.1:0".parse().unwrap())
}

/// `(function, args, result)` of every record, as text.
fn calls(records: &Mutex<Vec<Record>>) -> Vec<(String, String, String)> {
    records
        .lock()
        .unwrap()
        .iter()
        .map(|r| (r.function.clone(), r.args_text(), r.result_text()))
        .collect()
}

#[test]
fn a_tcp_exchange_is_recorded_call_by_call() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    let port = at.to_std().unwrap().port();
    let c = w
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    w.connect(c, &at, None, None, None, None).unwrap();
    let mut peer = SockAddr::default();
    let a = w.accept(l, Some(&mut peer), None).unwrap();
    let cport = peer.to_std().unwrap().port();
    w.ioctl(a, FIONBIO, &1u32.to_le_bytes(), &mut []).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        w.recv(a, &mut [&mut buf[..]], &mut 0),
        Err(WsaError::WSAEWOULDBLOCK)
    );
    w.set_sock_opt(c, SOL_SOCKET, SO_RCVTIMEO, &5000u32.to_le_bytes())
        .unwrap();
    assert_eq!(w.send(c, &[b"hel", b"lo"], 0), Ok(5));
    let mut rs = wsp::FdSet::new();
    rs.set(a);
    let tv = TIMEVAL {
        tv_sec: 5,
        tv_usec: 0,
    };
    assert_eq!(w.select(Some(&mut rs), None, None, Some(&tv)), Ok(1));
    let mut peek = MSG_PEEK;
    assert_eq!(w.recv(a, &mut [&mut buf[..]], &mut peek), Ok(5));
    w.shutdown(c, SD_SEND).unwrap();
    assert_eq!(w.close_socket(0x7777), Err(WsaError::WSAENOTSOCK));
    for s in [a, c, l] {
        w.close_socket(s).unwrap();
    }
    w.cleanup().unwrap();

    let want: Vec<(String, String, String)> = [
        ("WSPStartup", "version=2.2".to_string(), "2.2".to_string()),
        (
            "WSPSocket",
            "af=AF_INET, type=SOCK_STREAM, protocol=IPPROTO_TCP, info=NULL, g=0, flags=0".into(),
            l.to_string(),
        ),
        ("WSPBind", format!("s={l}, name=127.0.0.1:0"), "0".into()),
        ("WSPListen", format!("s={l}, backlog=5"), "0".into()),
        ("WSPGetSockName", format!("s={l}, namelen=128"), "0".into()),
        (
            "WSPSocket",
            "af=AF_INET, type=SOCK_STREAM, protocol=0, info=NULL, g=0, flags=WSA_FLAG_OVERLAPPED"
                .into(),
            c.to_string(),
        ),
        (
            "WSPConnect",
            format!(
                "s={c}, name=127.0.0.1:{port}, caller_data=NULL, callee_data=NULL, sqos=FALSE, \
                 gqos=FALSE"
            ),
            "0".into(),
        ),
        (
            "WSPAccept",
            format!("s={l}, addrlen=128, condition=FALSE"),
            a.to_string(),
        ),
        (
            "WSPIoctl",
            format!("s={a}, code=FIONBIO, inlen=4, outlen=0, in=1"),
            "0".into(),
        ),
        (
            "WSPRecv",
            format!("s={a}, bufs=[16], flags=0"),
            "SOCKET_ERROR WSAEWOULDBLOCK".into(),
        ),
        (
            "WSPSetSockOpt",
            format!("s={c}, level=SOL_SOCKET, optname=SO_RCVTIMEO, optval=5000, optlen=4"),
            "0".into(),
        ),
        ("WSPSend", format!("s={c}, bufs=[3,2], flags=0"), "5".into()),
        (
            "WSPSelect",
            format!("read=[{a}], write=NULL, except=NULL, timeout=5.000000"),
            "1".into(),
        ),
        (
            "WSPRecv",
            format!("s={a}, bufs=[16], flags=MSG_PEEK"),
            "5".into(),
        ),
        ("WSPShutdown", format!("s={c}, how=SD_SEND"), "0".into()),
        (
            "WSPCloseSocket",
            "s=30583".into(),
            "SOCKET_ERROR WSAENOTSOCK".into(),
        ),
        ("WSPCloseSocket", format!("s={a}"), "0".into()),
        ("WSPCloseSocket", format!("s={c}"), "0".into()),
        ("WSPCloseSocket", format!("s={l}"), "0".into()),
        ("WSPCleanup", String::new(), "0".into()),
    ]
    .into_iter()
    .map(|(f, a, r)| (f.to_string(), a, r))
    .collect();
    assert_eq!(calls(&records), want);

    // Output arguments: the addresses the calls wrote, the flags a receive returned.
    let r = records.lock().unwrap();
    assert_eq!(
        r[4].out_arg("name"),
        Some(&Value::str(format!("127.0.0.1:{port}")))
    );
    assert_eq!(
        r[7].out_arg("addr"),
        Some(&Value::str(format!("127.0.0.1:{cport}")))
    );
    assert_eq!(r[12].out_arg("read"), Some(&Value::handles(&[a])));
    assert_eq!(r[13].out_arg("flags"), Some(&Value::str("0")));
    // Numbered in order, all on this thread.
    assert!(r.iter().enumerate().all(|(i, x)| x.seq == i as u64 + 1));
    assert!(r.iter().all(|x| x.thread == r[0].thread));
    // The error record as a JSON line.
    let j = r[9].to_json();
    assert!(
        j.contains(
            "\"fn\":\"WSPRecv\",\"args\":{\"s\":" // handle value varies
        ) && j.contains("\"ret\":null,\"error\":\"WSAEWOULDBLOCK\",\"code\":10035,"),
        "{j}"
    );
}

#[test]
fn event_select_and_network_events_by_name() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    let ev = wsp::sync::Event::new();
    w.event_select(l, Some(&ev), FD_ACCEPT | FD_CLOSE).unwrap();
    let c = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.connect(c, &at, None, None, None, None).unwrap();
    assert_eq!(
        ev.wait(&RealTime, Some(Duration::from_secs(10)), false),
        wsp::sync::WaitResult::Object(0)
    );
    let ne = w.enum_network_events(l, Some(&ev)).unwrap();
    assert_eq!(ne.lNetworkEvents, FD_ACCEPT);
    w.cleanup().unwrap();

    let r = records.lock().unwrap();
    let es = r.iter().find(|x| x.function == "WSPEventSelect").unwrap();
    assert_eq!(es.arg("events"), Some(&Value::str("FD_ACCEPT|FD_CLOSE")));
    assert_eq!(es.arg("event"), Some(&Value::Int(ev.raw() as i64)));
    let en = r
        .iter()
        .find(|x| x.function == "WSPEnumNetworkEvents")
        .unwrap();
    assert_eq!(en.out_arg("events"), Some(&Value::str("FD_ACCEPT")));
    assert_eq!(en.out_arg("errors"), None);
}

#[test]
fn overlapped_issue_and_completion_routine_are_both_recorded() {
    let (w, records) = traced();
    w.startup(0x0202).unwrap();
    let l = w
        .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
        .unwrap();
    w.bind(l, &loopback()).unwrap();
    w.listen(l, 5).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(l, &mut at).unwrap();
    let c = w
        .socket(
            AF_INET,
            SOCK_STREAM,
            IPPROTO_TCP,
            None,
            0,
            WSA_FLAG_OVERLAPPED,
        )
        .unwrap();
    w.connect(c, &at, None, None, None, None).unwrap();
    let a = w.accept(l, None, None).unwrap();

    // A receive with nothing to read: pending; then data arrives and the routine runs in
    // an alertable wait of this thread.
    let done = Arc::new(Mutex::new(None));
    let d = done.clone();
    let ov = Overlapped::new(0x1000).with_routine(move |err, bytes, _, _| {
        *d.lock().unwrap() = Some((err, bytes));
    });
    let issued = w
        .recv_overlapped(c, Box::new(vec![0u8; 32]), 0, ov)
        .unwrap();
    assert!(issued.immediate.is_none());
    assert_eq!(w.send(a, &[b"ping"], 0), Ok(4));
    for _ in 0..1000 {
        sleep_ex(&RealTime, Some(Duration::from_millis(10)), true);
        if done.lock().unwrap().is_some() {
            break;
        }
    }
    assert_eq!(*done.lock().unwrap(), Some((0, 4)));
    w.cleanup().unwrap();

    let r = records.lock().unwrap();
    let issue = r.iter().find(|x| x.function == "WSPRecv").unwrap();
    assert_eq!(
        issue.args_text(),
        format!("s={c}, bufs=[32], flags=0, ov=0x1000, routine=TRUE")
    );
    assert_eq!(issue.error, Some(WsaError::WSA_IO_PENDING));
    let complete = r.iter().find(|x| x.function == "WSPRecv:complete").unwrap();
    assert_eq!(complete.args_text(), format!("s={c}, ov=0x1000"));
    assert_eq!(complete.result_text(), "4");
    assert_eq!(complete.out_arg("bytes"), Some(&Value::Int(4)));
    assert!(complete.seq > issue.seq);
}

#[test]
fn data_is_logged_as_hex_only_when_asked() {
    let (mut config, records) = Config::memory();
    config.data = 4;
    let engine = wsp::Engine::new(wsp_sim::Sim::new(9));
    let w = Layered::new(Trace::new(config), Arc::new(engine));
    w.startup(0x0202).unwrap();
    let s = w
        .socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, None, 0, 0)
        .unwrap();
    w.bind(s, &loopback()).unwrap();
    let mut at = SockAddr::default();
    w.get_sock_name(s, &mut at).unwrap();
    assert_eq!(w.send_to(s, &[b"hello"], 0, Some(&at)), Ok(5));
    let mut buf = [0u8; 16];
    let mut from = SockAddr::default();
    assert_eq!(
        w.recv_from(s, &mut [&mut buf[..]], &mut 0, Some(&mut from)),
        Ok(5)
    );
    w.cleanup().unwrap();
    let r = records.lock().unwrap();
    let st = r.iter().find(|x| x.function == "WSPSendTo").unwrap();
    assert_eq!(st.arg("data"), Some(&Value::str("68656c6c")));
    let rf = r.iter().find(|x| x.function == "WSPRecvFrom").unwrap();
    assert_eq!(rf.out_arg("data"), Some(&Value::str("68656c6c")));
    assert_eq!(rf.out_arg("from"), Some(&Value::str(decode_addr(&at))));
}

fn decode_addr(a: &SockAddr) -> String {
    wsp_trace::decode::addr(a)
}
