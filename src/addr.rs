//! Socket addresses in Winsock layout.
//!
//! [`SockAddr`] holds the bytes of a `SOCKADDR_STORAGE` exactly as Windows lays them out
//! (`u16` family first, no BSD `sin_len`), plus a length. Input addresses are checked by
//! [`SockAddr::parse`], which gives the Winsock errors Windows gives for short or foreign
//! addresses; output addresses use `len` as the caller's capacity on the way in (like
//! `*namelen`) and the written length on the way out.

use crate::error::WsaError;
use crate::types::{AF_INET, AF_INET6};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// `sizeof(SOCKADDR_STORAGE)` on Windows.
pub const SOCKADDR_STORAGE_LEN: usize = 128;
/// `sizeof(sockaddr_in)`.
pub const SOCKADDR_IN_LEN: usize = 16;
/// `sizeof(sockaddr_in6)`.
pub const SOCKADDR_IN6_LEN: usize = 28;

/// A socket address in Winsock byte layout.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SockAddr {
    bytes: [u8; SOCKADDR_STORAGE_LEN],
    len: usize,
}

impl Default for SockAddr {
    /// An empty address whose capacity is a whole `SOCKADDR_STORAGE`, ready to be filled.
    fn default() -> Self {
        SockAddr {
            bytes: [0; SOCKADDR_STORAGE_LEN],
            len: SOCKADDR_STORAGE_LEN,
        }
    }
}

impl SockAddr {
    /// An output buffer with room for `capacity` bytes (like passing `*namelen = capacity`).
    /// Capacities above 128 are clamped to 128.
    pub fn with_capacity(capacity: usize) -> SockAddr {
        SockAddr {
            bytes: [0; SOCKADDR_STORAGE_LEN],
            len: capacity.min(SOCKADDR_STORAGE_LEN),
        }
    }

    /// Raw bytes as a caller passed them (`name`, `namelen`). Longer input is truncated to
    /// 128 bytes, which is more than any address family here uses.
    pub fn from_bytes(raw: &[u8]) -> SockAddr {
        let mut bytes = [0; SOCKADDR_STORAGE_LEN];
        let len = raw.len().min(SOCKADDR_STORAGE_LEN);
        bytes[..len].copy_from_slice(&raw[..len]);
        SockAddr { bytes, len }
    }

    /// The address's bytes (the first `len()` bytes of the storage).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Length in bytes (`namelen`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the length is zero.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Set the length (for building deliberately short or odd addresses in tests).
    pub fn set_len(&mut self, len: usize) {
        self.len = len.min(SOCKADDR_STORAGE_LEN);
    }

    /// The address family field (`sa_family`), or `None` if shorter than two bytes.
    pub fn family(&self) -> Option<i32> {
        if self.len < 2 {
            None
        } else {
            Some(i32::from(u16::from_le_bytes([
                self.bytes[0],
                self.bytes[1],
            ])))
        }
    }

    /// Encode a Rust socket address in Winsock layout.
    pub fn from_std(addr: SocketAddr) -> SockAddr {
        let mut bytes = [0u8; SOCKADDR_STORAGE_LEN];
        match addr {
            SocketAddr::V4(a) => {
                bytes[0..2].copy_from_slice(&(AF_INET as u16).to_le_bytes());
                bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
                bytes[4..8].copy_from_slice(&a.ip().octets());
                SockAddr {
                    bytes,
                    len: SOCKADDR_IN_LEN,
                }
            }
            SocketAddr::V6(a) => {
                bytes[0..2].copy_from_slice(&(AF_INET6 as u16).to_le_bytes());
                bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
                // sin6_flowinfo is stored in network order, as the host APIs do.
                bytes[4..8].copy_from_slice(&a.flowinfo().to_be_bytes());
                bytes[8..24].copy_from_slice(&a.ip().octets());
                bytes[24..28].copy_from_slice(&a.scope_id().to_le_bytes());
                SockAddr {
                    bytes,
                    len: SOCKADDR_IN6_LEN,
                }
            }
        }
    }

    /// Decode as a Rust socket address, if the family is `AF_INET`/`AF_INET6` and the
    /// length covers the structure.
    pub fn to_std(&self) -> Option<SocketAddr> {
        match self.family()? {
            AF_INET if self.len >= SOCKADDR_IN_LEN => {
                let port = u16::from_be_bytes([self.bytes[2], self.bytes[3]]);
                let ip = Ipv4Addr::new(self.bytes[4], self.bytes[5], self.bytes[6], self.bytes[7]);
                Some(SocketAddr::V4(SocketAddrV4::new(ip, port)))
            }
            AF_INET6 if self.len >= SOCKADDR_IN6_LEN => {
                let port = u16::from_be_bytes([self.bytes[2], self.bytes[3]]);
                let flow = u32::from_be_bytes(self.bytes[4..8].try_into().ok()?);
                let mut oct = [0u8; 16];
                oct.copy_from_slice(&self.bytes[8..24]);
                let scope = u32::from_le_bytes(self.bytes[24..28].try_into().ok()?);
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(oct),
                    port,
                    flow,
                    scope,
                )))
            }
            _ => None,
        }
    }

    /// Validate an input address for a socket of family `af`, as `WSPBind`/`WSPConnect`/
    /// `WSPSendTo` do on Windows: shorter than the family's structure gives `WSAEFAULT`,
    /// a different family gives `WSAEAFNOSUPPORT`.
    pub fn parse(&self, af: i32) -> Result<SocketAddr, WsaError> {
        let need = match af {
            AF_INET => SOCKADDR_IN_LEN,
            AF_INET6 => SOCKADDR_IN6_LEN,
            _ => return Err(WsaError::WSAEAFNOSUPPORT),
        };
        // Windows checks the length before the family: a too-short name is a fault.
        if self.len < need {
            return Err(WsaError::WSAEFAULT);
        }
        if self.family() != Some(af) {
            return Err(WsaError::WSAEAFNOSUPPORT);
        }
        self.to_std().ok_or(WsaError::WSAEFAULT)
    }

    /// Store `addr` into this output buffer, whose current `len()` is the caller's
    /// capacity. Too small a capacity gives `WSAEFAULT` and leaves the buffer untouched.
    pub fn store(&mut self, addr: SocketAddr) -> Result<(), WsaError> {
        let encoded = SockAddr::from_std(addr);
        if self.len < encoded.len {
            return Err(WsaError::WSAEFAULT);
        }
        *self = encoded;
        Ok(())
    }
}

impl From<SocketAddr> for SockAddr {
    fn from(a: SocketAddr) -> Self {
        SockAddr::from_std(a)
    }
}

impl core::fmt::Debug for SockAddr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.to_std() {
            Some(a) => write!(f, "SockAddr({a})"),
            None => write!(f, "SockAddr({:?})", self.as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_layout_is_winsock_layout() {
        let a = SockAddr::from_std("127.0.0.1:8080".parse().unwrap());
        assert_eq!(a.len(), 16);
        assert_eq!(&a.as_bytes()[..8], &[2, 0, 0x1f, 0x90, 127, 0, 0, 1]);
    }

    #[test]
    fn ipv6_layout_is_winsock_layout() {
        let a = SockAddr::from_std("[::1%3]:1".parse().unwrap());
        assert_eq!(a.len(), 28);
        assert_eq!(&a.as_bytes()[..4], &[23, 0, 0, 1]);
        assert_eq!(a.as_bytes()[23], 1);
        assert_eq!(&a.as_bytes()[24..28], &[3, 0, 0, 0]);
        assert_eq!(a.to_std().unwrap(), "[::1%3]:1".parse().unwrap());
    }

    #[test]
    fn short_address_is_fault_and_wrong_family_is_afnosupport() {
        let mut a = SockAddr::from_std("127.0.0.1:1".parse().unwrap());
        assert_eq!(a.parse(AF_INET6), Err(WsaError::WSAEFAULT));
        a.set_len(15);
        assert_eq!(a.parse(AF_INET), Err(WsaError::WSAEFAULT));
        let b = SockAddr::from_std("[::1]:1".parse().unwrap());
        assert_eq!(b.parse(AF_INET), Err(WsaError::WSAEAFNOSUPPORT));
    }

    #[test]
    fn store_respects_capacity() {
        let mut out = SockAddr::with_capacity(15);
        assert_eq!(
            out.store("127.0.0.1:1".parse().unwrap()),
            Err(WsaError::WSAEFAULT)
        );
        let mut out = SockAddr::with_capacity(16);
        out.store("127.0.0.1:1".parse().unwrap()).unwrap();
        assert_eq!(out.len(), 16);
    }
}
