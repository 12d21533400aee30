//! The `tracing` sink: each record as one `tracing` event, target `wsp_trace`, level
//! `TRACE` for calls that succeeded and `DEBUG` for calls that failed (so a `debug`
//! filter shows only the failures). The fields are the record's: `function`, `args` (the
//! decoded arguments as text), `out`, `result` (the value, or `SOCKET_ERROR` and the
//! error's name), `code` (0 on success), `thread`, `us`.

use crate::record::Record;

pub(crate) fn event(rec: &Record) {
    let (args, out, result) = (rec.args_text(), rec.out_text(), rec.result_text());
    let code = rec.error.map_or(0, |e| e.code());
    if rec.error.is_none() {
        tracing::event!(target: "wsp_trace", tracing::Level::TRACE,
            function = %rec.function, args = %args, out = %out, result = %result,
            code, thread = rec.thread, us = rec.us);
    } else {
        tracing::event!(target: "wsp_trace", tracing::Level::DEBUG,
            function = %rec.function, args = %args, out = %out, result = %result,
            code, thread = rec.thread, us = rec.us);
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Format, Sink, Trace};
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record as SpanRecord};
    use tracing::{Event, Metadata, Subscriber};

    /// One event: its level and its fields as text.
    type Seen = (tracing::Level, Vec<(String, String)>);

    /// Keeps each event's level and fields as text.
    #[derive(Default)]
    struct Collect(Arc<Mutex<Vec<Seen>>>);

    struct Fields(Vec<(String, String)>);
    impl Visit for Fields {
        fn record_debug(&mut self, f: &Field, v: &dyn std::fmt::Debug) {
            self.0.push((f.name().to_string(), format!("{v:?}")));
        }
    }

    impl Subscriber for Collect {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &SpanRecord<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, e: &Event<'_>) {
            assert_eq!(e.metadata().target(), "wsp_trace");
            let mut f = Fields(Vec::new());
            e.record(&mut f);
            self.0.lock().unwrap().push((*e.metadata().level(), f.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn records_become_tracing_events() {
        use wsp::Wsp;
        let c = Collect::default();
        let seen = c.0.clone();
        let trace = Trace::new(Config {
            sink: Sink::Tracing,
            format: Format::Text,
            data: 0,
        });
        let w = wsp::layer::Layered::new(trace, Arc::new(wsp::Engine::new(wsp_sim::Sim::new(3))));
        tracing::subscriber::with_default(c, || {
            w.startup(0x0202).unwrap();
            assert!(w.close_socket(99).is_err());
            w.cleanup().unwrap();
        });
        let seen = seen.lock().unwrap();
        let get = |i: usize, k: &str| {
            seen[i]
                .1
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].0, tracing::Level::TRACE);
        assert_eq!(get(0, "function").as_deref(), Some("WSPStartup"));
        assert_eq!(get(0, "args").as_deref(), Some("version=2.2"));
        // A failed call is a DEBUG event with the error by name.
        assert_eq!(seen[1].0, tracing::Level::DEBUG);
        assert_eq!(
            get(1, "result").as_deref(),
            Some("SOCKET_ERROR WSAENOTSOCK")
        );
        assert_eq!(get(1, "code").as_deref(), Some("10038"));
    }
}
