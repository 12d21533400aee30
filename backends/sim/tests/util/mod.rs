//! Test vocabulary for the simulator: a recording sink and short helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use wsp::net::{HostFamily, HostKind, HostSocket, IoFlags, Net, Readiness, ReadinessSink};
use wsp::WsaError;
use wsp_sim::Sim;

/// Records every readiness report in order.
#[derive(Default)]
pub struct Recorder {
    pub log: Mutex<Vec<(u64, Readiness)>>,
}

impl ReadinessSink for Recorder {
    fn ready(&self, token: u64, r: Readiness) {
        self.log.lock().unwrap().push((token, r));
    }
}

impl Recorder {
    /// Take the reports so far.
    pub fn take(&self) -> Vec<(u64, Readiness)> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
    /// Whether a report for `token` containing `r` was recorded (and clear the log).
    pub fn saw(&self, token: u64, r: Readiness) -> bool {
        self.take()
            .iter()
            .any(|&(t, got)| t == token && got.contains(r))
    }
}

/// A sim with a recorder attached. Keep the `Arc` alive: the sim holds a `Weak`.
pub fn sim_with(sim: Sim) -> (Arc<Sim>, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let sink: Arc<dyn ReadinessSink> = rec.clone();
    sim.attach(Arc::downgrade(&sink));
    // The Weak must stay upgradable: leak one strong count into the recorder's Arc.
    std::mem::forget(sink);
    (Arc::new(sim), rec)
}

pub fn sim(seed: u64) -> (Arc<Sim>, Arc<Recorder>) {
    sim_with(Sim::new(seed))
}

pub fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

pub const NONE: IoFlags = IoFlags {
    peek: false,
    oob: false,
    dontroute: false,
};
pub const PEEK: IoFlags = IoFlags {
    peek: true,
    oob: false,
    dontroute: false,
};
pub const OOB: IoFlags = IoFlags {
    peek: false,
    oob: true,
    dontroute: false,
};

pub fn assert_would_block<T: std::fmt::Debug>(r: Result<T, WsaError>) {
    match r {
        Err(WsaError::WSAEWOULDBLOCK) => {}
        other => panic!("expected WSAEWOULDBLOCK, got {other:?}"),
    }
}

/// A listener on `at`, registered with `token`.
pub fn listener(sim: &Sim, at: &str, token: u64) -> HostSocket {
    let l = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.bind(l, addr(at)).unwrap();
    sim.listen(l, 16).unwrap();
    sim.register(l, token).unwrap();
    l
}

/// A connected pair (client, server) through a fresh listener on `port`; client
/// registered with token 2, server with token 3. The listener is closed.
pub fn pair(sim: &Sim, port: u16) -> (HostSocket, HostSocket) {
    let l = listener(sim, &format!("127.0.0.1:{port}"), 1);
    let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
    sim.register(c, 2).unwrap();
    assert_would_block(sim.connect(c, addr(&format!("127.0.0.1:{port}"))));
    sim.run_until_idle();
    assert_eq!(sim.take_error(c).unwrap(), None);
    // Retry: a configured fault may make accept would-block spuriously.
    let s = loop {
        match sim.accept(l) {
            Ok((s, _)) => break s,
            Err(WsaError::WSAEWOULDBLOCK) => {
                sim.run_until_idle();
            }
            Err(e) => panic!("accept: {e:?}"),
        }
    };
    sim.register(s, 3).unwrap();
    sim.close(l);
    (c, s)
}

/// Receive up to `n` bytes.
pub fn recv_n(sim: &Sim, s: HostSocket, n: usize) -> Result<Vec<u8>, WsaError> {
    let mut buf = vec![0u8; n];
    let got = sim.recv(s, &mut [&mut buf], NONE)?;
    buf.truncate(got.bytes);
    Ok(buf)
}
