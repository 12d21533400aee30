//! Checked access to caller memory: copy a caller range in or out, or check that it is
//! readable or writable, and get [`Fault`] instead of a crash when it is not.
//!
//! Windows' kernel probes user memory and answers `WSAEFAULT` when a buffer "is not
//! completely contained in a valid part of the user address space". A library in user
//! space cannot take a fault and carry on without a signal handler, and this crate installs
//! none. So the copy is done by the kernel, which reports a bad address as `EFAULT`:
//!
//! * **Linux**: `process_vm_readv` on the own process, one system call per copy, or per
//!   batch of copies in either direction ([`transfer`]: the caller's sources are its
//!   remote side, the caller's destinations its local side, and the kernel checks both).
//!   It fails for unmapped memory, `PROT_NONE` pages, and (writes) pages without write
//!   permission, as a user-space access would. (The page probes use
//!   `process_vm_writev` too.)
//! * **Fallback** (those calls unavailable: `ENOSYS`, or `EPERM` under a seccomp filter;
//!   and always on macOS and the other Unix hosts): a per-thread pipe. A copy-in is
//!   `write(pipe, src)` then `read(pipe, dst)`; a copy-out is `write(pipe, src)` then
//!   `read(pipe, dst)` with the caller's range as `dst`. The kernel's user copy reports a
//!   bad source or destination as `EFAULT` in the same way, so the fallback detects the
//!   same faults; it costs two system calls per 4 KiB instead of one per copy. It cannot
//!   run when the process is out of file descriptors (`pipe` fails): then, and on hosts
//!   that are not Unix (the Windows DLL, where the caller is ws2_32 and its kernel probes
//!   the application's memory), only a null pointer is detected and the copy is a plain
//!   one ([`Method::Unchecked`]).
//!
//! What no method here can detect: memory that is valid at the check and unmapped by
//! another thread before a later use. Copies ([`copy_in`], [`copy_out`]) have no such gap,
//! which is why structures are copied; the page probes ([`readable`], [`writable`]) for
//! ranges used in place do.
//!
//! A copy that faults may have transferred the bytes before the bad page (the kernel
//! copies in order); a failed copy-out can thus leave the valid head of the caller's
//! range written, as a faulting user-space copy would.
//!
//! [`writable`] checks a page by reading one byte and writing the same byte back; a
//! concurrent write by another thread to that byte between the two could be undone. The
//! Winsock contract forbids touching a buffer that a call is using, so this only matters
//! for programs that already race on it.

use std::sync::atomic::{AtomicU8, Ordering};

/// A caller range that is not wholly readable (or, for writes, writable) memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault;

/// How this process checks caller memory (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `process_vm_readv`/`process_vm_writev` on the own process (Linux).
    ProcessVm,
    /// A per-thread pipe: the kernel copies through it.
    Pipe,
    /// Only null pointers are detected.
    Unchecked,
}

const UNKNOWN: u8 = 0;
const PROCESS_VM: u8 = 1;
const PIPE: u8 = 2;
const UNCHECKED: u8 = 3;

/// The process-wide method, decided at the first copy (and downgraded if a system call
/// turns out to be refused).
static METHOD: AtomicU8 = AtomicU8::new(UNKNOWN);

thread_local! {
    /// A per-thread override of [`METHOD`] (tests of the fallback).
    static FORCED: core::cell::Cell<u8> = const { core::cell::Cell::new(UNKNOWN) };
}

fn method_code() -> u8 {
    let f = FORCED.with(|c| c.get());
    if f != UNKNOWN {
        return f;
    }
    match METHOD.load(Ordering::Relaxed) {
        UNKNOWN => {
            let m = if cfg!(target_os = "linux") {
                PROCESS_VM
            } else if cfg!(unix) {
                PIPE
            } else {
                UNCHECKED
            };
            METHOD.store(m, Ordering::Relaxed);
            m
        }
        m => m,
    }
}

/// The method this thread uses now.
pub fn method() -> Method {
    match method_code() {
        PROCESS_VM => Method::ProcessVm,
        PIPE => Method::Pipe,
        _ => Method::Unchecked,
    }
}

/// Run `f` with this thread using `m` (for tests of each method). A method this target
/// lacks is replaced by the next one (`ProcessVm` → `Pipe` off Linux → `Unchecked` off
/// Unix), so nothing here makes an unchecked copy where a checked one was asked for on a
/// host that has it.
#[doc(hidden)]
pub fn with_method<T>(m: Method, f: impl FnOnce() -> T) -> T {
    let code = match m {
        Method::ProcessVm if cfg!(target_os = "linux") => PROCESS_VM,
        Method::ProcessVm | Method::Pipe if cfg!(unix) => PIPE,
        Method::ProcessVm | Method::Pipe | Method::Unchecked => UNCHECKED,
    };
    let old = FORCED.with(|c| c.replace(code));
    let r = f();
    FORCED.with(|c| c.set(old));
    r
}

thread_local! {
    static CHECKS: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

fn count() {
    CHECKS.with(|c| c.set(c.get() + 1));
}

/// How many copies and probes this thread has made that needed the kernel (not the stack
/// fast path): for measuring the checks a call costs.
pub fn kernel_checks() -> u64 {
    CHECKS.with(|c| c.get())
}

/// A system call could not be used (refused or missing): switch methods and retry.
enum Step {
    Done,
    Fault,
    Unavailable,
}

/// `p..p + len` must not wrap around the address space.
fn range_ok(p: usize, len: usize) -> bool {
    p != 0 && p.checked_add(len).is_some()
}

/// One part of a [`transfer`]: `len` bytes from `src` to `dst`. One side is the caller's
/// memory (checked), the other this crate's (valid for the access, distinct).
#[derive(Debug, Clone, Copy)]
pub struct Piece {
    src: *const u8,
    dst: *mut u8,
    len: usize,
    /// Whether `dst` (rather than `src`) is the caller's side.
    out: bool,
}

impl Piece {
    /// Read the caller's `src` into this crate's `dst`.
    pub fn copy_in(src: *const u8, dst: *mut u8, len: usize) -> Piece {
        Piece {
            src,
            dst,
            len,
            out: false,
        }
    }

    /// Write this crate's `src` to the caller's `dst`.
    pub fn copy_out(src: *const u8, dst: *mut u8, len: usize) -> Piece {
        Piece {
            src,
            dst,
            len,
            out: true,
        }
    }

    /// The caller's side of the piece.
    fn caller(&self) -> usize {
        if self.out {
            self.dst as usize
        } else {
            self.src as usize
        }
    }

    /// Empty, or wholly inside live frames of this thread's stack: no kernel needed.
    fn free(&self) -> bool {
        self.len == 0 || stack::live(self.caller(), self.len)
    }
}

/// How a batch of pieces went with one method.
enum Moved {
    Done,
    /// The piece at this index was not (wholly) transferred; those before it were.
    Fault(usize),
    Unavailable,
}

/// Make every transfer of `pieces`, in order, with **one kernel check** for all of them
/// (Linux: one `process_vm_readv` for up to 64 pieces, whatever their directions: the
/// caller's sources are its remote side and the caller's destinations its local side,
/// and the kernel checks both). Pieces on the live stack are copied directly, as in
/// [`copy_in`]. The pipe fallback makes them one after another.
///
/// `Err(k)`: piece `k` is empty-handed: null, wrapping, or not wholly valid memory. The
/// pieces before `k` were transferred, piece `k` at most in part (as a faulting user-space
/// copy would), none after it. This is what making the pieces one by one and stopping at
/// the first failure gives, so callers keep the error order of sequential copies.
///
/// # Safety
/// Each piece's own side (`dst` of [`Piece::copy_in`], `src` of [`Piece::copy_out`]) valid
/// for its length and not overlapping the caller's side; with [`Method::Unchecked`] the
/// caller's non-null sides must be valid too.
pub unsafe fn transfer(pieces: &[Piece]) -> Result<(), usize> {
    let limit = pieces
        .iter()
        .position(|p| p.len > 0 && !range_ok(p.caller(), p.len))
        .unwrap_or(pieces.len());
    let head = &pieces[..limit];
    if head.iter().all(Piece::free) {
        // The stack fast path: every piece is empty or on the live stack.
        for p in head.iter().filter(|p| p.len > 0) {
            // SAFETY: the caller's side lies in live frames of this thread's stack
            // (`stack`), mapped read-write; the other side is this crate's and distinct.
            unsafe { core::ptr::copy_nonoverlapping(p.src, p.dst, p.len) };
        }
        return if limit == pieces.len() {
            Ok(())
        } else {
            Err(limit)
        };
    }
    count();
    let end = loop {
        let moved = match method_code() {
            #[cfg(target_os = "linux")]
            PROCESS_VM => linux::transfer(head),
            #[cfg(unix)]
            PIPE => pipe_transfer(head),
            _ => {
                for p in head.iter().filter(|p| !p.free()) {
                    // SAFETY: unchecked method: the caller guarantees its side is
                    // valid; the other side is this crate's (contract), distinct.
                    unsafe { core::ptr::copy_nonoverlapping(p.src, p.dst, p.len) };
                }
                Moved::Done
            }
        };
        match moved {
            Moved::Done => break limit,
            Moved::Fault(k) => break k,
            Moved::Unavailable => downgrade(),
        }
    };
    for p in pieces[..end].iter().filter(|p| p.len > 0) {
        if stack::live(p.caller(), p.len) {
            // SAFETY: the caller's side lies in live frames of this thread's stack
            // (`stack`), mapped read-write; the other side is this crate's and distinct.
            unsafe { core::ptr::copy_nonoverlapping(p.src, p.dst, p.len) };
        }
    }
    if end == pieces.len() {
        Ok(())
    } else {
        Err(end)
    }
}

/// The pieces that need the kernel, one pipe round trip each.
#[cfg(unix)]
fn pipe_transfer(pieces: &[Piece]) -> Moved {
    for (k, p) in pieces.iter().enumerate() {
        if p.free() {
            continue;
        }
        match pipe::copy(p.src, p.dst, p.len) {
            Step::Done => {}
            Step::Fault => return Moved::Fault(k),
            Step::Unavailable => return Moved::Unavailable,
        }
    }
    Moved::Done
}

/// Copy `dst.len()` bytes from the caller's `src` into `dst`.
///
/// # Safety
/// None when the method is checked; with [`Method::Unchecked`] a non-null `src` must be
/// valid for reads of `dst.len()` bytes.
pub unsafe fn copy_in(src: *const u8, dst: &mut [u8]) -> Result<(), Fault> {
    // SAFETY: `dst` is a live Rust buffer of its length, distinct from caller memory;
    // forwarded contract for `src`.
    unsafe { transfer(&[Piece::copy_in(src, dst.as_mut_ptr(), dst.len())]) }.map_err(|_| Fault)
}

/// Copy `src` into the caller's memory at `dst`.
///
/// # Safety
/// None when the method is checked; with [`Method::Unchecked`] a non-null `dst` must be
/// valid for writes of `src.len()` bytes.
pub unsafe fn copy_out(src: &[u8], dst: *mut u8) -> Result<(), Fault> {
    // SAFETY: `src` is a live slice; forwarded contract for `dst`.
    unsafe { copy_out_raw(src.as_ptr(), src.len(), dst) }
}

/// Copy `len` bytes at `src` (this crate's memory, possibly with uninitialised padding:
/// only the kernel reads it) into the caller's memory at `dst`.
///
/// # Safety
/// `src` valid for reads of `len` bytes; `dst` as [`copy_out`].
pub unsafe fn copy_out_raw(src: *const u8, len: usize, dst: *mut u8) -> Result<(), Fault> {
    // SAFETY: forwarded contract.
    unsafe { transfer(&[Piece::copy_out(src, dst, len)]) }.map_err(|_| Fault)
}

/// Whether every page of `p..p + len` is readable now (one byte per page is read). An
/// empty range is readable; a null pointer with `len > 0` is not.
pub fn readable(p: *const u8, len: usize) -> bool {
    pages(p as usize, len, false)
}

/// Whether every page of `p..p + len` is writable now (one byte per page is read and
/// written back: module docs).
pub fn writable(p: *mut u8, len: usize) -> bool {
    pages(p as usize, len, true)
}

/// The first byte of each page of `p..p + len`, in order.
fn page_starts(p: usize, len: usize) -> impl Iterator<Item = usize> {
    let page = page_size();
    let end = p + len;
    let first_next = (p / page + 1) * page;
    core::iter::once(p).chain((first_next..end).step_by(page))
}

fn page_size() -> usize {
    static PAGE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            #[cfg(unix)]
            // SAFETY: sysconf has no memory preconditions.
            let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            #[cfg(not(unix))]
            let n = 4096;
            let n = if n > 0 { n as usize } else { 4096 };
            PAGE.store(n, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

fn pages(p: usize, len: usize, write: bool) -> bool {
    if len == 0 {
        return true;
    }
    if !range_ok(p, len) {
        return false;
    }
    if stack::live(p, len) {
        return true;
    }
    count();
    loop {
        let step = match method_code() {
            #[cfg(target_os = "linux")]
            PROCESS_VM => linux::pages(p, len, write),
            #[cfg(unix)]
            PIPE => pipe_pages(p, len, write),
            // Unchecked: nothing to ask.
            _ => Step::Done,
        };
        match step {
            Step::Done => return true,
            Step::Fault => return false,
            Step::Unavailable => downgrade(),
        }
    }
}

/// One byte per page through the pipe (read, and written back when `write`).
#[cfg(unix)]
fn pipe_pages(p: usize, len: usize, write: bool) -> Step {
    for at in page_starts(p, len) {
        let mut b = [0u8];
        let at = at as *mut u8;
        match pipe::copy(at, b.as_mut_ptr(), 1) {
            Step::Done => {}
            other => return other,
        }
        if write {
            match pipe::copy(b.as_ptr(), at, 1) {
                Step::Done => {}
                other => return other,
            }
        }
    }
    Step::Done
}

/// The current method's system call is unavailable: move to the next one.
fn downgrade() {
    let next = match method_code() {
        PROCESS_VM if cfg!(unix) => PIPE,
        _ => UNCHECKED,
    };
    if FORCED.with(|c| c.get()) != UNKNOWN {
        FORCED.with(|c| c.set(next));
    } else {
        METHOD.store(next, Ordering::Relaxed);
    }
}

#[cfg(target_os = "linux")]
mod linux {
    //! `process_vm_readv`/`process_vm_writev` on the own process.
    use super::Step;
    use std::sync::atomic::{AtomicI32, Ordering};

    /// At most this many iovecs per call (Linux's `UIO_MAXIOV`).
    const MAX_IOV: usize = 1024;

    static PID: AtomicI32 = AtomicI32::new(0);

    extern "C" fn forget_pid() {
        PID.store(0, Ordering::Relaxed);
    }

    /// This process's id, cached (a `pthread_atfork` child handler forgets it, so a
    /// forked child never names its parent).
    fn pid() -> libc::pid_t {
        match PID.load(Ordering::Relaxed) {
            0 => {
                static HOOK: std::sync::Once = std::sync::Once::new();
                // SAFETY: registers a handler that only stores to an atomic.
                HOOK.call_once(|| unsafe {
                    libc::pthread_atfork(None, None, Some(forget_pid));
                });
                // SAFETY: getpid has no preconditions.
                let p = unsafe { libc::getpid() };
                PID.store(p, Ordering::Relaxed);
                p
            }
            p => p,
        }
    }

    fn outcome(n: isize, want: usize) -> Step {
        if n >= 0 {
            return if n as usize == want {
                Step::Done
            } else {
                Step::Fault
            };
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::ENOSYS) | Some(libc::EPERM) | Some(libc::ENOMEM) => Step::Unavailable,
            _ => Step::Fault,
        }
    }

    /// Iovecs per system call in [`transfer`] (on this thread's stack; `UIO_MAXIOV` is
    /// 1024).
    const BATCH: usize = 64;

    /// The pieces that need the kernel, `BATCH` per `process_vm_readv`: the sources as
    /// its remote side, the destinations as its local side. Both sides are user addresses
    /// the kernel checks (the remote through its page-table walk, the local through its
    /// user copy), so a bad caller range on either side gives `EFAULT` or a short count,
    /// never a fault in this process. The kernel moves the bytes in order and stops at
    /// the first bad range, so the count says which piece failed.
    pub(super) fn transfer(pieces: &[super::Piece]) -> super::Moved {
        use super::Moved;
        const NONE: libc::iovec = libc::iovec {
            iov_base: core::ptr::null_mut(),
            iov_len: 0,
        };
        let mut local = [NONE; BATCH];
        let mut remote = [NONE; BATCH];
        let mut index = [0usize; BATCH];
        let mut todo = pieces
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.free())
            .peekable();
        while todo.peek().is_some() {
            let mut n = 0;
            let mut want = 0usize;
            for (k, p) in todo.by_ref().take(BATCH) {
                local[n] = libc::iovec {
                    iov_base: p.dst.cast(),
                    iov_len: p.len,
                };
                remote[n] = libc::iovec {
                    iov_base: p.src as *mut libc::c_void,
                    iov_len: p.len,
                };
                index[n] = k;
                want = want.saturating_add(p.len);
                n += 1;
            }
            // SAFETY: `local` and `remote` are `n` initialised iovecs; this crate's side
            // of each piece is valid for its length (`transfer`'s contract), the caller's
            // side is checked by the kernel. The pid is our own.
            let got = unsafe {
                libc::process_vm_readv(
                    pid(),
                    local.as_ptr(),
                    n as libc::c_ulong,
                    remote.as_ptr(),
                    n as libc::c_ulong,
                    0,
                )
            };
            match outcome(got, want) {
                Step::Done => {}
                Step::Unavailable => return Moved::Unavailable,
                Step::Fault => {
                    // The first piece not wholly inside the `got` bytes moved.
                    let got = got.max(0) as usize;
                    let mut end = 0usize;
                    for (j, iov) in local[..n].iter().enumerate() {
                        end += iov.iov_len;
                        if end > got {
                            return Moved::Fault(index[j]);
                        }
                    }
                    return Moved::Fault(index[n - 1]);
                }
            }
        }
        Moved::Done
    }

    /// Read one byte of each page (and write it back when `write`), `MAX_IOV` pages per
    /// call.
    pub(super) fn pages(p: usize, len: usize, write: bool) -> Step {
        let starts: Vec<usize> = super::page_starts(p, len).collect();
        let mut scratch = vec![0u8; starts.len().min(MAX_IOV)];
        for chunk in starts.chunks(MAX_IOV) {
            let remote: Vec<libc::iovec> = chunk
                .iter()
                .map(|&a| libc::iovec {
                    iov_base: a as *mut libc::c_void,
                    iov_len: 1,
                })
                .collect();
            let local = libc::iovec {
                iov_base: scratch.as_mut_ptr().cast(),
                iov_len: chunk.len(),
            };
            // SAFETY: as `read`: `local` is our scratch buffer of `chunk.len()` bytes; the
            // remote addresses are checked by the kernel.
            let n = unsafe {
                libc::process_vm_readv(
                    pid(),
                    &local,
                    1,
                    remote.as_ptr(),
                    remote.len() as libc::c_ulong,
                    0,
                )
            };
            match outcome(n, chunk.len()) {
                Step::Done => {}
                other => return other,
            }
            if write {
                // SAFETY: as `write`: the bytes just read go back where they came from.
                let n = unsafe {
                    libc::process_vm_writev(
                        pid(),
                        &local,
                        1,
                        remote.as_ptr(),
                        remote.len() as libc::c_ulong,
                        0,
                    )
                };
                match outcome(n, chunk.len()) {
                    Step::Done => {}
                    other => return other,
                }
            }
        }
        Step::Done
    }
}

#[cfg(unix)]
mod pipe {
    //! The fallback: the kernel copies through a per-thread pipe.
    use super::Step;
    use std::cell::Cell;

    /// Bytes per round trip: no more than any Unix pipe holds.
    const CHUNK: usize = 4096;

    struct Pipe {
        r: libc::c_int,
        w: libc::c_int,
    }

    impl Drop for Pipe {
        fn drop(&mut self) {
            // SAFETY: the two descriptors this value opened and owns.
            unsafe {
                libc::close(self.r);
                libc::close(self.w);
            }
        }
    }

    thread_local! {
        static PIPE: Cell<Option<Pipe>> = const { Cell::new(None) };
    }

    fn open() -> Option<Pipe> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` is a live array of two ints for pipe() to fill.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return None;
        }
        let p = Pipe {
            r: fds[0],
            w: fds[1],
        };
        for fd in fds {
            // SAFETY: fcntl on descriptors we own; no memory is passed.
            unsafe {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                let fl = libc::fcntl(fd, libc::F_GETFL);
                libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
            }
        }
        Some(p)
    }

    /// Empty the pipe after a failed round trip.
    fn drain(p: &Pipe) {
        let mut b = [0u8; 512];
        for _ in 0..64 {
            // SAFETY: reads into a live local buffer of its length.
            let n = unsafe { libc::read(p.r, b.as_mut_ptr().cast(), b.len()) };
            if n <= 0 {
                break;
            }
        }
    }

    fn errno() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    /// Copy `len` bytes from `src` to `dst` through the pipe; either may be the caller's
    /// (the kernel checks both).
    pub(super) fn copy(src: *const u8, dst: *mut u8, len: usize) -> Step {
        PIPE.with(|cell| {
            let p = match cell.take() {
                Some(p) => p,
                None => match open() {
                    Some(p) => p,
                    None => return Step::Unavailable,
                },
            };
            let mut done = 0;
            let mut step = Step::Done;
            while done < len {
                let n = (len - done).min(CHUNK);
                // SAFETY: the kernel reads `n` bytes at `src + done` and reports a bad
                // address as EFAULT (no fault in this process).
                let w = unsafe { libc::write(p.w, src.wrapping_add(done).cast(), n) };
                if w != n as isize {
                    if w < 0 && errno() == libc::EINTR {
                        continue;
                    }
                    drain(&p);
                    step = Step::Fault;
                    break;
                }
                // SAFETY: the kernel writes `n` bytes at `dst + done`, EFAULT if bad.
                let r = unsafe { libc::read(p.r, dst.wrapping_add(done).cast(), n) };
                if r != n as isize {
                    drain(&p);
                    step = Step::Fault;
                    break;
                }
                done += n;
            }
            cell.set(Some(p));
            step
        })
    }
}

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod stack {
    //! The fast path: a range inside the live part of the calling thread's stack (from
    //! this frame up to the stack's top) is mapped read-write, so it needs no kernel
    //! check. Structures a C program passes by address are mostly its locals (and the
    //! ws2_32 shim's own locals always are), so most checks end here.
    //!
    //! Sound because the stack grows down on these targets: every byte between a local of
    //! this function and the top of the thread's stack belongs to a frame of a caller,
    //! which is live. The bounds come from `pthread_getattr_np` once per thread; a call on
    //! another stack (a signal's alternate stack, a coroutine's) finds this frame outside
    //! them and takes the kernel path. A program that makes part of its own stack
    //! read-only is not covered.
    use std::cell::Cell;

    thread_local! {
        /// `(low, high)` of this thread's stack; `(0, 0)` unknown, `(1, 1)` unavailable.
        static BOUNDS: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    fn bounds() -> (usize, usize) {
        BOUNDS.with(|b| {
            if b.get() == (0, 0) {
                b.set(query().unwrap_or((1, 1)));
            }
            b.get()
        })
    }

    fn query() -> Option<(usize, usize)> {
        // SAFETY: `attr` is initialised by pthread_getattr_np before use and destroyed
        // after; the out-pointers are live locals.
        unsafe {
            let mut attr: libc::pthread_attr_t = core::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
                return None;
            }
            let mut addr: *mut libc::c_void = core::ptr::null_mut();
            let mut size: libc::size_t = 0;
            let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
            libc::pthread_attr_destroy(&mut attr);
            if r != 0 || addr.is_null() {
                return None;
            }
            Some((addr as usize, (addr as usize).checked_add(size)?))
        }
    }

    /// Whether `p..p + len` lies between this frame and the top of this thread's stack.
    #[inline(never)]
    pub(super) fn live(p: usize, len: usize) -> bool {
        let marker = 0u8;
        let here = core::hint::black_box(&marker as *const u8) as usize;
        let (lo, hi) = bounds();
        lo <= here && here < hi && p > here && p.checked_add(len).is_some_and(|e| e <= hi)
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
mod stack {
    /// No fast path on this target.
    pub(super) fn live(_p: usize, _len: usize) -> bool {
        false
    }
}
