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
// Locals are reset between cases while raw pointers to them sit in the case tables.
#![allow(unused_assignments)]

use std::sync::LazyLock;
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
struct Check(Vec<String>, usize);

impl Check {
    /// The call returned its failure value and set `errno` to WSAEFAULT.
    fn fault(&mut self, what: &str, failed: bool, errno: INT) {
        self.1 += 1;
        if !failed || errno != EFAULT {
            self.0.push(format!(
                "{what}: failed={failed} errno={errno} (want WSAEFAULT)"
            ));
        }
    }
    fn is(&mut self, what: &str, got: i64, want: i64) {
        self.1 += 1;
        if got != want {
            self.0.push(format!("{what}: got {got}, want {want}"));
        }
    }
    fn done(self) {
        println!("{} cases", self.1);
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
        p.copy_from_nonoverlapping([b'a', b'b', 0].as_ptr(), 3);
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
    ov: WSAOVERLAPPED,
}

const WSA_IO_PENDING: INT = 997;

/// One 1-byte ping-pong through the table: client sends, server receives and answers,
/// client receives. The WSABUF, the counters and (`overlapped`) the WSAOVERLAPPED live on
/// the stack, or on the heap (`heap`: the per-I/O context of an IOCP server). Overlapped
/// calls that pend are finished with `WSPGetOverlappedResult(fWait = TRUE)`.
fn ping_pong(c: SOCKET, s: SOCKET, heap: bool, overlapped: bool) {
    let byte = [1u8];
    let args = || Args {
        b: wsabuf(byte.as_ptr().cast_mut(), 1),
        n: 0,
        f: 0,
        e: 0,
        ov: WSAOVERLAPPED::default(),
    };
    let mut local = args();
    let mut boxed = Box::new(args());
    let a: &mut Args = if heap { &mut boxed } else { &mut local };
    let tid = core::ptr::null_mut();
    // An overlapped call that pended: wait for it (a checked call, as a server's would be).
    let finish = |h: SOCKET, a: &mut Args, r: INT, what: &str| unsafe {
        if r != 0 {
            assert_eq!(a.e, WSA_IO_PENDING, "{what}");
            let ok = t().lpWSPGetOverlappedResult.unwrap()(
                h, &mut a.ov, &mut a.n, 1, &mut a.f, &mut a.e,
            );
            assert_eq!(ok, 1, "{what} result {}", a.e);
        }
        assert_eq!(a.n, 1, "{what}");
    };
    for (from, to) in [(c, s), (s, c)] {
        let ov: *mut WSAOVERLAPPED = if overlapped {
            &mut a.ov
        } else {
            core::ptr::null_mut()
        };
        unsafe {
            let r = t().lpWSPSend.unwrap()(from, &mut a.b, 1, &mut a.n, 0, ov, None, tid, &mut a.e);
            finish(from, a, r, "send");
            let r = t().lpWSPRecv.unwrap()(
                to, &mut a.b, 1, &mut a.n, &mut a.f, ov, None, tid, &mut a.e,
            );
            finish(to, a, r, "recv");
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
    println!("1-byte ping-pong through the WSPPROC_TABLE (2 WSPSend + 2 WSPRecv):");
    for overlapped in [false, true] {
        for heap in [false, true] {
            let before = probe::kernel_checks();
            ping_pong(c, s, heap, overlapped);
            let checks = probe::kernel_checks() - before;
            let how = if overlapped { "overlapped" } else { "blocking" };
            let at = if heap { "heap" } else { "stack" };
            println!("  {how}, structures on the {at}: {checks} kernel checks per round trip");
            for m in [Method::ProcessVm, Method::Pipe, Method::Unchecked] {
                let ns =
                    probe::with_method(m, || ns_per(2_000, || ping_pong(c, s, heap, overlapped)));
                let call = ns / 4.0;
                println!("    {m:?}: {ns:.0} ns per round trip, {call:.0} ns per call");
            }
        }
    }
    for h in [c, s, l] {
        close(h);
    }
}

/// What batching saves: four 8-byte caller structures on the heap copied in one
/// `probe::transfer` against four single checked copies.
#[test]
#[ignore = "prints timings; run with --ignored --nocapture"]
fn cost_of_batched_copies() {
    let src = Box::new([5u8; 64]);
    let mut dst = [[0u8; 8]; 4];
    println!("4 x 8 B from the heap, ns (median of 5 x 20000):");
    for m in [Method::ProcessVm, Method::Pipe] {
        probe::with_method(m, || {
            let singles = ns_per(20_000, || unsafe {
                for (k, d) in dst.iter_mut().enumerate() {
                    probe::copy_in(src.as_ptr().add(16 * k), d).unwrap();
                }
            });
            let before = probe::kernel_checks();
            let batched = ns_per(20_000, || unsafe {
                let pieces: Vec<probe::Piece> = (0..4)
                    .map(|k| {
                        probe::Piece::copy_in(src.as_ptr().add(16 * k), dst[k].as_mut_ptr(), 8)
                    })
                    .collect();
                probe::transfer(&pieces).unwrap();
            });
            let per = (probe::kernel_checks() - before) as f64 / 100_000.0;
            println!(
                "  {m:?}: 4 copy_in {singles:.0} ns; one transfer {batched:.0} ns ({per} checks)"
            );
        });
    }
}

/// `probe::transfer` makes its pieces as if one by one, stopping at the first bad one:
/// `Err(k)`, the pieces before `k` transferred, none after (a stack piece after it is not
/// written either), with one kernel check for the pieces off the stack.
#[test]
fn batched_transfer_stops_at_the_first_bad_piece() {
    use probe::Piece;
    let mut c = Check::default();
    for m in [Method::ProcessVm, Method::Pipe] {
        probe::with_method(m, || unsafe {
            let name = format!("{m:?}");
            let heap_src = Box::new([1u8; 8]);
            let mut heap_dst = Box::new([0u8; 8]);
            let (mut a, b, mut stack_dst, mut z) = ([0u8; 8], [2u8; 8], [0u8; 8], [0u8; 8]);
            let before = probe::kernel_checks();
            let r = probe::transfer(&[
                Piece::copy_in(heap_src.as_ptr(), a.as_mut_ptr(), 8),
                Piece::copy_out(b.as_ptr(), heap_dst.as_mut_ptr(), 8),
            ]);
            c.is(&format!("{name} two heap pieces"), r.is_ok() as i64, 1);
            c.is(
                &format!("{name} two heap pieces: one check"),
                (probe::kernel_checks() - before) as i64,
                1,
            );
            c.is(
                &format!("{name} both moved"),
                (a == [1; 8] && *heap_dst == [2; 8]) as i64,
                1,
            );
            let (mut a, mut heap_dst) = ([0u8; 8], Box::new([0u8; 8]));
            let r = probe::transfer(&[
                Piece::copy_in(heap_src.as_ptr(), a.as_mut_ptr(), 8),
                Piece::copy_out(b.as_ptr(), heap_dst.as_mut_ptr(), 8),
                Piece::copy_in(none(), z.as_mut_ptr(), 8),
                Piece::copy_out(b.as_ptr(), stack_dst.as_mut_ptr(), 8),
            ]);
            c.is(
                &format!("{name} unmapped third"),
                r.err().unwrap_or(9) as i64,
                2,
            );
            c.is(
                &format!("{name} before it moved, after it not"),
                (a == [1; 8] && *heap_dst == [2; 8] && stack_dst == [0; 8]) as i64,
                1,
            );
            let r = probe::transfer(&[
                Piece::copy_in(heap_src.as_ptr(), a.as_mut_ptr(), 8),
                Piece::copy_out(b.as_ptr(), ro(), 8),
                Piece::copy_in(heap_src.as_ptr(), z.as_mut_ptr(), 8),
            ]);
            c.is(
                &format!("{name} read-only second"),
                r.err().unwrap_or(9) as i64,
                1,
            );
            c.is(&format!("{name} nothing after it"), (z == [0; 8]) as i64, 1);
            let r = probe::transfer(&[
                Piece::copy_in(heap_src.as_ptr(), a.as_mut_ptr(), 8),
                Piece::copy_in(tail(4), z.as_mut_ptr(), 8),
            ]);
            c.is(
                &format!("{name} into unmapped"),
                r.err().unwrap_or(9) as i64,
                1,
            );
            let r = probe::transfer(&[
                Piece::copy_in(core::ptr::null(), z.as_mut_ptr(), 0),
                Piece::copy_in(core::ptr::null(), z.as_mut_ptr(), 4),
            ]);
            c.is(
                &format!("{name} null: empty ok, else bad"),
                r.err().unwrap_or(9) as i64,
                1,
            );
        });
    }
    c.done();
}

/// A completion inside its issuing call (on the issuing thread) writes the
/// `WSAOVERLAPPED` and the call's counts in one check; a bad count after a good
/// `WSAOVERLAPPED` is left for the call to report; a bad `WSAOVERLAPPED` is reported by
/// the completion and the counts are left for the call to write.
#[test]
fn completion_inside_the_call_writes_the_counts_with_the_overlapped() {
    use wsp_provider::ffi::ov::{issuing, write_completion, Merged};
    let mut c = Check::default();
    let null = core::ptr::null_mut();
    let mut x = ctx();
    let ov: *mut WSAOVERLAPPED = &mut x.ov;
    let (n, f) = (&mut x.n as *mut DWORD, &mut x.f as *mut DWORD);
    let before = probe::kernel_checks();
    let (r, merged) = issuing(ov, n, f, || unsafe { write_completion(ov, 0, 5, 2) });
    c.is(
        "merged: one check",
        (probe::kernel_checks() - before) as i64,
        1,
    );
    c.is("merged: ok", r.is_ok() as i64, 1);
    c.is("merged: wrote", (merged == Merged::Wrote) as i64, 1);
    let all = x.ov.Internal == 0 && x.ov.InternalHigh == 5 && x.ov.Offset == 2;
    c.is(
        "merged: all written",
        (all && x.n == 5 && x.f == 2) as i64,
        1,
    );
    let mut x = ctx();
    let ov: *mut WSAOVERLAPPED = &mut x.ov;
    let (r, merged) = issuing(ov, ro(), null, || unsafe { write_completion(ov, 0, 5, 0) });
    c.is("read-only count: completion ok", r.is_ok() as i64, 1);
    c.is(
        "read-only count: fault",
        (merged == Merged::Fault) as i64,
        1,
    );
    c.is("read-only count: overlapped", x.ov.InternalHigh as i64, 5);
    let mut x = ctx();
    let (r, merged) = issuing(ro(), &mut x.n, null, || unsafe {
        write_completion(ro(), 0, 5, 0)
    });
    c.is("read-only overlapped: fault", r.is_err() as i64, 1);
    c.is(
        "read-only overlapped: not merged",
        (merged == Merged::No) as i64,
        1,
    );
    c.is("read-only overlapped: count left", x.n as i64, 0);
    let mut x = ctx();
    let mut other = ctx();
    let ov: *mut WSAOVERLAPPED = &mut x.ov;
    let (r, merged) = issuing(&mut other.ov, &mut x.n, null, || unsafe {
        write_completion(ov, 0, 5, 0)
    });
    c.is("another request: ok", r.is_ok() as i64, 1);
    c.is(
        "another request: not merged",
        (merged == Merged::No && x.n == 0) as i64,
        1,
    );
    c.done();
}

/// A per-I/O context on the heap, as an IOCP server keeps it.
#[repr(C)]
struct Ctx {
    ov: WSAOVERLAPPED,
    b: WSABUF,
    n: DWORD,
    f: DWORD,
    e: INT,
    data: [u8; 8],
}

fn ctx() -> Box<Ctx> {
    let mut c = Box::new(Ctx {
        ov: WSAOVERLAPPED {
            Internal: 0x5151,
            InternalHigh: 0x6262,
            ..Default::default()
        },
        b: wsabuf(core::ptr::null_mut(), 0),
        n: 0,
        f: 0,
        e: 0,
        data: [0; 8],
    });
    c.b = wsabuf(c.data.as_mut_ptr(), 1);
    c
}

/// The send/receive paths copy their heap structures in one batch and write their outputs
/// in another, and keep the outcome of copying them one by one: WSAEFAULT for any bad
/// one; a call that fails before issuing leaves the WSAOVERLAPPED as it was (Windows does
/// not touch it); an output written after the operation fails the call with the data
/// taken and the earlier outputs written (README "Bad pointers").
#[test]
fn send_and_receive_batches_keep_each_fault() {
    let mut c = Check::default();
    let (l, cl, sv) = pair();
    let recv = |x: &mut Ctx, got: *mut DWORD, flags: *mut DWORD, ov: bool| unsafe {
        let o: *mut WSAOVERLAPPED = if ov { &mut x.ov } else { NUL };
        let r = t().lpWSPRecv.unwrap()(sv, &mut x.b, 1, got, flags, o, None, NOTID, &mut x.e);
        (r, x.e)
    };
    // Wait for an overlapped request that pended (a checked call, with stack outputs):
    // TRUE and the byte count.
    let wait = |h: SOCKET, x: &mut Ctx| unsafe {
        let (mut n, mut f, mut e) = (0, 0, 0);
        let ok = t().lpWSPGetOverlappedResult.unwrap()(h, &mut x.ov, &mut n, 1, &mut f, &mut e);
        (ok, n)
    };
    // An overlapped receive with no data yet pends: its flags, WSABUF array, hEvent and
    // pending mark are one check, `*lpErrno = WSA_IO_PENDING` the other; the completion
    // (on the reactor) writes the rest.
    let mut x = ctx();
    let (got, flags) = (&mut x.n as *mut DWORD, &mut x.f as *mut DWORD);
    let before = probe::kernel_checks();
    let (r, e) = recv(&mut x, got, flags, true);
    let checks = probe::kernel_checks() - before;
    let pended = r == SOCKET_ERROR && e == WSA_IO_PENDING;
    c.is("pending heap recv: pends", pended as i64, 1);
    c.is("pending heap recv: checks", checks as i64, 2);
    c.is("pending heap recv: marked", x.ov.Internal as i64, 0x103);
    send_bytes(cl, 64);
    // (Not the WSAOVERLAPPED's fields here: the engine wakes WSPGetOverlappedResult
    // before its completion upcall writes them.)
    c.is(
        "pending heap recv: completes",
        (wait(sv, &mut x) == (1, 1)) as i64,
        1,
    );
    // A blocking receive, everything good, on the heap: one check in, one out.
    let mut x = ctx();
    let (got, flags) = (&mut x.n as *mut DWORD, &mut x.f as *mut DWORD);
    let before = probe::kernel_checks();
    let (r, _) = recv(&mut x, got, flags, false);
    let checks = probe::kernel_checks() - before;
    c.is("heap recv: result", r as i64, 0);
    c.is("heap recv: bytes", x.n as i64, 1);
    c.is("heap recv: checks", checks as i64, 2);
    // Bad input before the issue: WSAEFAULT (or the handle's error), the WSAOVERLAPPED
    // as it was.
    type Setup = fn(&mut Ctx);
    let cases: [(&str, Setup); 4] = [
        ("WSABUF with no data pointer", |x| {
            x.b = wsabuf(core::ptr::null_mut(), 4)
        }),
        ("WSABUF array unmapped", |_| {}),
        ("lpFlags unmapped", |_| {}),
        ("bad hEvent", |x| x.ov.hEvent = 0x7777_0000),
    ];
    for (k, (what, setup)) in cases.into_iter().enumerate() {
        let mut x = ctx();
        setup(&mut x);
        let (got, mut flags) = (&mut x.n as *mut DWORD, &mut x.f as *mut DWORD);
        if k == 2 {
            flags = none();
        }
        let r = unsafe {
            let bufs: *mut WSABUF = if k == 1 { none() } else { &mut x.b };
            t().lpWSPRecv.unwrap()(sv, bufs, 1, got, flags, &mut x.ov, None, NOTID, &mut x.e)
        };
        if k == 3 {
            c.is(&format!("overlapped recv {what}: fails"), r as i64, -1);
        } else {
            c.fault(&format!("overlapped recv {what}"), r == SOCKET_ERROR, x.e);
        }
        c.is(
            &format!("overlapped recv {what}: WSAOVERLAPPED untouched"),
            (x.ov.Internal == 0x5151 && x.ov.InternalHigh == 0x6262) as i64,
            1,
        );
    }
    // Outputs written after the operation: the call fails, the byte was taken, the
    // outputs before the bad one written. Data is waiting, so the overlapped receive
    // completes in the call, its completion writing the WSAOVERLAPPED first (should the
    // reactor take it first, it pends instead, and there is nothing to check).
    for ov in [false, true] {
        let mut x = ctx();
        let got = &mut x.n as *mut DWORD;
        let (r, e) = recv(&mut x, got, ro(), ov);
        if ov && r == SOCKET_ERROR && e == WSA_IO_PENDING {
            wait(sv, &mut x);
            continue;
        }
        let what = format!("recv ov={ov} read-only lpFlags");
        c.fault(&what, r == SOCKET_ERROR, e);
        c.is(&format!("{what}: count written"), x.n as i64, 1);
        if ov {
            c.is(
                &format!("{what}: completion written"),
                (x.ov.Internal == 0 && x.ov.InternalHigh == 1) as i64,
                1,
            );
        }
    }
    let mut x = ctx();
    let flags = &mut x.f as *mut DWORD;
    let (r, e) = recv(&mut x, ro(), flags, false);
    c.fault("recv read-only count", r == SOCKET_ERROR, e);
    // WSPSendTo and WSPRecvFrom on a datagram socket, heap structures (a blocking call:
    // one check in, one out).
    let u = sock(SOCK_DGRAM);
    let me = Box::new(sin(bind0(u)));
    for ov in [false, true] {
        let mut x = ctx();
        let o: *mut WSAOVERLAPPED = if ov { &mut x.ov } else { NUL };
        let before = probe::kernel_checks();
        let r = unsafe {
            t().lpWSPSendTo.unwrap()(
                u,
                &mut x.b,
                1,
                &mut x.n,
                0,
                me.as_ptr().cast(),
                16,
                o,
                None,
                NOTID,
                &mut x.e,
            )
        };
        let checks = probe::kernel_checks() - before;
        if ov && r == SOCKET_ERROR && x.e == WSA_IO_PENDING {
            c.is("pended sendto completes", wait(u, &mut x).0 as i64, 1);
        } else {
            c.is(&format!("heap sendto ov={ov}: result"), r as i64, 0);
        }
        if !ov {
            c.is("heap sendto: checks", checks as i64, 2);
        }
        let mut x = ctx();
        let mut from = Box::new(([0u8; 16], 16 as INT));
        let o: *mut WSAOVERLAPPED = if ov { &mut x.ov } else { NUL };
        let before = probe::kernel_checks();
        let r = unsafe {
            t().lpWSPRecvFrom.unwrap()(
                u,
                &mut x.b,
                1,
                &mut x.n,
                &mut x.f,
                from.0.as_mut_ptr().cast(),
                &mut from.1,
                o,
                None,
                NOTID,
                &mut x.e,
            )
        };
        let checks = probe::kernel_checks() - before;
        if ov && r == SOCKET_ERROR && x.e == WSA_IO_PENDING {
            c.is("pended recvfrom completes", wait(u, &mut x).0 as i64, 1);
        } else {
            c.is(&format!("heap recvfrom ov={ov}: result"), r as i64, 0);
        }
        let what = format!("heap recvfrom ov={ov}");
        c.is(&format!("{what}: from"), (from.0 == *me) as i64, 1);
        c.is(&format!("{what}: fromlen"), from.1 as i64, 16);
        if !ov {
            c.is("heap recvfrom: checks", checks as i64, 2);
        }
    }
    for h in [u, cl, sv, l] {
        close(h);
    }
    c.done();
}

/// A fresh read-only page holding `bytes` at its start.
fn ro_with(bytes: &[u8]) -> *mut u8 {
    unsafe {
        let page = PAGES.page;
        let p = libc::mmap(
            core::ptr::null_mut(),
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        let p = p.cast::<u8>();
        p.copy_from_nonoverlapping(bytes.as_ptr(), bytes.len());
        assert_eq!(libc::mprotect(p.cast(), page, libc::PROT_READ), 0);
        p
    }
}

fn nonblocking(s: SOCKET) {
    let (mut on, mut ret, mut e) = (1u32, 0u32, 0);
    let n = core::ptr::null_mut();
    let r = unsafe {
        t().lpWSPIoctl.unwrap()(
            s,
            FIONBIO,
            (&mut on as *mut u32).cast(),
            4,
            n,
            0,
            &mut ret,
            core::ptr::null_mut(),
            None,
            core::ptr::null_mut(),
            &mut e,
        )
    };
    assert_eq!(r, 0, "FIONBIO {e}");
}

const NUL: *mut WSAOVERLAPPED = core::ptr::null_mut();
const NOTID: *mut WSATHREADID = core::ptr::null_mut();

/// Every pointer argument of the 30 table entries, `WSPStartup` and `WSPEnumCatalog`.
#[test]
fn every_table_entry_gives_wsaefault_for_bad_pointers() {
    let mut c = Check::default();
    let tb = t();
    let (l, cl, sv) = pair();
    for s in [l, cl, sv] {
        nonblocking(s);
    }
    let mut e: INT;
    let n16 = || 16 as INT;
    unsafe {
        // ---- WSPAccept
        for (what, addr, mut len) in [
            ("unmapped addr", none::<SOCKADDR>(), n16()),
            ("read-only addr", ro(), n16()),
            ("addr into unmapped", tail(8), n16()),
        ] {
            e = 0;
            let r = tb.lpWSPAccept.unwrap()(l, addr, &mut len, None, 0, &mut e);
            c.fault(&format!("WSPAccept {what}"), r == INVALID_SOCKET, e);
        }
        let mut out = [0u8; 16];
        for (what, len) in [("unmapped addrlen", none()), ("read-only addrlen", ro())] {
            e = 0;
            let r = tb.lpWSPAccept.unwrap()(l, out.as_mut_ptr().cast(), len, None, 0, &mut e);
            c.fault(&format!("WSPAccept {what}"), r == INVALID_SOCKET, e);
        }
        // A bad lpErrno: the failure value, and no crash.
        let r = tb.lpWSPAccept.unwrap()(0x7bad, out.as_mut_ptr().cast(), ro(), None, 0, none());
        c.is(
            "WSPAccept unmapped lpErrno",
            r as i64,
            INVALID_SOCKET as i64,
        );
        let r = tb.lpWSPBind.unwrap()(0x7bad, sin(0).as_ptr().cast(), 16, ro());
        c.is("WSPBind read-only lpErrno", r as i64, SOCKET_ERROR as i64);

        // ---- WSPAddressToString
        let a = sin(80);
        let mut text = [0u16; 64];
        let mut tl: DWORD = 64;
        for (what, sa, info, out, len) in [
            (
                "unmapped address",
                none(),
                core::ptr::null_mut(),
                text.as_mut_ptr(),
                &mut tl as *mut DWORD,
            ),
            (
                "address into unmapped",
                tail(8),
                core::ptr::null_mut(),
                text.as_mut_ptr(),
                &mut tl,
            ),
            (
                "unmapped info",
                a.as_ptr() as *mut SOCKADDR,
                none(),
                text.as_mut_ptr(),
                &mut tl,
            ),
            (
                "unmapped string",
                a.as_ptr() as *mut SOCKADDR,
                core::ptr::null_mut(),
                none(),
                &mut tl,
            ),
            (
                "read-only string",
                a.as_ptr() as *mut SOCKADDR,
                core::ptr::null_mut(),
                ro(),
                &mut tl,
            ),
            (
                "unmapped length",
                a.as_ptr() as *mut SOCKADDR,
                core::ptr::null_mut(),
                text.as_mut_ptr(),
                none(),
            ),
            (
                "read-only length",
                a.as_ptr() as *mut SOCKADDR,
                core::ptr::null_mut(),
                text.as_mut_ptr(),
                ro(),
            ),
        ] {
            tl = 64;
            e = 0;
            let r = tb.lpWSPAddressToString.unwrap()(sa, 16, info, out, len, &mut e);
            c.fault(&format!("WSPAddressToString {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPBind
        let fresh = sock(SOCK_STREAM);
        for (what, p) in [("unmapped", none()), ("into unmapped", tail(8))] {
            e = 0;
            let r = tb.lpWSPBind.unwrap()(fresh, p, 16, &mut e);
            c.fault(&format!("WSPBind {what} name"), r == SOCKET_ERROR, e);
        }

        // ---- WSPConnect (and WSPJoinLeaf, the same arguments)
        let port = {
            let mut o = [0u8; 16];
            let mut n = 16;
            tb.lpWSPGetSockName.unwrap()(l, o.as_mut_ptr().cast(), &mut n, &mut 0);
            u16::from_be_bytes([o[2], o[3]])
        };
        let to = sin(port);
        let mut four = [1u8; 4];
        let mut bad_data = wsabuf(none(), 4);
        let mut ro_data = wsabuf(ro(), 4);
        let mut ok_data = wsabuf(four.as_mut_ptr(), 4);
        let _ = &mut ok_data;
        let q: *mut QOS = core::ptr::null_mut();
        let w: *mut WSABUF = core::ptr::null_mut();
        type Conn = (
            &'static str,
            *const SOCKADDR,
            *mut WSABUF,
            *mut WSABUF,
            *mut QOS,
            *mut QOS,
        );
        let cases: Vec<Conn> = vec![
            ("unmapped name", none(), w, w, q, q),
            ("name into unmapped", tail(8), w, w, q, q),
            (
                "unmapped caller WSABUF",
                to.as_ptr().cast(),
                none(),
                w,
                q,
                q,
            ),
            (
                "caller data unmapped",
                to.as_ptr().cast(),
                &mut bad_data,
                w,
                q,
                q,
            ),
            (
                "unmapped callee WSABUF",
                to.as_ptr().cast(),
                w,
                none(),
                q,
                q,
            ),
            (
                "read-only callee data",
                to.as_ptr().cast(),
                w,
                &mut ro_data,
                q,
                q,
            ),
            ("unmapped sQOS", to.as_ptr().cast(), w, w, none(), q),
            ("unmapped gQOS", to.as_ptr().cast(), w, w, q, none()),
        ];
        for (what, name, cd, ced, sq, gq) in cases.iter().copied() {
            let s = sock(SOCK_STREAM);
            e = 0;
            let r = tb.lpWSPConnect.unwrap()(s, name, 16, cd, ced, sq, gq, &mut e);
            c.fault(&format!("WSPConnect {what}"), r == SOCKET_ERROR, e);
            e = 0;
            let r = tb.lpWSPJoinLeaf.unwrap()(s, name, 16, cd, ced, sq, gq, 3, &mut e);
            c.fault(&format!("WSPJoinLeaf {what}"), r == INVALID_SOCKET, e);
            close(s);
        }

        // ---- WSPDuplicateSocket
        for (what, p) in [("unmapped", none()), ("read-only", ro())] {
            e = 0;
            let r = tb.lpWSPDuplicateSocket.unwrap()(cl, std::process::id(), p, &mut e);
            c.fault(
                &format!("WSPDuplicateSocket {what} info"),
                r == SOCKET_ERROR,
                e,
            );
        }

        // ---- WSPEnumNetworkEvents
        for (what, p) in [("unmapped", none()), ("read-only", ro())] {
            e = 0;
            let r = tb.lpWSPEnumNetworkEvents.unwrap()(cl, 0, p, &mut e);
            c.fault(
                &format!("WSPEnumNetworkEvents {what}"),
                r == SOCKET_ERROR,
                e,
            );
        }

        // ---- WSPGetOverlappedResult (over a completed overlapped send)
        let mut ov: WSAOVERLAPPED = core::mem::zeroed();
        let mut b = wsabuf(four.as_mut_ptr(), 1);
        e = 0;
        let r = tb.lpWSPSend.unwrap()(
            cl,
            &mut b,
            1,
            core::ptr::null_mut(),
            0,
            &mut ov,
            None,
            NOTID,
            &mut e,
        );
        assert!(
            r == 0 || e == wsp::WsaError::WSA_IO_PENDING.0,
            "overlapped send {e}"
        );
        let (mut cb, mut fl) = (0u32, 0u32);
        for (what, o, cbp, flp) in [
            (
                "unmapped WSAOVERLAPPED",
                none::<WSAOVERLAPPED>(),
                &mut cb as *mut u32,
                &mut fl as *mut u32,
            ),
            ("unmapped cbTransfer", &mut ov, none(), &mut fl),
            ("read-only cbTransfer", &mut ov, ro(), &mut fl),
            ("unmapped flags", &mut ov, &mut cb, none()),
            ("read-only flags", &mut ov, &mut cb, ro()),
        ] {
            e = 0;
            let r = tb.lpWSPGetOverlappedResult.unwrap()(cl, o, cbp, TRUE, flp, &mut e);
            c.fault(&format!("WSPGetOverlappedResult {what}"), r == FALSE, e);
        }

        // ---- WSPGetPeerName, WSPGetSockName
        let mut name = [0u8; 16];
        for (what, p, len) in [
            ("unmapped name", none::<SOCKADDR>(), &mut 16 as *mut INT),
            ("read-only name", ro(), &mut 16),
            ("name into unmapped", tail(8), &mut 16),
            ("unmapped namelen", name.as_mut_ptr().cast(), none()),
            ("read-only namelen", name.as_mut_ptr().cast(), ro()),
        ] {
            for (f, fname) in [
                (tb.lpWSPGetPeerName.unwrap(), "WSPGetPeerName"),
                (tb.lpWSPGetSockName.unwrap(), "WSPGetSockName"),
            ] {
                if !len.is_null() && (len as usize) < PAGES.base {
                    *len = 16;
                }
                e = 0;
                let r = f(cl, p, len, &mut e);
                c.fault(&format!("{fname} {what}"), r == SOCKET_ERROR, e);
            }
        }

        // ---- WSPGetSockOpt, WSPSetSockOpt
        let mut val = [0u8; 4];
        for (what, p, len) in [
            ("unmapped optval", none::<u8>(), &mut 4 as *mut INT),
            ("read-only optval", ro(), &mut 4),
            ("unmapped optlen", val.as_mut_ptr(), none()),
            ("read-only optlen", val.as_mut_ptr(), ro()),
        ] {
            if (len as usize) < PAGES.base {
                *len = 4;
            }
            e = 0;
            let r = tb.lpWSPGetSockOpt.unwrap()(cl, SOL_SOCKET, SO_TYPE, p, len, &mut e);
            c.fault(&format!("WSPGetSockOpt {what}"), r == SOCKET_ERROR, e);
        }
        for (what, p) in [("unmapped", none::<u8>()), ("into unmapped", tail(2))] {
            e = 0;
            let r = tb.lpWSPSetSockOpt.unwrap()(cl, SOL_SOCKET, SO_RCVBUF, p, 4, &mut e);
            c.fault(
                &format!("WSPSetSockOpt {what} optval"),
                r == SOCKET_ERROR,
                e,
            );
        }

        // ---- WSPGetQOSByName
        let mut qname = *b"G711\0";
        let mut qbuf = wsabuf(qname.as_mut_ptr(), 5);
        let mut qos: QOS = core::mem::zeroed();
        let mut bad_name = wsabuf(none(), 5);
        for (what, nm, qp) in [
            (
                "unmapped name WSABUF",
                none::<WSABUF>(),
                &mut qos as *mut QOS,
            ),
            ("name bytes unmapped", &mut bad_name, &mut qos),
            ("unmapped QOS", &mut qbuf, none()),
            ("read-only QOS", &mut qbuf, ro()),
        ] {
            e = 0;
            let r = tb.lpWSPGetQOSByName.unwrap()(cl, nm, qp, &mut e);
            c.fault(&format!("WSPGetQOSByName {what}"), r == FALSE, e);
        }

        // ---- WSPIoctl
        let (mut ret, mut nread) = (0u32, 0u32);
        for (what, code, inb, cbin, outb, cbout, retp) in [
            (
                "unmapped input",
                FIONBIO,
                none::<u8>(),
                4,
                core::ptr::null_mut(),
                0,
                &mut ret as *mut u32,
            ),
            (
                "input into unmapped",
                FIONBIO,
                tail(2),
                4,
                core::ptr::null_mut(),
                0,
                &mut ret,
            ),
            (
                "unmapped output",
                FIONREAD,
                core::ptr::null_mut(),
                0,
                none(),
                4,
                &mut ret,
            ),
            (
                "read-only output",
                FIONREAD,
                core::ptr::null_mut(),
                0,
                ro(),
                4,
                &mut ret,
            ),
            (
                "unmapped cbBytesReturned",
                FIONREAD,
                core::ptr::null_mut(),
                0,
                (&mut nread as *mut u32).cast(),
                4,
                none(),
            ),
            (
                "read-only cbBytesReturned",
                FIONREAD,
                core::ptr::null_mut(),
                0,
                (&mut nread as *mut u32).cast(),
                4,
                ro(),
            ),
        ] {
            e = 0;
            let r = tb.lpWSPIoctl.unwrap()(
                cl, code, inb, cbin, outb, cbout, retp, NUL, None, NOTID, &mut e,
            );
            c.fault(&format!("WSPIoctl {what}"), r == SOCKET_ERROR, e);
        }
        for (what, o, outb) in [
            (
                "unmapped WSAOVERLAPPED",
                none::<WSAOVERLAPPED>(),
                (&mut nread as *mut u32).cast::<u8>(),
            ),
            (
                "read-only WSAOVERLAPPED",
                ro(),
                (&mut nread as *mut u32).cast(),
            ),
            ("overlapped, read-only output", &mut ov, ro()),
        ] {
            e = 0;
            let r = tb.lpWSPIoctl.unwrap()(
                cl,
                FIONREAD,
                core::ptr::null_mut(),
                0,
                outb,
                4,
                &mut ret,
                o,
                None,
                NOTID,
                &mut e,
            );
            c.fault(&format!("WSPIoctl {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPRecv, WSPSend (stream), with data waiting on the server side
        send_bytes(cl, 64);
        let mut one = [0u8; 1];
        let mut good = wsabuf(one.as_mut_ptr(), 1);
        let mut data_none = wsabuf(none(), 8);
        let mut data_ro = wsabuf(ro(), 8);
        let (mut got, mut flags) = (0u32, 0u32);
        let tailbufs = tail::<WSABUF>(16);
        tailbufs.write(good);
        for (what, bufs, count, gp, fp, o) in [
            (
                "unmapped WSABUF array",
                none::<WSABUF>(),
                1,
                &mut got as *mut u32,
                &mut flags as *mut u32,
                NUL,
            ),
            (
                "WSABUF array into unmapped",
                tailbufs,
                2,
                &mut got,
                &mut flags,
                NUL,
            ),
            (
                "unmapped data buffer",
                &mut data_none,
                1,
                &mut got,
                &mut flags,
                NUL,
            ),
            (
                "read-only data buffer",
                &mut data_ro,
                1,
                &mut got,
                &mut flags,
                NUL,
            ),
            (
                "unmapped lpNumberOfBytesRecvd",
                &mut good,
                1,
                none(),
                &mut flags,
                NUL,
            ),
            (
                "read-only lpNumberOfBytesRecvd",
                &mut good,
                1,
                ro(),
                &mut flags,
                NUL,
            ),
            ("unmapped lpFlags", &mut good, 1, &mut got, none(), NUL),
            ("read-only lpFlags", &mut good, 1, &mut got, ro(), NUL),
            (
                "unmapped WSAOVERLAPPED",
                &mut good,
                1,
                &mut got,
                &mut flags,
                none(),
            ),
            (
                "read-only WSAOVERLAPPED",
                &mut good,
                1,
                &mut got,
                &mut flags,
                ro(),
            ),
        ] {
            flags = 0;
            e = 0;
            let r = tb.lpWSPRecv.unwrap()(sv, bufs, count, gp, fp, o, None, NOTID, &mut e);
            c.fault(&format!("WSPRecv {what}"), r == SOCKET_ERROR, e);
        }
        let mut sent = 0u32;
        let mut src_none = wsabuf(none(), 8);
        for (what, bufs, count, sp, o) in [
            (
                "unmapped WSABUF array",
                none::<WSABUF>(),
                1,
                &mut sent as *mut u32,
                NUL,
            ),
            ("WSABUF array into unmapped", tailbufs, 2, &mut sent, NUL),
            ("unmapped data buffer", &mut src_none, 1, &mut sent, NUL),
            ("unmapped lpNumberOfBytesSent", &mut good, 1, none(), NUL),
            ("read-only lpNumberOfBytesSent", &mut good, 1, ro(), NUL),
            ("unmapped WSAOVERLAPPED", &mut good, 1, &mut sent, none()),
            ("read-only WSAOVERLAPPED", &mut good, 1, &mut sent, ro()),
        ] {
            e = 0;
            let r = tb.lpWSPSend.unwrap()(cl, bufs, count, sp, 0, o, None, NOTID, &mut e);
            c.fault(&format!("WSPSend {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPRecvDisconnect, WSPSendDisconnect
        let mut ro_buf = wsabuf(ro(), 4);
        for (what, p) in [
            ("unmapped WSABUF", none::<WSABUF>()),
            ("read-only data", &mut ro_buf),
        ] {
            e = 0;
            let r = tb.lpWSPRecvDisconnect.unwrap()(cl, p, &mut e);
            c.fault(&format!("WSPRecvDisconnect {what}"), r == SOCKET_ERROR, e);
        }
        let mut bad_src = wsabuf(none(), 4);
        for (what, p) in [
            ("unmapped WSABUF", none::<WSABUF>()),
            ("unmapped data", &mut bad_src),
        ] {
            e = 0;
            let r = tb.lpWSPSendDisconnect.unwrap()(cl, p, &mut e);
            c.fault(&format!("WSPSendDisconnect {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPRecvFrom, WSPSendTo (datagrams to itself)
        let u = sock(SOCK_DGRAM);
        nonblocking(u);
        let uport = bind0(u);
        let me = sin(uport);
        for _ in 0..8 {
            let mut b = wsabuf(four.as_mut_ptr(), 4);
            let mut n = 0;
            e = 0;
            let r = tb.lpWSPSendTo.unwrap()(
                u,
                &mut b,
                1,
                &mut n,
                0,
                me.as_ptr().cast(),
                16,
                NUL,
                None,
                NOTID,
                &mut e,
            );
            assert_eq!(r, 0, "sendto {e}");
        }
        let mut from = [0u8; 16];
        let mut fromlen: INT = 16;
        let mut dbuf = [0u8; 8];
        let mut dgood = wsabuf(dbuf.as_mut_ptr(), 8);
        for (what, bufs, fp, flp) in [
            (
                "unmapped data buffer",
                &mut data_none as *mut WSABUF,
                from.as_mut_ptr().cast::<SOCKADDR>(),
                &mut fromlen as *mut INT,
            ),
            ("unmapped lpFrom", &mut dgood, none(), &mut fromlen),
            ("read-only lpFrom", &mut dgood, ro(), &mut fromlen),
            (
                "unmapped lpFromlen",
                &mut dgood,
                from.as_mut_ptr().cast(),
                none(),
            ),
        ] {
            fromlen = 16;
            flags = 0;
            e = 0;
            let r = tb.lpWSPRecvFrom.unwrap()(
                u, bufs, 1, &mut got, &mut flags, fp, flp, NUL, None, NOTID, &mut e,
            );
            c.fault(&format!("WSPRecvFrom {what}"), r == SOCKET_ERROR, e);
        }
        let mut src = wsabuf(four.as_mut_ptr(), 4);
        for (what, bufs, top) in [
            (
                "unmapped lpTo",
                &mut src as *mut WSABUF,
                none::<SOCKADDR>() as *const SOCKADDR,
            ),
            ("lpTo into unmapped", &mut src, tail(8)),
            ("unmapped data buffer", &mut src_none, me.as_ptr().cast()),
        ] {
            e = 0;
            let r = tb.lpWSPSendTo.unwrap()(
                u, bufs, 1, &mut sent, 0, top, 16, NUL, None, NOTID, &mut e,
            );
            c.fault(&format!("WSPSendTo {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPSelect
        let mut set: FD_SET = core::mem::zeroed();
        set.fd_count = 1;
        set.fd_array[0] = cl;
        let mut set_bytes = vec![0u8; 16];
        set_bytes[..4].copy_from_slice(&1u32.to_le_bytes());
        set_bytes[8..].copy_from_slice(&cl.to_le_bytes());
        let ro_set = ro_with(&set_bytes).cast::<FD_SET>();
        let long_set = tail::<u8>(16);
        long_set.copy_from_nonoverlapping([2u8, 0, 0, 0].as_ptr(), 4);
        let tv = TIMEVAL {
            tv_sec: 0,
            tv_usec: 0,
        };
        let np: *mut FD_SET = core::ptr::null_mut();
        for (what, r_, w_, x_, tvp) in [
            (
                "unmapped readfds",
                none::<FD_SET>(),
                np,
                np,
                &tv as *const TIMEVAL,
            ),
            ("unmapped writefds", np, none(), np, &tv),
            ("unmapped exceptfds", np, np, none(), &tv),
            ("fd_set into unmapped", long_set.cast(), np, np, &tv),
            ("read-only writefds", np, ro_set, np, &tv),
            ("unmapped timeout", &mut set, np, np, none()),
        ] {
            e = 0;
            let r = tb.lpWSPSelect.unwrap()(0, r_, w_, x_, tvp, &mut e);
            c.fault(&format!("WSPSelect {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPSocket, WSPStringToAddress
        e = 0;
        let r = tb.lpWSPSocket.unwrap()(AF_INET, SOCK_STREAM, 0, none(), 0, 0, &mut e);
        c.fault("WSPSocket unmapped lpProtocolInfo", r == INVALID_SOCKET, e);
        let mut wtext: Vec<u16> = "127.0.0.1:80\0".encode_utf16().collect();
        let unterminated = tail::<u16>(4);
        unterminated
            .cast::<u8>()
            .copy_from_nonoverlapping([0x31u8, 0, 0x32, 0].as_ptr(), 4);
        let mut sa = [0u8; 16];
        let mut salen: INT = 16;
        for (what, txt, info, ap, lp) in [
            (
                "unmapped string",
                none::<u16>(),
                core::ptr::null_mut(),
                sa.as_mut_ptr().cast::<SOCKADDR>(),
                &mut salen as *mut INT,
            ),
            (
                "string into unmapped",
                unterminated,
                core::ptr::null_mut(),
                sa.as_mut_ptr().cast(),
                &mut salen,
            ),
            (
                "unmapped info",
                wtext.as_mut_ptr(),
                none(),
                sa.as_mut_ptr().cast(),
                &mut salen,
            ),
            (
                "unmapped address",
                wtext.as_mut_ptr(),
                core::ptr::null_mut(),
                none(),
                &mut salen,
            ),
            (
                "read-only address",
                wtext.as_mut_ptr(),
                core::ptr::null_mut(),
                ro(),
                &mut salen,
            ),
            (
                "unmapped length",
                wtext.as_mut_ptr(),
                core::ptr::null_mut(),
                sa.as_mut_ptr().cast(),
                none(),
            ),
            (
                "read-only length",
                wtext.as_mut_ptr(),
                core::ptr::null_mut(),
                sa.as_mut_ptr().cast(),
                ro(),
            ),
        ] {
            salen = 16;
            e = 0;
            let r = tb.lpWSPStringToAddress.unwrap()(txt, AF_INET, info, ap, lp, &mut e);
            c.fault(&format!("WSPStringToAddress {what}"), r == SOCKET_ERROR, e);
        }

        // ---- WSPStartup (returns the code), WSPEnumCatalog
        let slot = wsp_provider::instance::reserve().expect("a free slot");
        let startup = exports::startup_for_slot(slot).unwrap();
        let mut data: WSPDATA = core::mem::zeroed();
        let mut info = wsp::catalog::entries()[0];
        let mut table = WSPPROC_TABLE::default();
        for (what, d, i, tbl) in [
            (
                "unmapped lpWSPData",
                none::<WSPDATA>(),
                &mut info as *mut WSAPROTOCOL_INFOW,
                &mut table as *mut WSPPROC_TABLE,
            ),
            ("read-only lpWSPData", ro(), &mut info, &mut table),
            ("unmapped lpProtocolInfo", &mut data, none(), &mut table),
            ("unmapped lpProcTable", &mut data, &mut info, none()),
            ("read-only lpProcTable", &mut data, &mut info, ro()),
        ] {
            let r = startup(make_word(2, 2), d, i, local::table(), tbl);
            c.is(&format!("WSPStartup {what}"), r as i64, EFAULT as i64);
        }
        wsp_provider::instance::release(slot);
        let mut cat_len: DWORD = 1 << 16;
        for (what, buf, lp) in [
            (
                "unmapped buffer",
                none::<WSAPROTOCOL_INFOW>(),
                &mut cat_len as *mut DWORD,
            ),
            ("read-only buffer", ro(), &mut cat_len),
            ("unmapped length", core::ptr::null_mut(), none()),
            ("read-only length", core::ptr::null_mut(), ro()),
        ] {
            cat_len = 1 << 16;
            e = 0;
            let r = exports::WSPEnumCatalog(buf, lp, &mut e);
            c.fault(&format!("WSPEnumCatalog {what}"), r == SOCKET_ERROR, e);
        }

        for s in [l, cl, sv, fresh, u] {
            close(s);
        }
    }
    c.done();
}

/// The address `SIO_GET_EXTENSION_FUNCTION_POINTER` gives for `id` on `s`.
fn extension(s: SOCKET, id: GUID) -> usize {
    let (mut f, mut ret, mut e) = (0usize, 0u32, 0);
    let mut g = id;
    let r = unsafe {
        t().lpWSPIoctl.unwrap()(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&mut g as *mut GUID).cast(),
            16,
            (&mut f as *mut usize).cast(),
            8,
            &mut ret,
            NUL,
            None,
            NOTID,
            &mut e,
        )
    };
    assert_eq!(r, 0, "extension {e}");
    f
}

type AcceptEx = unsafe extern "system" fn(
    SOCKET,
    SOCKET,
    *mut u8,
    DWORD,
    DWORD,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
) -> BOOL;
type GetAcceptExSockaddrs = unsafe extern "system" fn(
    *mut u8,
    DWORD,
    DWORD,
    DWORD,
    *mut *mut SOCKADDR,
    *mut INT,
    *mut *mut SOCKADDR,
    *mut INT,
);
type ConnectEx = unsafe extern "system" fn(
    SOCKET,
    *const SOCKADDR,
    INT,
    *mut u8,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
) -> BOOL;
type DisconnectEx = unsafe extern "system" fn(SOCKET, *mut WSAOVERLAPPED, DWORD, DWORD) -> BOOL;
type TransmitPackets = unsafe extern "system" fn(
    SOCKET,
    *mut TRANSMIT_PACKETS_ELEMENT,
    DWORD,
    DWORD,
    *mut WSAOVERLAPPED,
    DWORD,
) -> BOOL;
type RecvMsg = unsafe extern "system" fn(
    SOCKET,
    *mut WSAMSG,
    *mut DWORD,
    *mut WSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT;
type SendMsg = unsafe extern "system" fn(
    SOCKET,
    *mut WSAMSG,
    DWORD,
    *mut DWORD,
    *mut WSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT;

/// The mswsock extension functions report through the thread's last error.
#[test]
fn extension_functions_give_wsaefault_for_bad_pointers() {
    use wsp::overlapped::*;
    let mut c = Check::default();
    let last = wsp_provider::ffi::ext::WSPExtensionLastError;
    let (l, cl, sv) = pair();
    unsafe {
        let accept_ex: AcceptEx = core::mem::transmute(extension(l, WSAID_ACCEPTEX));
        let sockaddrs: GetAcceptExSockaddrs =
            core::mem::transmute(extension(l, WSAID_GETACCEPTEXSOCKADDRS));
        let connect_ex: ConnectEx = core::mem::transmute(extension(cl, WSAID_CONNECTEX));
        let disconnect_ex: DisconnectEx = core::mem::transmute(extension(cl, WSAID_DISCONNECTEX));
        let transmit: TransmitPackets = core::mem::transmute(extension(cl, WSAID_TRANSMITPACKETS));

        // AcceptEx
        let a = sock(SOCK_STREAM);
        let mut out = [0u8; 64];
        let mut got = 0u32;
        let mut ov: WSAOVERLAPPED = core::mem::zeroed();
        for (what, buf, o) in [
            (
                "unmapped output",
                none::<u8>(),
                &mut ov as *mut WSAOVERLAPPED,
            ),
            ("read-only output", ro(), &mut ov),
            ("output into unmapped", tail(16), &mut ov),
            ("unmapped WSAOVERLAPPED", out.as_mut_ptr(), none()),
            ("read-only WSAOVERLAPPED", out.as_mut_ptr(), ro()),
        ] {
            let r = accept_ex(l, a, buf, 0, 32, 32, &mut got, o);
            c.fault(&format!("AcceptEx {what}"), r == FALSE, last());
        }
        close(a);

        // GetAcceptExSockaddrs has no error report: it must simply not crash, and give
        // nothing for a buffer it cannot read.
        let marker = core::ptr::dangling_mut::<SOCKADDR>();
        let (mut lp, mut rp) = (marker, marker);
        let (mut ln, mut rn) = (-1, -1);
        sockaddrs(none(), 0, 32, 32, &mut lp, &mut ln, &mut rp, &mut rn);
        c.is(
            "GetAcceptExSockaddrs unmapped buffer: outputs untouched",
            (lp == marker && rp == marker && ln == -1 && rn == -1) as i64,
            1,
        );
        sockaddrs(out.as_mut_ptr(), 0, 32, 32, none(), ro(), ro(), none());
        c.is("GetAcceptExSockaddrs bad outputs: no crash", 1, 1);

        // ConnectEx (on a fresh bound socket)
        let s = sock(SOCK_STREAM);
        bind0(s);
        let port = {
            let mut o = [0u8; 16];
            let mut n = 16;
            t().lpWSPGetSockName.unwrap()(l, o.as_mut_ptr().cast(), &mut n, &mut 0);
            u16::from_be_bytes([o[2], o[3]])
        };
        let to = sin(port);
        let mut sent = 0u32;
        for (what, name, data, len, o) in [
            (
                "unmapped name",
                none::<SOCKADDR>() as *const SOCKADDR,
                core::ptr::null_mut(),
                0,
                &mut ov as *mut WSAOVERLAPPED,
            ),
            (
                "name into unmapped",
                tail(8),
                core::ptr::null_mut(),
                0,
                &mut ov,
            ),
            (
                "unmapped send buffer",
                to.as_ptr().cast(),
                none(),
                4,
                &mut ov,
            ),
            (
                "unmapped WSAOVERLAPPED",
                to.as_ptr().cast(),
                core::ptr::null_mut(),
                0,
                none(),
            ),
        ] {
            let r = connect_ex(s, name, 16, data, len, &mut sent, o);
            c.fault(&format!("ConnectEx {what}"), r == FALSE, last());
        }
        close(s);

        // DisconnectEx
        for (what, o) in [("unmapped", none::<WSAOVERLAPPED>()), ("read-only", ro())] {
            let r = disconnect_ex(cl, o, 0, 0);
            c.fault(
                &format!("DisconnectEx {what} WSAOVERLAPPED"),
                r == FALSE,
                last(),
            );
        }

        // TransmitPackets
        let el = tail::<TRANSMIT_PACKETS_ELEMENT>(24);
        el.write(TRANSMIT_PACKETS_ELEMENT {
            dwElFlags: TP_ELEMENT_MEMORY,
            cLength: 1,
            pBuffer: out.as_mut_ptr(),
            hFile: 0,
        });
        for (what, e, n) in [
            ("unmapped elements", none::<TRANSMIT_PACKETS_ELEMENT>(), 1),
            ("elements into unmapped", el, 2),
        ] {
            let r = transmit(cl, e, n, 0, core::ptr::null_mut(), 0);
            c.fault(&format!("TransmitPackets {what}"), r == FALSE, last());
        }

        // WSARecvMsg, WSASendMsg (datagrams)
        let u = sock(SOCK_DGRAM);
        let uport = bind0(u);
        let me = sin(uport);
        send_to_self(u, &me, 4);
        let recv_msg: RecvMsg = core::mem::transmute(extension(u, WSAID_WSARECVMSG));
        let send_msg_u: SendMsg = core::mem::transmute(extension(u, WSAID_WSASENDMSG));
        let mut data = [0u8; 8];
        let mut b = wsabuf(data.as_mut_ptr(), 8);
        let mut from = [0u8; 16];
        let good = WSAMSG {
            name: from.as_mut_ptr().cast(),
            namelen: 16,
            lpBuffers: &mut b,
            dwBufferCount: 1,
            Control: wsabuf(core::ptr::null_mut(), 0),
            dwFlags: 0,
        };
        let ro_msg = ro_with(core::slice::from_raw_parts(
            (&good as *const WSAMSG).cast::<u8>(),
            size_of::<WSAMSG>(),
        ))
        .cast::<WSAMSG>();
        let mut no_bufs = good;
        no_bufs.lpBuffers = none();
        let mut bad_name = good;
        bad_name.name = none();
        for (what, m) in [
            ("unmapped WSAMSG", none::<WSAMSG>()),
            ("read-only WSAMSG", ro_msg),
            ("unmapped lpBuffers", &mut no_bufs),
        ] {
            let r = recv_msg(u, m, &mut got, core::ptr::null_mut(), None);
            c.fault(&format!("WSARecvMsg {what}"), r == SOCKET_ERROR, last());
        }
        let mut to_me = good;
        to_me.name = me.as_ptr() as *mut SOCKADDR;
        let mut no_bufs = to_me;
        no_bufs.lpBuffers = none();
        for (what, m) in [
            ("unmapped WSAMSG", none::<WSAMSG>()),
            ("unmapped name", &mut bad_name),
            ("unmapped lpBuffers", &mut no_bufs),
        ] {
            let r = send_msg_u(u, m, 0, &mut sent, core::ptr::null_mut(), None);
            c.fault(&format!("WSASendMsg {what}"), r == SOCKET_ERROR, last());
        }
        for h in [l, cl, sv, u] {
            close(h);
        }
    }
    c.done();
}

fn send_to_self(u: SOCKET, me: &[u8; 16], n: usize) {
    let mut four = [1u8; 4];
    for _ in 0..n {
        let mut b = wsabuf(four.as_mut_ptr(), 4);
        let (mut sent, mut e) = (0, 0);
        let r = unsafe {
            t().lpWSPSendTo.unwrap()(
                u,
                &mut b,
                1,
                &mut sent,
                0,
                me.as_ptr().cast(),
                16,
                NUL,
                None,
                NOTID,
                &mut e,
            )
        };
        assert_eq!(r, 0, "sendto {e}");
    }
}
