//! The mswsock extension functions `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out.
//!
//! The engine answers the ioctl with an [`ExtensionFn`] identifier; [`swap_in`] replaces
//! it with the address of this module's `extern "system"` function for the slot that
//! answered, which unpacks the C arguments and calls the engine's inherent method
//! (`Engine::accept_ex`, ...). Built: `AcceptEx`, `GetAcceptExSockaddrs`, `ConnectEx`,
//! `DisconnectEx`, `TransmitFile`, `TransmitPackets` (memory elements), `WSARecvMsg`,
//! `WSASendMsg`. File elements of `TransmitPackets` fail with `WSAEOPNOTSUPP`.
//!
//! # `TransmitFile`'s `hFile` on Unix
//! There are no Win32 file handles: `hFile` is a host file descriptor cast to `HANDLE`
//! (`(HANDLE)(intptr_t)fd`), open for reading and kept open by the caller until the
//! request completes; this crate never closes it. `NULL` means no file (only the head and
//! tail buffers are sent, as on Windows), so descriptor 0 cannot be transmitted. With
//! `lpOverlapped` the file data starts at `Offset`/`OffsetHigh` and the descriptor's own
//! position is left alone (`pread`); without it the data starts at the descriptor's
//! current position, which advances (`read`), as for a synchronous Windows handle. An
//! offset past the end of a regular file is `WSAEINVAL` (TransmitFile page); a descriptor
//! the host does not know (`fstat` fails) is `WSAEINVAL` (inferred). On Windows hosts a
//! non-null `hFile` is `WSAEOPNOTSUPP` (not built).
//!
//! # Errors
//! These functions have no `lpErrno`: Windows reports through `WSAGetLastError()`, which
//! is the thread's last-error value. On Windows they call `SetLastError`; everywhere they
//! also store the code in a thread-local that [`WSPExtensionLastError`] (exported) reads,
//! for hosts that are not ws2_32 (tests), and a host that links this crate can install
//! its own `SetLastError` with [`set_host_last_error`] (the ws2_32 shim does). The BOOL functions return `FALSE` and
//! the INT ones `SOCKET_ERROR`; a request that started but did not complete in the call
//! reports `WSA_IO_PENDING` (= `ERROR_IO_PENDING`).

use super::exports::{addr_in, overlapped};
use super::mem;
use super::ov::{CRecvBufs, CSendBufs};
use crate::abi::*;
use crate::instance::{self, Instance};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use wsp::overlapped::{ExtensionFn, Issued, OpResult, Overlapped};
use wsp::types::SOCKET_ERROR;
use wsp::WsaError;

type R<T> = Result<T, WsaError>;

thread_local! {
    static LAST: Cell<INT> = const { Cell::new(0) };
}

/// The last error an extension function of this provider reported on the calling thread
/// (0 if none). On Windows the same code is also the thread's `GetLastError()`.
#[no_mangle]
pub extern "system" fn WSPExtensionLastError() -> INT {
    LAST.with(Cell::get)
}

/// The host's `SetLastError`, for a host that links this crate and has its own per-thread
/// last error (the ws2_32 shim, whose `WSAGetLastError` reads it).
static HOST_SET_LAST_ERROR: std::sync::OnceLock<fn(INT)> = std::sync::OnceLock::new();

/// Install the host's `SetLastError`: every extension function of this crate then also
/// stores its outcome there (as it calls kernel32's `SetLastError` on Windows). The first
/// installation wins; later calls do nothing.
pub fn set_host_last_error(f: fn(INT)) {
    let _ = HOST_SET_LAST_ERROR.set(f);
}

fn set_last_error(code: INT) {
    LAST.with(|c| c.set(code));
    if let Some(f) = HOST_SET_LAST_ERROR.get() {
        f(code);
    }
    #[cfg(windows)]
    {
        extern "system" {
            fn SetLastError(code: u32);
        }
        // SAFETY: kernel32's SetLastError takes any value.
        unsafe { SetLastError(code as u32) };
    }
}

/// Run an extension function body, turning errors (and panics) into the last error.
fn run<T: Copy>(fail: T, f: impl FnOnce() -> R<T>) -> T {
    match catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE)) {
        Ok(v) => {
            set_last_error(0);
            v
        }
        Err(e) => {
            set_last_error(e.0);
            fail
        }
    }
}

fn inst<const S: usize>() -> R<Arc<Instance>> {
    instance::get(S)
}

/// The address of slot `S`'s function for `f`.
fn address<const S: usize>(f: ExtensionFn) -> usize {
    match f {
        ExtensionFn::AcceptEx => accept_ex::<S> as *const () as usize,
        ExtensionFn::GetAcceptExSockaddrs => get_accept_ex_sockaddrs as *const () as usize,
        ExtensionFn::ConnectEx => connect_ex::<S> as *const () as usize,
        ExtensionFn::DisconnectEx => disconnect_ex::<S> as *const () as usize,
        ExtensionFn::TransmitFile => transmit_file::<S> as *const () as usize,
        ExtensionFn::TransmitPackets => transmit_packets::<S> as *const () as usize,
        ExtensionFn::WsaRecvMsg => wsa_recv_msg::<S> as *const () as usize,
        ExtensionFn::WsaSendMsg => wsa_send_msg::<S> as *const () as usize,
    }
}

/// Replace the engine's identifier at the start of `out` with slot `S`'s function
/// address.
pub fn swap_in<const S: usize>(out: &mut [u8]) -> R<()> {
    const W: usize = core::mem::size_of::<usize>();
    let slot = out.get_mut(..W).ok_or(WsaError::WSAEFAULT)?;
    let mut id = [0u8; W];
    id.copy_from_slice(slot);
    let f = ExtensionFn::from_id(usize::from_ne_bytes(id)).ok_or(WsaError::WSAEINVAL)?;
    slot.copy_from_slice(&address::<S>(f).to_ne_bytes());
    Ok(())
}

/// The identifier for a function address [`swap_in`] handed out (any slot), so the
/// reverse wrapper can give Rust callers the engine's identifiers back.
pub fn identify(addr: usize) -> Option<ExtensionFn> {
    macro_rules! find {
        ($($n:literal)*) => {
            [$(find_in::<$n>(addr),)*].into_iter().flatten().next()
        };
    }
    const _: () = assert!(instance::SLOTS == 16);
    find!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
}

fn find_in<const S: usize>(addr: usize) -> Option<ExtensionFn> {
    use ExtensionFn::*;
    [
        AcceptEx,
        GetAcceptExSockaddrs,
        ConnectEx,
        DisconnectEx,
        TransmitFile,
        TransmitPackets,
        WsaRecvMsg,
        WsaSendMsg,
    ]
    .into_iter()
    .find(|&f| address::<S>(f) == addr)
}

/// An overlapped extension call reported as a BOOL: TRUE when it completed in the call.
///
/// # Safety
/// As [`overlapped`].
unsafe fn bool_call(
    i: &Instance,
    ov: *mut WSAOVERLAPPED,
    count: *mut DWORD,
    issue: impl FnOnce(Overlapped) -> R<Issued>,
) -> R<BOOL> {
    // SAFETY: forwarded contract.
    unsafe {
        overlapped(
            i,
            ov,
            None,
            core::ptr::null_mut(),
            count,
            core::ptr::null_mut(),
            issue,
        )
    }
    .map(|_| TRUE)
}

/// A blocking extension call (null `lpOverlapped` where the function allows it): issue
/// under a private key and wait for the outcome.
fn blocking(i: &Instance, issue: impl FnOnce(Overlapped) -> R<Issued>) -> R<OpResult> {
    // The key is the address of a local: unique while the call runs, and never a caller
    // WSAOVERLAPPED registered with the upcalls, so completion writes nothing.
    let marker = 0u8;
    let issued = issue(Overlapped::new(&marker as *const u8 as usize))?;
    let r = match issued.immediate {
        Some(r) => r,
        None => i.wait_op(&issued.op).ok_or(WsaError::WSASYSCALLFAILURE)?,
    };
    match r.error {
        None => Ok(r),
        Some(e) => Err(e),
    }
}

/// `AcceptEx`. `lpOverlapped` may not be null (AcceptEx page); null is `WSAEINVAL`.
unsafe extern "system" fn accept_ex<const S: usize>(
    listen: SOCKET,
    accept: SOCKET,
    out: *mut u8,
    receive_len: DWORD,
    local_len: DWORD,
    remote_len: DWORD,
    got: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
) -> BOOL {
    run(FALSE, || {
        let i = inst::<S>()?;
        let (listen, accept) = (i.sock(listen)?, i.sock(accept)?);
        if ov.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        let total = [receive_len, local_len, remote_len]
            .iter()
            .try_fold(0usize, |a, &n| a.checked_add(n as usize))
            .ok_or(WsaError::WSAEFAULT)?;
        // The engine writes the addresses into the buffer in user space: check it now.
        mem::probe_out(out, total)?;
        // SAFETY: the caller's output buffer (declared by the three lengths, probed) and
        // WSAOVERLAPPED stay valid until completion (AcceptEx contract).
        unsafe {
            let b = CRecvBufs::single(out, total)?;
            bool_call(&i, ov, got, |o| {
                i.provider.accept_ex(
                    listen,
                    accept,
                    Box::new(b),
                    receive_len as usize,
                    local_len as usize,
                    remote_len as usize,
                    o,
                )
            })
        }
    })
}

/// `GetAcceptExSockaddrs`: point into AcceptEx's output buffer. A buffer that does not
/// hold the addresses gives null pointers and zero lengths.
#[allow(clippy::too_many_arguments)]
unsafe extern "system" fn get_accept_ex_sockaddrs(
    buf: *mut u8,
    receive_len: DWORD,
    local_len: DWORD,
    remote_len: DWORD,
    local: *mut *mut SOCKADDR,
    local_out: *mut INT,
    remote: *mut *mut SOCKADDR,
    remote_out: *mut INT,
) {
    let _ = catch_unwind(AssertUnwindSafe(|| -> R<()> {
        let (rl, ll, ml) = (
            receive_len as usize,
            local_len as usize,
            remote_len as usize,
        );
        let total = rl
            .checked_add(ll)
            .and_then(|n| n.checked_add(ml))
            .ok_or(WsaError::WSAEFAULT)?;
        // SAFETY: the caller's AcceptEx buffer, declared by the same three lengths: a
        // checked copy (the pointers handed back point into the caller's buffer).
        let bytes = unsafe { mem::copy_in(buf, total) }?;
        let found = wsp::overlapped::get_accept_ex_sockaddrs(&bytes, rl, ll, ml);
        let (lp, ln, rp, rn) = match &found {
            // SAFETY (offsets): each address follows its 4-byte length inside `bytes`,
            // which get_accept_ex_sockaddrs checked.
            Some((l, r)) => (
                buf.wrapping_add(rl + 4).cast::<SOCKADDR>(),
                l.len() as INT,
                buf.wrapping_add(rl + ll + 4).cast::<SOCKADDR>(),
                r.len() as INT,
            ),
            None => (core::ptr::null_mut(), 0, core::ptr::null_mut(), 0),
        };
        // SAFETY: null or the caller's out-parameters.
        unsafe {
            for (p, v) in [(local, lp), (remote, rp)] {
                if !p.is_null() {
                    mem::write(p, v)?;
                }
            }
            for (p, v) in [(local_out, ln), (remote_out, rn)] {
                if !p.is_null() {
                    mem::write(p, v)?;
                }
            }
        }
        Ok(())
    }));
}

/// `ConnectEx`.
unsafe extern "system" fn connect_ex<const S: usize>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    send: *mut u8,
    send_len: DWORD,
    sent: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
) -> BOOL {
    run(FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if ov.is_null() {
            return Err(WsaError::WSAEINVAL);
        }
        // SAFETY: the address is read now; the send buffer and WSAOVERLAPPED stay valid
        // until completion (ConnectEx contract).
        unsafe {
            let a = addr_in(name, namelen)?;
            let data = if send.is_null() || send_len == 0 {
                None
            } else {
                // Connect data may be framed in user space (the emulated protocol).
                mem::probe_in(send, send_len as usize)?;
                Some(Box::new(CSendBufs::single(send, send_len as usize)?)
                    as Box<dyn wsp::overlapped::SendBufs>)
            };
            bool_call(&i, ov, sent, |o| i.provider.connect_ex(s, &a, data, o))
        }
    })
}

/// `DisconnectEx`; a null `lpOverlapped` blocks until the disconnect is done.
unsafe extern "system" fn disconnect_ex<const S: usize>(
    s: SOCKET,
    ov: *mut WSAOVERLAPPED,
    flags: DWORD,
    reserved: DWORD,
) -> BOOL {
    run(FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if reserved != 0 {
            return Err(WsaError::WSAEINVAL);
        }
        if ov.is_null() {
            return blocking(&i, |o| i.provider.disconnect_ex(s, flags, o)).map(|_| TRUE);
        }
        // SAFETY: the caller's WSAOVERLAPPED, valid until completion.
        unsafe {
            bool_call(&i, ov, core::ptr::null_mut(), |o| {
                i.provider.disconnect_ex(s, flags, o)
            })
        }
    })
}

/// `TransmitFile`; a null `lpOverlapped` blocks until the transfer is done. See the
/// module docs for `hFile`.
unsafe extern "system" fn transmit_file<const S: usize>(
    s: SOCKET,
    file: HANDLE,
    bytes: DWORD,
    per_send: DWORD,
    ov: *mut WSAOVERLAPPED,
    buffers: *mut TRANSMIT_FILE_BUFFERS,
    flags: DWORD,
) -> BOOL {
    run(FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let (mut head, mut tail) = (None, None);
        if !buffers.is_null() {
            // SAFETY: a non-null TRANSMIT_FILE_BUFFERS is the caller's, readable now; the
            // buffers it names stay valid until completion (TransmitFile contract).
            unsafe {
                let b = mem::read(buffers)?;
                head = send_part(b.Head, b.HeadLength)?;
                tail = send_part(b.Tail, b.TailLength)?;
            }
        }
        let offset = if ov.is_null() {
            None
        } else {
            // SAFETY: the caller's WSAOVERLAPPED, readable now.
            let (lo, hi) = unsafe {
                (
                    mem::read(core::ptr::addr_of!((*ov).Offset))?,
                    mem::read(core::ptr::addr_of!((*ov).OffsetHigh))?,
                )
            };
            Some(u64::from(hi) << 32 | u64::from(lo))
        };
        let req = wsp::engine::transmit_file::TransmitFileRequest {
            file: file_source(file, offset)?,
            bytes_to_write: bytes,
            bytes_per_send: per_send,
            head,
            tail,
            flags,
        };
        if ov.is_null() {
            return blocking(&i, |o| i.provider.transmit_file(s, req, o)).map(|_| TRUE);
        }
        // SAFETY: the caller's WSAOVERLAPPED, valid until completion.
        unsafe {
            bool_call(&i, ov, core::ptr::null_mut(), |o| {
                i.provider.transmit_file(s, req, o)
            })
        }
    })
}

/// A head or tail buffer of `TRANSMIT_FILE_BUFFERS`: none when empty.
///
/// # Safety
/// `p` null with `len` 0, or `len` bytes valid for reads until the request completes.
unsafe fn send_part(p: *mut u8, len: DWORD) -> R<Option<Box<dyn wsp::overlapped::SendBufs>>> {
    if len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    let b = unsafe { CSendBufs::single(p, len as usize) }?;
    Ok(Some(Box::new(b)))
}

/// The file `hFile` names, read from `offset` (positional) or from its current position.
#[cfg(unix)]
fn file_source(
    file: HANDLE,
    offset: Option<u64>,
) -> R<Option<Box<dyn wsp::engine::transmit_file::FileSource>>> {
    if file == 0 {
        return Ok(None);
    }
    let fd = libc::c_int::try_from(file as isize).map_err(|_| WsaError::WSAEINVAL)?;
    // SAFETY: `st` is a live local that fstat fills; a descriptor that is not open fails
    // with EBADF and writes nothing.
    let size = unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        if libc::fstat(fd, &mut st) != 0 {
            return Err(WsaError::WSAEINVAL);
        }
        ((st.st_mode & libc::S_IFMT) == libc::S_IFREG).then_some(st.st_size as u64)
    };
    // TransmitFile page: WSAEINVAL "if the offset specified in the OVERLAPPED structure
    // ... is not within the file".
    if let (Some(off), Some(size)) = (offset, size) {
        if off > size {
            return Err(WsaError::WSAEINVAL);
        }
    }
    Ok(Some(Box::new(FdSource { fd, offset })))
}

/// Not built on Windows hosts: `hFile` would be a Win32 file handle.
#[cfg(not(unix))]
fn file_source(
    file: HANDLE,
    _offset: Option<u64>,
) -> R<Option<Box<dyn wsp::engine::transmit_file::FileSource>>> {
    if file == 0 {
        return Ok(None);
    }
    Err(WsaError::WSAEOPNOTSUPP)
}

/// The caller's file descriptor, read positionally (`offset`) or sequentially. Never
/// closed here.
#[cfg(unix)]
struct FdSource {
    fd: libc::c_int,
    offset: Option<u64>,
}

#[cfg(unix)]
impl wsp::engine::transmit_file::FileSource for FdSource {
    fn read_next(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (p, n) = (buf.as_mut_ptr().cast::<libc::c_void>(), buf.len());
        // SAFETY: `p` and `n` describe `buf`, which the host fills with at most `n` bytes;
        // a descriptor closed meanwhile fails with EBADF.
        let r = unsafe {
            match self.offset {
                Some(off) => {
                    let off = libc::off_t::try_from(off)
                        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
                    libc::pread(self.fd, p, n, off)
                }
                None => libc::read(self.fd, p, n),
            }
        };
        if r < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if let Some(off) = self.offset.as_mut() {
            *off += r as u64;
        }
        Ok(r as usize)
    }
}

/// `TransmitPackets` with memory elements (file elements: `WSAEOPNOTSUPP`); a null
/// `lpOverlapped` blocks until the transfer is done.
unsafe extern "system" fn transmit_packets<const S: usize>(
    s: SOCKET,
    elements: *mut TRANSMIT_PACKETS_ELEMENT,
    count: DWORD,
    _send_size: DWORD,
    ov: *mut WSAOVERLAPPED,
    flags: DWORD,
) -> BOOL {
    run(FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let mut pairs = Vec::with_capacity(count as usize);
        for k in 0..count as usize {
            // SAFETY: the caller declared `count` elements at `elements`.
            let e = unsafe { mem::read(elements.wrapping_add(k)) }?;
            if e.dwElFlags & TP_ELEMENT_MEMORY == 0 {
                return Err(WsaError::WSAEOPNOTSUPP);
            }
            pairs.push((e.pBuffer as usize, e.cLength as usize));
        }
        // SAFETY: the memory elements stay valid until completion (TransmitPackets
        // contract: "the buffers ... must remain available").
        let bufs = unsafe { CSendBufs::from_pairs(pairs) }?;
        if ov.is_null() {
            return blocking(&i, |o| {
                i.provider.transmit_packets(s, Box::new(bufs), flags, o)
            })
            .map(|_| TRUE);
        }
        // SAFETY: the caller's WSAOVERLAPPED, valid until completion.
        unsafe {
            bool_call(&i, ov, core::ptr::null_mut(), |o| {
                i.provider.transmit_packets(s, Box::new(bufs), flags, o)
            })
        }
    })
}

/// The `WSATHREADID` for a completion routine of a call that has no `lpThreadId`
/// (WSARecvMsg, WSASendMsg): the calling thread's.
fn calling_thread(i: &Instance) -> R<WSATHREADID> {
    if i.upcalls.is_native() {
        return Ok(WSATHREADID {
            ThreadHandle: wsp::sync::current_thread().raw(),
            Reserved: 0,
        });
    }
    i.up.open_current_thread()
}

/// An INT-returning message call (overlapped or not).
///
/// # Safety
/// `ov` null or valid until completion; `count` null or a caller DWORD.
unsafe fn msg_call(
    i: &Instance,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    count: *mut DWORD,
    flags_out: *mut DWORD,
    issue: impl FnOnce(Overlapped) -> R<Issued>,
) -> R<INT> {
    if ov.is_null() {
        let r = blocking(i, issue)?;
        // SAFETY: null or caller DWORDs.
        unsafe {
            if !count.is_null() {
                mem::write(count, r.bytes)?;
            }
            if !flags_out.is_null() {
                mem::write(flags_out, r.flags)?;
            }
        }
        return Ok(0);
    }
    let mut tid = match cr {
        Some(_) => calling_thread(i)?,
        None => WSATHREADID::default(),
    };
    // SAFETY: forwarded contract; `tid` is a live local, copied by the request.
    unsafe { overlapped(i, ov, cr, &mut tid, count, flags_out, issue) }
}

/// `WSARecvMsg` (datagram sockets). `Control` receives the datagram's packet information
/// when `IP_PKTINFO`/`IPV6_PKTINFO` is set (`Control.len` the bytes used; 0 when there is
/// none, with `MSG_CTRUNC` in `dwFlags` when it did not fit).
unsafe extern "system" fn wsa_recv_msg<const S: usize>(
    s: SOCKET,
    msg: *mut WSAMSG,
    got: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's WSAMSG, its buffers and its address buffer stay valid until
        // completion (WSARecvMsg contract).
        unsafe {
            let m = mem::read(msg)?;
            mem::write(core::ptr::addr_of_mut!((*msg).Control.len), 0)?;
            let namelen = core::ptr::addr_of_mut!((*msg).namelen);
            let b = CRecvBufs::new(m.lpBuffers, m.dwBufferCount)?
                .with_from(m.name, namelen)?
                .with_control(
                    m.Control.buf,
                    m.Control.len as usize,
                    core::ptr::addr_of_mut!((*msg).Control.len),
                )?;
            let flags = core::ptr::addr_of_mut!((*msg).dwFlags);
            msg_call(&i, ov, cr, got, flags, |o| {
                i.provider.recv_msg(s, Box::new(b), m.dwFlags, o)
            })
        }
    })
}

/// `WSASendMsg`.
unsafe extern "system" fn wsa_send_msg<const S: usize>(
    s: SOCKET,
    msg: *mut WSAMSG,
    flags: DWORD,
    sent: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> INT {
    run(SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's WSAMSG is read now; its buffers stay valid until completion.
        unsafe {
            let m = mem::read(msg)?;
            let to = if m.name.is_null() {
                None
            } else {
                Some(addr_in(m.name, m.namelen)?)
            };
            let b = CSendBufs::new(m.lpBuffers, m.dwBufferCount)?;
            msg_call(&i, ov, cr, sent, core::ptr::null_mut(), |o| {
                i.provider.send_msg(s, Box::new(b), flags, to.as_ref(), o)
            })
        }
    })
}
