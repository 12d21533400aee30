//! Many sockets: per-socket state stays small and operations stay cheap.

mod util;

use util::*;
use wsp::net::{HostFamily, HostKind, Net};
use wsp_sim::{Sim, SimConfig};

#[test]
fn hundred_thousand_sockets() {
    let cfg = SimConfig {
        ephemeral_ports: (1024, 65535),
        ..Default::default()
    };
    let (sim, rec) = sim_with(Sim::with_config(1, cfg));
    let l = listener(&sim, "127.0.0.1:80", 1);
    sim.listen(l, 100_000).unwrap();
    let mut socks = Vec::new();
    // 30k connected pairs (60k sockets) plus 40k idle ones.
    for i in 0..30_000u64 {
        let c = sim.open(HostFamily::V4, HostKind::Stream).unwrap();
        sim.register(c, i).unwrap();
        assert_would_block(sim.connect(c, addr("127.0.0.1:80")));
        socks.push(c);
    }
    for _ in 0..30_000 {
        let (s, _) = sim.accept(l).unwrap();
        socks.push(s);
    }
    for _ in 0..40_000 {
        socks.push(sim.open(HostFamily::V6, HostKind::Datagram).unwrap());
    }
    assert_eq!(sim.socket_count(), 100_001);
    sim.send(socks[0], &[b"x"], None, NONE).unwrap();
    assert_eq!(recv_n(&sim, socks[30_000], 8).unwrap(), b"x");
    rec.take();
    for s in socks {
        sim.close(s);
    }
    assert_eq!(sim.socket_count(), 1);
}
