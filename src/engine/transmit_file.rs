//! `TransmitFile` (mswsock, `WSAID_TRANSMITFILE`): send a head buffer, file data and a
//! tail buffer over a connected stream socket as one overlapped operation, then optionally
//! disconnect (and release the socket for reuse).
//!
//! The file is a [`FileSource`]: anything that reads sequentially (every `std::io::Read`,
//! so a `std::fs::File` positioned where the transfer should start). The engine reads it
//! in blocks of `nNumberOfBytesPerSend` bytes as the socket takes data, so no more than
//! one block is held at a time. The C provider turns `hFile` into a source (on Unix a
//! host file descriptor cast to `HANDLE`; see `abi/provider/src/ffi/ext.rs`).
//!
//! Rules (TransmitFile page,
//! <https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-transmitfile>):
//! * a datagram socket is `WSAEINVAL`; one that is not connected `WSAENOTCONN`; one shut
//!   down for sending `WSAESHUTDOWN`;
//! * `TF_REUSE_SOCKET` without `TF_DISCONNECT` is `WSAEINVAL`; so is
//!   `nNumberOfBytesToWrite` above 2,147,483,646; flags outside the documented ones are
//!   `WSAEINVAL` (inferred);
//! * no file (`hFile` NULL) sends only the head and tail buffers (valid on Windows);
//! * `nNumberOfBytesToWrite` 0 sends the whole file from the source's position; a file
//!   that ends early ends the file part there (inferred: the page only says the function
//!   completes when the count is sent "or when an error occurs");
//! * `nNumberOfBytesPerSend` 0 selects the default block size (64 KiB here);
//! * `TF_DISCONNECT` shuts the sending direction once everything is queued; with
//!   `TF_REUSE_SOCKET` the socket may then go to AcceptEx or ConnectEx again, as after
//!   DisconnectEx. `TF_WRITE_BEHIND`, `TF_USE_DEFAULT_WORKER`, `TF_USE_SYSTEM_THREAD` and
//!   `TF_USE_KERNEL_APC` are accepted and change nothing: the request completes once the
//!   host has taken every byte, which is what write-behind promises.
//!
//! The completion's byte count is everything sent: head, file data and tail (inferred).
//! The emulated framed protocol is refused with `WSAEOPNOTSUPP` (its sends carry frames).

use super::extensions::disconnect_now;
use super::framed;
use super::overlapped::{Attempt, Dir, Work};
use super::socket::Conn;
use super::Engine;
use crate::error::WsaError;
use crate::net::{IoFlags, Net};
use crate::overlapped::{
    Buffers, Issued, OpResult, OpShared, Overlapped, SendBufs, TF_DISCONNECT, TF_REUSE_SOCKET,
};
use crate::types::*;
use crate::wsp::WspResult;

/// `TF_WRITE_BEHIND`: complete without waiting for the peer's acknowledgement.
pub const TF_WRITE_BEHIND: u32 = 0x04;
/// `TF_USE_DEFAULT_WORKER` (0: the default).
pub const TF_USE_DEFAULT_WORKER: u32 = 0x00;
/// `TF_USE_SYSTEM_THREAD`.
pub const TF_USE_SYSTEM_THREAD: u32 = 0x10;
/// `TF_USE_KERNEL_APC`.
pub const TF_USE_KERNEL_APC: u32 = 0x20;

/// Every flag TransmitFile accepts.
const TF_ALL: u32 = TF_DISCONNECT
    | TF_REUSE_SOCKET
    | TF_WRITE_BEHIND
    | TF_USE_DEFAULT_WORKER
    | TF_USE_SYSTEM_THREAD
    | TF_USE_KERNEL_APC;

/// The largest `nNumberOfBytesToWrite` (the page: 2,147,483,646).
pub const TRANSMIT_FILE_MAX_BYTES: u32 = 2_147_483_646;

/// The block size when `nNumberOfBytesPerSend` is 0.
const DEFAULT_BLOCK: usize = 64 * 1024;

/// A file `TransmitFile` reads, sequentially from where it stands.
pub trait FileSource: Send + 'static {
    /// Read the next bytes into `buf`; `Ok(0)` at the end of the file.
    fn read_next(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;
}

impl<T: std::io::Read + Send + 'static> FileSource for T {
    fn read_next(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.read(buf)
    }
}

/// The arguments of one `TransmitFile` call besides the socket and the overlapped.
#[derive(Default)]
pub struct TransmitFileRequest {
    /// The file (`hFile`); `None` sends only the head and tail.
    pub file: Option<Box<dyn FileSource>>,
    /// `nNumberOfBytesToWrite`: file bytes to send; 0 = to the end of the file.
    pub bytes_to_write: u32,
    /// `nNumberOfBytesPerSend`: block size; 0 = the default.
    pub bytes_per_send: u32,
    /// `TRANSMIT_FILE_BUFFERS.Head`, sent before the file.
    pub head: Option<Box<dyn SendBufs>>,
    /// `TRANSMIT_FILE_BUFFERS.Tail`, sent after it.
    pub tail: Option<Box<dyn SendBufs>>,
    /// `dwReserved` (the `TF_*` flags).
    pub flags: u32,
}

impl std::fmt::Debug for TransmitFileRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransmitFileRequest")
            .field("file", &self.file.is_some())
            .field("bytes_to_write", &self.bytes_to_write)
            .field("bytes_per_send", &self.bytes_per_send)
            .field("head", &self.head.is_some())
            .field("tail", &self.tail.is_some())
            .field("flags", &self.flags)
            .finish()
    }
}

/// Where a transfer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Head,
    File,
    Tail,
    Disconnect,
}

impl<N: Net> Engine<N> {
    /// `TransmitFile` on `s` (see the module docs for the rules). Completes with the
    /// number of bytes sent, head and tail included.
    pub fn transmit_file(
        &self,
        s: SOCKET,
        req: TransmitFileRequest,
        ov: Overlapped,
    ) -> WspResult<Issued> {
        let cell = self.cell(s)?;
        if req.flags & !TF_ALL != 0
            || (req.flags & TF_REUSE_SOCKET != 0 && req.flags & TF_DISCONNECT == 0)
            || req.bytes_to_write > TRANSMIT_FILE_MAX_BYTES
        {
            return Err(WsaError::WSAEINVAL);
        }
        if cell.props.ty != SOCK_STREAM {
            return Err(WsaError::WSAEINVAL);
        }
        {
            let st = cell.lock();
            if st.conn != Conn::Connected {
                return Err(WsaError::WSAENOTCONN);
            }
            if st.shut_wr {
                return Err(WsaError::WSAESHUTDOWN);
            }
            if framed::of(&st).is_some() {
                return Err(WsaError::WSAEOPNOTSUPP);
            }
        }
        let net = cell.net.clone();
        let host = cell.host;
        let weak = std::sync::Arc::downgrade(&cell);
        let TransmitFileRequest {
            mut file,
            bytes_to_write,
            bytes_per_send,
            head,
            tail,
            flags,
        } = req;
        let block = match bytes_per_send {
            0 => DEFAULT_BLOCK,
            n => n as usize,
        };
        let mut file_left: Option<u64> = (bytes_to_write != 0).then_some(bytes_to_write.into());
        let mut stage = Stage::Head;
        let mut sent_in_stage = 0usize;
        let mut chunk: Vec<u8> = Vec::new();
        let mut chunk_at = 0usize;
        let mut total = 0usize;
        // Send `bufs` from `*sent` on; true when all went.
        let send_bufs = move |bufs: &Option<Box<dyn SendBufs>>,
                              sent: &mut usize,
                              total: &mut usize|
              -> Result<bool, WsaError> {
            let Some(b) = bufs else { return Ok(true) };
            let slices = b.slices();
            let len: usize = slices.iter().map(|s| s.len()).sum();
            while *sent < len {
                let rest = super::skip(&slices, *sent);
                match net.send(host, &rest, None, IoFlags::default()) {
                    Ok(0) => return Err(WsaError::WSAECONNABORTED),
                    Ok(n) => {
                        *sent += n;
                        *total += n;
                    }
                    Err(WsaError::WSAEWOULDBLOCK) => return Ok(false),
                    Err(e) => return Err(e),
                }
            }
            Ok(true)
        };
        let net = cell.net.clone();
        let work: Work = Box::new(move |_op: &OpShared| loop {
            match stage {
                Stage::Head => match send_bufs(&head, &mut sent_in_stage, &mut total) {
                    Ok(true) => {
                        stage = Stage::File;
                        sent_in_stage = 0;
                    }
                    Ok(false) => return Attempt::WouldBlock,
                    Err(e) => return Attempt::Done(OpResult::err(e)),
                },
                Stage::File => {
                    let Some(f) = file.as_mut() else {
                        stage = Stage::Tail;
                        continue;
                    };
                    if chunk_at == chunk.len() {
                        let want = file_left.map_or(block, |l| l.min(block as u64) as usize);
                        if want == 0 {
                            stage = Stage::Tail;
                            continue;
                        }
                        chunk.resize(want, 0);
                        let n = match f.read_next(&mut chunk) {
                            Ok(n) => n,
                            Err(e) => return Attempt::Done(OpResult::err(WsaError::from(e))),
                        };
                        chunk.truncate(n);
                        chunk_at = 0;
                        if n == 0 {
                            stage = Stage::Tail;
                            continue;
                        }
                        if let Some(l) = file_left.as_mut() {
                            *l -= n as u64;
                        }
                    }
                    match net.send(host, &[&chunk[chunk_at..]], None, IoFlags::default()) {
                        Ok(0) => return Attempt::Done(OpResult::err(WsaError::WSAECONNABORTED)),
                        Ok(n) => {
                            chunk_at += n;
                            total += n;
                        }
                        Err(WsaError::WSAEWOULDBLOCK) => return Attempt::WouldBlock,
                        Err(e) => return Attempt::Done(OpResult::err(e)),
                    }
                }
                Stage::Tail => match send_bufs(&tail, &mut sent_in_stage, &mut total) {
                    Ok(true) => {
                        // The file is done with: close it now rather than at the drop of
                        // the completed request.
                        file = None;
                        stage = Stage::Disconnect;
                    }
                    Ok(false) => return Attempt::WouldBlock,
                    Err(e) => return Attempt::Done(OpResult::err(e)),
                },
                Stage::Disconnect => {
                    if flags & TF_DISCONNECT != 0 {
                        if let Attempt::Done(d) =
                            disconnect_now(&weak, flags & TF_REUSE_SOCKET != 0)
                        {
                            if d.error.is_some() {
                                return Attempt::Done(d);
                            }
                        }
                    }
                    return Attempt::Done(OpResult::ok(total, 0));
                }
            }
        });
        self.issue(&cell, Dir::Send, Buffers::None, ov, work)
    }
}
