//! Address text forms for `WSPAddressToString` and `WSPStringToAddress`, as Windows writes
//! and reads them.
//!
//! Windows' `WSAAddressToStringW` and `WSAStringToAddressW` hand `AF_INET`/`AF_INET6` to the
//! `ntdll` helpers from `ip2string.h`; this module reproduces those helpers:
//!
//! | Windows | here |
//! | --- | --- |
//! | `RtlIpv4AddressToStringEx` | [`ipv4_to_string`] |
//! | `RtlIpv6AddressToString` | [`ipv6_addr_to_string`] |
//! | `RtlIpv6AddressToStringEx` | [`ipv6_to_string`] |
//! | `RtlIpv4StringToAddressEx(Strict = FALSE)` | [`parse_ipv4_ex`] |
//! | `RtlIpv6StringToAddressEx` | [`parse_ipv6_ex`] |
//!
//! The rules, and where each comes from (Wine's `dlls/ntdll/tests/rtl.c` and
//! `dlls/ws2_32/tests/protocol.c` run on real Windows; their expectations are the spec):
//!
//! * IPv4 out: `a.b.c.d`, plus `:port` only when the port is non-zero.
//! * IPv6 out: lowercase hex without leading zeros; the longest run of two or more zero
//!   groups (the first such run on a tie) becomes `::`; a single zero group is written `0`.
//!   The last 32 bits are written dotted when the address is IPv4-compatible (`::a.b.c.d`,
//!   the seventh group non-zero), IPv4-mapped (`::ffff:a.b.c.d`, seventh group non-zero),
//!   IPv4-translated (`::ffff:0:a.b.c.d`, seventh group non-zero) or ISATAP (`…:0:5efe:a.b.c.d`
//!   or `…:200:5efe:a.b.c.d`, any last 32 bits). Then `%scope` when the scope id is
//!   non-zero, and `[…]:port` around it all when the port is non-zero. `sin6_flowinfo` is
//!   never written.
//! * IPv4 in: one to four parts separated by `.`; each part is decimal, octal (leading
//!   `0`) or hex (`0x`/`0X`); the last part fills the remaining bytes (`127.1`, `0x7f.1`,
//!   `017700000001`, `203569230` all work, like `inet_addr`). Then the end of the text, or
//!   `:` and a port in the same number syntax, 1 to 65535 (`:0` is refused). No white space
//!   anywhere.
//! * IPv6 in: groups of one to four hex digits, one `::` standing for one or more zero
//!   groups, an optional dotted IPv4 tail (parts of one to three decimal digits, 0-255)
//!   in the last 32 bits, an optional `%scope` (decimal, up to 4294967295), all optionally
//!   in `[…]`, which alone may be followed by `:port` (decimal, or hex after `0x`; a
//!   leading `0` without `x` is refused).
//! * Anything else, the empty string, leading or trailing white space, an unknown family:
//!   `WSAEINVAL`. The text ends at the first NUL, as the C string Windows reads would.
//!
//! Nothing here panics, whatever the input: every index is checked.

use crate::addr::{SockAddr, SOCKADDR_IN6_LEN, SOCKADDR_IN_LEN};
use crate::error::WsaError;
use crate::types::{AF_INET, AF_INET6};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Format `addr` as Windows' `WSAAddressToString` does: `a.b.c.d` or `a.b.c.d:port` for
/// IPv4 (the port only when non-zero), `addr`, `addr%scope` or `[addr%scope]:port` for IPv6.
///
/// Errors, in Windows' order (the family is looked at before the length):
/// * a length of zero: `WSAEINVAL` (the `WSAAddressToString` page: "returned if the
///   lpsaAddress, dwAddressLength, or lpdwAddressStringLength parameter is NULL");
/// * one byte, too short for the family field: `WSAEFAULT`;
/// * a family other than `AF_INET`/`AF_INET6`: `WSAEINVAL`;
/// * shorter than the family's structure (16 or 28 bytes): `WSAEFAULT`.
pub fn address_to_string(addr: &SockAddr) -> Result<String, WsaError> {
    if addr.is_empty() {
        return Err(WsaError::WSAEINVAL);
    }
    let family = addr.family().ok_or(WsaError::WSAEFAULT)?;
    let need = match family {
        AF_INET => SOCKADDR_IN_LEN,
        AF_INET6 => SOCKADDR_IN6_LEN,
        _ => return Err(WsaError::WSAEINVAL),
    };
    if addr.len() < need {
        return Err(WsaError::WSAEFAULT);
    }
    match addr.to_std() {
        Some(SocketAddr::V4(a)) => Ok(ipv4_to_string(*a.ip(), a.port())),
        Some(SocketAddr::V6(a)) => Ok(ipv6_to_string(a.ip(), a.scope_id(), a.port())),
        // Unreachable: the family and length were checked above.
        None => Err(WsaError::WSAEINVAL),
    }
}

/// Parse `text` for family `af` as Windows' `WSAStringToAddress` does (see the module
/// docs for the grammar). The result carries the port and, for IPv6, the scope id;
/// `flowinfo` is always 0. Every failure, including an unknown `af`, is `WSAEINVAL`.
pub fn string_to_address(text: &str, af: i32) -> Result<SocketAddr, WsaError> {
    let text = c_string(text);
    match af {
        AF_INET => parse_ipv4_ex(text)
            .map(|(ip, port)| SocketAddr::V4(SocketAddrV4::new(ip, port)))
            .ok_or(WsaError::WSAEINVAL),
        AF_INET6 => parse_ipv6_ex(text)
            .map(|(ip, scope, port)| SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope)))
            .ok_or(WsaError::WSAEINVAL),
        _ => Err(WsaError::WSAEINVAL),
    }
}

/// The part of `text` before its first NUL: what a C caller's string holds.
fn c_string(text: &str) -> &str {
    match text.find('\0') {
        Some(n) => &text[..n],
        None => text,
    }
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

/// `RtlIpv4AddressToStringEx`: `a.b.c.d`, or `a.b.c.d:port` when `port` is non-zero.
pub fn ipv4_to_string(ip: Ipv4Addr, port: u16) -> String {
    let [a, b, c, d] = ip.octets();
    if port == 0 {
        format!("{a}.{b}.{c}.{d}")
    } else {
        format!("{a}.{b}.{c}.{d}:{port}")
    }
}

/// `RtlIpv6AddressToStringEx`: the address, then `%scope` when `scope` is non-zero, in
/// `[…]:port` when `port` is non-zero.
pub fn ipv6_to_string(ip: &Ipv6Addr, scope: u32, port: u16) -> String {
    let mut out = String::with_capacity(65);
    if port != 0 {
        out.push('[');
    }
    out.push_str(&ipv6_addr_to_string(ip));
    if scope != 0 {
        let _ = write!(out, "%{scope}");
    }
    if port != 0 {
        let _ = write!(out, "]:{port}");
    }
    out
}

/// Whether Windows writes the last 32 bits of `w` (the eight groups) as dotted IPv4:
/// ISATAP (`0:5efe` or `200:5efe` in groups 4-5, any prefix, any IPv4 part), or a zero
/// first 64 bits followed by `0:0` (compatible), `0:ffff` (mapped) or `ffff:0`
/// (translated) and a non-zero seventh group.
fn has_ipv4_tail(w: &[u16; 8]) -> bool {
    if w[5] == 0x5efe && (w[4] & !0x0200) == 0 {
        return true;
    }
    w[..4].iter().all(|&g| g == 0)
        && matches!((w[4], w[5]), (0, 0) | (0, 0xffff) | (0xffff, 0))
        && w[6] != 0
}

/// `RtlIpv6AddressToString`: the address alone, as Windows writes it.
pub fn ipv6_addr_to_string(ip: &Ipv6Addr) -> String {
    let w = ip.segments();
    let groups = if has_ipv4_tail(&w) { 6 } else { 8 };

    // The longest run of at least two zero groups; the first one on a tie.
    let (mut gap, mut gap_len) = (groups, 1);
    let mut i = 0;
    while i < groups {
        let start = i;
        while i < groups && w[i] == 0 {
            i += 1;
        }
        if i - start > gap_len {
            gap = start;
            gap_len = i - start;
        }
        i += 1;
    }

    let mut out = String::with_capacity(46);
    let mut i = 0;
    while i < groups {
        if i == gap {
            out.push_str("::");
            i += gap_len;
            continue;
        }
        if i > 0 && !out.ends_with("::") {
            out.push(':');
        }
        let _ = write!(out, "{:x}", w[i]);
        i += 1;
    }
    if groups == 6 {
        if !out.ends_with("::") {
            out.push(':');
        }
        let o = ip.octets();
        let _ = write!(out, "{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/// A cursor over the text's bytes. Non-ASCII bytes never match any digit or separator,
/// so any non-ASCII character makes the parse fail.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            s: text.as_bytes(),
            i: 0,
        }
    }

    /// The byte at offset `k` from the cursor, or 0 past the end (like the C terminator).
    fn at(&self, k: usize) -> u8 {
        self.i
            .checked_add(k)
            .and_then(|n| self.s.get(n))
            .copied()
            .unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(0)
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == c && !self.done() {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Digits in `base` (8, 10 or 16), at least one. The value accumulates in 32 bits and
    /// the parse fails at the first digit that makes it wrap below its previous value;
    /// a wrap that still grows is kept. That is what Windows measurably does: `0x123456789`
    /// reads as `0x23456789`, while `0x100000000` and `4294967296` fail at their last
    /// digit (Wine's rtl.c and protocol.c tables).
    fn digits(&mut self, base: u32) -> Option<u32> {
        let mut value: u32 = 0;
        let mut count = 0usize;
        while let Some(d) = (self.peek() as char).to_digit(base) {
            if self.done() {
                break;
            }
            let next = value.wrapping_mul(base).wrapping_add(d);
            if next < value {
                return None;
            }
            value = next;
            count += 1;
            self.i += 1;
        }
        (count > 0).then_some(value)
    }

    /// A C-style number, as `RtlIpv4StringToAddress` reads each part (non-strict) and its
    /// port: `0x`/`0X` then hex, `0` then octal when a digit follows, else decimal.
    fn c_number(&mut self) -> Option<u32> {
        if self.peek() == b'0' && matches!(self.at(1), b'x' | b'X') {
            self.i += 2;
            self.digits(16)
        } else if self.peek() == b'0' && self.at(1).is_ascii_digit() {
            self.i += 1;
            self.digits(8)
        } else {
            self.digits(10)
        }
    }
}

/// `RtlIpv4StringToAddress(Strict = FALSE)` on the cursor: one to four parts; all but the
/// last must fit a byte, the last fills the bytes that remain.
fn ipv4_address(c: &mut Cursor<'_>) -> Option<Ipv4Addr> {
    let mut parts = [0u32; 4];
    let mut n = 0;
    loop {
        parts[n] = c.c_number()?;
        n += 1;
        if c.peek() != b'.' || c.done() {
            break;
        }
        if n == 4 {
            return None;
        }
        c.i += 1;
    }
    let last = parts[n - 1];
    let mut value = last;
    for (k, &part) in parts[..n - 1].iter().enumerate() {
        let shift = 8 * (3 - k as u32);
        if part > 0xff || last & (0xff << shift) != 0 {
            return None;
        }
        value |= part << shift;
    }
    Some(Ipv4Addr::from(value))
}

/// `RtlIpv4StringToAddressEx(Strict = FALSE)`: an IPv4 address, then the end of the text
/// or `:port` (1-65535, C number syntax). Returns the address and the port (0 if absent).
pub fn parse_ipv4_ex(text: &str) -> Option<(Ipv4Addr, u16)> {
    let mut c = Cursor::new(text);
    let ip = ipv4_address(&mut c)?;
    if c.done() {
        return Some((ip, 0));
    }
    if !c.eat(b':') {
        return None;
    }
    let port = c.c_number()?;
    if !c.done() || port == 0 || port > 0xffff {
        return None;
    }
    Some((ip, port as u16))
}

/// A dotted IPv4 tail inside an IPv6 address: exactly four parts of one to three decimal
/// digits each, each at most 255 (`1::001.2.3.4` is accepted, `1::0001.2.3.4` and
/// `1::1.2.3` are not).
fn ipv4_tail(c: &mut Cursor<'_>) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    for (k, byte) in out.iter_mut().enumerate() {
        if k > 0 && !c.eat(b'.') {
            return None;
        }
        let start = c.i;
        let value = c.digits(10)?;
        if c.i - start > 3 || value > 255 {
            return None;
        }
        *byte = value as u8;
    }
    Some(out)
}

/// Count the hex digits at the cursor without consuming them.
fn hex_run(c: &Cursor<'_>) -> usize {
    let mut k = 0;
    while c.at(k).is_ascii_hexdigit() {
        k += 1;
    }
    k
}

/// The address part of `RtlIpv6StringToAddress`, as far as the `Ex` form accepts it.
/// Stops before anything that cannot continue an address (`%`, `]`, the end, or garbage
/// for the caller to refuse).
fn ipv6_address(c: &mut Cursor<'_>) -> Option<Ipv6Addr> {
    let mut head: Vec<u16> = Vec::with_capacity(8);
    let mut tail: Vec<u16> = Vec::with_capacity(8);
    let mut gap = false;

    if c.peek() == b':' {
        // Only `::` may open an address.
        if c.at(1) != b':' {
            return None;
        }
        c.i += 2;
        gap = true;
    }

    // `need` is true right after a single `:`, where a group must follow.
    let mut need = !gap;
    loop {
        let words = if gap { &mut tail } else { &mut head };
        let run = hex_run(c);
        if run == 0 {
            if need {
                return None;
            }
            break; // right after `::`: the address may end here
        }
        if c.at(run) == b'.' {
            // A dotted IPv4 tail: the last two groups, and the end of the address.
            let [a, b, d, e] = ipv4_tail(c)?;
            words.push(u16::from_be_bytes([a, b]));
            words.push(u16::from_be_bytes([d, e]));
            break;
        }
        if run > 4 {
            return None;
        }
        let value = c.digits(16)?;
        words.push(value as u16);
        if head.len() + tail.len() > 8 {
            return None;
        }
        if c.peek() == b':' && c.at(1) == b':' {
            if gap {
                return None;
            }
            c.i += 2;
            gap = true;
            need = false;
        } else if c.peek() == b':' {
            c.i += 1;
            need = true;
        } else {
            break;
        }
    }

    let total = head.len() + tail.len();
    if (gap && total > 7) || (!gap && total != 8) {
        return None;
    }
    let mut w = [0u16; 8];
    w[..head.len()].copy_from_slice(&head);
    w[8 - tail.len()..].copy_from_slice(&tail);
    Some(Ipv6Addr::from(w))
}

/// `RtlIpv6StringToAddressEx`: `addr`, `addr%scope`, `[addr]`, `[addr%scope]`,
/// `[addr]:port` or `[addr%scope]:port`. Returns the address, scope id and port.
pub fn parse_ipv6_ex(text: &str) -> Option<(Ipv6Addr, u32, u16)> {
    let mut c = Cursor::new(text);
    let bracket = c.eat(b'[');
    let ip = ipv6_address(&mut c)?;

    let mut scope = 0;
    if c.eat(b'%') {
        scope = c.digits(10)?;
    }

    let mut port = 0;
    if bracket {
        if !c.eat(b']') {
            return None;
        }
        if c.eat(b':') {
            let value = if c.eat(b'0') {
                if !(c.eat(b'x') || c.eat(b'X')) {
                    return None;
                }
                c.digits(16)?
            } else {
                c.digits(10)?
            };
            if value > 0xffff {
                return None;
            }
            port = value as u16;
        }
    }

    c.done().then_some((ip, scope, port))
}
