//! The next provider in the protocol chain: what the Windows build's engine runs on
//! (`wsp_chain::Chain`), and the catalog entries the install tool registers.
//!
//! # Catalog layout (what `wsp-install` writes)
//! * one **layered** entry (`ProtocolChain.ChainLen == LAYERED_PROTOCOL`, hidden) under
//!   [`LAYERED_GUID`], naming this DLL;
//! * one **chain** entry per MSAFD base entry it layers over (TCP and UDP, IPv4 and IPv6),
//!   under [`CHAIN_GUID`]: a copy of the base entry with `ChainLen == 2`,
//!   `ChainEntries == [layered id, base id]`, and `XP1_IFS_HANDLES` cleared (the provider
//!   hands out non-IFS handles from `WPUCreateSocketHandle`).
//!
//! # Finding the next provider ([`find`])
//! 1. `WSP_NEXT_PROVIDER=<path>` names the base provider DLL directly (a provider with
//!    `WSPEnumCatalog`, like this crate's own DLL, reports its entries; otherwise the
//!    catalog's base entries registered with that path are used).
//! 2. Otherwise the catalog (`WSCEnumProtocols`): the layered entry under
//!    [`LAYERED_GUID`], the chains through it, and their second link — the base entries —
//!    whose provider's DLL comes from `WSCGetProviderPath` (environment strings expanded).
//!
//! The base provider's `WSPStartup` is called directly, never ws2_32's `socket`, so the
//! layered provider cannot recurse into itself through the catalog.

use crate::abi::{GUID, WSAPROTOCOL_INFOW};
use crate::foreign::ForeignProvider;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wsp::types::{
    AF_INET, AF_INET6, BASE_PROTOCOL, IPPROTO_TCP, IPPROTO_UDP, LAYERED_PROTOCOL, PFL_HIDDEN,
    SOCK_DGRAM, SOCK_STREAM, XP1_IFS_HANDLES,
};
use wsp::Wsp;

/// The layered entry's provider id (`{c306794c-4dd5-4e8a-81b8-12c34b27cf61}`).
pub const LAYERED_GUID: GUID = GUID {
    Data1: 0xc306_794c,
    Data2: 0x4dd5,
    Data3: 0x4e8a,
    Data4: [0x81, 0xb8, 0x12, 0xc3, 0x4b, 0x27, 0xcf, 0x61],
};

/// The chain entries' provider id (`{5a3f8875-7654-483c-bcda-09e141c86ae2}`).
pub const CHAIN_GUID: GUID = GUID {
    Data1: 0x5a3f_8875,
    Data2: 0x7654,
    Data3: 0x483c,
    Data4: [0xbc, 0xda, 0x09, 0xe1, 0x41, 0xc8, 0x6a, 0xe2],
};

/// The environment variable naming the base provider's DLL.
pub const ENV_NEXT: &str = "WSP_NEXT_PROVIDER";

/// A next provider and the catalog entries to make its sockets with.
pub struct Next {
    /// The provider, reached through its own `WSPPROC_TABLE`.
    pub provider: Arc<dyn Wsp>,
    /// Its entries (for `WSPSocket`'s `lpProtocolInfo`, which MSAFD needs).
    pub catalog: Vec<WSAPROTOCOL_INFOW>,
}

/// `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`.
pub fn guid_text(g: &GUID) -> String {
    let d = g.Data4;
    format!(
        "{{{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}}}",
        g.Data1, g.Data2, g.Data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

/// Parse [`guid_text`]'s form (braces optional).
pub fn parse_guid(s: &str) -> Option<GUID> {
    let s = s.trim().trim_start_matches('{').trim_end_matches('}');
    let parts: Vec<&str> = s.split('-').collect();
    let [a, b, c, d, e] = parts.as_slice() else {
        return None;
    };
    if a.len() != 8 || b.len() != 4 || c.len() != 4 || d.len() != 4 || e.len() != 12 {
        return None;
    }
    let tail = format!("{d}{e}");
    let mut d4 = [0u8; 8];
    for (i, byte) in d4.iter_mut().enumerate() {
        *byte = u8::from_str_radix(tail.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(GUID {
        Data1: u32::from_str_radix(a, 16).ok()?,
        Data2: u16::from_str_radix(b, 16).ok()?,
        Data3: u16::from_str_radix(c, 16).ok()?,
        Data4: d4,
    })
}

/// Whether `e` is a base TCP or UDP entry over IPv4 or IPv6 (what the layer chains over).
pub fn is_base_tcp_udp(e: &WSAPROTOCOL_INFOW) -> bool {
    e.ProtocolChain.ChainLen == BASE_PROTOCOL
        && matches!(e.iAddressFamily, AF_INET | AF_INET6)
        && matches!(
            (e.iSocketType, e.iProtocol),
            (SOCK_STREAM, IPPROTO_TCP) | (SOCK_DGRAM, IPPROTO_UDP)
        )
}

/// The base entries reached through the layered entry of [`LAYERED_GUID`] in `catalog`:
/// the second link of every chain whose first link is that layered entry.
pub fn base_entries(catalog: &[WSAPROTOCOL_INFOW]) -> Vec<WSAPROTOCOL_INFOW> {
    let Some(layered) = catalog
        .iter()
        .find(|e| e.ProviderId == LAYERED_GUID && e.ProtocolChain.ChainLen == LAYERED_PROTOCOL)
    else {
        return Vec::new();
    };
    let mut out: Vec<WSAPROTOCOL_INFOW> = Vec::new();
    for chain in catalog.iter().filter(|e| {
        e.ProtocolChain.ChainLen > 1 && e.ProtocolChain.ChainEntries[0] == layered.dwCatalogEntryId
    }) {
        let next_id = chain.ProtocolChain.ChainEntries[1];
        if let Some(base) = catalog.iter().find(|e| e.dwCatalogEntryId == next_id) {
            if !out
                .iter()
                .any(|o| o.dwCatalogEntryId == base.dwCatalogEntryId)
            {
                out.push(*base);
            }
        }
    }
    out
}

fn set_name(e: &mut WSAPROTOCOL_INFOW, name: &str) {
    e.szProtocol = [0; wsp::types::WSAPROTOCOL_LEN + 1];
    for (dst, src) in e
        .szProtocol
        .iter_mut()
        .zip(name.encode_utf16().take(wsp::types::WSAPROTOCOL_LEN))
    {
        *dst = src;
    }
}

/// The layered entry to install, modelled on `base` (the first MSAFD TCP entry).
pub fn layered_entry(base: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
    let mut e = *base;
    e.ProviderId = LAYERED_GUID;
    e.dwProviderFlags |= PFL_HIDDEN;
    e.dwServiceFlags1 &= !XP1_IFS_HANDLES;
    e.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    e.ProtocolChain.ChainEntries = [0; wsp::types::MAX_PROTOCOL_CHAIN];
    e.dwCatalogEntryId = 0;
    set_name(&mut e, "wsp layered provider");
    e
}

/// The chain entry to install over `base` once the layered entry got `layered_id`.
pub fn chain_entry(layered_id: u32, base: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
    let mut e = *base;
    e.ProviderId = CHAIN_GUID;
    e.dwServiceFlags1 &= !XP1_IFS_HANDLES;
    e.dwProviderFlags &= !PFL_HIDDEN;
    e.ProtocolChain.ChainLen = 2;
    e.ProtocolChain.ChainEntries = [0; wsp::types::MAX_PROTOCOL_CHAIN];
    e.ProtocolChain.ChainEntries[0] = layered_id;
    e.ProtocolChain.ChainEntries[1] = base.dwCatalogEntryId;
    e.dwCatalogEntryId = 0;
    let base_name = String::from_utf16_lossy(&base.szProtocol);
    set_name(
        &mut e,
        &format!("wsp over {}", base_name.trim_end_matches('\0')),
    );
    e
}

/// The catalog order with `first` (our chain entries) moved ahead of everything else, so
/// `socket(AF_INET, SOCK_STREAM, 0)` picks the chain rather than MSAFD's own entry.
pub fn order_with_first(catalog: &[WSAPROTOCOL_INFOW], first: &[u32]) -> Vec<u32> {
    let mut ids: Vec<u32> = first.to_vec();
    ids.extend(
        catalog
            .iter()
            .map(|e| e.dwCatalogEntryId)
            .filter(|id| !first.contains(id)),
    );
    ids
}

fn load(path: &Path, bases: &[WSAPROTOCOL_INFOW]) -> Result<Next, String> {
    let info = bases.first().copied();
    let p = ForeignProvider::load(path, info).map_err(|e| format!("{}: {e}", path.display()))?;
    let catalog = if bases.is_empty() {
        p.catalog().to_vec()
    } else {
        bases.to_vec()
    };
    Ok(Next {
        provider: Arc::new(p),
        catalog,
    })
}

/// Find and load the next provider (see the module documentation).
pub fn find() -> Result<Next, String> {
    let catalog = crate::ffi::wsc::enum_protocols().unwrap_or_default();
    if let Some(path) = std::env::var_os(ENV_NEXT) {
        let path = PathBuf::from(path);
        // Base entries registered with that DLL, if the catalog knows it.
        let bases: Vec<WSAPROTOCOL_INFOW> = catalog
            .iter()
            .filter(|e| is_base_tcp_udp(e))
            .filter(|e| {
                crate::ffi::wsc::provider_path(&e.ProviderId)
                    .is_ok_and(|p| p.file_name() == path.file_name())
            })
            .copied()
            .collect();
        return load(&path, &bases);
    }
    let bases = base_entries(&catalog);
    let first = bases
        .first()
        .ok_or_else(|| "no chain over the wsp layered entry in the catalog".to_string())?;
    let path = crate::ffi::wsc::provider_path(&first.ProviderId)
        .map_err(|e| format!("WSCGetProviderPath: {e}"))?;
    let same: Vec<WSAPROTOCOL_INFOW> = bases
        .iter()
        .filter(|b| b.ProviderId == first.ProviderId)
        .copied()
        .collect();
    load(&path, &same)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(id: u32, af: i32, ty: i32, proto: i32) -> WSAPROTOCOL_INFOW {
        let mut e = WSAPROTOCOL_INFOW {
            dwCatalogEntryId: id,
            iAddressFamily: af,
            iSocketType: ty,
            iProtocol: proto,
            dwServiceFlags1: XP1_IFS_HANDLES | 0x66,
            ..WSAPROTOCOL_INFOW::default()
        };
        e.ProtocolChain.ChainLen = BASE_PROTOCOL;
        e.ProtocolChain.ChainEntries[0] = id;
        set_name(&mut e, "MSAFD Tcpip [TCP/IP]");
        e
    }

    #[test]
    fn guid_text_round_trips() {
        let t = guid_text(&LAYERED_GUID);
        assert_eq!(t, "{c306794c-4dd5-4e8a-81b8-12c34b27cf61}");
        assert_eq!(parse_guid(&t), Some(LAYERED_GUID));
        assert_eq!(
            parse_guid("5a3f8875-7654-483c-bcda-09e141c86ae2"),
            Some(CHAIN_GUID)
        );
        assert_eq!(parse_guid("5a3f8875-7654-483c-bcda"), None);
        assert_eq!(parse_guid("zzzzzzzz-7654-483c-bcda-09e141c86ae2"), None);
    }

    #[test]
    fn install_entries_form_a_chain_that_finds_the_base_again() {
        // ws2spi.h / WSCInstallProvider page: a layered entry has ChainLen 0; a chain
        // entry lists the layered entry first and the base provider after it.
        let tcp = base(1001, AF_INET, SOCK_STREAM, IPPROTO_TCP);
        let udp = base(1002, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        let raw = base(1003, AF_INET, 3, 255);
        assert!(is_base_tcp_udp(&tcp) && is_base_tcp_udp(&udp) && !is_base_tcp_udp(&raw));
        let mut layered = layered_entry(&tcp);
        assert_eq!(layered.ProtocolChain.ChainLen, LAYERED_PROTOCOL);
        assert_eq!(layered.dwProviderFlags & PFL_HIDDEN, PFL_HIDDEN);
        layered.dwCatalogEntryId = 2001; // as ws2_32 assigns it
        let mut c1 = chain_entry(2001, &tcp);
        let mut c2 = chain_entry(2001, &udp);
        assert_eq!(c1.ProtocolChain.ChainEntries[..3], [2001, 1001, 0]);
        assert_eq!(c1.dwServiceFlags1 & XP1_IFS_HANDLES, 0, "non-IFS handles");
        assert!(String::from_utf16_lossy(&c1.szProtocol).starts_with("wsp over MSAFD Tcpip"));
        c1.dwCatalogEntryId = 2002;
        c2.dwCatalogEntryId = 2003;
        let catalog = [c1, c2, tcp, udp, raw, layered];
        let found = base_entries(&catalog);
        assert_eq!(
            found.iter().map(|e| e.dwCatalogEntryId).collect::<Vec<_>>(),
            [1001, 1002]
        );
        // Without our layered entry nothing is found.
        assert!(base_entries(&[tcp, udp]).is_empty());
        assert_eq!(
            order_with_first(&[tcp, udp, raw, layered, c1, c2], &[2002, 2003]),
            [2002, 2003, 1001, 1002, 1003, 2001]
        );
    }
}
