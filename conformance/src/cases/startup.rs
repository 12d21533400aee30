//! `WSPStartup` and `WSPCleanup`: version negotiation, the user count, and what the last
//! cleanup does to open sockets.

use super::doc;
use crate::*;
use wsp::types::*;
use wsp::{WsaError, Wsp};

/// The cases of this module.
pub fn cases() -> Vec<Case> {
    vec![
        case!(startup_2_2_gives_version_2_2, "WSPStartup", doc::STARTUP,
            "0 / wVersion = wHighVersion = 0x0202"),
        case!(startup_1_1_gives_wsavernotsupported, "WSPStartup",
            "https://learn.microsoft.com/en-us/windows/win32/api/ws2spi/nf-ws2spi-wspstartup (the SPI exists only in Winsock 2: a 1.x request is a version the provider does not support)",
            "WSAVERNOTSUPPORTED"),
        case!(startup_3_0_negotiates_version_2_2, "WSPStartup", doc::STARTUP,
            "0 / wVersion = 0x0202 (the highest the provider supports below the request)"),
        case!(calls_before_startup_give_wsanotinitialised, "WSPStartup", doc::STARTUP,
            "INVALID_SOCKET / WSANOTINITIALISED"),
        case!(cleanup_without_startup_gives_wsanotinitialised, "WSPCleanup", doc::CLEANUP,
            "SOCKET_ERROR / WSANOTINITIALISED"),
        case!(calls_after_last_cleanup_give_wsanotinitialised, "WSPCleanup", doc::CLEANUP,
            "INVALID_SOCKET / WSANOTINITIALISED"),
        case!(two_startups_need_two_cleanups, "WSPCleanup", doc::CLEANUP,
            "0 for both cleanups; sockets work after the first, WSANOTINITIALISED after the second"),
        case!(last_cleanup_closes_sockets, "WSPCleanup", doc::CLEANUP,
            "a socket open at the last cleanup gives SOCKET_ERROR / WSAENOTSOCK after a new startup"),
    ]
}

fn startup_2_2_gives_version_2_2(w: &dyn Wsp) -> Step<()> {
    let mut fx = Fixture::unstarted(w);
    let data = expect_ok("WSPStartup(2.2)", w.startup(0x0202))?;
    fx.started();
    expect_eq("wVersion", data.wVersion, 0x0202)?;
    expect_eq("wHighVersion", data.wHighVersion, 0x0202)
}

fn startup_1_1_gives_wsavernotsupported(w: &dyn Wsp) -> Step<()> {
    let r = w.startup(0x0101);
    if r.is_ok() {
        let _ = w.cleanup();
    }
    expect_err("WSPStartup(1.1)", r, WsaError::WSAVERNOTSUPPORTED)
}

fn startup_3_0_negotiates_version_2_2(w: &dyn Wsp) -> Step<()> {
    let mut fx = Fixture::unstarted(w);
    let data = expect_ok("WSPStartup(3.0)", w.startup(make_word(3, 0)))?;
    fx.started();
    expect_eq("wVersion", data.wVersion, 0x0202)?;
    expect_eq("wHighVersion", data.wHighVersion, 0x0202)
}

fn calls_before_startup_give_wsanotinitialised(w: &dyn Wsp) -> Step<()> {
    expect_err(
        "WSPSocket before WSPStartup",
        w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0),
        WsaError::WSANOTINITIALISED,
    )
}

fn cleanup_without_startup_gives_wsanotinitialised(w: &dyn Wsp) -> Step<()> {
    expect_err(
        "WSPCleanup before WSPStartup",
        w.cleanup(),
        WsaError::WSANOTINITIALISED,
    )
}

fn calls_after_last_cleanup_give_wsanotinitialised(w: &dyn Wsp) -> Step<()> {
    let mut fx = Fixture::start(w)?;
    expect_ok("WSPCleanup", w.cleanup())?;
    fx.cleaned_up();
    expect_err(
        "WSPSocket after the last WSPCleanup",
        w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0),
        WsaError::WSANOTINITIALISED,
    )?;
    expect_err(
        "second WSPCleanup",
        w.cleanup(),
        WsaError::WSANOTINITIALISED,
    )
}

fn two_startups_need_two_cleanups(w: &dyn Wsp) -> Step<()> {
    let mut fx = Fixture::start(w)?;
    expect_ok("second WSPStartup", w.startup(0x0202))?;
    expect_ok("first WSPCleanup", w.cleanup())?;
    let s = fx.tcp()?;
    fx.close(s)?;
    expect_ok("second WSPCleanup", w.cleanup())?;
    fx.cleaned_up();
    expect_err(
        "WSPSocket after the second WSPCleanup",
        w.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0),
        WsaError::WSANOTINITIALISED,
    )
}

fn last_cleanup_closes_sockets(w: &dyn Wsp) -> Step<()> {
    let mut fx = Fixture::start(w)?;
    let s = fx.tcp()?;
    fx.forget(s);
    expect_ok("WSPCleanup", w.cleanup())?;
    fx.cleaned_up();
    expect_ok("WSPStartup again", w.startup(0x0202))?;
    fx.started();
    expect_err(
        "WSPCloseSocket on a socket open at the last cleanup",
        w.close_socket(s),
        WsaError::WSAENOTSOCK,
    )
}
