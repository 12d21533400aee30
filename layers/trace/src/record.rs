//! One trace record per call, and its two written forms.
//!
//! # Human-readable lines
//! ```text
//! [t2 +0.000412s] WSPSend(s=260, bufs=[5], flags=0) = 5 (9us)
//! [t2 +0.000519s] WSPRecv(s=260, bufs=[1024], flags=0) = SOCKET_ERROR WSAEWOULDBLOCK (3us)
//! ```
//! The thread, the time since the trace started, the function, the decoded arguments, then
//! `=` and the result, output arguments after `->`, and the time spent in the call.
//!
//! # JSON lines
//! One object per line, keys always present and always in this order:
//! `seq` (record number from 1), `t_us` (microseconds since the trace started), `thread`,
//! `fn`, `args` (an object, in argument order), `out` (output arguments, an object, empty
//! when none), `ret` (the result, `null` on failure), `error` (the error's name or
//! `null`), `code` (its number, 0 on success), `us` (microseconds spent in the call).
//! ```text
//! {"seq":3,"t_us":412,"thread":2,"fn":"WSPSend","args":{"s":260,"bufs":[5],"flags":"0"},"out":{},"ret":5,"error":null,"code":0,"us":9}
//! ```
//! [`parse_json`] reads the lines back (for `wsp trace`'s summary and for tests).

use std::fmt::Write as _;

/// A decoded argument or result.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value (`null`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Int(i64),
    /// A socket handle (a number in both forms; kept apart from counts for readers).
    Handle(usize),
    /// A decoded name, address or other text.
    Str(String),
    /// A list (buffer sizes, handles of an `fd_set`).
    List(Vec<Value>),
}

impl Value {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }
    /// A list of sizes.
    pub fn sizes<I: IntoIterator<Item = usize>>(it: I) -> Value {
        Value::List(it.into_iter().map(|n| Value::Int(n as i64)).collect())
    }
    /// A list of handles.
    pub fn handles(hs: &[usize]) -> Value {
        Value::List(hs.iter().map(|&h| Value::Handle(h)).collect())
    }
    /// The number, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Handle(h) => Some(*h as i64),
            _ => None,
        }
    }
    /// The text, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    fn write_text(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("NULL"),
            Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Handle(h) => {
                let _ = write!(out, "{h}");
            }
            Value::Str(s) => out.push_str(s),
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_text(out);
                }
                out.push(']');
            }
        }
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Handle(h) => {
                let _ = write!(out, "{h}");
            }
            Value::Str(s) => json_string(s, out),
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
        }
    }
}

fn fields_text(fields: &[(String, Value)], sep: &str) -> String {
    let mut s = String::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(k);
        s.push('=');
        v.write_text(&mut s);
    }
    s
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One call: what was asked, what came back, how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Record number, from 1, in the order calls finished.
    pub seq: u64,
    /// Microseconds since the trace started, when the call began.
    pub t_us: u64,
    /// The calling thread (a small number, stable for the thread's life).
    pub thread: u64,
    /// The SPI function (`WSPSend`), or `WSPRecv:complete` for an overlapped completion.
    pub function: String,
    /// Decoded arguments, in order.
    pub args: Vec<(String, Value)>,
    /// Decoded output arguments (an accepted peer's address, `*lpFlags` after a receive).
    pub out: Vec<(String, Value)>,
    /// The result on success (bytes, a handle, `0`), `Null` on failure.
    pub ret: Value,
    /// The error on failure (`WSA_IO_PENDING` for an overlapped request still running).
    pub error: Option<wsp::WsaError>,
    /// Microseconds spent in the call. For a `NAME:complete` record, `t_us` is when the
    /// request was issued and `us` the time until it completed.
    pub us: u64,
}

impl Record {
    /// The error's name, if any.
    pub fn error_name(&self) -> Option<String> {
        self.error.map(crate::decode::error)
    }

    /// The argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&Value> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The output argument called `name`.
    pub fn out_arg(&self, name: &str) -> Option<&Value> {
        self.out.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The arguments as text: `s=260, bufs=[5], flags=0`.
    pub fn args_text(&self) -> String {
        fields_text(&self.args, ", ")
    }

    /// The output arguments as text: `flags=0 from=127.0.0.1:5000` (empty when none).
    pub fn out_text(&self) -> String {
        fields_text(&self.out, " ")
    }

    /// The result as text: the value, or `SOCKET_ERROR` and the error's name.
    pub fn result_text(&self) -> String {
        let mut s = String::new();
        match self.error {
            None => self.ret.write_text(&mut s),
            Some(e) => {
                s.push_str("SOCKET_ERROR ");
                s.push_str(&crate::decode::error(e));
            }
        }
        s
    }

    /// The human-readable line (no newline).
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(96);
        let secs = self.t_us / 1_000_000;
        let frac = self.t_us % 1_000_000;
        let _ = write!(
            s,
            "[t{} +{secs}.{frac:06}s] {}({}) = {}",
            self.thread,
            self.function,
            self.args_text(),
            self.result_text()
        );
        if !self.out.is_empty() {
            s.push_str(" -> ");
            s.push_str(&self.out_text());
        }
        let _ = write!(s, " ({}us)", self.us);
        s
    }

    /// A record from its JSON line ([`Record::to_json`]); `None` for a line that is not
    /// one. Handles come back as [`Value::Int`] (JSON does not tell them apart), which
    /// prints the same.
    pub fn from_json(line: &str) -> Option<Record> {
        let j = parse_json(line)?;
        let num = |k: &str| j.get(k).and_then(Json::as_f64).map(|n| n as u64);
        let fields = |k: &str| -> Option<Vec<(String, Value)>> {
            match j.get(k)? {
                Json::Obj(m) => Some(m.iter().map(|(k, v)| (k.clone(), value_of(v))).collect()),
                _ => None,
            }
        };
        let error = match j.get("error")? {
            Json::Null => None,
            Json::Str(_) => Some(wsp::WsaError(j.get("code")?.as_f64()? as i32)),
            _ => return None,
        };
        Some(Record {
            seq: num("seq")?,
            t_us: num("t_us")?,
            thread: num("thread")?,
            function: j.get("fn")?.as_str()?.to_string(),
            args: fields("args")?,
            out: fields("out")?,
            ret: value_of(j.get("ret")?),
            error,
            us: num("us")?,
        })
    }

    /// The JSON line (no newline), keys in the order the module docs give.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(160);
        let _ = write!(
            s,
            "{{\"seq\":{},\"t_us\":{},\"thread\":{},\"fn\":",
            self.seq, self.t_us, self.thread
        );
        json_string(&self.function, &mut s);
        for (key, fields) in [("args", &self.args), ("out", &self.out)] {
            let _ = write!(s, ",\"{key}\":{{");
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                json_string(k, &mut s);
                s.push(':');
                v.write_json(&mut s);
            }
            s.push('}');
        }
        s.push_str(",\"ret\":");
        self.ret.write_json(&mut s);
        s.push_str(",\"error\":");
        match self.error {
            None => s.push_str("null"),
            Some(e) => json_string(&crate::decode::error(e), &mut s),
        }
        let _ = write!(
            s,
            ",\"code\":{},\"us\":{}}}",
            self.error.map_or(0, |e| e.code()),
            self.us
        );
        s
    }
}

// ---- reading JSON lines back ----------------------------------------------------------------

/// A parsed JSON value (the small subset the records use, but any valid JSON parses).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in their written order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
}

fn value_of(j: &Json) -> Value {
    match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Num(n) => Value::Int(*n as i64),
        Json::Str(s) => Value::Str(s.clone()),
        Json::Arr(a) => Value::List(a.iter().map(value_of).collect()),
        Json::Obj(_) => Value::Null,
    }
}

/// Parse one JSON text (one record line). `None` for anything that is not valid JSON.
pub fn parse_json(text: &str) -> Option<Json> {
    let mut p = Parser {
        b: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn lit(&mut self, word: &str, v: Json) -> Option<Json> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word.as_bytes()).then(|| {
            self.i = end;
            v
        })
    }
    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > 64 {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'n' => self.lit("null", Json::Null),
            b't' => self.lit("true", Json::Bool(true)),
            b'f' => self.lit("false", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Json::Arr(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Some(Json::Obj(members));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    members.push((k, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Json::Obj(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            _ => self.number(),
        }
    }
    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        while self.i < self.b.len()
            && matches!(
                self.b[self.i],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.i += 1;
        }
        let t = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        t.parse::<f64>().ok().map(Json::Num)
    }
    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let h = std::str::from_utf8(self.b.get(self.i..self.i + 4)?).ok()?;
                            self.i += 4;
                            let cp = u32::from_str_radix(h, 16).ok()?;
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return None,
                    }
                }
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsp::WsaError;

    fn sample(error: Option<WsaError>) -> Record {
        Record {
            seq: 3,
            t_us: 1_000_412,
            thread: 2,
            function: "WSPRecv".into(),
            args: vec![
                ("s".into(), Value::Handle(0x104)),
                ("bufs".into(), Value::sizes([1024, 16])),
                ("flags".into(), Value::str("MSG_PEEK")),
            ],
            out: if error.is_none() {
                vec![("flags".into(), Value::str("0"))]
            } else {
                vec![]
            },
            ret: if error.is_none() {
                Value::Int(5)
            } else {
                Value::Null
            },
            error,
            us: 9,
        }
    }

    #[test]
    fn text_line_reads_like_a_call() {
        assert_eq!(
            sample(None).to_text(),
            "[t2 +1.000412s] WSPRecv(s=260, bufs=[1024,16], flags=MSG_PEEK) = 5 -> flags=0 (9us)"
        );
        assert_eq!(
            sample(Some(WsaError::WSAEWOULDBLOCK)).to_text(),
            "[t2 +1.000412s] WSPRecv(s=260, bufs=[1024,16], flags=MSG_PEEK) = SOCKET_ERROR \
             WSAEWOULDBLOCK (9us)"
        );
    }

    #[test]
    fn json_line_has_stable_keys_in_order() {
        assert_eq!(
            sample(Some(WsaError::WSAEWOULDBLOCK)).to_json(),
            "{\"seq\":3,\"t_us\":1000412,\"thread\":2,\"fn\":\"WSPRecv\",\
             \"args\":{\"s\":260,\"bufs\":[1024,16],\"flags\":\"MSG_PEEK\"},\"out\":{},\
             \"ret\":null,\"error\":\"WSAEWOULDBLOCK\",\"code\":10035,\"us\":9}"
        );
    }

    #[test]
    fn json_lines_parse_back() {
        let j = parse_json(&sample(None).to_json()).expect("valid JSON");
        let keys: Vec<&str> = match &j {
            Json::Obj(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!("not an object"),
        };
        assert_eq!(
            keys,
            ["seq", "t_us", "thread", "fn", "args", "out", "ret", "error", "code", "us"]
        );
        assert_eq!(j.get("fn").and_then(Json::as_str), Some("WSPRecv"));
        assert_eq!(j.get("ret").and_then(Json::as_f64), Some(5.0));
        assert_eq!(j.get("error"), Some(&Json::Null));
        assert_eq!(
            j.get("args").and_then(|a| a.get("bufs")),
            Some(&Json::Arr(vec![Json::Num(1024.0), Json::Num(16.0)]))
        );
    }

    #[test]
    fn records_round_trip_through_json() {
        for e in [None, Some(WsaError::WSAEWOULDBLOCK), Some(WsaError(4242))] {
            let r = sample(e);
            let back = Record::from_json(&r.to_json()).expect("a record");
            assert_eq!(back.to_text(), r.to_text());
            assert_eq!(back.to_json(), r.to_json());
            assert_eq!(back.error, e);
        }
        assert_eq!(Record::from_json("{\"seq\":1}"), None);
        assert_eq!(Record::from_json("hello"), None);
    }

    #[test]
    fn strings_escape_and_unescape() {
        let mut out = String::new();
        json_string("a\"b\\c\n\u{1}", &mut out);
        assert_eq!(out, "\"a\\\"b\\\\c\\n\\u0001\"");
        assert_eq!(
            parse_json(&out),
            Some(Json::Str("a\"b\\c\n\u{1}".to_string()))
        );
    }

    #[test]
    fn garbage_is_not_json() {
        for bad in ["", "{", "{\"a\"}", "[1,]", "nul", "\"\\x\"", "{} x"] {
            assert_eq!(parse_json(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse_json(&deep), None);
    }
}
