//! Decoding C arguments into engine values, and encoding results back: all of it over byte
//! slices, with no pointers.
//!
//! Two tiers, as in smoltcp's `wire`: [`crate::ffi::mem`] turns a caller's pointer and
//! declared length into a byte slice (the only `unsafe` step), and this module turns bytes
//! into typed values with Windows' errors for what does not fit. Because every function
//! here takes `&[u8]`, a fuzz target can call it on arbitrary input, and the tests below
//! use byte fixtures.
//!
//! Windows' rules applied here:
//! * a length that is negative, or shorter than the structure it must hold, is `WSAEFAULT`;
//! * a `WSABUF` with a non-zero length and a null pointer is `WSAEFAULT`;
//! * an `fd_set` is read for exactly `fd_count` handles, never the whole `FD_SETSIZE`;
//! * text is UTF-16 up to the first NUL; unpaired surrogates are `WSAEINVAL`.

use crate::abi::{FD_SET, QOS, WSABUF};
use core::mem::{offset_of, size_of};
use wsp::types::{Qos, FLOWSPEC, TIMEVAL, WSAPROTOCOL_INFOW, WSAPROTOCOL_LEN};
use wsp::{FdSet, SockAddr, WsaError};

/// Largest `fd_count` accepted (Windows has no fixed limit; this bounds what we read).
pub const MAX_FD_COUNT: usize = 1 << 16;
/// `sizeof(WSABUF)`.
pub const WSABUF_LEN: usize = size_of::<WSABUF>();
/// Bytes of an `fd_set` before `fd_array`.
pub const FD_SET_HEADER: usize = offset_of!(FD_SET, fd_array);
/// `sizeof(QOS)`.
pub const QOS_LEN: usize = size_of::<QOS>();
/// `sizeof(WSAPROTOCOL_INFOW)`.
pub const PROTOCOL_INFO_LEN: usize = size_of::<WSAPROTOCOL_INFOW>();

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn i32_at(b: &[u8], at: usize) -> i32 {
    u32_at(b, at) as i32
}
fn usize_at(b: &[u8], at: usize) -> usize {
    let mut raw = [0u8; size_of::<usize>()];
    raw.copy_from_slice(&b[at..at + size_of::<usize>()]);
    usize::from_le_bytes(raw)
}

/// A caller's `int` length (`namelen`, `optlen`, `iTolen`): negative is `WSAEFAULT`.
pub fn length(len: i32) -> Result<usize, WsaError> {
    usize::try_from(len).map_err(|_| WsaError::WSAEFAULT)
}

/// An input address of `bytes.len()` bytes (the caller's `namelen`). The engine checks the
/// family and the length against the socket ([`SockAddr::parse`]).
pub fn sockaddr(bytes: &[u8]) -> SockAddr {
    SockAddr::from_bytes(bytes)
}

/// Store `addr` into an output buffer of `out.len()` bytes (the caller's `*namelen`):
/// returns the length to write back. Too small a buffer is `WSAEFAULT` and writes nothing.
pub fn put_sockaddr(addr: &SockAddr, out: &mut [u8]) -> Result<usize, WsaError> {
    let b = addr.as_bytes();
    let dst = out.get_mut(..b.len()).ok_or(WsaError::WSAEFAULT)?;
    dst.copy_from_slice(b);
    Ok(b.len())
}

/// One `WSABUF` as a descriptor: `(len, pointer value)`. A null pointer with a non-zero
/// length is `WSAEFAULT`.
pub fn wsabuf(bytes: &[u8]) -> Result<(u32, usize), WsaError> {
    if bytes.len() < WSABUF_LEN {
        return Err(WsaError::WSAEFAULT);
    }
    let len = u32_at(bytes, offset_of!(WSABUF, len));
    let ptr = usize_at(bytes, offset_of!(WSABUF, buf));
    if ptr == 0 && len != 0 {
        return Err(WsaError::WSAEFAULT);
    }
    Ok((len, ptr))
}

/// An array of `WSABUF`s (`lpBuffers`, `dwBufferCount` × 16 bytes) as descriptors.
pub fn wsabufs(bytes: &[u8]) -> Result<Vec<(u32, usize)>, WsaError> {
    if bytes.len() % WSABUF_LEN != 0 {
        return Err(WsaError::WSAEFAULT);
    }
    bytes.chunks_exact(WSABUF_LEN).map(wsabuf).collect()
}

/// The `fd_count` of an `fd_set` from its header bytes; more than [`MAX_FD_COUNT`] is
/// `WSAEINVAL`.
pub fn fd_count(header: &[u8]) -> Result<usize, WsaError> {
    if header.len() < 4 {
        return Err(WsaError::WSAEFAULT);
    }
    let n = u32_at(header, 0) as usize;
    if n > MAX_FD_COUNT {
        return Err(WsaError::WSAEINVAL);
    }
    Ok(n)
}

/// Bytes an `fd_set` with `count` handles occupies.
pub fn fd_set_len(count: usize) -> usize {
    FD_SET_HEADER + count * size_of::<usize>()
}

/// An `fd_set`: the header and exactly `fd_count` handles (shorter input is `WSAEFAULT`).
pub fn fd_set(bytes: &[u8]) -> Result<FdSet, WsaError> {
    let n = fd_count(bytes)?;
    if bytes.len() < fd_set_len(n) {
        return Err(WsaError::WSAEFAULT);
    }
    let mut set = FdSet::new();
    for i in 0..n {
        set.fd_array
            .push(usize_at(bytes, FD_SET_HEADER + i * size_of::<usize>()));
    }
    Ok(set)
}

/// Write `set` back over the caller's `fd_set` bytes: the count and the handles, never more
/// handles than `out` holds (the engine only ever removes handles).
pub fn put_fd_set(set: &FdSet, out: &mut [u8]) -> Result<(), WsaError> {
    if out.len() < fd_set_len(set.len()) {
        return Err(WsaError::WSAEFAULT);
    }
    out[..4].copy_from_slice(&(set.len() as u32).to_le_bytes());
    for (i, s) in set.fd_array.iter().enumerate() {
        let at = FD_SET_HEADER + i * size_of::<usize>();
        out[at..at + size_of::<usize>()].copy_from_slice(&s.to_le_bytes());
    }
    Ok(())
}

/// A `timeval` (two 32-bit `long`s).
pub fn timeval(bytes: &[u8]) -> Result<TIMEVAL, WsaError> {
    if bytes.len() < size_of::<TIMEVAL>() {
        return Err(WsaError::WSAEFAULT);
    }
    Ok(TIMEVAL {
        tv_sec: i32_at(bytes, 0),
        tv_usec: i32_at(bytes, 4),
    })
}

fn flowspec(b: &[u8]) -> FLOWSPEC {
    FLOWSPEC {
        TokenRate: u32_at(b, 0),
        TokenBucketSize: u32_at(b, 4),
        PeakBandwidth: u32_at(b, 8),
        Latency: u32_at(b, 12),
        DelayVariation: u32_at(b, 16),
        ServiceType: u32_at(b, 20),
        MaxSduSize: u32_at(b, 24),
        MinimumPolicedSize: u32_at(b, 28),
    }
}

/// A `QOS`: the two flow specs, and the provider-specific `WSABUF` as a descriptor whose
/// bytes the caller fetches separately.
pub fn qos(bytes: &[u8]) -> Result<(Qos, (u32, usize)), WsaError> {
    if bytes.len() < QOS_LEN {
        return Err(WsaError::WSAEFAULT);
    }
    let q = Qos {
        sending: flowspec(&bytes[offset_of!(QOS, SendingFlowspec)..]),
        receiving: flowspec(&bytes[offset_of!(QOS, ReceivingFlowspec)..]),
        provider_specific: Vec::new(),
    };
    let buf = wsabuf(&bytes[offset_of!(QOS, ProviderSpecific)..])?;
    Ok((q, buf))
}

/// A `WSAPROTOCOL_INFOW`, field by field.
pub fn protocol_info(b: &[u8]) -> Result<WSAPROTOCOL_INFOW, WsaError> {
    if b.len() < PROTOCOL_INFO_LEN {
        return Err(WsaError::WSAEFAULT);
    }
    let mut p = WSAPROTOCOL_INFOW {
        dwServiceFlags1: u32_at(b, 0),
        dwServiceFlags2: u32_at(b, 4),
        dwServiceFlags3: u32_at(b, 8),
        dwServiceFlags4: u32_at(b, 12),
        dwProviderFlags: u32_at(b, 16),
        dwCatalogEntryId: u32_at(b, 36),
        iVersion: i32_at(b, 72),
        iAddressFamily: i32_at(b, 76),
        iMaxSockAddr: i32_at(b, 80),
        iMinSockAddr: i32_at(b, 84),
        iSocketType: i32_at(b, 88),
        iProtocol: i32_at(b, 92),
        iProtocolMaxOffset: i32_at(b, 96),
        iNetworkByteOrder: i32_at(b, 100),
        iSecurityScheme: i32_at(b, 104),
        dwMessageSize: u32_at(b, 108),
        dwProviderReserved: u32_at(b, 112),
        ..WSAPROTOCOL_INFOW::default()
    };
    p.ProviderId.Data1 = u32_at(b, 20);
    p.ProviderId.Data2 = u16_at(b, 24);
    p.ProviderId.Data3 = u16_at(b, 26);
    p.ProviderId.Data4.copy_from_slice(&b[28..36]);
    p.ProtocolChain.ChainLen = i32_at(b, 40);
    for (i, e) in p.ProtocolChain.ChainEntries.iter_mut().enumerate() {
        *e = u32_at(b, 44 + 4 * i);
    }
    for (i, c) in p.szProtocol.iter_mut().enumerate() {
        *c = u16_at(b, 116 + 2 * i);
    }
    p.szProtocol[WSAPROTOCOL_LEN] = 0;
    Ok(p)
}

/// The bytes of a `WSAPROTOCOL_INFOW` in Windows layout (the inverse of [`protocol_info`]).
pub fn put_protocol_info(p: &WSAPROTOCOL_INFOW, out: &mut [u8]) -> Result<(), WsaError> {
    let b = out
        .get_mut(..PROTOCOL_INFO_LEN)
        .ok_or(WsaError::WSAEFAULT)?;
    b.fill(0);
    let mut put = |at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
    put(0, &p.dwServiceFlags1.to_le_bytes());
    put(4, &p.dwServiceFlags2.to_le_bytes());
    put(8, &p.dwServiceFlags3.to_le_bytes());
    put(12, &p.dwServiceFlags4.to_le_bytes());
    put(16, &p.dwProviderFlags.to_le_bytes());
    put(20, &p.ProviderId.Data1.to_le_bytes());
    put(24, &p.ProviderId.Data2.to_le_bytes());
    put(26, &p.ProviderId.Data3.to_le_bytes());
    put(28, &p.ProviderId.Data4);
    put(36, &p.dwCatalogEntryId.to_le_bytes());
    put(40, &p.ProtocolChain.ChainLen.to_le_bytes());
    for (i, e) in p.ProtocolChain.ChainEntries.iter().enumerate() {
        put(44 + 4 * i, &e.to_le_bytes());
    }
    let ints = [
        p.iVersion,
        p.iAddressFamily,
        p.iMaxSockAddr,
        p.iMinSockAddr,
        p.iSocketType,
        p.iProtocol,
        p.iProtocolMaxOffset,
        p.iNetworkByteOrder,
        p.iSecurityScheme,
    ];
    for (i, v) in ints.iter().enumerate() {
        put(72 + 4 * i, &v.to_le_bytes());
    }
    put(108, &p.dwMessageSize.to_le_bytes());
    put(112, &p.dwProviderReserved.to_le_bytes());
    for (i, c) in p.szProtocol.iter().enumerate() {
        put(116 + 2 * i, &c.to_le_bytes());
    }
    Ok(())
}

/// UTF-16 text up to the first NUL (or the end of `units`). Unpaired surrogates are
/// `WSAEINVAL`.
pub fn wide(units: &[u16]) -> Result<String, WsaError> {
    let end = units.iter().position(|&c| c == 0).unwrap_or(units.len());
    String::from_utf16(&units[..end]).map_err(|_| WsaError::WSAEINVAL)
}

/// Store `text` NUL-terminated into `out` (`lpszAddressString`, capacity `out.len()`
/// characters). Returns the length in characters *including* the NUL, which is what
/// `*lpdwAddressStringLength` becomes; when `out` is too small it is `Err(needed)` and
/// nothing is written (Windows then reports `WSAEFAULT` with the needed length).
pub fn put_wide(text: &str, out: &mut [u16]) -> Result<usize, usize> {
    let units: Vec<u16> = text.encode_utf16().chain([0]).collect();
    match out.get_mut(..units.len()) {
        Some(dst) => {
            dst.copy_from_slice(&units);
            Ok(units.len())
        }
        None => Err(units.len()),
    }
}

/// Fill a `WSAPROTOCOL_INFOW` array into `out` with `WSCEnumProtocols`-style sizing: the
/// number of entries, or `Err(needed_bytes)` when `out` is too small (nothing written).
pub fn put_catalog(entries: &[WSAPROTOCOL_INFOW], out: &mut [u8]) -> Result<usize, usize> {
    let need = entries.len() * PROTOCOL_INFO_LEN;
    if out.len() < need {
        return Err(need);
    }
    for (p, chunk) in entries.iter().zip(out.chunks_exact_mut(PROTOCOL_INFO_LEN)) {
        // The chunk is exactly one structure long.
        put_protocol_info(p, chunk).map_err(|_| need)?;
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf_fixture(len: u32, ptr: usize) -> Vec<u8> {
        let mut v = len.to_le_bytes().to_vec();
        v.extend([0; 4]);
        v.extend(ptr.to_le_bytes());
        v
    }

    #[test]
    fn negative_length_is_fault() {
        assert_eq!(length(-1), Err(WsaError::WSAEFAULT));
        assert_eq!(length(16), Ok(16));
    }

    #[test]
    fn wsabuf_null_with_length_is_fault_and_null_empty_is_fine() {
        assert_eq!(wsabuf(&buf_fixture(5, 0)), Err(WsaError::WSAEFAULT));
        assert_eq!(wsabuf(&buf_fixture(0, 0)), Ok((0, 0)));
        assert_eq!(wsabuf(&buf_fixture(7, 0x1000)), Ok((7, 0x1000)));
        assert_eq!(wsabuf(&[0; 15]), Err(WsaError::WSAEFAULT));
        let mut two = buf_fixture(1, 0x10);
        two.extend(buf_fixture(2, 0x20));
        assert_eq!(wsabufs(&two), Ok(vec![(1, 0x10), (2, 0x20)]));
        assert_eq!(wsabufs(&two[..20]), Err(WsaError::WSAEFAULT));
    }

    #[test]
    fn fd_set_reads_exactly_fd_count_handles() {
        let mut b = 2u32.to_le_bytes().to_vec();
        b.extend([0xAA; 4]); // padding is ignored
        b.extend(0x104usize.to_le_bytes());
        b.extend(0x208usize.to_le_bytes());
        let set = fd_set(&b).unwrap();
        assert_eq!(set.fd_array, vec![0x104, 0x208]);
        assert_eq!(fd_set(&b[..b.len() - 1]), Err(WsaError::WSAEFAULT));
        let mut huge = (MAX_FD_COUNT as u32 + 1).to_le_bytes().to_vec();
        huge.extend([0; 4]);
        assert_eq!(fd_set(&huge), Err(WsaError::WSAEINVAL));
        // Written back: one handle left, count 1, the rest untouched.
        let mut out = b.clone();
        let mut one = FdSet::new();
        one.set(0x208);
        put_fd_set(&one, &mut out).unwrap();
        assert_eq!(u32_at(&out, 0), 1);
        assert_eq!(usize_at(&out, 8), 0x208);
    }

    #[test]
    fn sockaddr_output_respects_capacity() {
        let a = SockAddr::from_std("127.0.0.1:80".parse().unwrap());
        let mut small = [0u8; 15];
        assert_eq!(put_sockaddr(&a, &mut small), Err(WsaError::WSAEFAULT));
        assert_eq!(small, [0; 15]);
        let mut out = [0u8; 128];
        assert_eq!(put_sockaddr(&a, &mut out), Ok(16));
        assert_eq!(&out[..4], &[2, 0, 0, 80]);
    }

    #[test]
    fn protocol_info_round_trips_through_windows_bytes() {
        for p in wsp::catalog::entries() {
            let mut b = [0u8; PROTOCOL_INFO_LEN];
            put_protocol_info(&p, &mut b).unwrap();
            assert_eq!(u32_at(&b, 36), p.dwCatalogEntryId);
            assert_eq!(i32_at(&b, 76), p.iAddressFamily);
            assert_eq!(protocol_info(&b).unwrap(), p);
        }
        assert_eq!(protocol_info(&[0; 627]), Err(WsaError::WSAEFAULT));
    }

    #[test]
    fn qos_fixture() {
        let mut b = vec![0u8; QOS_LEN];
        b[0..4].copy_from_slice(&1000u32.to_le_bytes());
        b[32..36].copy_from_slice(&2000u32.to_le_bytes());
        let (q, buf) = qos(&b).unwrap();
        assert_eq!(q.sending.TokenRate, 1000);
        assert_eq!(q.receiving.TokenRate, 2000);
        assert_eq!(buf, (0, 0));
        assert!(qos(&b[..79]).is_err());
    }

    #[test]
    fn wide_text_and_sizing() {
        let units: Vec<u16> = "1.2.3.4\0junk".encode_utf16().collect();
        assert_eq!(wide(&units).unwrap(), "1.2.3.4");
        assert_eq!(wide(&[0xD800, 0x41]), Err(WsaError::WSAEINVAL));
        let mut out = [0u16; 4];
        assert_eq!(put_wide("abcd", &mut out), Err(5));
        assert_eq!(out, [0; 4]);
        let mut out = [0u16; 5];
        assert_eq!(put_wide("abcd", &mut out), Ok(5));
        assert_eq!(out[4], 0);
    }

    #[test]
    fn catalog_sizing_is_wscenumprotocols_style() {
        let cat = wsp::catalog::entries();
        let mut small = vec![0u8; PROTOCOL_INFO_LEN];
        assert_eq!(put_catalog(&cat, &mut small), Err(cat.len() * 628));
        let mut big = vec![0u8; cat.len() * 628];
        assert_eq!(put_catalog(&cat, &mut big), Ok(cat.len()));
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes() {
        // A poor man's fuzz pass: every prefix of a noisy buffer.
        let noise: Vec<u8> = (0..700u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        for n in 0..noise.len() {
            let b = &noise[..n];
            let _ = wsabufs(b);
            let _ = fd_set(b);
            let _ = timeval(b);
            let _ = qos(b);
            let _ = protocol_info(b);
            let _ = sockaddr(b).to_std();
        }
    }
}
