//! `wsp-install`: register the provider DLL as a layered service provider over MSAFD's
//! TCP and UDP entries (IPv4 and IPv6), or remove it. Windows only.
//!
//! ```text
//! wsp-install C:\path\to\wsp_provider.dll   install: layered entry + chains, chains first
//! wsp-install --list                        print the catalog
//! wsp-install --uninstall [GUID]            remove ours (both GUIDs) or the given one
//! ```
//!
//! A broken layered provider breaks every Winsock program on the machine. Only try this
//! in a throwaway VM, and keep `wsp-install --uninstall` at hand (it needs no network).
//! Run elevated: the catalog is system-wide.

#![deny(unsafe_code)]

use wsp::types::WSAPROTOCOL_INFOW;
use wsp_provider::ffi::wsc;
use wsp_provider::next::{
    chain_entry, guid_text, is_base_tcp_udp, layered_entry, order_with_first, parse_guid,
    CHAIN_GUID, LAYERED_GUID,
};

fn name(e: &WSAPROTOCOL_INFOW) -> String {
    String::from_utf16_lossy(&e.szProtocol)
        .trim_end_matches('\0')
        .to_string()
}

fn list() -> Result<(), String> {
    let catalog = wsc::enum_protocols().map_err(|e| format!("WSCEnumProtocols: {e}"))?;
    for e in &catalog {
        let chain = &e.ProtocolChain;
        let links = chain.ChainEntries[..(chain.ChainLen.clamp(0, 7) as usize)].to_vec();
        println!(
            "{:>6} {} chain {} {:?} {}",
            e.dwCatalogEntryId,
            guid_text(&e.ProviderId),
            chain.ChainLen,
            links,
            name(e)
        );
    }
    Ok(())
}

fn install(path: &str) -> Result<(), String> {
    let catalog = wsc::enum_protocols().map_err(|e| format!("WSCEnumProtocols: {e}"))?;
    if catalog.iter().any(|e| e.ProviderId == LAYERED_GUID) {
        return Err("already installed; run --uninstall first".into());
    }
    let bases: Vec<WSAPROTOCOL_INFOW> = catalog
        .iter()
        .filter(|e| is_base_tcp_udp(e))
        .copied()
        .collect();
    let first = bases
        .first()
        .ok_or("no base TCP/UDP entry (MSAFD) in the catalog")?;
    wsc::install_provider(&LAYERED_GUID, path, &[layered_entry(first)])
        .map_err(|e| format!("WSCInstallProvider (layered): {e}"))?;
    let after = wsc::enum_protocols().map_err(|e| format!("WSCEnumProtocols: {e}"))?;
    let layered_id = after
        .iter()
        .find(|e| e.ProviderId == LAYERED_GUID)
        .map(|e| e.dwCatalogEntryId)
        .ok_or("the layered entry was installed but is not in the catalog")?;
    let chains: Vec<WSAPROTOCOL_INFOW> = bases.iter().map(|b| chain_entry(layered_id, b)).collect();
    if let Err(e) = wsc::install_provider(&CHAIN_GUID, path, &chains) {
        let _ = wsc::deinstall_provider(&LAYERED_GUID);
        return Err(format!(
            "WSCInstallProvider (chains): {e}; layered entry removed"
        ));
    }
    let now = wsc::enum_protocols().map_err(|e| format!("WSCEnumProtocols: {e}"))?;
    let ours: Vec<u32> = now
        .iter()
        .filter(|e| e.ProviderId == CHAIN_GUID)
        .map(|e| e.dwCatalogEntryId)
        .collect();
    if let Err(e) = wsc::write_provider_order(&order_with_first(&now, &ours)) {
        eprintln!("WSCWriteProviderOrder: {e} (chains installed but not first)");
    }
    println!(
        "installed: layered entry {layered_id} ({}), {} chains ({})",
        guid_text(&LAYERED_GUID),
        ours.len(),
        guid_text(&CHAIN_GUID)
    );
    Ok(())
}

fn uninstall(guid: Option<&str>) -> Result<(), String> {
    let ids = match guid {
        Some(g) => vec![parse_guid(g).ok_or_else(|| format!("not a GUID: {g}"))?],
        // Chains first: they refer to the layered entry.
        None => vec![CHAIN_GUID, LAYERED_GUID],
    };
    let mut failed = Vec::new();
    for id in &ids {
        match wsc::deinstall_provider(id) {
            Ok(()) => println!("removed {}", guid_text(id)),
            Err(e) => failed.push(format!("WSCDeinstallProvider {}: {e}", guid_text(id))),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; "))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["--list"] => list(),
        ["--uninstall"] => uninstall(None),
        ["--uninstall", g] => uninstall(Some(g)),
        [path] if !path.starts_with('-') => install(path),
        _ => Err("usage: wsp-install DLL_PATH | --list | --uninstall [GUID]".into()),
    };
    if let Err(e) = r {
        eprintln!("wsp-install: {e}");
        std::process::exit(if cfg!(windows) { 1 } else { 2 });
    }
}
