//! Fuzz target `protocol_info`: a `WSAPROTOCOL_INFOW` from arbitrary bytes, passed to
//! `WSPSocket` and to the catalog's selection functions (also over a catalog whose
//! entries are themselves arbitrary).
//!
//! Checks: nothing panics; every error is a known Winsock code; a chosen index is inside
//! the catalog and the entry matches the requested triple; `WSPSocket` succeeds exactly
//! when [`catalog::select_socket`] does (group 0, no multipoint flags), and the socket it
//! makes can be closed.

use crate::check_known;
use crate::input::Input;
use wsp::catalog;
use wsp::types::*;
use wsp::Wsp;

/// Run one input.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let engine = crate::sim_engine(0);
    let ours = engine.catalog().to_vec();
    let info = protocol_info(&mut inp, &ours);
    let (af, ty, protocol) = (
        triple_part(&mut inp),
        triple_part(&mut inp),
        triple_part(&mut inp),
    );
    let group = if inp.u8() < 0xf0 { 0 } else { inp.u32() };
    let flags = match inp.u8() % 4 {
        0 => 0,
        1 => WSA_FLAG_OVERLAPPED,
        2 => WSA_FLAG_MULTIPOINT_C_LEAF,
        _ => inp.u32(),
    };

    // The selection functions over our catalog.
    let sel = catalog::select(&ours, af, ty, protocol);
    check_known("select", &sel);
    if let Ok(i) = sel {
        let e = &ours[i];
        assert!(af == AF_UNSPEC || e.iAddressFamily == af);
        assert!(ty == 0 || e.iSocketType == ty);
    }
    let sel_info = catalog::select_info(&ours, &info);
    check_known("select_info", &sel_info);
    if let Ok(i) = sel_info {
        assert!(i < ours.len());
    }
    let resolved = catalog::resolve_triple(af, ty, protocol, &info);
    for (arg, from_info, got) in [
        (af, info.iAddressFamily, resolved.0),
        (ty, info.iSocketType, resolved.1),
        (protocol, info.iProtocol, resolved.2),
    ] {
        let want = if arg == 0 || arg == FROM_PROTOCOL_INFO {
            from_info
        } else {
            arg
        };
        assert_eq!(got, want);
    }
    let with_info = catalog::select_socket(&ours, af, ty, protocol, Some(&info));
    check_known("select_socket", &with_info);
    if let Ok(i) = with_info {
        let e = &ours[i];
        assert_eq!(e.iAddressFamily, resolved.0);
        assert!(resolved.1 == 0 || e.iSocketType == resolved.1);
    }

    // WSPSocket with and without the structure.
    for info_arg in [Some(&info), None] {
        let expect = catalog::select_socket(&ours, af, ty, protocol, info_arg);
        let r = engine.socket(af, ty, protocol, info_arg, group, flags);
        check_known("socket", &r);
        // A structure carrying a WSPDuplicateSocket token (`dwProviderReserved`) names a
        // socket to share: an unknown or used token is refused whatever the catalog says.
        let dup_token = info_arg.is_some_and(|i| i.dwProviderReserved != 0);
        if dup_token {
            if expect.is_err() {
                assert!(r.is_err(), "socket {r:?} but select_socket {expect:?}");
            }
        } else if group == 0 && flags & !(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT) == 0 {
            assert_eq!(
                r.is_ok(),
                expect.is_ok(),
                "socket {r:?} but select_socket {expect:?}"
            );
            if let Err(e) = expect {
                assert_eq!(r, Err(e));
            }
        } else if expect.is_err() {
            assert!(r.is_err());
        }
        if let Ok(s) = r {
            assert_eq!(engine.close_socket(s), Ok(()));
        }
    }
    assert_eq!(engine.socket_count(), 0);

    // The info parameter of the address conversions is accepted whatever it holds.
    let a = wsp::SockAddr::from_std("127.0.0.1:1".parse().unwrap());
    check_known(
        "address_to_string",
        &engine.address_to_string(&a, Some(&info)),
    );

    // A catalog that is itself hostile: the selection functions must still not panic.
    let n = inp.below(4);
    let hostile: Vec<WSAPROTOCOL_INFOW> = (0..n).map(|_| protocol_info(&mut inp, &ours)).collect();
    let r = catalog::select(&hostile, af, ty, protocol);
    check_known("select (hostile)", &r);
    if let Ok(i) = r {
        assert!(i < hostile.len());
    }
    check_known(
        "select_info (hostile)",
        &catalog::select_info(&hostile, &info),
    );
    let r = catalog::select_socket(&hostile, af, ty, protocol, Some(&info));
    check_known("select_socket (hostile)", &r);
    if let Ok(i) = r {
        assert!(i < hostile.len());
    }
}

fn triple_part(inp: &mut Input<'_>) -> i32 {
    match inp.u8() % 8 {
        0 => 0,
        1 => FROM_PROTOCOL_INFO,
        2 => 2,  // AF_INET / SOCK_DGRAM
        3 => 1,  // SOCK_STREAM
        4 => 6,  // IPPROTO_TCP
        5 => 17, // IPPROTO_UDP
        6 => 23, // AF_INET6
        _ => inp.u32() as i32,
    }
}

/// A structure either wholly from the input or one of `catalog`'s with some fields
/// overwritten, so that both garbage and near-valid structures are reached.
pub fn protocol_info(inp: &mut Input<'_>, catalog: &[WSAPROTOCOL_INFOW]) -> WSAPROTOCOL_INFOW {
    let mode = inp.u8();
    let mut p = if mode < 0x40 {
        WSAPROTOCOL_INFOW::default()
    } else {
        catalog[usize::from(mode) % catalog.len()]
    };
    let edits = if mode < 0x40 { 24 } else { inp.below(6) };
    for _ in 0..edits {
        if inp.is_empty() {
            break;
        }
        let v = inp.u32();
        match inp.u8() % 24 {
            0 => p.dwServiceFlags1 = v,
            1 => p.dwServiceFlags2 = v,
            2 => p.dwProviderFlags = v,
            3 => p.ProviderId.Data1 = v,
            4 => {
                p.ProviderId.Data4 = u64::from(v)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .to_le_bytes()
            }
            5 => p.dwCatalogEntryId = v,
            6 => p.ProtocolChain.ChainLen = v as i32,
            7 => {
                let i = (v as usize >> 8) % MAX_PROTOCOL_CHAIN;
                p.ProtocolChain.ChainEntries[i] = catalog
                    .get(v as usize % 8)
                    .map_or(v, |e| e.dwCatalogEntryId);
            }
            8 => p.iVersion = v as i32,
            9 => p.iAddressFamily = v as i32,
            10 => p.iAddressFamily = (v % 32) as i32,
            11 => p.iMaxSockAddr = v as i32,
            12 => p.iMinSockAddr = v as i32,
            13 => p.iSocketType = v as i32,
            14 => p.iSocketType = (v % 8) as i32,
            15 => p.iProtocol = v as i32,
            16 => p.iProtocol = (v % 64) as i32,
            17 => p.iProtocolMaxOffset = v as i32,
            18 => p.iNetworkByteOrder = v as i32,
            19 => p.iSecurityScheme = v as i32,
            20 => p.dwMessageSize = v,
            21 => p.dwProviderReserved = v,
            22 => p.szProtocol[(v as usize) % p.szProtocol.len()] = (v >> 16) as u16,
            _ => {
                p.dwCatalogEntryId = catalog
                    .get(v as usize % 8)
                    .map_or(v, |e| e.dwCatalogEntryId)
            }
        }
    }
    p
}
