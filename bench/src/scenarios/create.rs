//! Socket create+close rate: `WSPSocket(AF_INET, SOCK_STREAM)` then `WSPCloseSocket`,
//! against `socket(2)` then `close(2)` (socket2).

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use socket2::{Domain, Socket, Type};
use std::time::Instant;
use wsp::types::*;
use wsp::Wsp;

/// `create_close`: sockets per second.
pub const SCENARIO: Scenario = Scenario {
    name: "create_close",
    about: "TCP socket create + close",
    unit: "ops/s",
    better: Better::Higher,
    target: "",
    rounds: 7,
    diff: false,
    run,
};

fn run(side: Side, scale: Scale) -> BenchResult<Sample> {
    let n = scale.pick(20, 20_000, 100_000);
    let secs = match side {
        Side::Wsp => {
            let p = engine()?;
            let start = Instant::now();
            for _ in 0..n {
                let s = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
                p.close_socket(s)?;
            }
            start.elapsed().as_secs_f64()
        }
        Side::Raw => {
            let start = Instant::now();
            for _ in 0..n {
                drop(Socket::new(Domain::IPV4, Type::STREAM, None)?);
            }
            start.elapsed().as_secs_f64()
        }
    };
    Ok((n as f64 / secs).into())
}
