//! Where records go, and in which form.
//!
//! A [`Tracer`] numbers records, stamps the time since it started and the calling thread,
//! and writes each one whole (one line, one `write`) to its [`Sink`]: standard error, a
//! file (opened for appending, so processes that share `WSP_TRACE=/path` never overwrite
//! each other's lines), memory (for tests and tools), or, with the `tracing` feature,
//! `tracing` events.

use crate::record::Record;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// The written form of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Human-readable lines ([`Record::to_text`]).
    #[default]
    Text,
    /// JSON lines ([`Record::to_json`]).
    Json,
}

/// Where records go.
pub enum Sink {
    /// Standard error.
    Stderr,
    /// A file (every record appended with one `write`).
    File(File),
    /// Kept in memory: the records themselves, for tests and tools.
    Memory(Arc<Mutex<Vec<Record>>>),
    /// Any writer, each record one `write_all` of its whole line (a pipe, a socket to a
    /// collector, or [`std::io::sink`] to measure what tracing costs without the I/O).
    Writer(Box<dyn Write + Send>),
    /// `tracing` events (target `wsp_trace`, level `TRACE`; the fields are the record's).
    #[cfg(feature = "tracing")]
    Tracing,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sink::Stderr => "Stderr",
            Sink::File(_) => "File",
            Sink::Memory(_) => "Memory",
            Sink::Writer(_) => "Writer",
            #[cfg(feature = "tracing")]
            Sink::Tracing => "Tracing",
        })
    }
}

/// How a trace is set up.
#[derive(Debug)]
pub struct Config {
    /// Where records go.
    pub sink: Sink,
    /// Text or JSON (ignored by the memory and `tracing` sinks).
    pub format: Format,
    /// Log the first this-many bytes of each send and receive buffer as hex (0: sizes
    /// only, the default).
    pub data: usize,
}

/// The environment variable that turns the trace on in the shim: `stderr`, or a path.
pub const TRACE_ENV: &str = "WSP_TRACE";
/// `json` for JSON lines (anything else, or unset: text).
pub const FORMAT_ENV: &str = "WSP_TRACE_FORMAT";
/// Bytes of data to log per buffer as hex (`1` alone means 64).
pub const DATA_ENV: &str = "WSP_TRACE_DATA";

impl Config {
    /// Text lines to standard error, no data.
    pub fn stderr() -> Config {
        Config {
            sink: Sink::Stderr,
            format: Format::Text,
            data: 0,
        }
    }

    /// Records kept in memory; the vector is shared with the caller.
    pub fn memory() -> (Config, Arc<Mutex<Vec<Record>>>) {
        let v = Arc::new(Mutex::new(Vec::new()));
        (
            Config {
                sink: Sink::Memory(v.clone()),
                format: Format::Text,
                data: 0,
            },
            v,
        )
    }

    /// JSON or text lines appended to the file at `path` (created if missing).
    pub fn file(path: &Path, format: Format) -> std::io::Result<Config> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Config {
            sink: Sink::File(f),
            format,
            data: 0,
        })
    }

    /// Text or JSON lines written to `w`.
    pub fn writer(w: impl Write + Send + 'static, format: Format) -> Config {
        Config {
            sink: Sink::Writer(Box::new(w)),
            format,
            data: 0,
        }
    }

    /// The configuration `WSP_TRACE`, `WSP_TRACE_FORMAT` and `WSP_TRACE_DATA` ask for, or
    /// `None` when `WSP_TRACE` is unset, empty or `0`. `WSP_TRACE=stderr` (or `1`) is
    /// standard error; any other value is a file path. A file that cannot be opened is
    /// reported once on standard error and the trace goes there instead, so a typo in the
    /// path never silences it.
    pub fn from_env() -> Option<Config> {
        Config::from_vars(|k| std::env::var(k).ok())
    }

    /// [`Config::from_env`] over any variable lookup (for tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Config> {
        let dest = var(TRACE_ENV).filter(|v| !v.is_empty() && v != "0")?;
        let format = match var(FORMAT_ENV).as_deref() {
            Some(f) if f.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Text,
        };
        let data = match var(DATA_ENV).as_deref() {
            None | Some("") | Some("0") => 0,
            Some("1") => 64,
            Some(n) => n.parse().unwrap_or(64),
        };
        let mut c = if dest.eq_ignore_ascii_case("stderr") || dest == "1" {
            Config::stderr()
        } else {
            match Config::file(Path::new(&dest), format) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("wsp-trace: cannot open {dest:?} ({e}); tracing to stderr");
                    Config::stderr()
                }
            }
        };
        c.format = format;
        c.data = data;
        Some(c)
    }
}

/// Numbers, stamps and writes records.
#[derive(Debug)]
pub struct Tracer {
    sink: Mutex<Sink>,
    format: Format,
    data: usize,
    start: Instant,
    seq: AtomicU64,
}

static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);
thread_local! {
    static THREAD: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
}

/// The calling thread's number in traces: 1 for the first thread that made a traced call,
/// 2 for the next, and so on, for the life of the process.
pub fn thread_number() -> u64 {
    THREAD.with(|t| *t)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Tracer {
    /// A tracer writing as `config` says.
    pub fn new(config: Config) -> Tracer {
        Tracer {
            sink: Mutex::new(config.sink),
            format: config.format,
            data: config.data,
            start: Instant::now(),
            seq: AtomicU64::new(0),
        }
    }

    /// Bytes of data to log per buffer (0: none).
    pub fn data_bytes(&self) -> usize {
        self.data
    }

    /// Microseconds since the tracer started.
    pub fn now_us(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Number the record and write it. A write that fails is dropped: tracing never
    /// changes what the traced call returns.
    pub fn emit(&self, mut rec: Record) {
        let mut sink = lock(&self.sink);
        // Numbered under the sink's lock, so the written order is the numbered order.
        rec.seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let line = || {
            let mut l = match self.format {
                Format::Text => rec.to_text(),
                Format::Json => rec.to_json(),
            };
            l.push('\n');
            l
        };
        match &mut *sink {
            Sink::Stderr => {
                let _ = std::io::stderr().lock().write_all(line().as_bytes());
            }
            Sink::File(f) => {
                let _ = f.write_all(line().as_bytes());
            }
            Sink::Writer(w) => {
                let _ = w.write_all(line().as_bytes());
            }
            Sink::Memory(v) => lock(v).push(rec),
            #[cfg(feature = "tracing")]
            Sink::Tracing => crate::tracing_sink::event(&rec),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Value;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn env_off_unless_wsp_trace_names_a_destination() {
        assert!(Config::from_vars(vars(&[])).is_none());
        assert!(Config::from_vars(vars(&[("WSP_TRACE", "")])).is_none());
        assert!(Config::from_vars(vars(&[("WSP_TRACE", "0")])).is_none());
        let c = Config::from_vars(vars(&[("WSP_TRACE", "stderr")])).unwrap();
        assert!(matches!(c.sink, Sink::Stderr));
        assert_eq!(c.format, Format::Text);
        assert_eq!(c.data, 0);
    }

    #[test]
    fn env_format_and_data() {
        let c = Config::from_vars(vars(&[
            ("WSP_TRACE", "stderr"),
            ("WSP_TRACE_FORMAT", "JSON"),
            ("WSP_TRACE_DATA", "1"),
        ]))
        .unwrap();
        assert_eq!(c.format, Format::Json);
        assert_eq!(c.data, 64);
        let c = Config::from_vars(vars(&[("WSP_TRACE", "1"), ("WSP_TRACE_DATA", "8")])).unwrap();
        assert_eq!(c.data, 8);
    }

    #[test]
    fn file_sink_appends_whole_lines() {
        let dir = std::env::temp_dir().join(format!("wsp-trace-sink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.jsonl");
        let _ = std::fs::remove_file(&path);
        let p = path.to_str().unwrap().to_string();
        for _ in 0..2 {
            let c = Config::from_vars(vars(&[("WSP_TRACE", &p), ("WSP_TRACE_FORMAT", "json")]))
                .unwrap();
            assert!(matches!(c.sink, Sink::File(_)));
            let t = Tracer::new(c);
            t.emit(Record {
                seq: 0,
                t_us: 0,
                thread: thread_number(),
                function: "WSPListen".into(),
                args: vec![("s".into(), Value::Handle(4))],
                out: vec![],
                ret: Value::Int(0),
                error: None,
                us: 1,
            });
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for l in lines {
            let j = crate::record::parse_json(l).expect("JSON line");
            assert_eq!(j.get("fn").and_then(|f| f.as_str()), Some("WSPListen"));
            assert_eq!(j.get("seq").and_then(|f| f.as_f64()), Some(1.0));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A writer that keeps what it is given, one entry per `write` call.
    #[derive(Clone, Default)]
    struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Writes {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().push(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writer_sink_gets_each_record_as_one_whole_line() {
        let w = Writes::default();
        let t = Tracer::new(Config::writer(w.clone(), Format::Text));
        for f in ["WSPSocket", "WSPBind"] {
            t.emit(Record {
                seq: 0,
                t_us: 0,
                thread: 3,
                function: f.into(),
                args: vec![("s".into(), Value::Handle(4))],
                out: vec![],
                ret: Value::Int(0),
                error: None,
                us: 2,
            });
        }
        let writes = w.0.lock().unwrap();
        assert_eq!(
            writes
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect::<Vec<_>>(),
            [
                "[t3 +0.000000s] WSPSocket(s=4) = 0 (2us)\n",
                "[t3 +0.000000s] WSPBind(s=4) = 0 (2us)\n"
            ]
        );
    }

    #[test]
    fn memory_sink_numbers_records_in_order() {
        let (c, v) = Config::memory();
        let t = Tracer::new(c);
        for f in ["WSPSocket", "WSPBind"] {
            t.emit(Record {
                seq: 0,
                t_us: t.now_us(),
                thread: thread_number(),
                function: f.into(),
                args: vec![],
                out: vec![],
                ret: Value::Int(0),
                error: None,
                us: 0,
            });
        }
        let v = v.lock().unwrap();
        assert_eq!(
            v.iter()
                .map(|r| (r.seq, r.function.as_str()))
                .collect::<Vec<_>>(),
            [(1, "WSPSocket"), (2, "WSPBind")]
        );
    }
}
