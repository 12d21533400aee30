//! Address text forms for `WSPAddressToString` and `WSPStringToAddress`, as Windows writes
//! and reads them.

use crate::addr::SockAddr;
use crate::error::WsaError;
use crate::types::{AF_INET, AF_INET6};
use std::net::SocketAddr;

/// Format `addr` as Windows' `WSAAddressToString` does: `a.b.c.d` or `a.b.c.d:port` for
/// IPv4 (the port only when non-zero), `addr`, `addr%scope` or `[addr%scope]:port` for IPv6.
pub fn address_to_string(addr: &SockAddr) -> Result<String, WsaError> {
    let family = addr.family().ok_or(WsaError::WSAEFAULT)?;
    let sa = addr.parse(family).map_err(|e| {
        if family != AF_INET && family != AF_INET6 {
            WsaError::WSAEINVAL
        } else {
            e
        }
    })?;
    Ok(match sa {
        SocketAddr::V4(a) if a.port() == 0 => a.ip().to_string(),
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => {
            let ip = if a.scope_id() != 0 {
                format!("{}%{}", a.ip(), a.scope_id())
            } else {
                a.ip().to_string()
            };
            if a.port() == 0 {
                ip
            } else {
                format!("[{}]:{}", ip, a.port())
            }
        }
    })
}

/// Parse `text` for family `af` as Windows' `WSAStringToAddress` does.
pub fn string_to_address(text: &str, af: i32) -> Result<SocketAddr, WsaError> {
    let parsed = match af {
        AF_INET => text
            .parse::<std::net::SocketAddrV4>()
            .map(SocketAddr::V4)
            .or_else(|_| text.parse::<std::net::Ipv4Addr>().map(|ip| (ip, 0).into())),
        AF_INET6 => text
            .parse::<std::net::SocketAddrV6>()
            .map(SocketAddr::V6)
            .or_else(|_| text.parse::<std::net::Ipv6Addr>().map(|ip| (ip, 0).into())),
        _ => return Err(WsaError::WSAEINVAL),
    };
    parsed.map_err(|_| WsaError::WSAEINVAL)
}
