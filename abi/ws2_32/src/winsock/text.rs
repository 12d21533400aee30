//! Address text the way Winsock reads and writes it: `inet_addr`, `inet_ntoa`,
//! `inet_pton`, `inet_ntop` over Rust values (the C exports only move bytes).

use std::net::{Ipv4Addr, Ipv6Addr};

/// `INADDR_NONE`.
pub const INADDR_NONE: u32 = 0xffff_ffff;

fn parse_part(s: &str) -> Option<u32> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() && radix != 16 {
        return None;
    }
    if digits.is_empty() {
        // "0x" alone is 0, as the BSD parser Windows inherited reads it.
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// `inet_addr`: the address in network byte order as the `u_long` a C caller receives on
/// a little-endian host, or [`INADDR_NONE`].
///
/// Accepts the BSD forms Windows accepts: `a.b.c.d`, `a.b.c` (c fills 16 bits), `a.b`
/// (b fills 24 bits) and `a` (32 bits); each part decimal, octal (leading `0`) or hex
/// (`0x`). Text after the address is allowed only after a space (the parser stops
/// there). An empty string is `INADDR_NONE`, as on Windows Server 2003 and later.
pub fn inet_addr(text: &[u8]) -> u32 {
    let end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    let Ok(s) = std::str::from_utf8(&text[..end]) else {
        return INADDR_NONE;
    };
    if s.is_empty() {
        return INADDR_NONE;
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return INADDR_NONE;
    }
    let mut vals = Vec::with_capacity(4);
    for p in &parts {
        match parse_part(p) {
            Some(v) => vals.push(v),
            None => return INADDR_NONE,
        }
    }
    let (head, last) = vals.split_at(vals.len() - 1);
    if head.iter().any(|&v| v > 255) {
        return INADDR_NONE;
    }
    let room = 32 - 8 * head.len() as u32;
    if room < 32 && last[0] >> room != 0 {
        return INADDR_NONE;
    }
    let mut host: u32 = last[0];
    for (i, &v) in head.iter().enumerate() {
        host |= v << (24 - 8 * i as u32);
    }
    u32::from_ne_bytes(host.to_be_bytes())
}

/// `inet_ntoa`'s text for an `in_addr` held as its four bytes in memory order.
pub fn inet_ntoa(bytes: [u8; 4]) -> String {
    Ipv4Addr::from(bytes).to_string()
}

/// `inet_pton(AF_INET, ...)`: strict dotted decimal, four parts, no leading zeros.
pub fn pton4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (o, p) in out.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse::<u8>().ok()?;
    }
    Some(out)
}

/// `inet_pton(AF_INET6, ...)`: the standard text forms (with an embedded IPv4 tail).
pub fn pton6(s: &str) -> Option<[u8; 16]> {
    s.parse::<Ipv6Addr>().ok().map(|a| a.octets())
}

/// `inet_ntop(AF_INET6, ...)`: Windows' form (lower-case hex, longest zero run as `::`,
/// IPv4-mapped and -compatible tails dotted).
pub fn ntop6(bytes: [u8; 16]) -> String {
    wsp::addr_text::ipv6_addr_to_string(&Ipv6Addr::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(a: u8, b: u8, c: u8, d: u8) -> u32 {
        u32::from_ne_bytes([a, b, c, d])
    }

    #[test]
    fn inet_addr_forms() {
        assert_eq!(inet_addr(b"127.0.0.1"), be(127, 0, 0, 1));
        assert_eq!(inet_addr(b"127.1"), be(127, 0, 0, 1));
        assert_eq!(inet_addr(b"10.1.258"), be(10, 1, 1, 2));
        assert_eq!(inet_addr(b"0x7f.0.0.01"), be(127, 0, 0, 1));
        assert_eq!(inet_addr(b"017.0.0.1"), be(15, 0, 0, 1));
        assert_eq!(inet_addr(b"3232235777"), be(192, 168, 1, 1));
        assert_eq!(inet_addr(b"1.2.3.4 trailing"), be(1, 2, 3, 4));
        assert_eq!(inet_addr(b"255.255.255.255"), INADDR_NONE);
        for bad in [
            &b""[..],
            b"256.0.0.1",
            b"1.2.3.4.5",
            b"1..2",
            b"a.b.c.d",
            b"08.1.1.1",
        ] {
            assert_eq!(inet_addr(bad), INADDR_NONE, "{:?}", bad);
        }
    }

    #[test]
    fn pton_and_ntop() {
        assert_eq!(pton4("192.168.0.1"), Some([192, 168, 0, 1]));
        assert_eq!(pton4("192.168.0.01"), None);
        assert_eq!(pton4("1.2.3"), None);
        assert_eq!(pton6("::1").map(|b| b[15]), Some(1));
        assert_eq!(ntop6(pton6("fe80::1").unwrap()), "fe80::1");
        assert_eq!(inet_ntoa([10, 0, 0, 7]), "10.0.0.7");
    }
}
