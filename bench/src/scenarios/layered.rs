//! What a layer costs: the same workloads on the engine under a layered provider and on
//! the engine alone, in the same run, alternating rounds (issue 13: a pass-through layer
//! costs at most 5% of stream throughput and 10% of ping-pong latency).
//!
//! In these rows the two sides are not wsp and the host: the `wsp` column is the engine
//! **under the layer** and the `raw` column is **the engine alone** (both over the portable
//! backend, each round on a fresh engine), so the ratio is layered/direct. Layers:
//! * `layer_*`: [`Pass`], a layer that overrides nothing (every call through the
//!   framework's handle mapping);
//! * `faults_*`: the example layer (`layers/example-faults`) with no rules, which still
//!   counts bytes per socket on every send and receive;
//! * `trace_*`: the trace layer (`layers/trace`) recording every call, writing text lines
//!   to a sink that discards them (`trace_stream`, `trace_pingpong`: the cost of timing,
//!   decoding and formatting) or JSON lines to a file in the temp dir
//!   (`trace_json_stream`, `trace_json_pingpong`: plus one `write` per call).

use crate::harness::{Better, Sample, Scale, Scenario, Side};
use crate::util::*;
use std::sync::Arc;
use std::thread;
use std::time::Instant;
use wsp::layer::{Layer, Layered};
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

/// A layer that overrides nothing.
pub struct Pass;

impl Layer for Pass {
    fn name(&self) -> &str {
        "pass-through"
    }
}

const NOTE: &str = "wsp column = engine under the layer, raw column = engine alone";

/// `layer_stream`: stream throughput under a pass-through layer / without.
pub const PASS_STREAM: Scenario = Scenario {
    name: "layer_stream",
    about: "stream (64 KiB blocking send/recv) under a pass-through layer; ratio layered/direct",
    unit: "MiB/s",
    better: Better::Higher,
    target: ">= 0.95 (cost <= 5%)",
    rounds: 5,
    diff: false,
    run: |side, scale| stream(side, scale, || Pass),
};

/// `layer_pingpong`: ping-pong round trips under a pass-through layer / without.
pub const PASS_PINGPONG: Scenario = Scenario {
    name: "layer_pingpong",
    about: "1-byte blocking round trips under a pass-through layer; ratio layered/direct",
    unit: "rt/s",
    better: Better::Higher,
    // Latency is 1/rate: at most 10% more latency is a rate ratio of at least 1/1.1.
    target: ">= 0.909 (latency <= +10%)",
    rounds: 9,
    diff: false,
    run: |side, scale| pingpong(side, scale, || Pass),
};

fn faults() -> wsp_example_faults::Faults {
    wsp_example_faults::Faults::new(Vec::new())
}

/// `faults_stream`: stream throughput under the example layer (no rules) / without.
pub const FAULTS_STREAM: Scenario = Scenario {
    name: "faults_stream",
    about: "stream under the example layer (no rules: byte counts only); ratio layered/direct",
    unit: "MiB/s",
    better: Better::Higher,
    target: "reported",
    rounds: 5,
    diff: false,
    run: |side, scale| stream(side, scale, faults),
};

/// `faults_pingpong`: round trips under the example layer (no rules) / without.
pub const FAULTS_PINGPONG: Scenario = Scenario {
    name: "faults_pingpong",
    about: "1-byte round trips under the example layer (no rules); ratio layered/direct",
    unit: "rt/s",
    better: Better::Higher,
    target: "reported",
    rounds: 9,
    diff: false,
    run: |side, scale| pingpong(side, scale, faults),
};

/// The trace layer writing text lines to a sink that discards them ([`std::io::sink`]):
/// what decoding, formatting and timing each call costs, without the I/O.
pub(crate) fn trace_text() -> wsp_trace::Trace {
    wsp_trace::Trace::new(wsp_trace::Config::writer(
        std::io::sink(),
        wsp_trace::Format::Text,
    ))
}

/// Run `f` with the trace layer writing JSON lines to a fresh file in the temp dir
/// (removed afterwards; the engine-alone side writes nothing).
fn with_trace_json<T>(
    side: Side,
    f: impl FnOnce(&dyn Fn() -> wsp_trace::Trace) -> BenchResult<T>,
) -> BenchResult<T> {
    if side == Side::Raw {
        // The engine-alone side makes no layer.
        return f(&trace_text);
    }
    let path = std::env::temp_dir().join(format!("wsp-bench-trace-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let trace = wsp_trace::Trace::new(wsp_trace::Config::file(&path, wsp_trace::Format::Json)?);
    let r = f(&|| trace.clone());
    drop(trace);
    let _ = std::fs::remove_file(&path);
    r
}

/// `trace_stream`: stream throughput under the trace layer (text to a discarding sink) /
/// without.
pub const TRACE_STREAM: Scenario = Scenario {
    name: "trace_stream",
    about: "stream under the trace layer, text lines to a discarding sink; ratio layered/direct",
    unit: "MiB/s",
    better: Better::Higher,
    target: "reported",
    rounds: 5,
    diff: false,
    run: |side, scale| stream(side, scale, trace_text),
};

/// `trace_pingpong`: round trips under the trace layer (text to a discarding sink) /
/// without.
pub const TRACE_PINGPONG: Scenario = Scenario {
    name: "trace_pingpong",
    about:
        "1-byte round trips under the trace layer, text to a discarding sink; ratio layered/direct",
    unit: "rt/s",
    better: Better::Higher,
    target: "reported",
    rounds: 9,
    diff: false,
    run: |side, scale| pingpong(side, scale, trace_text),
};

/// `trace_json_stream`: stream throughput under the trace layer writing JSON lines to a
/// file in the temp dir / without.
pub const TRACE_JSON_STREAM: Scenario = Scenario {
    name: "trace_json_stream",
    about:
        "stream under the trace layer, JSON lines to a file in the temp dir; ratio layered/direct",
    unit: "MiB/s",
    better: Better::Higher,
    target: "reported",
    rounds: 5,
    diff: false,
    run: |side, scale| with_trace_json(side, |make| stream(side, scale, make)),
};

/// `trace_json_pingpong`: round trips under the trace layer writing JSON lines to a file
/// in the temp dir / without.
pub const TRACE_JSON_PINGPONG: Scenario = Scenario {
    name: "trace_json_pingpong",
    about: "1-byte round trips under the trace layer, JSON lines to a file in the temp dir; ratio layered/direct",
    unit: "rt/s",
    better: Better::Higher,
    target: "reported",
    rounds: 9,
    diff: false,
    run: |side, scale| with_trace_json(side, |make| pingpong(side, scale, make)),
};

/// The provider a side runs on: the engine alone, or under a fresh `make()` layer.
pub(crate) fn provider<L: Layer>(
    side: Side,
    make: impl Fn() -> L,
) -> BenchResult<Arc<dyn wsp::WspExt>> {
    let e: Arc<dyn wsp::WspExt> = Arc::new(engine()?);
    Ok(match side {
        Side::Raw => e,
        Side::Wsp => {
            let w = Layered::new(make(), e);
            // The engine was started by `engine()`; the layer's own startup counts its
            // users (its cleanup releases the layer handles).
            w.startup(make_word(2, 2))?;
            Arc::new(w)
        }
    })
}

/// A connected pair `(client, server)` of blocking TCP sockets on any provider.
pub(crate) fn pair(p: &dyn Wsp) -> BenchResult<(SOCKET, SOCKET)> {
    let l = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
    p.bind(l, &SockAddr::from_std(loopback()))?;
    p.listen(l, SOMAXCONN)?;
    let mut a = SockAddr::default();
    p.get_sock_name(l, &mut a)?;
    let c = p.socket(AF_INET, SOCK_STREAM, 0, None, 0, 0)?;
    p.connect(c, &a, None, None, None, None)?;
    let s = p.accept(l, None, None)?;
    p.close_socket(l)?;
    Ok((c, s))
}

pub(crate) fn recv1(p: &dyn Wsp, s: SOCKET, buf: &mut [u8]) -> Result<usize, WsaError> {
    p.recv(s, &mut [buf], &mut 0)
}

fn stream<L: Layer>(side: Side, scale: Scale, make: impl Fn() -> L) -> BenchResult<Sample> {
    let total: usize = scale.pick(1 << 20, 64 << 20, 512 << 20);
    let p = provider(side, make)?;
    let p: &dyn Wsp = &*p;
    let (c, s) = pair(p)?;
    let start = Instant::now();
    thread::scope(|sc| {
        let sender = sc.spawn(|| -> BenchResult<()> {
            let buf = vec![0x5au8; CHUNK];
            let mut sent = 0;
            while sent < total {
                let n = (total - sent).min(CHUNK);
                sent += p.send(c, &[&buf[..n]], 0)?;
            }
            Ok(())
        });
        let mut buf = vec![0u8; CHUNK];
        let mut got = 0;
        while got < total {
            let n = recv1(p, s, &mut buf)?;
            if n == 0 {
                return Err::<(), BenchError>("early end of stream".into());
            }
            got += n;
        }
        sender.join().map_err(|_| "sender panicked")??;
        Ok(())
    })?;
    let secs = start.elapsed().as_secs_f64();
    p.cleanup()?;
    Ok(Sample {
        value: total as f64 / secs / (1 << 20) as f64,
        note: (side == Side::Wsp).then(|| NOTE.into()),
    })
}

fn pingpong<L: Layer>(side: Side, scale: Scale, make: impl Fn() -> L) -> BenchResult<Sample> {
    let n = scale.pick(50, 3_000, 20_000);
    let p = provider(side, make)?;
    let p: &dyn Wsp = &*p;
    let (c, s) = pair(p)?;
    let secs = thread::scope(|sc| -> BenchResult<f64> {
        let server = sc.spawn(|| -> BenchResult<()> {
            let mut b = [0u8; 1];
            while recv1(p, s, &mut b)? == 1 {
                p.send(s, &[&b], 0)?;
            }
            Ok(())
        });
        let mut b = [7u8; 1];
        let start = Instant::now();
        for _ in 0..n {
            p.send(c, &[&b], 0)?;
            if recv1(p, c, &mut b)? != 1 {
                return Err("short echo".into());
            }
        }
        let secs = start.elapsed().as_secs_f64();
        p.shutdown(c, SD_SEND)?;
        server.join().map_err(|_| "server panicked")??;
        Ok(secs)
    })?;
    p.cleanup()?;
    Ok(Sample {
        value: n as f64 / secs,
        note: (side == Side::Wsp).then(|| NOTE.into()),
    })
}
