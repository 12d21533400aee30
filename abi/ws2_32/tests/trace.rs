//! `WSP_TRACE` in the shim: the trace layer in the chain over the in-tree provider.
//!
//! * `tests/c/trace_small.c` is asserted call by call: function, decoded arguments, result
//!   and error name, as text lines (`WSP_TRACE=stderr`) and as JSON lines
//!   (`WSP_TRACE=/path`, `WSP_TRACE_FORMAT=json`).
//! * Each legacy example (`examples/*.c`) runs with `WSP_TRACE=stderr`, still does its
//!   work, and every Winsock call in its source that reaches the provider appears in the
//!   trace under the SPI function it becomes.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

fn build_c(src: &Path, name: &str) -> Option<PathBuf> {
    if !have("gcc") {
        eprintln!("gcc not installed: {name} skipped");
        return None;
    }
    let out = out_dir("trace").join(name);
    check(
        &build("gcc", "c", src, &out, &[]),
        &format!("building {name}"),
    );
    Some(out)
}

/// Run with `env`, killing it after a generous bound (a hang fails the test).
fn run(exe: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = program(exe);
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the program");
    // Drain both pipes on threads so a chatty trace cannot fill a pipe and stall.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t1 = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).map(|_| v)
    });
    let t2 = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).map(|_| v)
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{} did not finish", exe.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: t1.join().unwrap().unwrap(),
        stderr: t2.join().unwrap().unwrap(),
    }
}

/// A text trace line without its thread/time prefix and its duration:
/// `WSPBind(s=4, name=127.0.0.1:0) = 0`.
fn strip(line: &str) -> Option<String> {
    let rest = line.strip_prefix("[t")?;
    let (_, rest) = rest.split_once("s] ")?;
    let (call, us) = rest.rsplit_once(" (")?;
    us.strip_suffix("us)")?.parse::<u64>().ok()?;
    Some(call.to_string())
}

fn trace_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(strip)
        .collect()
}

/// `socket N port P` from the program's first line.
fn handle_and_port(stdout: &str) -> (u64, u16) {
    let l = stdout.lines().next().expect("a first line");
    let w: Vec<&str> = l.split_whitespace().collect();
    assert_eq!((w[0], w[2]), ("socket", "port"), "{l}");
    (w[1].parse().unwrap(), w[3].parse().unwrap())
}

/// `trace_small.c` built as `name`: one binary per test, since tests run in parallel and
/// one must not exec a file another is still writing.
fn small(name: &str) -> Option<PathBuf> {
    build_c(&crate_dir().join("tests/c/trace_small.c"), name)
}

#[test]
fn small_program_text_trace_call_by_call() {
    let Some(exe) = small("trace_small_text") else {
        return;
    };
    let o = run(&exe, &[("WSP_TRACE", "stderr")]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{o:?}");
    assert!(stdout.contains("trace small ok"), "{stdout}");
    let (s, port) = handle_and_port(&stdout);
    let lines = trace_lines(&o.stderr);
    // The event handle is the shim's own; read it from its line.
    let ev = lines
        .iter()
        .find_map(|l| l.strip_prefix(&format!("WSPEventSelect(s={s}, event=")))
        .and_then(|r| r.split(',').next())
        .expect("an WSPEventSelect line")
        .to_string();
    let want = [
        // WSAStartup(MAKEWORD(2, 2)): the provider's WSPStartup negotiates 2.2.
        "WSPStartup(version=2.2) = 2.2 -> high=2.2".to_string(),
        // socket() makes an overlapped socket, as Windows' socket() does (socket function
        // page: "the socket function creates a socket that supports overlapped I/O").
        format!(
            "WSPSocket(af=AF_INET, type=SOCK_DGRAM, protocol=IPPROTO_UDP, info=NULL, g=0, \
             flags=WSA_FLAG_OVERLAPPED) = {s}"
        ),
        format!("WSPBind(s={s}, name=127.0.0.1:0) = 0"),
        format!("WSPGetSockName(s={s}, namelen=16) = 0 -> name=127.0.0.1:{port}"),
        // ioctlsocket(FIONBIO, &1) is WSPIoctl with a 4-byte input.
        format!("WSPIoctl(s={s}, code=FIONBIO, inlen=4, outlen=0, in=1) = 0 -> bytes=0"),
        format!("WSPRecv(s={s}, bufs=[32], flags=0) = SOCKET_ERROR WSAEWOULDBLOCK"),
        format!("WSPSendTo(s={s}, bufs=[5], flags=0, to=127.0.0.1:{port}) = 5"),
        format!(
            "WSPSetSockOpt(s={s}, level=SOL_SOCKET, optname=SO_RCVTIMEO, optval=5000, \
             optlen=4) = 0"
        ),
        format!(
            "WSPSelect(read=[{s}], write=NULL, except=NULL, timeout=5.000000) = 1 -> \
             read=[{s}] write=NULL except=NULL"
        ),
        format!(
            "WSPRecvFrom(s={s}, bufs=[32], flags=MSG_PEEK, fromlen=16) = 5 -> flags=0 \
             from=127.0.0.1:{port}"
        ),
        format!("WSPRecv(s={s}, bufs=[32], flags=0) = 5 -> flags=0"),
        format!("WSPEventSelect(s={s}, event={ev}, events=FD_READ|FD_CLOSE) = 0"),
        format!("WSPCloseSocket(s={s}) = 0"),
        format!("WSPCloseSocket(s={s}) = SOCKET_ERROR WSAENOTSOCK"),
        // The last WSACleanup ends the provider.
        "WSPCleanup() = 0".to_string(),
    ];
    assert_eq!(lines, want);
}

#[test]
fn small_program_json_trace_to_a_file() {
    let Some(exe) = small("trace_small_json") else {
        return;
    };
    let path = out_dir("trace").join("trace_small.jsonl");
    let _ = std::fs::remove_file(&path);
    let o = run(
        &exe,
        &[
            ("WSP_TRACE", path.to_str().unwrap()),
            ("WSP_TRACE_FORMAT", "json"),
        ],
    );
    assert!(o.status.success(), "{o:?}");
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("WSPSocket"),
        "a file trace writes nothing to stderr"
    );
    let (s, _) = handle_and_port(&String::from_utf8_lossy(&o.stdout));
    let text = std::fs::read_to_string(&path).expect("the trace file");
    let records: Vec<wsp_trace::Record> = text
        .lines()
        .map(|l| wsp_trace::Record::from_json(l).unwrap_or_else(|| panic!("not a record: {l}")))
        .collect();
    let fns: Vec<&str> = records.iter().map(|r| r.function.as_str()).collect();
    assert_eq!(
        fns,
        [
            "WSPStartup",
            "WSPSocket",
            "WSPBind",
            "WSPGetSockName",
            "WSPIoctl",
            "WSPRecv",
            "WSPSendTo",
            "WSPSetSockOpt",
            "WSPSelect",
            "WSPRecvFrom",
            "WSPRecv",
            "WSPEventSelect",
            "WSPCloseSocket",
            "WSPCloseSocket",
            "WSPCleanup"
        ]
    );
    // Numbered from 1 in order, one thread.
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.seq, i as u64 + 1);
        assert_eq!(r.thread, records[0].thread);
    }
    // The failed receive, key by key as written.
    let line = text.lines().nth(5).unwrap();
    let j = wsp_trace::record::parse_json(line).unwrap();
    assert_eq!(j.get("fn").and_then(|v| v.as_str()), Some("WSPRecv"));
    assert_eq!(
        j.get("args").map(|a| (
            a.get("s").and_then(|v| v.as_f64()),
            a.get("flags").and_then(|v| v.as_str())
        )),
        Some((Some(s as f64), Some("0")))
    );
    assert_eq!(j.get("ret"), Some(&wsp_trace::record::Json::Null));
    assert_eq!(
        j.get("error").and_then(|v| v.as_str()),
        Some("WSAEWOULDBLOCK")
    );
    assert_eq!(j.get("code").and_then(|v| v.as_f64()), Some(10035.0));
    assert!(j.get("us").and_then(|v| v.as_f64()).is_some());
    // The stale handle.
    assert_eq!(records[13].error, Some(wsp::WsaError::WSAENOTSOCK));
    // The text form of a JSON record is the stderr form.
    assert_eq!(
        strip(&records[2].to_text()).unwrap(),
        format!("WSPBind(s={s}, name=127.0.0.1:0) = 0")
    );
}

/// The SPI function each Winsock call of the examples becomes. Calls the shim answers
/// itself (`WSAGetLastError`, event objects, waits, `SleepEx`, `GetQueuedCompletionStatus`,
/// byte-order and text helpers) never reach the provider and are not in this table.
const API_TO_SPI: &[(&str, &str)] = &[
    ("WSAStartup", "WSPStartup"),
    ("WSACleanup", "WSPCleanup"),
    ("socket", "WSPSocket"),
    ("WSASocket", "WSPSocket"),
    ("bind", "WSPBind"),
    ("listen", "WSPListen"),
    ("accept", "WSPAccept"),
    ("connect", "WSPConnect"),
    ("send", "WSPSend"),
    ("WSASend", "WSPSend"),
    ("sendto", "WSPSendTo"),
    ("recv", "WSPRecv"),
    ("WSARecv", "WSPRecv"),
    ("recvfrom", "WSPRecvFrom"),
    ("closesocket", "WSPCloseSocket"),
    ("select", "WSPSelect"),
    ("shutdown", "WSPShutdown"),
    ("getsockname", "WSPGetSockName"),
    ("getpeername", "WSPGetPeerName"),
    ("setsockopt", "WSPSetSockOpt"),
    ("getsockopt", "WSPGetSockOpt"),
    ("ioctlsocket", "WSPIoctl"),
    ("WSAIoctl", "WSPIoctl"),
    ("WSAEventSelect", "WSPEventSelect"),
    ("WSAEnumNetworkEvents", "WSPEnumNetworkEvents"),
    ("WSAAsyncSelect", "WSPAsyncSelect"),
    ("WSAGetOverlappedResult", "WSPGetOverlappedResult"),
    ("AcceptEx", "AcceptEx"),
    // Associating a socket with a port (iocp_server also creates the port with it, which
    // the shim does alone).
    ("CreateIoCompletionPort", "CreateIoCompletionPort"),
];

/// The API names called in a C source (an identifier directly followed by `(`).
fn calls_in(src: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (api, _) in API_TO_SPI {
        let mut at = 0;
        while let Some(i) = src[at..].find(api) {
            let start = at + i;
            let end = start + api.len();
            let before = src[..start].chars().next_back();
            let after = src[end..].trim_start().chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !ident(before) && after == Some('(') {
                found.push(*api);
                break;
            }
            at = end;
        }
    }
    found
}

/// The provider cdylib cargo built next to the shim (`WSP_PROVIDER`): the newer of the
/// copy in `deps/` (refreshed by `cargo test`) and the uplifted one (by `cargo build`).
fn provider_cdylib() -> PathBuf {
    let name = format!(
        "{}wsp_provider{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let deps = lib_dir();
    [deps.join(&name), deps.parent().unwrap().join(&name)]
        .into_iter()
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("{name} not found near {}", deps.display()))
}

/// Every overlapped request a trace shows started (an issue line with `ov=` that returned
/// the bytes or `WSA_IO_PENDING`) has exactly one `NAME:complete` line, after it.
fn each_request_completes_once(name: &str, lines: &[String]) {
    let mut open: std::collections::HashMap<(String, String), usize> = Default::default();
    for l in lines {
        let (call, result) = l.split_once(") = ").unwrap_or_else(|| panic!("{l}"));
        let (function, args) = call.split_once('(').unwrap();
        let Some(ov) = args
            .split(", ")
            .find_map(|a| a.strip_prefix("ov="))
            .map(str::to_string)
        else {
            continue;
        };
        if let Some(f) = function.strip_suffix(":complete") {
            let n = open.entry((f.to_string(), ov.clone())).or_default();
            assert!(
                *n > 0,
                "{name}: a completion with no request before it: {l}"
            );
            *n -= 1;
        } else if function != "WSPGetOverlappedResult"
            && (!result.starts_with("SOCKET_ERROR") || result.contains("WSA_IO_PENDING"))
        {
            *open.entry((function.to_string(), ov)).or_default() += 1;
        }
    }
    let left: Vec<_> = open.iter().filter(|(_, &n)| n != 0).collect();
    assert!(
        left.is_empty(),
        "{name}: requests never recorded complete: {left:?}"
    );
}

fn traced_example(name: &str, done: &str) {
    traced_example_with(name, name, done, &[]);
}

/// Run example `name` (built as `exe_name`) with `WSP_TRACE=stderr` and `env`.
fn traced_example_with(
    name: &str,
    exe_name: &str,
    done: &str,
    env: &[(&str, &str)],
) -> Vec<String> {
    let src = crate_dir().join("examples").join(format!("{name}.c"));
    let Some(exe) = build_c(&src, exe_name) else {
        return Vec::new();
    };
    let mut vars = vec![("WSP_TRACE", "stderr")];
    vars.extend_from_slice(env);
    let o = run(&exe, &vars);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success(),
        "{name}: {}\n{stdout}\n{stderr}",
        o.status
    );
    assert!(
        stdout.contains(done),
        "{name}: the trace changed the run:\n{stdout}"
    );
    let lines = trace_lines(&o.stderr);
    assert!(!lines.is_empty(), "{name}: no trace:\n{stderr}");
    let source = std::fs::read_to_string(&src).unwrap();
    let apis = calls_in(&source);
    assert!(apis.len() >= 8, "{name}: found only {apis:?}");
    for api in apis {
        let spi = API_TO_SPI.iter().find(|(a, _)| *a == api).unwrap().1;
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{spi}("))),
            "{name}: {api} (as {spi}) missing from the trace:\n{stderr}"
        );
    }
    // Every line is a whole call: decoded arguments, then a result.
    for l in &lines {
        let (call, result) = l.split_once(") = ").unwrap_or_else(|| panic!("{l}"));
        assert!(call.contains('('), "{l}");
        assert!(!result.is_empty(), "{l}");
    }
    each_request_completes_once(name, &lines);
    // The first call is the provider's startup, the last its cleanup.
    assert!(
        lines[0].starts_with("WSPStartup(version=2.2)"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.last().unwrap(), "WSPCleanup() = 0");
    lines
}

#[test]
fn echo_blocking_traced() {
    traced_example("echo_blocking", "echo ok");
}

#[test]
fn select_server_traced() {
    traced_example("select_server", "select ok");
}

#[test]
fn event_select_server_traced() {
    traced_example("event_select_server", "event select ok");
}

#[test]
fn overlapped_client_traced() {
    traced_example("overlapped_client", "overlapped ok");
}

#[test]
fn async_select_client_traced() {
    traced_example("async_select_client", "async select ok");
}

#[test]
fn iocp_server_traced() {
    traced_example("iocp_server", "iocp ok");
}

/// `WSP_TRACE` with `WSP_PROVIDER`: the trace layer over the provider library driven
/// through its C table. `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` answers with the
/// layer's AcceptEx, which reaches the library's own (fetched from its table), and every
/// request completes through the chain.
#[test]
fn iocp_server_traced_over_a_loaded_provider() {
    let lib = provider_cdylib();
    let lib = lib.to_str().unwrap();
    let lines = traced_example_with(
        "iocp_server",
        "iocp_server_over_provider",
        "iocp ok",
        &[("WSP_PROVIDER", lib)],
    );
    if lines.is_empty() {
        return;
    }
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    // The listener's handle, from its WSPListen line.
    let l = lines
        .iter()
        .find_map(|x| x.strip_prefix("WSPListen(s="))
        .and_then(|r| r.split(',').next())
        .expect("a WSPListen line")
        .to_string();
    assert_eq!(
        count(&format!(
            "WSPIoctl(s={l}, code=SIO_GET_EXTENSION_FUNCTION_POINTER, inlen=16, outlen=8, \
             guid=WSAID_ACCEPTEX) = 0 -> bytes=8"
        )),
        1,
        "{lines:#?}"
    );
    // One AcceptEx per client (CLIENTS is 2), each pending, then complete with no data.
    assert_eq!(count(&format!("AcceptEx(listen={l}, ")), 2, "{lines:#?}");
    assert_eq!(
        lines
            .iter()
            .filter(|x| x.starts_with("AcceptEx(") && x.ends_with("SOCKET_ERROR WSA_IO_PENDING"))
            .count(),
        2
    );
    assert_eq!(
        lines
            .iter()
            .filter(|x| x.starts_with(&format!("AcceptEx:complete(s={l}, "))
                && x.ends_with(") = 0 -> bytes=0 flags=0"))
            .count(),
        2,
        "{lines:#?}"
    );
    // Each echo: a receive and a send of 6 bytes ("iocp N") completed on the port.
    assert_eq!(
        lines
            .iter()
            .filter(|x| x.starts_with("WSPSend:complete(") && x.ends_with("= 6 -> bytes=6 flags=0"))
            .count(),
        2
    );

    // The variable is read under the trace too: a library that is not there fails
    // WSAStartup (the program exits 1 at once) instead of falling back to the engine.
    let exe = out_dir("trace").join("iocp_server_over_provider");
    let o = run(
        &exe,
        &[
            ("WSP_TRACE", "stderr"),
            ("WSP_PROVIDER", "/nonexistent/libnone.so"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
}

#[test]
fn overlapped_client_traced_over_a_loaded_provider() {
    let lib = provider_cdylib();
    let lines = traced_example_with(
        "overlapped_client",
        "overlapped_client_over_provider",
        "overlapped ok",
        &[("WSP_PROVIDER", lib.to_str().unwrap())],
    );
    assert!(
        lines.is_empty() || lines.iter().any(|l| l.starts_with("WSPRecv:complete(")),
        "{lines:#?}"
    );
}

#[test]
fn api_scan_finds_calls_not_mentions() {
    let src = "WSAStartup(x); /* closesocket */ y = mysend(1); send (s); WSASendTo_x(1);";
    assert_eq!(calls_in(src), ["WSAStartup", "send"]);
}
