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
