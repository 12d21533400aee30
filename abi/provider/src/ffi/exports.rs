//! The exported C entry points: `WSPStartup`, `WSPEnumCatalog`, and the 30 functions of
//! the `WSPPROC_TABLE`, each instantiated per [slot](crate::instance).
//!
//! Every entry point:
//! 1. returns `SOCKET_ERROR` (or `INVALID_SOCKET`/`FALSE`) without writing anything when
//!    `lpErrno` is null: there is nowhere to report;
//! 2. validates the caller's pointers and declared lengths (null or negative → `WSAEFAULT`)
//!    through [`super::mem`], and decodes bytes with [`crate::decode`];
//! 3. calls the slot's engine through the `Wsp` trait;
//! 4. catches any panic and reports `WSASYSCALLFAILURE`.
//!
//! Overlapped requests (non-null `lpOverlapped`) go to the engine's overlapped methods with
//! buffers over the caller's memory ([`super::ov`]); completion writes the caller's
//! `WSAOVERLAPPED` and signals through the caller's upcall table
//! ([`super::upcall::TableUpcalls`]).

use super::mem;
use super::ov::{wsabufs_len, CRecvBufs, CSendBufs, Merged, Request};
use crate::abi::*;
use crate::decode;
use crate::instance::{self, Instance};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use wsp::overlapped::{Issued, Overlapped};
use wsp::types::{
    INVALID_SOCKET, SIO_GET_EXTENSION_FUNCTION_POINTER, SOCKET_ERROR, SOL_SOCKET, SO_BSP_STATE,
};
use wsp::wsp::{AcceptCondition, ConditionDecision, OutBuf};
use wsp::{FdSet, SockAddr, WsaError};

type R<T> = Result<T, WsaError>;

/// Run an entry point body: the common steps 1 and 4 above.
fn guard<T: Copy>(errno: *mut INT, fail: T, f: impl FnOnce() -> R<T>) -> T {
    if errno.is_null() {
        return fail;
    }
    let r = catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(WsaError::WSASYSCALLFAILURE));
    match r {
        Ok(v) => v,
        Err(e) => {
            // SAFETY: `errno` is non-null (checked above) and the caller's INT location.
            let _ = unsafe { mem::write(errno, e.0) };
            fail
        }
    }
}

fn inst<const S: usize>() -> R<Arc<Instance>> {
    instance::get(S)
}

/// Issue an overlapped request (non-null `lpOverlapped`) and report it the C way: 0 with
/// `*count`/`*flags` written when it completed in the call, `WSA_IO_PENDING` when it did
/// not, the error when it never started (or completed at once with an error: the counts
/// are written then too). `count` and `flags` may be null (Windows: "use NULL for
/// lpNumberOfBytes if lpOverlapped is not NULL").
///
/// # Safety
/// `ov`, `cr`, `tid` as [`Request::add`]/[`Request::finish`]; `count`/`flags` null or
/// caller DWORDs.
pub(super) unsafe fn overlapped(
    i: &Instance,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    count: *mut DWORD,
    flags: *mut DWORD,
    issue: impl FnOnce(Overlapped) -> R<Issued>,
) -> R<INT> {
    // SAFETY: forwarded contract.
    unsafe {
        overlapped_batch(
            i,
            mem::Batch::new(),
            ov,
            cr,
            tid,
            count,
            flags,
            |_| Ok(()),
            |(), o| issue(o),
        )
    }
}

/// [`overlapped`] for a call whose own structures are in `b` (added, not run): the
/// request's `WSAOVERLAPPED` pieces join them, so the whole call before the issue is one
/// checked copy. `take` decodes the call's results from the batch (in the order the call
/// would read them one by one; its errors come first, as they did then), `issue` issues
/// it. On the completion side, a request that completes inside the call on this thread
/// writes `*count`/`*flags` with its `WSAOVERLAPPED` (`ov::issuing`); otherwise they are
/// written here in one more check.
///
/// # Safety
/// As [`overlapped`].
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn overlapped_batch<T>(
    i: &Instance,
    mut b: mem::Batch,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    count: *mut DWORD,
    flags: *mut DWORD,
    take: impl FnOnce(&mem::Done) -> R<T>,
    issue: impl FnOnce(T, Overlapped) -> R<Issued>,
) -> R<INT> {
    // SAFETY: forwarded contract (`ov` non-null and valid until completion).
    let pieces = unsafe { Request::add(&mut b, ov, cr, tid) };
    // SAFETY: one checked copy of everything added.
    let d = unsafe { b.run() };
    let args = match take(&d) {
        Ok(a) => a,
        Err(e) => {
            // SAFETY: forwarded contract.
            unsafe { Request::undo(&pieces, &d) };
            return Err(e);
        }
    };
    // SAFETY: forwarded contract.
    let (o, ticket) = unsafe { Request::finish(i, &pieces, &d) }?.split();
    let (r, merged) = super::ov::issuing(ov, count, flags, || issue(args, o));
    i.upcalls.settle(
        ticket,
        matches!(
            r,
            Ok(Issued {
                immediate: None,
                ..
            })
        ),
    );
    let res = r?.immediate.ok_or(WsaError::WSA_IO_PENDING)?;
    match merged {
        Merged::Wrote => {}
        Merged::Fault => return Err(WsaError::WSAEFAULT),
        Merged::No => {
            let mut out = mem::Batch::new();
            if !count.is_null() {
                out.write(count, res.bytes);
            }
            if !flags.is_null() {
                out.write(flags, res.flags);
            }
            // SAFETY: null (skipped) or caller DWORDs.
            unsafe { out.run() }.all()?;
        }
    }
    match res.error {
        None => Ok(0),
        Some(e) => Err(e),
    }
}

/// Read a `WSABUF` argument and copy its bytes (`None` for a null pointer): connect and
/// disconnect data, QOS names, which the engine reads in user space.
///
/// # Safety
/// None beyond [`mem::copy_in`]'s.
unsafe fn wsabuf_in(p: *const WSABUF) -> R<Option<Vec<u8>>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: checked copies of the WSABUF and of the bytes it declares.
    unsafe {
        let (len, ptr) = decode::wsabuf(&mem::struct_bytes(p)?)?;
        Ok(Some(mem::copy_in(ptr as *const u8, len as usize)?))
    }
}

/// A `WSABUF` the callee fills (`lpCalleeData`, disconnect data in).
///
/// # Safety
/// As [`wsabuf_in`], writable.
unsafe fn wsabuf_out<'a>(p: *mut WSABUF) -> R<Option<&'a mut [u8]>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null caller WSABUF, copied (checked).
    let (len, ptr) = decode::wsabuf(&unsafe { mem::struct_bytes(p) }?)?;
    // The engine writes these bytes in user space: check them first.
    mem::probe_out(ptr as *mut u8, len as usize)?;
    // SAFETY: the WSABUF declares `len` writable bytes at `ptr`, just probed.
    Ok(Some(unsafe {
        mem::out_bytes(ptr as *mut u8, len as usize)
    }?))
}

/// Store the filled length back into a `WSABUF`.
///
/// # Safety
/// `p` null or a caller `WSABUF`.
unsafe fn wsabuf_set_len(p: *mut WSABUF, n: usize) -> R<()> {
    if p.is_null() {
        return Ok(());
    }
    // SAFETY: a caller WSABUF: write just its `len` field.
    unsafe { mem::write(core::ptr::addr_of_mut!((*p).len), n as u32) }
}

/// Read an array of `WSABUF`s as input slices.
///
/// # Safety
/// `p` valid for `count` WSABUFs, each valid for its length.
unsafe fn bufs_in<'a>(p: *const WSABUF, count: DWORD) -> R<Vec<&'a [u8]>> {
    // SAFETY: the caller declared `count` WSABUFs at `p`: a checked copy; forwarded
    // contract for the buffers.
    unsafe { slices_in(&mem::copy_in(p.cast(), wsabufs_len(count)?)?) }
}

/// Input slices over the buffers the bytes of a `WSABUF` array describe.
///
/// # Safety
/// Each WSABUF valid for reads of its length (data for the host: mem docs).
unsafe fn slices_in<'a>(wsabufs: &[u8]) -> R<Vec<&'a [u8]>> {
    decode::wsabufs(wsabufs)?
        .into_iter()
        // SAFETY: each WSABUF declares `len` bytes at `ptr`: data for the host (mem docs).
        .map(|(len, ptr)| unsafe { mem::in_bytes(ptr as *const u8, len as usize) })
        .collect()
}

/// Output slices over the buffers the bytes of a `WSABUF` array describe.
///
/// # Safety
/// Each WSABUF valid for writes of its length, not overlapping (data for the host).
unsafe fn slices_out<'a>(wsabufs: &[u8]) -> R<Vec<&'a mut [u8]>> {
    decode::wsabufs(wsabufs)?
        .into_iter()
        // SAFETY: each WSABUF declares `len` writable bytes at `ptr`: data for the host.
        .map(|(len, ptr)| unsafe { mem::out_bytes(ptr as *mut u8, len as usize) })
        .collect()
}

/// An optional `QOS` argument.
///
/// # Safety
/// `p` null or a caller QOS whose provider-specific buffer is valid for its length.
unsafe fn qos_in(p: *const QOS) -> R<Option<wsp::types::Qos>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null caller QOS, copied (checked).
    let (mut q, (len, ptr)) = decode::qos(&unsafe { mem::struct_bytes(p) }?)?;
    // SAFETY: the provider-specific WSABUF declares `len` bytes: a checked copy.
    q.provider_specific = unsafe { mem::copy_in(ptr as *const u8, len as usize) }?;
    Ok(Some(q))
}

/// An optional `WSAPROTOCOL_INFOW` argument.
///
/// # Safety
/// `p` null or a caller WSAPROTOCOL_INFOW.
unsafe fn info_in(p: *const WSAPROTOCOL_INFOW) -> R<Option<WSAPROTOCOL_INFOW>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null caller structure, copied (checked).
    Ok(Some(decode::protocol_info(&unsafe {
        mem::struct_bytes(p)
    }?)?))
}

/// An input address (`name`, `namelen`).
///
/// # Safety
/// `p` null or valid for `len` bytes.
pub(super) unsafe fn addr_in(p: *const SOCKADDR, len: INT) -> R<SockAddr> {
    let len = decode::length(len)?;
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: the caller declared `len` bytes at `p`: a checked copy.
    Ok(decode::sockaddr(&unsafe { mem::copy_in(p.cast(), len) }?))
}

/// An output address buffer: `(name, *namelen)` → capacity.
///
/// # Safety
/// `len` null or a caller INT.
unsafe fn addr_cap(p: *mut SOCKADDR, len: *mut INT) -> R<SockAddr> {
    // SAFETY: caller INT.
    let cap = decode::length(unsafe { mem::read(len) }?)?;
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    Ok(SockAddr::with_capacity(cap))
}

/// Copy an address out and store its length (checked copies).
///
/// # Safety
/// None beyond [`mem::copy_out`]'s.
pub(super) unsafe fn addr_out(a: &SockAddr, p: *mut SOCKADDR, len: *mut INT) -> R<()> {
    // SAFETY: caller INT, a checked copy.
    let cap = decode::length(unsafe { mem::read(len) }?)?;
    let out = addr_bytes(a, cap)?;
    let mut b = mem::Batch::new();
    b.write_bytes(p.cast(), &out);
    b.write(len, out.len() as INT);
    // SAFETY: the caller's buffer and INT, one checked copy.
    unsafe { b.run() }.all()
}

/// An optional input address (`to`, `tolen`) added to a batch: `None` for a null `to`,
/// the length's error (reported after what was read before it) for a bad `tolen`.
fn addr_piece(b: &mut mem::Batch, p: *const SOCKADDR, len: INT) -> Option<R<mem::Slot<[u8]>>> {
    if p.is_null() {
        return None;
    }
    Some(decode::length(len).map(|n| b.bytes(p.cast(), n)))
}

/// The address of [`addr_piece`] from the batch's results, as [`addr_in`] reads it.
fn addr_take(d: &mem::Done, piece: Option<R<mem::Slot<[u8]>>>) -> R<Option<SockAddr>> {
    match piece {
        None => Ok(None),
        Some(slot) => Ok(Some(decode::sockaddr(d.bytes(slot?)?))),
    }
}

/// The bytes of `a` for a caller buffer of `cap` bytes (too small is `WSAEFAULT`).
pub(super) fn addr_bytes(a: &SockAddr, cap: usize) -> R<Vec<u8>> {
    let mut out = vec![0u8; cap.min(a.as_bytes().len())];
    let n = decode::put_sockaddr(a, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// Read a caller `fd_set` (header, then exactly `fd_count` handles).
///
/// # Safety
/// `p` null or a caller fd_set holding `fd_count` handles.
unsafe fn fdset_in(p: *mut FD_SET) -> R<Option<FdSet>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: caller fd_set: the header, a checked copy.
    let header = unsafe { mem::copy_in(p.cast(), decode::FD_SET_HEADER) }?;
    let n = decode::fd_count(&header)?;
    // SAFETY: an fd_set holds `fd_count` handles after its header: a checked copy.
    let all = unsafe { mem::copy_in(p.cast(), decode::fd_set_len(n)) }?;
    Ok(Some(decode::fd_set(&all)?))
}

/// Write an `fd_set` result back over the caller's set (never longer than what was read).
///
/// # Safety
/// As [`fdset_in`].
unsafe fn fdset_out(p: *mut FD_SET, set: &FdSet) -> R<()> {
    if p.is_null() {
        return Ok(());
    }
    let mut out = vec![0u8; decode::fd_set_len(set.len())];
    decode::put_fd_set(set, &mut out)?;
    // SAFETY: a checked copy over the caller's set (no longer than what was read).
    unsafe { mem::copy_out(p.cast(), &out) }
}

// ---- WSPStartup -------------------------------------------------------------------------

fn startup_common(
    slot: usize,
    version: WORD,
    data: *mut WSPDATA,
    info: *mut WSAPROTOCOL_INFOW,
    up: WSPUPCALLTABLE,
    table: *mut WSPPROC_TABLE,
    procs: WSPPROC_TABLE,
) -> INT {
    let r = catch_unwind(AssertUnwindSafe(|| -> R<()> {
        if data.is_null() || table.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // Both are written after the instance starts: check them before.
        mem::probe_out(data.cast(), core::mem::size_of::<WSPDATA>())?;
        mem::probe_out(table.cast(), core::mem::size_of::<WSPPROC_TABLE>())?;
        // SAFETY: non-null caller structure (ws2_32 always passes the entry it loads for).
        let info = unsafe { info_in(info) }?.ok_or(WsaError::WSAEFAULT)?;
        let d = instance::startup(slot, version, &info, up)?;
        // SAFETY: non-null caller WSPDATA and WSPPROC_TABLE (checked above).
        unsafe {
            mem::write(data, d)?;
            mem::write(table, procs)?;
        }
        Ok(())
    }))
    .unwrap_or(Err(WsaError::WSASYSCALLFAILURE));
    match r {
        Ok(()) => 0,
        Err(e) => e.0,
    }
}

/// `WSPStartup`: initialise the provider for the catalog entry `lpProtocolInfo`, keep the
/// caller's `UpcallTable`, and fill `*lpWSPData` and all 30 entries of `*lpProcTable`.
/// Returns 0 or an error code (`WSAEFAULT` for null `lpWSPData`/`lpProcTable`/
/// `lpProtocolInfo`, `WSAEINVALIDPROVIDER` for an entry not in this provider's catalog,
/// `WSAVERNOTSUPPORTED` below 2.0).
///
/// # Safety
/// The pointers are null or valid for their structures, as ws2spi.h specifies.
#[no_mangle]
pub unsafe extern "system" fn WSPStartup(
    wVersionRequested: WORD,
    lpWSPData: *mut WSPDATA,
    lpProtocolInfo: *mut WSAPROTOCOL_INFOW,
    UpcallTable: WSPUPCALLTABLE,
    lpProcTable: *mut WSPPROC_TABLE,
) -> INT {
    startup_common(
        0,
        wVersionRequested,
        lpWSPData,
        lpProtocolInfo,
        UpcallTable,
        lpProcTable,
        proc_table::<0>(),
    )
}

/// `WSPStartup` bound to slot `S` (what [`startup_for_slot`] hands out).
unsafe extern "system" fn slot_startup<const S: usize>(
    version: WORD,
    data: *mut WSPDATA,
    info: *mut WSAPROTOCOL_INFOW,
    up: WSPUPCALLTABLE,
    table: *mut WSPPROC_TABLE,
) -> INT {
    startup_common(S, version, data, info, up, table, proc_table::<S>())
}

/// The `WSPStartup` of slot `slot` (0 is the exported one).
pub fn startup_for_slot(slot: usize) -> Option<LPWSPSTARTUP> {
    macro_rules! pick {
        ($($n:literal)*) => {
            match slot {
                $($n => Some(slot_startup::<$n> as LPWSPSTARTUP),)*
                _ => None,
            }
        };
    }
    const _: () = assert!(instance::SLOTS == 16);
    pick!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
}

/// `WSPEnumCatalog`: copy this provider's `WSAPROTOCOL_INFOW` entries (the array a
/// Windows installer registers) into `lpProtocolBuffer`, `WSCEnumProtocols`-style.
///
/// `*lpdwBufferLength` is the buffer's size in bytes. Returns the number of entries; or
/// `SOCKET_ERROR` with `*lpErrno = WSAENOBUFS` and `*lpdwBufferLength` set to the size
/// needed when the buffer is too small (a null buffer with length 0 asks for the size);
/// `WSAEFAULT` for a null `lpdwBufferLength`.
///
/// # Safety
/// `lpProtocolBuffer` null or valid for `*lpdwBufferLength` bytes; the other pointers null
/// or valid.
#[no_mangle]
pub unsafe extern "system" fn WSPEnumCatalog(
    lpProtocolBuffer: *mut WSAPROTOCOL_INFOW,
    lpdwBufferLength: *mut DWORD,
    lpErrno: *mut INT,
) -> INT {
    guard(lpErrno, SOCKET_ERROR, || {
        // SAFETY: caller DWORD.
        let cap = unsafe { mem::read(lpdwBufferLength) }? as usize;
        let entries = crate::layer::catalog_for_slot(0);
        let need = entries.len() * decode::PROTOCOL_INFO_LEN;
        let mut out = vec![
            0u8;
            if lpProtocolBuffer.is_null() {
                0
            } else {
                cap.min(need)
            }
        ];
        match decode::put_catalog(&entries, &mut out) {
            Ok(n) => {
                // SAFETY: a checked copy into the caller's buffer of `cap >= need` bytes.
                unsafe { mem::copy_out(lpProtocolBuffer.cast(), &out) }?;
                Ok(n as INT)
            }
            Err(need) => {
                // SAFETY: caller DWORD.
                unsafe { mem::write(lpdwBufferLength, need as DWORD) }?;
                Err(WsaError::WSAENOBUFS)
            }
        }
    })
}

/// The table of slot `S`.
pub fn proc_table<const S: usize>() -> WSPPROC_TABLE {
    WSPPROC_TABLE {
        lpWSPAccept: Some(accept::<S>),
        lpWSPAddressToString: Some(address_to_string::<S>),
        lpWSPAsyncSelect: Some(async_select::<S>),
        lpWSPBind: Some(bind::<S>),
        lpWSPCancelBlockingCall: Some(cancel_blocking_call::<S>),
        lpWSPCleanup: Some(cleanup::<S>),
        lpWSPCloseSocket: Some(close_socket::<S>),
        lpWSPConnect: Some(connect::<S>),
        lpWSPDuplicateSocket: Some(duplicate_socket::<S>),
        lpWSPEnumNetworkEvents: Some(enum_network_events::<S>),
        lpWSPEventSelect: Some(event_select::<S>),
        lpWSPGetOverlappedResult: Some(get_overlapped_result::<S>),
        lpWSPGetPeerName: Some(get_peer_name::<S>),
        lpWSPGetSockName: Some(get_sock_name::<S>),
        lpWSPGetSockOpt: Some(get_sock_opt::<S>),
        lpWSPGetQOSByName: Some(get_qos_by_name::<S>),
        lpWSPIoctl: Some(ioctl::<S>),
        lpWSPJoinLeaf: Some(join_leaf::<S>),
        lpWSPListen: Some(listen::<S>),
        lpWSPRecv: Some(recv::<S>),
        lpWSPRecvDisconnect: Some(recv_disconnect::<S>),
        lpWSPRecvFrom: Some(recv_from::<S>),
        lpWSPSelect: Some(select::<S>),
        lpWSPSend: Some(send::<S>),
        lpWSPSendDisconnect: Some(send_disconnect::<S>),
        lpWSPSendTo: Some(send_to::<S>),
        lpWSPSetSockOpt: Some(set_sock_opt::<S>),
        lpWSPShutdown: Some(shutdown::<S>),
        lpWSPSocket: Some(socket::<S>),
        lpWSPStringToAddress: Some(string_to_address::<S>),
    }
}

// ---- the 30 entries, in ws2spi.h order ---------------------------------------------------

/// Call a C condition function with the connection's details.
fn call_condition(
    f: unsafe extern "system" fn(
        *mut WSABUF,
        *mut WSABUF,
        *mut QOS,
        *mut QOS,
        *mut WSABUF,
        *mut WSABUF,
        *mut GROUP,
        DWORD_PTR,
    ) -> INT,
    data: DWORD_PTR,
    c: &mut AcceptCondition<'_>,
) -> ConditionDecision {
    let mut caller_id_bytes = c.caller_id.as_bytes().to_vec();
    let mut callee_id_bytes = c.callee_id.as_bytes().to_vec();
    let mut caller_id = WSABUF {
        len: caller_id_bytes.len() as u32,
        buf: caller_id_bytes.as_mut_ptr(),
    };
    let mut callee_id = WSABUF {
        len: callee_id_bytes.len() as u32,
        buf: callee_id_bytes.as_mut_ptr(),
    };
    let mut caller_data_copy = c.caller_data.map(|d| d.to_vec());
    let mut caller_data = caller_data_copy.as_mut().map(|d| WSABUF {
        len: d.len() as u32,
        buf: d.as_mut_ptr(),
    });
    let mut callee_data = c.callee_data.as_mut().map(|o| WSABUF {
        len: o.buf.len() as u32,
        buf: o.buf.as_mut_ptr(),
    });
    let mut group = c.group;
    let opt = |b: &mut Option<WSABUF>| {
        b.as_mut()
            .map_or(core::ptr::null_mut(), |w| w as *mut WSABUF)
    };
    let (cd, ced) = (opt(&mut caller_data), opt(&mut callee_data));
    // SAFETY: the caller's condition function, called with pointers to live locals that
    // describe exactly the bytes they point at, and the caller's own callback data.
    let r = unsafe {
        f(
            &mut caller_id,
            cd,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            &mut callee_id,
            ced,
            &mut group,
            data,
        )
    };
    if let (Some(o), Some(w)) = (c.callee_data.as_mut(), callee_data) {
        o.len = (w.len as usize).min(o.buf.len());
    }
    c.group = group;
    match r {
        0 => ConditionDecision::Accept,
        2 => ConditionDecision::Defer,
        _ => ConditionDecision::Reject,
    }
}

unsafe extern "system" fn accept<const S: usize>(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut INT,
    cond: LPCONDITIONPROC,
    data: DWORD_PTR,
    errno: *mut INT,
) -> SOCKET {
    guard(errno, INVALID_SOCKET, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let mut a = if addr.is_null() {
            None
        } else {
            // SAFETY: addrlen null or a caller INT (checked copies).
            let a = unsafe { addr_cap(addr, addrlen) }?;
            // A bad address buffer or length word must fail before a connection is taken
            // (and lost).
            mem::probe_out(addr.cast(), a.as_bytes().len())?;
            mem::probe_out(addrlen.cast(), core::mem::size_of::<INT>())?;
            Some(a)
        };
        let mut f = cond.map(|f| move |c: &mut AcceptCondition<'_>| call_condition(f, data, c));
        let condition = f.as_mut().map(|f| f as &mut wsp::wsp::ConditionFn<'_>);
        let new = i.provider.accept(s, a.as_mut(), condition)?;
        let new = i.publish(new, None)?;
        if let Some(a) = &a {
            // SAFETY: validated by addr_cap.
            unsafe { addr_out(a, addr, addrlen) }?;
        }
        Ok(new)
    })
}

unsafe extern "system" fn address_to_string<const S: usize>(
    sa: *mut SOCKADDR,
    salen: DWORD,
    info: *mut WSAPROTOCOL_INFOW,
    out: *mut u16,
    outlen: *mut DWORD,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        if sa.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller declared `salen` bytes at `sa`: a checked copy.
        let a = decode::sockaddr(&unsafe { mem::copy_in(sa.cast(), salen as usize) }?);
        // SAFETY: null or a caller structure.
        let info = unsafe { info_in(info) }?;
        // SAFETY: caller DWORD.
        let cap = unsafe { mem::read(outlen) }? as usize;
        let text = i.provider.address_to_string(&a, info.as_ref())?;
        let mut buf = vec![0u16; cap.min(text.len() + 1)];
        match decode::put_wide(&text, &mut buf) {
            Ok(n) => {
                // SAFETY: checked copies to the caller's string buffer and DWORD.
                unsafe {
                    mem::put_wide(out, &buf[..n])?;
                    mem::write(outlen, n as DWORD)?;
                }
                Ok(0)
            }
            Err(need) => {
                // SAFETY: caller DWORD.
                unsafe { mem::write(outlen, need as DWORD) }?;
                Err(WsaError::WSAEFAULT)
            }
        }
    })
}

unsafe extern "system" fn async_select<const S: usize>(
    s: SOCKET,
    hwnd: HWND,
    msg: u32,
    events: i32,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let w = i.window(hwnd)?;
        i.provider.async_select(s, w.as_ref(), msg, events)?;
        Ok(0)
    })
}

unsafe extern "system" fn bind<const S: usize>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller declared `namelen` bytes at `name`.
        let a = unsafe { addr_in(name, namelen) }?;
        i.provider.bind(s, &a)?;
        Ok(0)
    })
}

unsafe extern "system" fn cancel_blocking_call<const S: usize>(errno: *mut INT) -> INT {
    guard(errno, SOCKET_ERROR, || {
        inst::<S>()?.provider.cancel_blocking_call()?;
        Ok(0)
    })
}

unsafe extern "system" fn cleanup<const S: usize>(errno: *mut INT) -> INT {
    guard(errno, SOCKET_ERROR, || {
        instance::cleanup(S)?;
        Ok(0)
    })
}

unsafe extern "system" fn close_socket<const S: usize>(s: SOCKET, errno: *mut INT) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let h = s;
        let s = i.sock(h)?;
        i.provider.close_socket(s)?;
        i.upcalls.unpublish(h);
        Ok(0)
    })
}

/// The shared body of WSPConnect and WSPJoinLeaf.
///
/// # Safety
/// The pointers are null or valid as ws2spi.h specifies.
#[allow(clippy::too_many_arguments)]
unsafe fn connect_args<T>(
    name: *const SOCKADDR,
    namelen: INT,
    caller: *mut WSABUF,
    callee: *mut WSABUF,
    sqos: *mut QOS,
    gqos: *mut QOS,
    call: impl FnOnce(
        &SockAddr,
        Option<&[u8]>,
        Option<&mut OutBuf<'_>>,
        Option<&wsp::types::Qos>,
        Option<&wsp::types::Qos>,
    ) -> R<T>,
) -> R<T> {
    // SAFETY: forwarded contract for every pointer.
    let (a, cd, out, sq, gq) = unsafe {
        (
            addr_in(name, namelen)?,
            wsabuf_in(caller)?,
            wsabuf_out(callee)?,
            qos_in(sqos)?,
            qos_in(gqos)?,
        )
    };
    let mut out = out.map(|buf| OutBuf { buf, len: 0 });
    let r = call(&a, cd.as_deref(), out.as_mut(), sq.as_ref(), gq.as_ref());
    if let Some(o) = out {
        // Written on failure too: with WSAEFAULT it is the size the callee data needs.
        // SAFETY: the caller's WSABUF.
        unsafe { wsabuf_set_len(callee, o.len) }?;
    }
    r
}

unsafe extern "system" fn connect<const S: usize>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    caller: *mut WSABUF,
    callee: *mut WSABUF,
    sqos: *mut QOS,
    gqos: *mut QOS,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's pointers, forwarded.
        unsafe {
            connect_args(
                name,
                namelen,
                caller,
                callee,
                sqos,
                gqos,
                |a, cd, o, sq, gq| i.provider.connect(s, a, cd, o, sq, gq),
            )
        }?;
        Ok(0)
    })
}

unsafe extern "system" fn duplicate_socket<const S: usize>(
    s: SOCKET,
    pid: DWORD,
    info: *mut WSAPROTOCOL_INFOW,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if info.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let p = i.provider.duplicate_socket(s, pid)?;
        // SAFETY: non-null caller structure.
        unsafe { mem::write(info, p) }?;
        Ok(0)
    })
}

unsafe extern "system" fn enum_network_events<const S: usize>(
    s: SOCKET,
    h: HANDLE,
    out: *mut WSANETWORKEVENTS,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if out.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let ev = i.event(h)?;
        // The engine resets the event through the instance's upcalls (WPUResetEvent).
        let ne = i.provider.enum_network_events(s, ev.as_ref())?;
        // SAFETY: non-null caller structure.
        unsafe { mem::write(out, ne) }?;
        Ok(0)
    })
}

unsafe extern "system" fn event_select<const S: usize>(
    s: SOCKET,
    h: HANDLE,
    events: i32,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let ev = i.event(h)?;
        i.provider.event_select(s, ev.as_ref(), events)?;
        Ok(0)
    })
}

unsafe extern "system" fn get_overlapped_result<const S: usize>(
    s: SOCKET,
    ov: *mut WSAOVERLAPPED,
    cb: *mut DWORD,
    wait: BOOL,
    flags: *mut DWORD,
    errno: *mut INT,
) -> BOOL {
    guard(errno, FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if ov.is_null() || cb.is_null() || flags.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // The WSAOVERLAPPED is only a key here, but Windows reads it: a bad one is
        // WSAEFAULT, not "no such request" (a checked copy).
        // SAFETY: checked copy.
        unsafe { mem::read(ov) }?;
        let r = i
            .provider
            .get_overlapped_result_ex(s, ov as usize, wait != FALSE)?;
        let mut out = mem::Batch::new();
        out.write(cb, r.bytes);
        out.write(flags, r.flags);
        // SAFETY: non-null caller DWORDs, one checked copy.
        unsafe { out.run() }.all()?;
        // A failed operation reports its own error, with its byte count and flags written
        // (a truncated datagram: WSAEMSGSIZE, MSG_PARTIAL).
        match r.error {
            None => Ok(TRUE),
            Some(e) => Err(e),
        }
    })
}

unsafe extern "system" fn get_peer_name<const S: usize>(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's pointers.
        let mut a = unsafe { addr_cap(name, namelen) }?;
        i.provider.get_peer_name(s, &mut a)?;
        // SAFETY: validated by addr_cap.
        unsafe { addr_out(&a, name, namelen) }?;
        Ok(0)
    })
}

unsafe extern "system" fn get_sock_name<const S: usize>(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's pointers.
        let mut a = unsafe { addr_cap(name, namelen) }?;
        i.provider.get_sock_name(s, &mut a)?;
        // SAFETY: validated by addr_cap.
        unsafe { addr_out(&a, name, namelen) }?;
        Ok(0)
    })
}

unsafe extern "system" fn get_sock_opt<const S: usize>(
    s: SOCKET,
    level: INT,
    optname: INT,
    optval: *mut u8,
    optlen: *mut INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: caller INT.
        let cap = decode::length(unsafe { mem::read(optlen) }?)?;
        if optval.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // Option values are a few hundred bytes at most: the engine fills a copy of up
        // to BIG bytes, and what it wrote is copied out (checked).
        let mut buf = vec![0u8; cap.min(mem::BIG)];
        let n = i.provider.get_sock_opt(s, level, optname, &mut buf)?;
        if level == SOL_SOCKET && optname == SO_BSP_STATE {
            rebase_csaddr_info(&mut buf, optval as usize);
        }
        // SAFETY: checked copies to the caller's buffer and INT.
        unsafe {
            mem::copy_out(optval, &buf[..n.min(buf.len())])?;
            mem::write(optlen, n as INT)?;
        }
        Ok(0)
    })
}

/// `SO_BSP_STATE`'s `CSADDR_INFO` holds pointers to the addresses that follow it in the
/// same buffer. The engine filled a copy of the caller's buffer, so pointers into that copy
/// are moved to the same offsets in the caller's buffer at `caller` before it is copied
/// out (x64 layout: `LocalAddr.lpSockaddr` at 0, `RemoteAddr.lpSockaddr` at 16).
fn rebase_csaddr_info(buf: &mut [u8], caller: usize) {
    let base = buf.as_ptr() as usize;
    let len = buf.len();
    for at in [0usize, 16] {
        let Some(field) = buf.get_mut(at..at + 8) else {
            return;
        };
        let p = usize::from_le_bytes(field.try_into().expect("8 bytes"));
        if p >= base && p < base + len {
            field.copy_from_slice(&(caller + (p - base)).to_le_bytes());
        }
    }
}

unsafe extern "system" fn get_qos_by_name<const S: usize>(
    s: SOCKET,
    name: *mut WSABUF,
    qos: *mut QOS,
    errno: *mut INT,
) -> BOOL {
    guard(errno, FALSE, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's WSABUF (checked copies).
        let n = unsafe { wsabuf_in(name) }?.ok_or(WsaError::WSAEFAULT)?;
        mem::probe_out(qos.cast(), core::mem::size_of::<QOS>())?;
        let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
        let text = String::from_utf8_lossy(&n[..end]).into_owned();
        let mut q = wsp::types::Qos::default();
        i.provider.get_qos_by_name(s, &text, &mut q)?;
        // SAFETY: non-null caller QOS: write only the two flow specs.
        unsafe {
            mem::write(core::ptr::addr_of_mut!((*qos).SendingFlowspec), q.sending)?;
            mem::write(
                core::ptr::addr_of_mut!((*qos).ReceivingFlowspec),
                q.receiving,
            )?;
        }
        Ok(TRUE)
    })
}

unsafe extern "system" fn ioctl<const S: usize>(
    s: SOCKET,
    code: DWORD,
    inbuf: *mut u8,
    cbin: DWORD,
    outbuf: *mut u8,
    cbout: DWORD,
    ret: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if !ov.is_null() {
            // The engine writes the output in user space: check it first.
            mem::probe_out(outbuf, cbout as usize)?;
            // SAFETY: the input is copied now (checked); the output buffer (probed) and
            // the WSAOVERLAPPED stay valid until completion.
            let r = unsafe {
                let input = mem::copy_in(inbuf, cbin as usize)?;
                let out = CRecvBufs::single(outbuf, cbout as usize)?;
                overlapped(&i, ov, cr, tid, ret, core::ptr::null_mut(), |o| {
                    i.provider
                        .ioctl_overlapped(s, code, &input, Box::new(out), o)
                })
            };
            if r.is_ok() && code == SIO_GET_EXTENSION_FUNCTION_POINTER {
                // The engine wrote a pointer-sized identifier there (it completed).
                const W: usize = core::mem::size_of::<usize>();
                // SAFETY: checked copies of the identifier in and the address out.
                unsafe {
                    let mut id = mem::copy_in(outbuf, W.min(cbout as usize))?;
                    super::ext::swap_in::<S>(&mut id)?;
                    mem::copy_out(outbuf, &id)?;
                }
            }
            return r;
        }
        if ret.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller declared `cbin` bytes: a checked copy.
        let input = unsafe { mem::copy_in(inbuf, cbin as usize) }?;
        if outbuf.is_null() && cbout > 0 {
            return Err(WsaError::WSAEFAULT);
        }
        // Ioctl outputs are small: the engine fills a copy of up to BIG bytes, and what it
        // reports written is copied out (checked).
        let mut output = vec![0u8; (cbout as usize).min(mem::BIG)];
        let n = i.provider.ioctl(s, code, &input, &mut output)?;
        if code == SIO_GET_EXTENSION_FUNCTION_POINTER {
            super::ext::swap_in::<S>(&mut output)?;
        }
        // SAFETY: checked copies to the caller's buffer and DWORD.
        unsafe {
            mem::copy_out(outbuf, &output[..n.min(output.len())])?;
            mem::write(ret, n as DWORD)?;
        }
        Ok(0)
    })
}

unsafe extern "system" fn join_leaf<const S: usize>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    caller: *mut WSABUF,
    callee: *mut WSABUF,
    sqos: *mut QOS,
    gqos: *mut QOS,
    flags: DWORD,
    errno: *mut INT,
) -> SOCKET {
    guard(errno, INVALID_SOCKET, || {
        let i = inst::<S>()?;
        let h = s;
        let s = i.sock(h)?;
        // SAFETY: the caller's pointers, forwarded.
        let leaf = unsafe {
            connect_args(
                name,
                namelen,
                caller,
                callee,
                sqos,
                gqos,
                |a, cd, o, sq, gq| i.provider.join_leaf(s, a, cd, o, sq, gq, flags),
            )
        }?;
        // The same socket (a leaf joined in place) keeps its handle; a new one gets one.
        if leaf == s {
            Ok(h)
        } else {
            i.publish(leaf, None)
        }
    })
}

unsafe extern "system" fn listen<const S: usize>(s: SOCKET, backlog: INT, errno: *mut INT) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        i.provider.listen(s, backlog)?;
        Ok(0)
    })
}

unsafe extern "system" fn recv<const S: usize>(
    s: SOCKET,
    bufs: *mut WSABUF,
    count: DWORD,
    got: *mut DWORD,
    flags: *mut DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if !ov.is_null() {
            let mut b = mem::Batch::new();
            // SAFETY: a DWORD (any bits valid).
            let fs = unsafe { b.read(flags) };
            let arr = b.bytes(bufs.cast(), wsabufs_len(count)?);
            // SAFETY: the caller's flags, WSABUFs and WSAOVERLAPPED, valid until completion
            // as the overlapped contract requires; one checked copy for all of them.
            return unsafe {
                overlapped_batch(
                    &i,
                    b,
                    ov,
                    cr,
                    tid,
                    got,
                    flags,
                    |d| Ok((d.get(fs)?, CRecvBufs::from_wsabufs(d.bytes(arr)?)?)),
                    |(f, b), o| i.provider.recv_overlapped(s, Box::new(b), f, o),
                )
            };
        }
        if got.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let mut b = mem::Batch::new();
        // SAFETY: a DWORD (any bits valid).
        let fs = unsafe { b.read(flags) };
        let arr = b.bytes(bufs.cast(), wsabufs_len(count)?);
        // SAFETY: caller DWORD and WSABUF array, one checked copy.
        let d = unsafe { b.run() };
        let mut f = d.get(fs)?;
        // SAFETY: the WSABUFs just copied describe the caller's receive buffers.
        let mut v = unsafe { slices_out(d.bytes(arr)?) }?;
        let n = i.provider.recv(s, &mut v, &mut f)?;
        let mut out = mem::Batch::new();
        out.write(got, n as DWORD);
        out.write(flags, f);
        // SAFETY: caller DWORDs, one checked copy.
        unsafe { out.run() }.all()?;
        Ok(0)
    })
}

unsafe extern "system" fn recv_disconnect<const S: usize>(
    s: SOCKET,
    data: *mut WSABUF,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's WSABUF.
        let buf = unsafe { wsabuf_out(data) }?;
        let n = i.provider.recv_disconnect(s, buf)?;
        // SAFETY: the caller's WSABUF.
        unsafe { wsabuf_set_len(data, n) }?;
        Ok(0)
    })
}

unsafe extern "system" fn recv_from<const S: usize>(
    s: SOCKET,
    bufs: *mut WSABUF,
    count: DWORD,
    got: *mut DWORD,
    flags: *mut DWORD,
    from: *mut SOCKADDR,
    fromlen: *mut INT,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if !ov.is_null() {
            let mut b = mem::Batch::new();
            // SAFETY: a DWORD and an INT (any bits valid).
            let (fs, arr, ls) = unsafe {
                (
                    b.read(flags),
                    b.bytes(bufs.cast(), wsabufs_len(count)?),
                    (!from.is_null()).then(|| b.read(fromlen)),
                )
            };
            // SAFETY: the caller's flags, WSABUFs, address buffer and WSAOVERLAPPED, valid
            // until completion as the overlapped contract requires; one checked copy.
            return unsafe {
                overlapped_batch(
                    &i,
                    b,
                    ov,
                    cr,
                    tid,
                    got,
                    flags,
                    |d| {
                        let f = d.get(fs)?;
                        let mut b = CRecvBufs::from_wsabufs(d.bytes(arr)?)?;
                        if let Some(ls) = ls {
                            b = b.with_from_len(from, fromlen, d.get(ls)?)?;
                        }
                        Ok((f, b))
                    },
                    |(f, b), o| i.provider.recv_from_overlapped(s, Box::new(b), f, o),
                )
            };
        }
        if got.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let mut b = mem::Batch::new();
        // SAFETY: a DWORD and an INT (any bits valid).
        let (fs, arr, ls) = unsafe {
            (
                b.read(flags),
                b.bytes(bufs.cast(), wsabufs_len(count)?),
                (!from.is_null()).then(|| b.read(fromlen)),
            )
        };
        // SAFETY: caller DWORD, WSABUF array and address length, one checked copy.
        let d = unsafe { b.run() };
        let mut f = d.get(fs)?;
        // SAFETY: the WSABUFs just copied describe the caller's receive buffers.
        let mut v = unsafe { slices_out(d.bytes(arr)?) }?;
        let mut a = match ls {
            None => None,
            Some(ls) => {
                let cap = decode::length(d.get(ls)?)?;
                Some((SockAddr::with_capacity(cap), cap))
            }
        };
        let n = i
            .provider
            .recv_from(s, &mut v, &mut f, a.as_mut().map(|(a, _)| a))?;
        let mut out = mem::Batch::new();
        out.write(got, n as DWORD);
        out.write(flags, f);
        let addr = a.as_ref().map(|(a, cap)| addr_bytes(a, *cap));
        if let Some(Ok(bytes)) = &addr {
            out.write_bytes(from.cast(), bytes);
            out.write(fromlen, bytes.len() as INT);
        }
        // SAFETY: caller DWORDs and address buffer, one checked copy.
        unsafe { out.run() }.all()?;
        if let Some(Err(e)) = addr {
            return Err(e);
        }
        Ok(0)
    })
}

unsafe extern "system" fn select<const S: usize>(
    _nfds: INT,
    r: *mut FD_SET,
    w: *mut FD_SET,
    e: *mut FD_SET,
    timeout: *const TIMEVAL,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        // SAFETY: the caller's sets and timeval.
        let (mut rs, mut ws, mut es, t) = unsafe {
            (
                fdset_in(r)?,
                fdset_in(w)?,
                fdset_in(e)?,
                if timeout.is_null() {
                    None
                } else {
                    Some(decode::timeval(&mem::struct_bytes(timeout)?)?)
                },
            )
        };
        // A non-IFS provider's sets hold the caller's handles: the engine's in, the
        // caller's out (an unknown handle is WSAENOTSOCK, as ws2_32 reports).
        for set in [&mut rs, &mut ws, &mut es].into_iter().flatten() {
            for h in set.fd_array.iter_mut() {
                *h = i.sock(*h)?;
            }
        }
        let n = i
            .provider
            .select(rs.as_mut(), ws.as_mut(), es.as_mut(), t.as_ref())?;
        for set in [&mut rs, &mut ws, &mut es].into_iter().flatten() {
            for e in set.fd_array.iter_mut() {
                *e = i.upcalls.outward(*e);
            }
        }
        // SAFETY: the caller's sets; results are subsets of what was read.
        unsafe {
            for (p, set) in [(r, &rs), (w, &ws), (e, &es)] {
                if let Some(set) = set {
                    fdset_out(p, set)?;
                }
            }
        }
        Ok(n as INT)
    })
}

unsafe extern "system" fn send<const S: usize>(
    s: SOCKET,
    bufs: *mut WSABUF,
    count: DWORD,
    sent: *mut DWORD,
    flags: DWORD,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if !ov.is_null() {
            let mut b = mem::Batch::new();
            let arr = b.bytes(bufs.cast(), wsabufs_len(count)?);
            // SAFETY: the caller's WSABUFs and WSAOVERLAPPED, valid until completion; one
            // checked copy for both.
            return unsafe {
                overlapped_batch(
                    &i,
                    b,
                    ov,
                    cr,
                    tid,
                    sent,
                    core::ptr::null_mut(),
                    |d| CSendBufs::from_wsabufs(d.bytes(arr)?),
                    |b, o| i.provider.send_overlapped(s, Box::new(b), flags, o),
                )
            };
        }
        if sent.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        // SAFETY: the caller's WSABUF array.
        let v = unsafe { bufs_in(bufs, count) }?;
        let n = i.provider.send(s, &v, flags)?;
        // SAFETY: non-null caller DWORD.
        unsafe { mem::write(sent, n as DWORD) }?;
        Ok(0)
    })
}

unsafe extern "system" fn send_disconnect<const S: usize>(
    s: SOCKET,
    data: *mut WSABUF,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        // SAFETY: the caller's WSABUF (checked copies).
        let d = unsafe { wsabuf_in(data) }?;
        i.provider.send_disconnect(s, d.as_deref())?;
        Ok(0)
    })
}

unsafe extern "system" fn send_to<const S: usize>(
    s: SOCKET,
    bufs: *mut WSABUF,
    count: DWORD,
    sent: *mut DWORD,
    flags: DWORD,
    to: *const SOCKADDR,
    tolen: INT,
    ov: *mut WSAOVERLAPPED,
    cr: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    tid: *mut WSATHREADID,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        if !ov.is_null() {
            let mut b = mem::Batch::new();
            let arr = b.bytes(bufs.cast(), wsabufs_len(count)?);
            let ta = addr_piece(&mut b, to, tolen);
            // SAFETY: the caller's WSABUFs, address and WSAOVERLAPPED, one checked copy;
            // the address is read now, the buffers until completion.
            return unsafe {
                overlapped_batch(
                    &i,
                    b,
                    ov,
                    cr,
                    tid,
                    sent,
                    core::ptr::null_mut(),
                    |d| Ok((CSendBufs::from_wsabufs(d.bytes(arr)?)?, addr_take(d, ta)?)),
                    |(b, a), o| {
                        i.provider
                            .send_to_overlapped(s, Box::new(b), flags, a.as_ref(), o)
                    },
                )
            };
        }
        if sent.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let mut b = mem::Batch::new();
        let arr = b.bytes(bufs.cast(), wsabufs_len(count)?);
        let ta = addr_piece(&mut b, to, tolen);
        // SAFETY: the caller's WSABUF array and address, one checked copy.
        let d = unsafe { b.run() };
        // SAFETY: the WSABUFs just copied describe the caller's send buffers.
        let v = unsafe { slices_in(d.bytes(arr)?) }?;
        let a = addr_take(&d, ta)?;
        let n = i.provider.send_to(s, &v, flags, a.as_ref())?;
        // SAFETY: non-null caller DWORD.
        unsafe { mem::write(sent, n as DWORD) }?;
        Ok(0)
    })
}

unsafe extern "system" fn set_sock_opt<const S: usize>(
    s: SOCKET,
    level: INT,
    optname: INT,
    optval: *const u8,
    optlen: INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        let len = decode::length(optlen)?;
        // SAFETY: the caller declared `optlen` bytes at `optval`: a checked copy.
        let v = &unsafe { mem::copy_in(optval, len) }?[..];
        if level == wsp::types::SOL_SOCKET
            && optname == wsp::types::SO_UPDATE_ACCEPT_CONTEXT
            && i.upcalls.is_non_ifs()
            && v.len() >= core::mem::size_of::<SOCKET>()
        {
            // The value is the listening socket's handle: the engine's, please.
            const W: usize = core::mem::size_of::<SOCKET>();
            let mut b = [0u8; W];
            b.copy_from_slice(&v[..W]);
            let e = i.sock(SOCKET::from_ne_bytes(b))?;
            let mut t = v.to_vec();
            t[..W].copy_from_slice(&e.to_ne_bytes());
            i.provider.set_sock_opt(s, level, optname, &t)?;
            return Ok(0);
        }
        i.provider.set_sock_opt(s, level, optname, v)?;
        Ok(0)
    })
}

unsafe extern "system" fn shutdown<const S: usize>(s: SOCKET, how: INT, errno: *mut INT) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        let s = i.sock(s)?;
        i.provider.shutdown(s, how)?;
        Ok(0)
    })
}

unsafe extern "system" fn socket<const S: usize>(
    af: INT,
    ty: INT,
    protocol: INT,
    info: *mut WSAPROTOCOL_INFOW,
    g: GROUP,
    flags: DWORD,
    errno: *mut INT,
) -> SOCKET {
    guard(errno, INVALID_SOCKET, || {
        let i = inst::<S>()?;
        // SAFETY: null or a caller structure.
        let info = unsafe { info_in(info) }?;
        let e = i
            .provider
            .socket(af, ty, protocol, info.as_ref(), g, flags)?;
        i.publish(e, info.as_ref())
    })
}

unsafe extern "system" fn string_to_address<const S: usize>(
    text: *mut u16,
    af: INT,
    info: *mut WSAPROTOCOL_INFOW,
    addr: *mut SOCKADDR,
    addrlen: *mut INT,
    errno: *mut INT,
) -> INT {
    guard(errno, SOCKET_ERROR, || {
        let i = inst::<S>()?;
        // SAFETY: a NUL-terminated caller string, a caller structure, and an address buffer.
        let (units, info, mut a) = unsafe {
            (
                mem::wide_cstr(text)?,
                info_in(info)?,
                addr_cap(addr, addrlen)?,
            )
        };
        let t = decode::wide(&units)?;
        i.provider
            .string_to_address(&t, af, info.as_ref(), &mut a)?;
        // SAFETY: validated by addr_cap.
        unsafe { addr_out(&a, addr, addrlen) }?;
        Ok(0)
    })
}

/// `DllMain` of the provider DLL: does nothing, so nothing runs under the loader lock
/// (no threads, no allocation, no other DLLs). The engine and its reactor start in
/// `WSPStartup` and stop in the balancing `WSPCleanup`.
#[cfg(windows)]
#[no_mangle]
pub extern "system" fn DllMain(_module: usize, _reason: u32, _reserved: *mut u8) -> BOOL {
    TRUE
}
