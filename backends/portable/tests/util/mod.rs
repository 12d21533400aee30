//! Test vocabulary: a recording sink, a backend wired to it, and connected pairs.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};
use wsp::net::{HostFamily, HostKind, HostSocket, IoFlags, Net, Readiness, ReadinessSink};
use wsp::WsaError;
use wsp_portable::Portable;

/// Failure guard only: no test relies on it passing for synchronisation.
pub const GUARD: Duration = Duration::from_secs(10);

/// A sink recording, per token, the union of the readiness reported since the last
/// successful `expect`.
#[derive(Default)]
pub struct Recorder {
    seen: Mutex<HashMap<u64, Readiness>>,
    cv: Condvar,
}

impl ReadinessSink for Recorder {
    fn ready(&self, token: u64, r: Readiness) {
        let mut seen = self.seen.lock().unwrap();
        seen.entry(token).or_default().insert(r);
        drop(seen);
        self.cv.notify_all();
    }
}

impl Recorder {
    /// Wait until the reports for `token` satisfy `pred`; return and forget them.
    pub fn expect_with(
        &self,
        token: u64,
        what: &str,
        pred: impl Fn(Readiness) -> bool,
    ) -> Readiness {
        let deadline = Instant::now() + GUARD;
        let mut seen = self.seen.lock().unwrap();
        loop {
            let got = seen.get(&token).copied().unwrap_or_default();
            if pred(got) {
                seen.remove(&token);
                return got;
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "token {token}: no {what} report within {GUARD:?}, saw {got:?}"
            );
            seen = self.cv.wait_timeout(seen, deadline - now).unwrap().0;
        }
    }

    /// Wait until every bit of `want` has been reported for `token`.
    pub fn expect(&self, token: u64, want: Readiness) -> Readiness {
        self.expect_with(token, &format!("{want:?}"), |r| r.contains(want))
    }

    /// Wait until any bit of `want` has been reported for `token`.
    pub fn expect_any(&self, token: u64, want: Readiness) -> Readiness {
        self.expect_with(token, &format!("any of {want:?}"), |r| r.intersects(want))
    }

    /// Forget what was reported for `token` so far.
    pub fn clear(&self, token: u64) {
        self.seen.lock().unwrap().remove(&token);
    }
}

/// A backend attached to a fresh recorder.
pub fn setup() -> (Portable, Arc<Recorder>) {
    let net = Portable::new().expect("Portable::new");
    let rec = Arc::new(Recorder::default());
    let weak: Weak<dyn ReadinessSink> = Arc::downgrade(&(rec.clone() as Arc<dyn ReadinessSink>));
    net.attach(weak);
    (net, rec)
}

pub fn loopback(family: HostFamily) -> SocketAddr {
    match family {
        HostFamily::V4 => "127.0.0.1:0".parse().unwrap(),
        HostFamily::V6 => "[::1]:0".parse().unwrap(),
    }
}

pub fn assert_would_block<T: std::fmt::Debug>(r: Result<T, WsaError>) {
    assert_eq!(r.unwrap_err(), WsaError::WSAEWOULDBLOCK);
}

/// Tokens used by [`tcp_pair`].
pub const LISTENER: u64 = 1;
pub const CLIENT: u64 = 2;
pub const SERVER: u64 = 3;

/// A connected TCP pair, both ends registered (client `CLIENT`, accepted end `SERVER`).
pub struct Pair {
    pub listener: HostSocket,
    pub client: HostSocket,
    pub server: HostSocket,
}

/// Connect a client to a fresh listener and accept it, checking the readiness reports
/// along the way: the listener reports READABLE, the client WRITABLE with no error.
pub fn tcp_pair(net: &Portable, rec: &Recorder, family: HostFamily) -> Pair {
    let listener = net.open(family, HostKind::Stream).unwrap();
    net.bind(listener, loopback(family)).unwrap();
    net.listen(listener, 16).unwrap();
    net.register(listener, LISTENER).unwrap();
    let addr = net.local_addr(listener).unwrap();

    let client = net.open(family, HostKind::Stream).unwrap();
    net.register(client, CLIENT).unwrap();
    match net.connect(client, addr) {
        Ok(()) | Err(WsaError::WSAEWOULDBLOCK) => {}
        Err(e) => panic!("connect: {e:?}"),
    }
    rec.expect(LISTENER, Readiness::READABLE);
    let (server, peer) = net.accept(listener).unwrap();
    rec.expect(CLIENT, Readiness::WRITABLE);
    assert_eq!(net.take_error(client).unwrap(), None);
    assert_eq!(peer, net.local_addr(client).unwrap());
    assert_eq!(net.peer_addr(client).unwrap(), addr);
    net.register(server, SERVER).unwrap();
    // A freshly registered connected socket reports itself writable.
    rec.expect(SERVER, Readiness::WRITABLE);
    Pair {
        listener,
        client,
        server,
    }
}

/// Receive into one buffer of `len` bytes, returning the bytes.
pub fn recv_vec(net: &Portable, s: HostSocket, len: usize, flags: IoFlags) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let got = net.recv(s, &mut [&mut buf], flags).unwrap();
    buf.truncate(got.bytes);
    buf
}
