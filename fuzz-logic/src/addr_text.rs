//! Fuzz target `addr_text`: `WSPAddressToString` and `WSPStringToAddress` on arbitrary
//! input.
//!
//! Checks: nothing panics; every error is a known Winsock code; what formats parses back
//! to the same address (flow info aside, which Windows never writes); what parses formats
//! to text that parses to the same address again; a too-small output capacity is
//! `WSAEFAULT`; the engine's methods agree with the `addr_text` functions.

use crate::check_known;
use crate::input::Input;
use std::net::SocketAddr;
use wsp::addr::SockAddr;
use wsp::addr_text::{address_to_string, string_to_address};
use wsp::types::{AF_INET, AF_INET6};
use wsp::{WsaError, Wsp};

/// Run one input.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let engine = crate::sim_engine(0);
    match inp.u8() % 3 {
        0 => format_bytes(&engine, inp.rest()),
        1 => {
            let af = pick_af(&mut inp);
            let cap = inp.below(129);
            let text = String::from_utf8_lossy(inp.rest()).into_owned();
            parse_text(&engine, &text, af, cap);
        }
        _ => {
            // A well-formed address built from the input, so formatting is exercised on
            // valid structures and not only on what survives the length checks.
            let v6 = inp.bool();
            let port = inp.u16();
            let a: SocketAddr = if v6 {
                let mut oct = [0u8; 16];
                // Mostly zeros, so the `::` and dotted-tail rules are reached.
                for b in oct.iter_mut() {
                    let x = inp.u8();
                    *b = if x < 0x80 { 0 } else { x };
                }
                let scope = if inp.bool() { inp.u32() } else { 0 };
                let flow = inp.u32();
                SocketAddr::V6(std::net::SocketAddrV6::new(oct.into(), port, flow, scope))
            } else {
                SocketAddr::V4(std::net::SocketAddrV4::new(inp.u32().into(), port))
            };
            format_bytes(&engine, SockAddr::from_std(a).as_bytes());
        }
    }
}

fn pick_af(inp: &mut Input<'_>) -> i32 {
    match inp.u8() % 4 {
        0 => AF_INET,
        1 => AF_INET6,
        2 => 0,
        _ => i32::from(inp.u16() as i16),
    }
}

/// Canonical form for comparison: flow info is never written, so it is not compared.
fn canon(a: SocketAddr) -> SocketAddr {
    match a {
        SocketAddr::V6(mut v6) => {
            v6.set_flowinfo(0);
            SocketAddr::V6(v6)
        }
        v4 => v4,
    }
}

fn format_bytes(engine: &impl Wsp, raw: &[u8]) {
    let addr = SockAddr::from_bytes(raw);
    let r = address_to_string(&addr);
    check_known("address_to_string", &r);
    let via_engine = engine.address_to_string(&addr, None);
    assert_eq!(r, via_engine, "engine and addr_text disagree on {raw:?}");
    let Ok(text) = r else { return };
    let std = addr
        .to_std()
        .expect("formatted an address that does not decode");
    let af = addr
        .family()
        .expect("formatted an address without a family");
    let back = string_to_address(&text, af)
        .unwrap_or_else(|e| panic!("{text:?} (formatted from {std}) does not parse: {e:?}"));
    assert_eq!(back, canon(std), "{text:?} parses to another address");
}

fn parse_text(engine: &impl Wsp, text: &str, af: i32, cap: usize) {
    let r = string_to_address(text, af);
    check_known("string_to_address", &r);
    let mut out = SockAddr::with_capacity(cap);
    let via_engine = engine.string_to_address(text, af, None, &mut out);
    check_known("Wsp::string_to_address", &via_engine);
    match r {
        Err(e) => assert_eq!(
            via_engine,
            Err(e),
            "engine and addr_text disagree on {text:?}"
        ),
        Ok(a) => {
            let need = SockAddr::from_std(a).len();
            if cap < need {
                assert_eq!(
                    via_engine,
                    Err(WsaError::WSAEFAULT),
                    "capacity {cap} < {need}"
                );
            } else {
                assert_eq!(via_engine, Ok(()));
                assert_eq!(out.to_std(), Some(a));
            }
            // Round trip: format and parse again.
            let text2 = address_to_string(&SockAddr::from_std(a))
                .unwrap_or_else(|e| panic!("{a} from {text:?} does not format: {e:?}"));
            let again = string_to_address(&text2, af)
                .unwrap_or_else(|e| panic!("{text2:?} (from {text:?}) does not parse: {e:?}"));
            assert_eq!(again, a, "{text:?} -> {text2:?} changes the address");
        }
    }
}
