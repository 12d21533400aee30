//! `WSPIoctl`: `FIONBIO`, `FIONREAD`.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(
            fionbio_on_makes_accept_give_wsaewouldblock,
            "WSPIoctl",
            doc::IOCTL,
            "0; a later accept with nothing pending gives WSAEWOULDBLOCK"
        ),
        case!(
            fionbio_off_restores_blocking,
            "WSPIoctl",
            doc::IOCTL,
            "0 both times; a blocking recv then waits for data instead of WSAEWOULDBLOCK"
        ),
        case!(
            fionbio_short_input_gives_wsaefault,
            "WSPIoctl",
            doc::IOCTL,
            "SOCKET_ERROR / WSAEFAULT"
        ),
        case!(
            fionread_reports_queued_bytes,
            "WSPIoctl",
            doc::IOCTL,
            "0; 4 output bytes holding the queued byte count"
        ),
        case!(
            ioctl_garbage_handle_gives_wsaenotsock,
            "WSPIoctl",
            doc::IOCTL,
            "SOCKET_ERROR / WSAENOTSOCK"
        ),
    ]
}

fn fionbio_on_makes_accept_give_wsaewouldblock(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (l, _) = fx.listener()?;
    let n = expect_ok(
        "WSPIoctl(FIONBIO, 1)",
        w.ioctl(l, FIONBIO, &1u32.to_le_bytes(), &mut []),
    )?;
    expect_eq("bytes returned", n, 0)?;
    expect_err(
        "WSPAccept after FIONBIO 1",
        w.accept(l, None, None),
        WsaError::WSAEWOULDBLOCK,
    )
}

fn fionbio_off_restores_blocking(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    expect_ok(
        "WSPIoctl(FIONBIO, 1)",
        w.ioctl(s, FIONBIO, &1u32.to_le_bytes(), &mut []),
    )?;
    expect_ok(
        "WSPIoctl(FIONBIO, 0)",
        w.ioctl(s, FIONBIO, &0u32.to_le_bytes(), &mut []),
    )?;
    // Data is sent first, so the blocking recv has something to return.
    fx.send_all(c, b"b")?;
    expect_eq("blocking recv", fx.recv_exact(s, 1)?, b"b".to_vec())
}

fn fionbio_short_input_gives_wsaefault(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    expect_err(
        "WSPIoctl(FIONBIO) with 2 input bytes",
        w.ioctl(s, FIONBIO, &[1, 0], &mut []),
        WsaError::WSAEFAULT,
    )
}

fn fionread_reports_queued_bytes(w: &dyn Wsp) -> Step<()> {
    let fx = Fixture::start(w)?;
    let (c, s) = fx.pair()?;
    fx.send_all(c, b"12345")?;
    fx.wait_queued(s, 5)?;
    let mut out = [0u8; 4];
    let n = expect_ok("WSPIoctl(FIONREAD)", w.ioctl(s, FIONREAD, &[], &mut out))?;
    expect_eq("bytes returned", n, 4)?;
    expect_eq("FIONREAD", u32::from_le_bytes(out), 5)
}

fn ioctl_garbage_handle_gives_wsaenotsock(w: &dyn Wsp) -> Step<()> {
    let _fx = Fixture::start(w)?;
    garbage_gives_enotsock(
        "WSPIoctl(garbage)",
        w.ioctl(GARBAGE, FIONBIO, &1u32.to_le_bytes(), &mut []),
    )
}
