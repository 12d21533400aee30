//! `wsp catalog`: protocol catalog entries in the layout of Windows'
//! `netsh winsock show catalog`.
//!
//! The layout, as Windows prints it (observed output of `netsh winsock show catalog` on
//! Windows 7 through 11, as users paste it into bug reports): each entry opens with the
//! line `Winsock Catalog Provider Entry` and a rule of 54 dashes, then one `Label:` per
//! line with the value starting at column 37, and a blank line after the entry:
//!
//! ```text
//! Winsock Catalog Provider Entry
//! ------------------------------------------------------
//! Entry Type:                         Base Service Provider
//! Description:                        MSAFD Tcpip [TCP/IP]
//! Provider ID:                        {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}
//! Provider Path:                      %SystemRoot%\system32\mswsock.dll
//! Catalog Entry ID:                   1001
//! Version:                            2
//! Address Family:                     2
//! Max Address Length:                 16
//! Min Address Length:                 16
//! Socket Type:                        1
//! Protocol:                           6
//! Service Flags:                      0x20066
//! Protocol Chain Length:              1
//! ```
//!
//! The entry type is `Base Service Provider` for `ChainLen` 1, `Layered Service Provider`
//! for a layer's own entry (`ChainLen` 0), and `Layered Chain Entry` for a chain
//! (`ChainLen` > 1), whose entry ends with one more line, unpadded, listing the chain's
//! catalog ids joined by ` : ` (`Protocol Chain: 1018 : 1004`). Numbers are decimal,
//! service flags hex.

use std::fmt::Write as _;
use wsp::types::{GUID, WSAPROTOCOL_INFOW};

/// Width of the label column, colon and padding included.
const LABEL_WIDTH: usize = 36;

/// A GUID as Windows prints it: `{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}`.
pub fn guid(g: &GUID) -> String {
    let d = &g.Data4;
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g.Data1, g.Data2, g.Data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

/// The `Entry Type` for an entry's `ChainLen`.
pub fn entry_type(chain_len: i32) -> &'static str {
    match chain_len {
        1 => "Base Service Provider",
        0 => "Layered Service Provider",
        _ => "Layered Chain Entry",
    }
}

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let label = format!("{label}:");
    let _ = writeln!(out, "{label:<LABEL_WIDTH$}{value}");
}

/// One entry, served by the library at `path`.
pub fn entry(info: &WSAPROTOCOL_INFOW, path: &str) -> String {
    let mut out = String::new();
    out.push_str("Winsock Catalog Provider Entry\n");
    out.push_str(&"-".repeat(54));
    out.push('\n');
    let chain = &info.ProtocolChain;
    line(&mut out, "Entry Type", entry_type(chain.ChainLen));
    line(&mut out, "Description", info.protocol_name());
    line(&mut out, "Provider ID", guid(&info.ProviderId));
    line(&mut out, "Provider Path", path);
    line(&mut out, "Catalog Entry ID", info.dwCatalogEntryId);
    line(&mut out, "Version", info.iVersion);
    line(&mut out, "Address Family", info.iAddressFamily);
    line(&mut out, "Max Address Length", info.iMaxSockAddr);
    line(&mut out, "Min Address Length", info.iMinSockAddr);
    line(&mut out, "Socket Type", info.iSocketType);
    line(&mut out, "Protocol", info.iProtocol);
    line(
        &mut out,
        "Service Flags",
        format_args!("{:#x}", info.dwServiceFlags1),
    );
    line(&mut out, "Protocol Chain Length", chain.ChainLen);
    if chain.ChainLen > 1 {
        let n = (chain.ChainLen as usize).min(chain.ChainEntries.len());
        let ids: Vec<String> = chain.ChainEntries[..n]
            .iter()
            .map(|id| id.to_string())
            .collect();
        let _ = writeln!(out, "Protocol Chain: {}", ids.join(" : "));
    }
    out.push('\n');
    out
}

/// Every entry, in catalog order, each with the library that serves it.
pub fn show(entries: &[(WSAPROTOCOL_INFOW, String)]) -> String {
    entries.iter().map(|(i, p)| entry(i, p)).collect()
}

/// The file name of the in-tree provider library (the cdylib of `wsp-provider`).
pub const IN_TREE_PATH: &str = if cfg!(windows) {
    "wsp_provider.dll"
} else if cfg!(target_os = "macos") {
    "libwsp_provider.dylib"
} else {
    "libwsp_provider.so"
};

/// The in-tree provider's catalog, each entry with [`IN_TREE_PATH`].
pub fn in_tree() -> Vec<(WSAPROTOCOL_INFOW, String)> {
    wsp::catalog::entries()
        .into_iter()
        .map(|e| (e, IN_TREE_PATH.to_string()))
        .collect()
}

/// Where the trace layer runs when `WSP_TRACE` (or `wsp trace`) puts it in a program's
/// chain: inside the ws2_32 shim, over the provider the shim loads.
pub const TRACE_LAYER_PATH: &str = if cfg!(windows) {
    "ws2_32.dll (WSP_TRACE)"
} else if cfg!(target_os = "macos") {
    "libws2_32.dylib (WSP_TRACE)"
} else {
    "libws2_32.so (WSP_TRACE)"
};

/// The entries of the trace layer over `below` as the shim builds them for `WSP_TRACE`:
/// the layered protocol entry, then one chain entry per entry below (catalog id order).
pub fn trace_layer(below: &[WSAPROTOCOL_INFOW]) -> Vec<(WSAPROTOCOL_INFOW, String)> {
    use wsp::layer::catalog::{default_layer_id, layered_entries};
    let mut v = layered_entries(wsp_trace::NAME, default_layer_id(wsp_trace::NAME), below);
    v.sort_by_key(|e| e.dwCatalogEntryId);
    v.into_iter()
        .map(|e| (e, TRACE_LAYER_PATH.to_string()))
        .collect()
}

/// The catalog of the provider library at `path` (its `WSPEnumCatalog`).
pub fn from_library(path: &std::path::Path) -> Result<Vec<(WSAPROTOCOL_INFOW, String)>, String> {
    use wsp_provider::ffi::{calls, loader};
    let lib = loader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let f = lib
        .wsp_enum_catalog()
        .ok_or_else(|| format!("{}: no WSPEnumCatalog", path.display()))?;
    let entries = calls::enum_catalog(f).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(entries
        .into_iter()
        .map(|e| (e, path.display().to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsp::types::WSAPROTOCOLCHAIN;

    /// MSAFD's TCP/IP entry as `WSCEnumProtocols` reports it on Windows.
    fn msafd_tcp() -> WSAPROTOCOL_INFOW {
        let mut i = WSAPROTOCOL_INFOW {
            dwServiceFlags1: 0x20066,
            ProviderId: GUID {
                Data1: 0xE70F1AA0,
                Data2: 0xAB8B,
                Data3: 0x11CF,
                Data4: [0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92],
            },
            dwCatalogEntryId: 1001,
            ProtocolChain: WSAPROTOCOLCHAIN {
                ChainLen: 1,
                ChainEntries: [0; 7],
            },
            iVersion: 2,
            iAddressFamily: 2,
            iMaxSockAddr: 16,
            iMinSockAddr: 16,
            iSocketType: 1,
            iProtocol: 6,
            ..WSAPROTOCOL_INFOW::default()
        };
        i.set_protocol_name("MSAFD Tcpip [TCP/IP]");
        i
    }

    #[test]
    fn base_entry_matches_netsh_layout() {
        let want = "\
Winsock Catalog Provider Entry
------------------------------------------------------
Entry Type:                         Base Service Provider
Description:                        MSAFD Tcpip [TCP/IP]
Provider ID:                        {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}
Provider Path:                      %SystemRoot%\\system32\\mswsock.dll
Catalog Entry ID:                   1001
Version:                            2
Address Family:                     2
Max Address Length:                 16
Min Address Length:                 16
Socket Type:                        1
Protocol:                           6
Service Flags:                      0x20066
Protocol Chain Length:              1

";
        assert_eq!(
            entry(&msafd_tcp(), "%SystemRoot%\\system32\\mswsock.dll"),
            want
        );
    }

    #[test]
    fn chain_entry_lists_its_catalog_ids() {
        let mut c = msafd_tcp();
        c.set_protocol_name("SomeLSP over [MSAFD Tcpip [TCP/IP]]");
        c.dwCatalogEntryId = 1019;
        c.ProtocolChain.ChainLen = 2;
        c.ProtocolChain.ChainEntries[..2].copy_from_slice(&[1018, 1004]);
        let text = entry(&c, "lsp.dll");
        assert!(text.contains("\nEntry Type:                         Layered Chain Entry\n"));
        assert!(text
            .ends_with("Protocol Chain Length:              2\nProtocol Chain: 1018 : 1004\n\n"));
        c.ProtocolChain.ChainLen = 0;
        let text = entry(&c, "lsp.dll");
        assert!(text.contains("Entry Type:                         Layered Service Provider\n"));
        assert!(!text.contains("Protocol Chain:"));
    }
}
