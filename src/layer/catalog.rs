//! The catalog entries of a layered provider, as Windows expects them of a layer over a
//! base entry (WSCInstallProvider / WSCInstallProviderAndChains pages; "Layered Service
//! Providers" in the Winsock SPI documentation):
//!
//! * one **layered protocol** entry for the layer itself: `ProtocolChain.ChainLen` =
//!   `LAYERED_PROTOCOL` (0), `PFL_HIDDEN` (applications never pick it; it exists so that
//!   chains can name the layer), its own catalog id;
//! * one **protocol chain** entry per entry of the next provider it stands on:
//!   `ChainLen` = the number of ids in `ChainEntries`, `ChainEntries[0]` = the layer's id,
//!   then the next entry's chain (a base entry contributes its own id; a chain entry of a
//!   lower layer contributes its whole chain, so two stacked layers give
//!   `[upper, lower, base]`). Address family, socket type, protocol, sizes and service
//!   flags are the entry's below, less `XP1_IFS_HANDLES`: the layer's socket handles come
//!   from `WPUCreateSocketHandle`, which makes it a non-IFS provider
//!   (WSCInstallProviderAndChains: `XP1_IFS_HANDLES` marks an IFS LSP). `ProviderId` is the
//!   layer's, `szProtocol` reads "`name` over [`entry below`]".
//!
//! Chain entries come first and the layered protocol entry last, so that a host taking the
//! first entry of `WSPEnumCatalog` gets a usable one (TCP/IPv4).

use crate::types::{
    BASE_PROTOCOL, GUID, LAYERED_PROTOCOL, MAX_PROTOCOL_CHAIN, PFL_HIDDEN, WSAPROTOCOLCHAIN,
    WSAPROTOCOL_INFOW, XP1_IFS_HANDLES,
};

/// A layer's provider GUID, derived from its name (stable across runs: FNV-1a).
pub fn provider_id(name: &str) -> GUID {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut d4 = [0u8; 8];
    d4.copy_from_slice(&h.to_le_bytes());
    GUID {
        Data1: 0x5753_504c, // "WSPL"
        Data2: (h >> 48) as u16,
        Data3: 0x4000 | ((h >> 32) as u16 & 0x0fff),
        Data4: d4,
    }
}

/// The catalog id a layer named `name` uses for its layered protocol entry when none is
/// chosen: in `0x4C00_0000..0x4CFF_FF00`, by name, leaving room for 255 chain entries.
pub fn default_layer_id(name: &str) -> u32 {
    let g = provider_id(name);
    0x4C00_0000 | ((g.Data1 ^ u32::from(g.Data2) << 8 ^ u32::from(g.Data4[0]) << 16) & 0x00ff_ff00)
}

/// The entry the chain entry `c` stands on, as far as a layer needs it: the id of the next
/// link in its chain, the rest copied from `c` (the real entry is the next provider's).
pub(crate) fn base_of(c: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
    let mut b = *c;
    let n = (c.ProtocolChain.ChainLen.max(0) as usize).min(MAX_PROTOCOL_CHAIN);
    let rest = &c.ProtocolChain.ChainEntries[1.min(n)..n];
    b.dwCatalogEntryId = rest.first().copied().unwrap_or(0);
    let mut chain = WSAPROTOCOLCHAIN {
        ChainLen: if rest.len() > 1 {
            rest.len() as i32
        } else {
            BASE_PROTOCOL
        },
        ChainEntries: [0; MAX_PROTOCOL_CHAIN],
    };
    if rest.len() > 1 {
        chain.ChainEntries[..rest.len()].copy_from_slice(rest);
    }
    b.ProtocolChain = chain;
    b
}

/// The catalog of layer `name` (layered protocol entry id `layer_id`) over the entries
/// `below` (the next provider's catalog): chain entries with ids `layer_id + 1 ..` in the
/// order of `below`, then the layered protocol entry. Entries of `below` that are
/// themselves layered protocol entries are skipped, and so are chains that would exceed
/// `MAX_PROTOCOL_CHAIN`.
pub fn layered_entries(
    name: &str,
    layer_id: u32,
    below: &[WSAPROTOCOL_INFOW],
) -> Vec<WSAPROTOCOL_INFOW> {
    let provider = provider_id(name);
    let mut out = Vec::new();
    for b in below {
        let len = b.ProtocolChain.ChainLen;
        if len == LAYERED_PROTOCOL {
            continue;
        }
        let lower: Vec<u32> = if len > 1 {
            b.ProtocolChain.ChainEntries[..(len as usize).min(MAX_PROTOCOL_CHAIN)].to_vec()
        } else {
            vec![b.dwCatalogEntryId]
        };
        if lower.len() + 1 > MAX_PROTOCOL_CHAIN {
            continue;
        }
        let mut c = *b;
        c.dwCatalogEntryId = layer_id + 1 + out.len() as u32;
        c.ProviderId = provider;
        c.dwServiceFlags1 &= !XP1_IFS_HANDLES;
        c.dwProviderFlags &= !PFL_HIDDEN;
        c.ProtocolChain.ChainLen = lower.len() as i32 + 1;
        c.ProtocolChain.ChainEntries = [0; MAX_PROTOCOL_CHAIN];
        c.ProtocolChain.ChainEntries[0] = layer_id;
        c.ProtocolChain.ChainEntries[1..=lower.len()].copy_from_slice(&lower);
        c.dwProviderReserved = 0;
        c.set_protocol_name(&format!("{name} over [{}]", b.protocol_name()));
        out.push(c);
    }
    if let Some(first) = below.first() {
        let mut l = *first;
        l.dwCatalogEntryId = layer_id;
        l.ProviderId = provider;
        l.dwServiceFlags1 &= !XP1_IFS_HANDLES;
        l.dwProviderFlags = PFL_HIDDEN;
        l.ProtocolChain = WSAPROTOCOLCHAIN {
            ChainLen: LAYERED_PROTOCOL,
            ChainEntries: [0; MAX_PROTOCOL_CHAIN],
        };
        l.dwProviderReserved = 0;
        l.set_protocol_name(name);
        out.push(l);
    }
    out
}
