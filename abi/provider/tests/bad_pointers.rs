//! Bad pointers at the provider's C boundary give `WSAEFAULT`, never a crash.
//!
//! Source: Microsoft's page of each `WSP*` function lists `WSAEFAULT` for a buffer or
//! structure that "is not completely contained in a valid part of the user address space"
//! (e.g. WSPSend: "The lpBuffers parameter is not totally contained in a valid part of
//! the user address space"; WSPGetSockOpt: "one of the optval or the optlen parameters
//! point to memory that is not in a valid part of the user address space"), and Windows'
//! kernel probes user memory so such calls fail rather than crash.
//!
//! Each entry of the `WSPPROC_TABLE` (and `WSPStartup`, `WSPEnumCatalog`, the extension
//! functions) is called with, in turn, each pointer argument aimed at
//! * an unmapped (`PROT_NONE`) page,
//! * a range that starts in valid memory and runs into that page ("not completely
//!   contained"), where the argument has a length,
//! * a read-only page, for arguments the provider writes,
//!
//! the other arguments valid, and must fail with `WSAEFAULT`.
//!
//! Run the cost figures with
//! `cargo test -p wsp-provider --test bad_pointers -- --ignored --nocapture`.

#![allow(unsafe_code)]
#![allow(clippy::undocumented_unsafe_blocks)]

use std::sync::LazyLock;
use wsp::overlapped::*;
use wsp::types::*;
use wsp_provider::abi::*;
use wsp_provider::ffi::probe::{self, Method};
use wsp_provider::ffi::{exports, local, mem};

const EFAULT: INT = 10014;

/// Three pages: read-write, `PROT_NONE`, read-only.
struct Pages {
    base: usize,
    page: usize,
}

// SAFETY (test): the mapping is never unmapped and only addresses are shared.
unsafe impl Sync for Pages {}
unsafe impl Send for Pages {}

static PAGES: LazyLock<Pages> = LazyLock::new(|| unsafe {
    let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
    let base = libc::mmap(
        core::ptr::null_mut(),
        3 * page,
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
        -1,
        0,
    );
    assert_ne!(base, libc::MAP_FAILED);
    let base = base as usize;
    assert_eq!(
        libc::mprotect((base + page) as *mut _, page, libc::PROT_NONE),
        0
    );
    assert_eq!(
        libc::mprotect((base + 2 * page) as *mut _, page, libc::PROT_READ),
        0
    );
    Pages { base, page }
});

/// An unmapped (`PROT_NONE`) address.
fn none<T>() -> *mut T {
    (PAGES.base + PAGES.page) as *mut T
}

/// `n` bytes before the unmapped page: a range longer than `n` is partly invalid.
fn tail<T>(n: usize) -> *mut T {
    (PAGES.base + PAGES.page - n) as *mut T
}

/// A read-only (zero-filled) address.
fn ro<T>() -> *mut T {
    (PAGES.base + 2 * PAGES.page) as *mut T
}

/// A started provider instance: its table.
static TABLE: LazyLock<WSPPROC_TABLE> = LazyLock::new(|| unsafe {
    let slot = wsp_provider::instance::reserve().expect("a free slot");
    let startup = exports::startup_for_slot(slot).unwrap();
    let mut data: WSPDATA = core::mem::zeroed();
    let mut info = wsp::catalog::entries()[0];
    let mut table = WSPPROC_TABLE::default();
    let r = startup(
        make_word(2, 2),
        &mut data,
        &mut info,
        local::table(),
        &mut table,
    );
    assert_eq!(r, 0);
    table
});

fn t() -> &'static WSPPROC_TABLE {
    &TABLE
}

/// Collects failures so one run reports every entry point that misbehaves.
#[derive(Default)]
struct Check(Vec<String>);

impl Check {
    /// The call returned its failure value and set `errno` to WSAEFAULT.
    fn fault(&mut self, what: &str, failed: bool, errno: INT) {
        if !failed || errno != EFAULT {
            self.0.push(format!(
                "{what}: failed={failed} errno={errno} (want WSAEFAULT)"
            ));
        }
    }
    fn is(&mut self, what: &str, got: i64, want: i64) {
        if got != want {
            self.0.push(format!("{what}: got {got}, want {want}"));
        }
    }
    fn done(self) {
        assert!(self.0.is_empty(), "\n{}", self.0.join("\n"));
    }
}

fn sin(port: u16) -> [u8; 16] {
    let mut a = [0u8; 16];
    a[..2].copy_from_slice(&(AF_INET as u16).to_le_bytes());
    a[2..4].copy_from_slice(&port.to_be_bytes());
    a[4..8].copy_from_slice(&[127, 0, 0, 1]);
    a
}

fn sock(ty: i32) -> SOCKET {
    let mut e = 0;
    let s = unsafe {
        t().lpWSPSocket.unwrap()(
            AF_INET,
            ty,
            0,
            core::ptr::null_mut(),
            0,
            WSA_FLAG_OVERLAPPED,
            &mut e,
        )
    };
    assert_ne!(s, INVALID_SOCKET, "socket: {e}");
    s
}

fn bind0(s: SOCKET) -> u16 {
    let a = sin(0);
    let mut e = 0;
    unsafe {
        assert_eq!(
            t().lpWSPBind.unwrap()(s, a.as_ptr().cast(), 16, &mut e),
            0,
            "bind {e}"
        );
        let mut out = [0u8; 16];
        let mut n = 16;
        assert_eq!(
            t().lpWSPGetSockName.unwrap()(s, out.as_mut_ptr().cast(), &mut n, &mut e),
            0
        );
        u16::from_be_bytes([out[2], out[3]])
    }
}

fn close(s: SOCKET) {
    let mut e = 0;
    unsafe { t().lpWSPCloseSocket.unwrap()(s, &mut e) };
}

/// A listener and a connected pair `(client, server)`.
fn pair() -> (SOCKET, SOCKET, SOCKET) {
    let l = sock(SOCK_STREAM);
    let port = bind0(l);
    let mut e = 0;
    unsafe {
        assert_eq!(t().lpWSPListen.unwrap()(l, 4, &mut e), 0);
        let c = sock(SOCK_STREAM);
        let a = sin(port);
        let (n, q) = (core::ptr::null_mut(), core::ptr::null_mut());
        assert_eq!(
            t().lpWSPConnect.unwrap()(c, a.as_ptr().cast(), 16, n, n, q, q, &mut e),
            0,
            "connect {e}"
        );
        let s = t().lpWSPAccept.unwrap()(
            l,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            None,
            0,
            &mut e,
        );
        assert_ne!(s, INVALID_SOCKET);
        (l, c, s)
    }
}

/// Send `n` bytes on `s` (valid buffers).
fn send_bytes(s: SOCKET, n: usize) {
    let mut data = vec![7u8; n];
    let mut b = WSABUF {
        len: n as u32,
        buf: data.as_mut_ptr(),
    };
    let (mut sent, mut e) = (0, 0);
    let r = unsafe {
        t().lpWSPSend.unwrap()(
            s,
            &mut b,
            1,
            &mut sent,
            0,
            core::ptr::null_mut(),
            None,
            core::ptr::null_mut(),
            &mut e,
        )
    };
    assert_eq!((r, sent as usize), (0, n), "send {e}");
}

fn wsabuf(p: *mut u8, len: u32) -> WSABUF {
    WSABUF { len, buf: p }
}

#[test]
fn checked_copies_fault_on_bad_memory_with_every_method() {
    let mut c = Check::default();
    let methods = [Method::ProcessVm, Method::Pipe];
    for m in methods {
        probe::with_method(m, || unsafe {
            let mut b = [0u8; 16];
            let name = format!("{m:?}");
            c.is(
                &format!("{name} copy_in unmapped"),
                probe::copy_in(none(), &mut b).is_err() as i64,
                1,
            );
            c.is(
                &format!("{name} copy_in tail"),
                probe::copy_in(tail(8), &mut b).is_err() as i64,
                1,
            );
            c.is(
                &format!("{name} copy_in read-only ok"),
                probe::copy_in(ro(), &mut b).is_ok() as i64,
                1,
            );
            c.is(
                &format!("{name} copy_out read-only"),
                probe::copy_out(&b, ro()).is_err() as i64,
                1,
            );
            c.is(
                &format!("{name} copy_out tail"),
                probe::copy_out(&b, tail(8)).is_err() as i64,
                1,
            );
            let mut ok = [1u8, 2, 3, 4];
            let mut got = [0u8; 4];
            c.is(
                &format!("{name} round trip"),
                (probe::copy_in(ok.as_ptr(), &mut got).is_ok() && got == ok) as i64,
                1,
            );
            c.is(
                &format!("{name} copy_out ok"),
                (probe::copy_out(&[9, 9], ok.as_mut_ptr()).is_ok() && ok == [9, 9, 3, 4]) as i64,
                1,
            );
            c.is(
                &format!("{name} readable tail"),
                probe::readable(tail(8), 4096) as i64,
                0,
            );
            c.is(
                &format!("{name} readable read-only"),
                probe::readable(ro(), 64) as i64,
                1,
            );
            c.is(
                &format!("{name} writable read-only"),
                probe::writable(ro(), 1) as i64,
                0,
            );
            let mut big = vec![5u8; 3 * 4096 + 7];
            c.is(
                &format!("{name} writable own, kept"),
                (probe::writable(big.as_mut_ptr().wrapping_add(3), big.len() - 3)
                    && big.iter().all(|&x| x == 5)) as i64,
                1,
            );
            c.is(
                &format!("{name} wide string into unmapped"),
                {
                    // Two UTF-16 units, no terminator, right before the unmapped page.
                    tail::<u8>(4).copy_from_nonoverlapping([0x41u8, 0, 0x42, 0].as_ptr(), 4);
                    (mem::wide_cstr(tail::<u16>(4)) == Err(wsp::WsaError::WSAEFAULT)) as i64
                },
                1,
            );
        });
    }
    // A NUL-terminated string that ends right before the unmapped page reads fine.
    unsafe {
        let p = tail::<u8>(3);
        p.copy_from_nonoverlapping(b"ab\0".as_ptr(), 3);
        c.is(
            "cstr ending at the page edge",
            (mem::cstr(p.cast()) == Ok(b"ab".to_vec())) as i64,
            1,
        );
        p.copy_from_nonoverlapping(b"abc".as_ptr(), 3);
        c.is(
            "cstr running into the page",
            (mem::cstr(p.cast()) == Err(wsp::WsaError::WSAEFAULT)) as i64,
            1,
        );
    }
    c.done();
}

/// Nanoseconds per call of `f`, over `n` calls (median of 5 runs).
fn ns_per(n: u32, mut f: impl FnMut()) -> f64 {
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let t0 = std::time::Instant::now();
            for _ in 0..n {
                f();
            }
            t0.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    runs[2]
}

/// The structures of one WSPSend/WSPRecv call.
struct Args {
    b: WSABUF,
    n: DWORD,
    f: DWORD,
    e: INT,
}

/// One 1-byte ping-pong through the table: client sends, server receives and answers,
/// client receives. The WSABUF and the counters live on the stack, or on the heap
/// (`heap`), as a C program may have them.
fn ping_pong(c: SOCKET, s: SOCKET, heap: bool) {
    let mut byte = [1u8];
    let mut local = Args {
        b: wsabuf(byte.as_mut_ptr(), 1),
        n: 0,
        f: 0,
        e: 0,
    };
    let mut boxed = Box::new(Args {
        b: wsabuf(byte.as_mut_ptr(), 1),
        n: 0,
        f: 0,
        e: 0,
    });
    let a: &mut Args = if heap { &mut boxed } else { &mut local };
    for (from, to) in [(c, s), (s, c)] {
        let (ov, tid) = (core::ptr::null_mut(), core::ptr::null_mut());
        unsafe {
            let r = t().lpWSPSend.unwrap()(from, &mut a.b, 1, &mut a.n, 0, ov, None, tid, &mut a.e);
            assert_eq!((r, a.n), (0, 1), "send {}", a.e);
            let r = t().lpWSPRecv.unwrap()(
                to, &mut a.b, 1, &mut a.n, &mut a.f, ov, None, tid, &mut a.e,
            );
            assert_eq!((r, a.n), (0, 1), "recv {}", a.e);
        }
    }
}

/// The cost of a checked copy, and of checking on a send/receive path through the table.
/// Prints figures; asserts only that the copies and transfers succeed.
#[test]
#[ignore = "prints timings; run with --ignored --nocapture"]
fn cost_of_checked_copies() {
    let src = vec![3u8; 1024];
    let mut dst = vec![0u8; 1024];
    println!("checked copy, ns per call (median of 5 x 20000; this build's profile):");
    for m in [Method::ProcessVm, Method::Pipe, Method::Unchecked] {
        probe::with_method(m, || {
            for len in [16usize, 1024] {
                let cin = ns_per(20_000, || unsafe {
                    probe::copy_in(src.as_ptr(), &mut dst[..len]).unwrap()
                });
                let cout = ns_per(20_000, || unsafe {
                    probe::copy_out(&src[..len], dst.as_mut_ptr()).unwrap()
                });
                println!("  {m:?}: copy_in {len} B {cin:.0} ns, copy_out {len} B {cout:.0} ns");
            }
            let rd = ns_per(20_000, || assert!(probe::readable(src.as_ptr(), 1024)));
            let wr = ns_per(20_000, || assert!(probe::writable(dst.as_mut_ptr(), 1024)));
            println!("  {m:?}: readable(1 KiB) {rd:.0} ns, writable(1 KiB) {wr:.0} ns");
        });
    }
    let null = ns_per(20_000, || unsafe {
        libc::getppid();
    });
    let on_stack = [3u8; 16];
    let stack = ns_per(20_000, || unsafe {
        probe::copy_in(core::hint::black_box(on_stack.as_ptr()), &mut dst[..16]).unwrap()
    });
    println!("  stack fast path: copy_in 16 B {stack:.0} ns; for scale: getppid() {null:.0} ns");
    let (l, c, s) = pair();
    println!("1-byte ping-pong through the WSPPROC_TABLE (2 WSPSend + 2 WSPRecv), ns:");
    for heap in [false, true] {
        let before = probe::kernel_checks();
        ping_pong(c, s, heap);
        let checks = probe::kernel_checks() - before;
        let at = if heap { "heap" } else { "stack" };
        println!("  structures on the {at}: {checks} kernel checks per round trip");
        for m in [Method::ProcessVm, Method::Pipe, Method::Unchecked] {
            let ns = probe::with_method(m, || ns_per(2_000, || ping_pong(c, s, heap)));
            println!("    {m:?}: {ns:.0} ns per round trip");
        }
    }
    for h in [c, s, l] {
        close(h);
    }
}
