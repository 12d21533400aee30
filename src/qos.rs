//! QoS templates for `WSPGetQOSByName`.
//!
//! The WSPGetQOSByName page
//! (<https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nc-ws2spi-lpwspgetqosbyname>)
//! names the lookup and the enumeration; the flow specifications themselves are "up to each
//! service provider to determine" (Windows Sockets 2 overview, "QOS Templates"). Windows
//! 2000/XP shipped them in the registry (`Winsock2\QOS\GlobalQosTemplates`); their numbers
//! could not be found in public material, so this provider derives its own from each codec's
//! bit rate and frame time, counting 40 bytes of IP, UDP and RTP headers per packet:
//!
//! * audio: one packet per frame, `TokenRate` = packet / frame time, `TokenBucketSize` =
//!   two packets, `PeakBandwidth` = twice the token rate, guaranteed service;
//! * video: `TokenRate` = bit rate / 8, a half-second bucket, peak twice the rate,
//!   packets up to 1,400 bytes, controlled load.
//!
//! Windows Vista and later no longer support WSAGetQOSByName (it fails `WSAEOPNOTSUPP`,
//! <https://learn.microsoft.com/en-us/previous-versions/aa374496(v=vs.80)>); this provider
//! keeps the Windows 2000 behaviour, which is what the SPI documents.

use crate::types::{
    Qos, FLOWSPEC, QOS_NOT_SPECIFIED, SERVICETYPE_CONTROLLEDLOAD, SERVICETYPE_GUARANTEED,
};

/// Bytes of IP (20), UDP (8) and RTP (12) headers per packet.
const HEADERS: u32 = 40;

/// Template names, in the order enumeration returns them.
pub const TEMPLATE_NAMES: [&str; 8] = [
    "G711", "G723.1", "G729", "GSM6.10", "H261QCIF", "H261CIF", "H263QCIF", "H263CIF",
];

fn audio(bits_per_sec: u32, frame_ms: u32) -> FLOWSPEC {
    let payload = (bits_per_sec * frame_ms).div_ceil(8 * 1000);
    let packet = payload + HEADERS;
    let rate = (packet * 1000).div_ceil(frame_ms);
    FLOWSPEC {
        TokenRate: rate,
        TokenBucketSize: 2 * packet,
        PeakBandwidth: 2 * rate,
        Latency: QOS_NOT_SPECIFIED,
        DelayVariation: QOS_NOT_SPECIFIED,
        ServiceType: SERVICETYPE_GUARANTEED,
        MaxSduSize: packet,
        MinimumPolicedSize: packet,
    }
}

fn video(bits_per_sec: u32) -> FLOWSPEC {
    let rate = bits_per_sec / 8;
    FLOWSPEC {
        TokenRate: rate,
        TokenBucketSize: rate / 2,
        PeakBandwidth: 2 * rate,
        Latency: QOS_NOT_SPECIFIED,
        DelayVariation: QOS_NOT_SPECIFIED,
        ServiceType: SERVICETYPE_CONTROLLEDLOAD,
        MaxSduSize: 1400,
        MinimumPolicedSize: HEADERS,
    }
}

/// The flow specification of template `name` (exact, case-sensitive match), used for both
/// directions.
pub fn flowspec(name: &str) -> Option<FLOWSPEC> {
    Some(match name {
        "G711" => audio(64_000, 20),
        "G723.1" => audio(6_300, 30),
        "G729" => audio(8_000, 20),
        "GSM6.10" => audio(13_200, 20),
        "H261QCIF" => video(64_000),
        "H261CIF" => video(128_000),
        "H263QCIF" => video(32_000),
        "H263CIF" => video(128_000),
        _ => return None,
    })
}

/// The `QOS` of template `name`, or `None` for an unknown name (`WSAEINVAL` at the SPI).
pub fn template(name: &str) -> Option<Qos> {
    let f = flowspec(name)?;
    Some(Qos {
        sending: f,
        receiving: f,
        provider_specific: Vec::new(),
    })
}

/// Enumeration: the names as NUL-terminated UTF-16LE strings followed by an empty name,
/// cut to `out`'s length ("as many ... as are available, up to the number of bytes
/// available"). Returns the bytes written.
pub fn write_names(out: &mut [u8]) -> usize {
    let mut all = Vec::new();
    for n in TEMPLATE_NAMES {
        for u in n.encode_utf16().chain([0]) {
            all.extend_from_slice(&u.to_le_bytes());
        }
    }
    all.extend_from_slice(&[0, 0]);
    let n = all.len().min(out.len());
    out[..n].copy_from_slice(&all[..n]);
    n
}
