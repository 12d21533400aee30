//! The fixture every case works through: a started provider, sockets that are closed on
//! drop, and the small set of arrangements (bound socket, listener, connected pair) that
//! most cases begin with.

use crate::{expect_eq, expect_ok, expect_true, Outcome, Step};
use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};
use wsp::sync::Event;
use wsp::types::*;
use wsp::{SockAddr, WsaError, Wsp};

// The option numbers now live in `wsp::types` (the options work); re-exported so cases
// that import them from here keep working.
pub use wsp::types::{SO_ACCEPTCONN, SO_LINGER, SO_RCVBUF, SO_REUSEADDR, SO_TYPE};

/// How long a case waits for something that is already on its way (an event being
/// signalled, data that was sent on loopback). Generous: only a broken provider waits it out.
pub const BOUND: Duration = Duration::from_secs(5);

/// A handle no provider hands out: not a multiple of four, far above any table.
pub const GARBAGE: SOCKET = 0x7bad_f00d;

/// `127.0.0.1:port`.
pub fn v4(port: u16) -> SockAddr {
    SockAddr::from_std(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
}

/// `[::1]:port`.
pub fn v6(port: u16) -> SockAddr {
    SockAddr::from_std(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port))
}

/// Decode an address the provider returned, failing the case if it is not IP.
pub fn std_addr(what: &str, a: &SockAddr) -> Step<SocketAddr> {
    a.to_std()
        .ok_or_else(|| Outcome::Fail(format!("{what}: not an IP address: {a:?}")))
}

/// A started provider plus the sockets a case opened.
pub struct Fixture<'a> {
    /// The provider under test.
    pub w: &'a dyn Wsp,
    socks: RefCell<Vec<SOCKET>>,
    started: bool,
}

impl<'a> Fixture<'a> {
    /// `startup(0x0202)` and a fixture that cleans up after itself.
    pub fn start(w: &'a dyn Wsp) -> Step<Fixture<'a>> {
        expect_ok("WSPStartup(2.2)", w.startup(0x0202))?;
        Ok(Fixture {
            w,
            socks: RefCell::new(Vec::new()),
            started: true,
        })
    }

    /// A fixture over a provider that has not been started (for startup cases).
    pub fn unstarted(w: &'a dyn Wsp) -> Fixture<'a> {
        Fixture {
            w,
            socks: RefCell::new(Vec::new()),
            started: false,
        }
    }

    /// Remember `s` so that drop closes it.
    pub fn track(&self, s: SOCKET) -> SOCKET {
        self.socks.borrow_mut().push(s);
        s
    }

    /// Forget `s` (the case closed it itself).
    pub fn forget(&self, s: SOCKET) {
        self.socks.borrow_mut().retain(|&x| x != s);
    }

    /// `WSPSocket(af, ty, proto)`, expected to succeed.
    pub fn socket(&self, af: i32, ty: i32, proto: i32) -> Step<SOCKET> {
        let s = expect_ok("WSPSocket", self.w.socket(af, ty, proto, None, 0, 0))?;
        expect_true(s != INVALID_SOCKET, || {
            "WSPSocket returned INVALID_SOCKET as a success".into()
        })?;
        Ok(self.track(s))
    }

    /// A TCP/IPv4 socket.
    pub fn tcp(&self) -> Step<SOCKET> {
        self.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
    }

    /// A UDP/IPv4 socket.
    pub fn udp(&self) -> Step<SOCKET> {
        self.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP)
    }

    /// The local address of `s`, expected to succeed.
    pub fn name_of(&self, s: SOCKET) -> Step<SockAddr> {
        let mut a = SockAddr::default();
        expect_ok("WSPGetSockName", self.w.get_sock_name(s, &mut a))?;
        Ok(a)
    }

    /// The local port of `s`.
    pub fn port_of(&self, s: SOCKET) -> Step<u16> {
        Ok(std_addr("WSPGetSockName", &self.name_of(s)?)?.port())
    }

    /// Bind `s` to 127.0.0.1:0 and return the address it got.
    pub fn bind_loopback(&self, s: SOCKET) -> Step<SockAddr> {
        expect_ok("WSPBind(127.0.0.1:0)", self.w.bind(s, &v4(0)))?;
        let a = self.name_of(s)?;
        let port = std_addr("WSPGetSockName", &a)?.port();
        expect_true(port != 0, || "WSPGetSockName after bind: port 0".into())?;
        Ok(a)
    }

    /// A UDP socket bound to 127.0.0.1:0, and its address.
    pub fn bound_udp(&self) -> Step<(SOCKET, SockAddr)> {
        let s = self.udp()?;
        let a = self.bind_loopback(s)?;
        Ok((s, a))
    }

    /// A TCP socket listening on 127.0.0.1:0, and its address.
    pub fn listener(&self) -> Step<(SOCKET, SockAddr)> {
        let s = self.tcp()?;
        let a = self.bind_loopback(s)?;
        expect_ok("WSPListen", self.w.listen(s, SOMAXCONN))?;
        Ok((s, a))
    }

    /// Blocking connect of `s` to `to`.
    pub fn connect(&self, s: SOCKET, to: &SockAddr) -> Step<()> {
        expect_ok("WSPConnect", self.w.connect(s, to, None, None, None, None))
    }

    /// Blocking accept on `l` (the caller has already connected a client).
    pub fn accept(&self, l: SOCKET) -> Step<SOCKET> {
        let s = expect_ok("WSPAccept", self.w.accept(l, None, None))?;
        Ok(self.track(s))
    }

    /// A connected TCP pair over loopback: `(client, server)`. The client's blocking connect
    /// completes through the listen backlog before the blocking accept runs.
    pub fn pair(&self) -> Step<(SOCKET, SOCKET)> {
        let (l, la) = self.listener()?;
        let c = self.tcp()?;
        self.connect(c, &la)?;
        let s = self.accept(l)?;
        Ok((c, s))
    }

    /// Set or clear non-blocking mode with `FIONBIO`.
    pub fn set_nonblocking(&self, s: SOCKET, on: bool) -> Step<()> {
        let v = u32::from(on).to_le_bytes();
        expect_ok("WSPIoctl(FIONBIO)", self.w.ioctl(s, FIONBIO, &v, &mut []))?;
        Ok(())
    }

    /// Send all of `data` on a stream socket (blocking), expecting one call to take it all.
    pub fn send_all(&self, s: SOCKET, data: &[u8]) -> Step<()> {
        let n = expect_ok("WSPSend", self.w.send(s, &[data], 0))?;
        expect_eq("WSPSend byte count", n, data.len())
    }

    /// Blocking receive until `want` bytes have arrived (bounded by the count, not by time:
    /// each blocking recv returns at least one byte or ends the stream).
    pub fn recv_exact(&self, s: SOCKET, want: usize) -> Step<Vec<u8>> {
        let mut got = Vec::new();
        while got.len() < want {
            let mut buf = vec![0u8; want - got.len()];
            let mut flags = 0;
            let n = expect_ok("WSPRecv", self.w.recv(s, &mut [&mut buf[..]], &mut flags))?;
            if n == 0 {
                return Err(Outcome::Fail(format!(
                    "WSPRecv: stream ended after {} of {want} bytes",
                    got.len()
                )));
            }
            got.extend_from_slice(&buf[..n]);
        }
        Ok(got)
    }

    /// Blocking `MSG_PEEK` until at least `want` bytes are queued on `s`, so that later
    /// calls can rely on the data being there. Bounded by [`BOUND`].
    pub fn wait_queued(&self, s: SOCKET, want: usize) -> Step<()> {
        let deadline = Instant::now() + BOUND;
        loop {
            let mut buf = vec![0u8; want];
            let mut flags = MSG_PEEK;
            let n = expect_ok(
                "WSPRecv(MSG_PEEK)",
                self.w.recv(s, &mut [&mut buf[..]], &mut flags),
            )?;
            if n >= want {
                return Ok(());
            }
            if n == 0 || Instant::now() > deadline {
                return Err(Outcome::Fail(format!(
                    "only {n} of {want} sent bytes arrived on loopback"
                )));
            }
            std::thread::yield_now();
        }
    }

    /// Wait (bounded) for `ev` to be signalled.
    pub fn wait_event(&self, what: &str, ev: &Event) -> Step<()> {
        let deadline = Instant::now() + BOUND;
        loop {
            let seen = ev.gate().epoch();
            if ev.is_set() {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Outcome::Fail(format!(
                    "{what}: event not signalled within {BOUND:?}"
                )));
            }
            ev.gate().wait(seen, Some(deadline - now));
        }
    }

    /// Close `s` now, expecting success, and stop tracking it.
    pub fn close(&self, s: SOCKET) -> Step<()> {
        self.forget(s);
        expect_ok("WSPCloseSocket", self.w.close_socket(s))
    }

    /// Mark the provider as cleaned up by the case itself.
    pub fn cleaned_up(&mut self) {
        self.started = false;
        self.socks.borrow_mut().clear();
    }

    /// Mark the provider as started by the case itself.
    pub fn started(&mut self) {
        self.started = true;
    }
}

impl Drop for Fixture<'_> {
    fn drop(&mut self) {
        for s in self.socks.borrow_mut().drain(..).rev() {
            let _ = self.w.close_socket(s);
        }
        if self.started {
            let _ = self.w.cleanup();
        }
    }
}

/// Check that a call on the garbage handle [`GARBAGE`] gives `WSAENOTSOCK`.
pub fn garbage_gives_enotsock<T: core::fmt::Debug>(what: &str, r: Result<T, WsaError>) -> Step<()> {
    crate::expect_err(what, r, WsaError::WSAENOTSOCK)
}
