//! `TransmitFile` through C: the pointer `SIO_GET_EXTENSION_FUNCTION_POINTER` hands out
//! for `WSAID_TRANSMITFILE`, called with a host file descriptor as `hFile` (see
//! `src/ffi/ext.rs`), against a plain host TCP peer. Source: the TransmitFile page,
//! <https://learn.microsoft.com/en-us/windows/win32/api/mswsock/nf-mswsock-transmitfile>.
#![allow(unsafe_code)]
#![cfg(unix)]

use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use wsp::overlapped::{guid_to_bytes, WSAID_TRANSMITFILE};
use wsp::types::*;
use wsp::{SockAddr, WsaError};
use wsp_provider::abi::{HANDLE, TRANSMIT_FILE_BUFFERS, WSAOVERLAPPED};
use wsp_provider::ffi::{calls, ext::WSPExtensionLastError, local};

type TransmitFileFn = unsafe extern "system" fn(
    SOCKET,
    HANDLE,
    u32,
    u32,
    *mut WSAOVERLAPPED,
    *mut TRANSMIT_FILE_BUFFERS,
    u32,
) -> i32;

/// A temporary file holding `data`, removed on drop.
struct TempFile {
    path: std::path::PathBuf,
    file: std::fs::File,
}

impl TempFile {
    fn new(tag: &str, data: &[u8]) -> TempFile {
        let path =
            std::env::temp_dir().join(format!("wsp-transmit-file-{}-{tag}", std::process::id()));
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        file.write_all(data).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        TempFile { path, file }
    }
    fn handle(&self) -> HANDLE {
        self.file.as_raw_fd() as HANDLE
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
}

struct Host {
    t: calls::Table,
    transmit: TransmitFileFn,
}

impl Host {
    fn start() -> Host {
        let catalog = wsp::catalog::entries();
        let (_, t) = calls::startup(
            wsp_provider::WSPStartup,
            make_word(2, 2),
            &catalog[0],
            local::table(),
        )
        .unwrap();
        let s = t
            .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
            .unwrap();
        let mut out = [0u8; 8];
        let n = t
            .ioctl(
                s,
                SIO_GET_EXTENSION_FUNCTION_POINTER,
                &guid_to_bytes(&WSAID_TRANSMITFILE),
                &mut out,
            )
            .unwrap();
        assert_eq!(n, 8);
        let addr = usize::from_ne_bytes(out);
        assert_ne!(addr, 0);
        // SAFETY: the provider handed out this address for WSAID_TRANSMITFILE: its
        // TransmitFile, with LPFN_TRANSMITFILE's signature.
        let transmit = unsafe { std::mem::transmute::<usize, TransmitFileFn>(addr) };
        t.close_socket(s).unwrap();
        Host { t, transmit }
    }

    /// A provider TCP socket connected to a host listener, and the host's end.
    fn connected(&self) -> (SOCKET, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = SockAddr::from_std(l.local_addr().unwrap());
        let s = self
            .t
            .socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
            .unwrap();
        self.t.connect(s, &a, None, None, None, None).unwrap();
        let (peer, _) = l.accept().unwrap();
        (s, peer)
    }

    /// Call TransmitFile; `Ok(true)` done, `Ok(false)` pending, `Err` the last error.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        s: SOCKET,
        file: HANDLE,
        bytes: u32,
        per_send: u32,
        ov: *mut WSAOVERLAPPED,
        bufs: Option<&mut TRANSMIT_FILE_BUFFERS>,
        flags: u32,
    ) -> Result<bool, WsaError> {
        let b = bufs.map_or(std::ptr::null_mut(), |b| b as *mut _);
        // SAFETY: the arguments are live locals of the test, which outlive the request
        // (blocking calls return when done; overlapped ones are waited for).
        let ok = unsafe { (self.transmit)(s, file, bytes, per_send, ov, b, flags) };
        if ok != 0 {
            return Ok(true);
        }
        match WSPExtensionLastError() {
            e if e == WsaError::WSA_IO_PENDING.0 => Ok(false),
            e => Err(WsaError(e)),
        }
    }
}

fn read_to_end(peer: &mut TcpStream) -> Vec<u8> {
    peer.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    got
}

#[test]
fn transmit_file_through_c() {
    let h = Host::start();
    blocking_sends_head_rest_of_file_and_tail(&h);
    overlapped_starts_at_the_offset_and_disconnects(&h);
    null_file_sends_only_head_and_tail(&h);
    errors_are_the_pages(&h);
    h.t.cleanup().unwrap();
}

/// Null lpOverlapped: the data starts at the descriptor's current position, which
/// advances; head and tail go around it; 0 bytes = to the end of the file.
fn blocking_sends_head_rest_of_file_and_tail(h: &Host) {
    let data = pattern(300_000);
    let mut f = TempFile::new("blocking", &data);
    f.file.seek(SeekFrom::Start(3)).unwrap();
    let (s, mut peer) = h.connected();
    let reader = std::thread::spawn(move || read_to_end(&mut peer));
    let mut head = *b"HEAD";
    let mut tail = *b"TAIL";
    let mut bufs = TRANSMIT_FILE_BUFFERS {
        Head: head.as_mut_ptr(),
        HeadLength: 4,
        Tail: tail.as_mut_ptr(),
        TailLength: 4,
    };
    let r = h.call(
        s,
        f.handle(),
        0,
        4096,
        std::ptr::null_mut(),
        Some(&mut bufs),
        0x01, // TF_DISCONNECT: the reader sees the end.
    );
    assert_eq!(r, Ok(true));
    let got = reader.join().unwrap();
    let mut want = b"HEAD".to_vec();
    want.extend_from_slice(&data[3..]);
    want.extend_from_slice(b"TAIL");
    assert_eq!(got.len(), want.len());
    assert!(got == want, "bytes differ");
    assert_eq!(
        f.file.stream_position().unwrap(),
        data.len() as u64,
        "the descriptor's position advanced to the end"
    );
    h.t.close_socket(s).unwrap();
}

/// lpOverlapped: Offset/OffsetHigh say where the file data starts and the descriptor's
/// position stays; nNumberOfBytesToWrite limits it; the result counts the bytes.
fn overlapped_starts_at_the_offset_and_disconnects(h: &Host) {
    let data = pattern(1000);
    let mut f = TempFile::new("overlapped", &data);
    let (s, mut peer) = h.connected();
    let mut ov = WSAOVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 10,
        OffsetHigh: 0,
        hEvent: 0,
    };
    let done = h
        .call(s, f.handle(), 20, 0, &mut ov, None, 0x01)
        .expect("TransmitFile started");
    let (n, _) =
        h.t.get_overlapped_result(s, &mut ov as *mut _ as usize, true)
            .unwrap();
    assert_eq!(n, 20, "completed in the call: {done}");
    let got = read_to_end(&mut peer);
    assert_eq!(got, &data[10..30]);
    assert_eq!(f.file.stream_position().unwrap(), 0);
    h.t.close_socket(s).unwrap();
}

/// hFile NULL: only the head and tail buffers (TransmitFile page).
fn null_file_sends_only_head_and_tail(h: &Host) {
    let (s, mut peer) = h.connected();
    let mut head = *b"only-";
    let mut tail = *b"buffers";
    let mut bufs = TRANSMIT_FILE_BUFFERS {
        Head: head.as_mut_ptr(),
        HeadLength: 5,
        Tail: tail.as_mut_ptr(),
        TailLength: 7,
    };
    let r = h.call(s, 0, 0, 0, std::ptr::null_mut(), Some(&mut bufs), 0x01);
    assert_eq!(r, Ok(true));
    assert_eq!(read_to_end(&mut peer), b"only-buffers");
    h.t.close_socket(s).unwrap();
}

fn errors_are_the_pages(h: &Host) {
    let data = pattern(100);
    let f = TempFile::new("errors", &data);
    let (s, _peer) = h.connected();
    let null = std::ptr::null_mut();
    // TF_REUSE_SOCKET without TF_DISCONNECT.
    assert_eq!(
        h.call(s, f.handle(), 0, 0, null, None, 0x02),
        Err(WsaError::WSAEINVAL)
    );
    // nNumberOfBytesToWrite above 2,147,483,646.
    assert_eq!(
        h.call(s, f.handle(), 2_147_483_647, 0, null, None, 0),
        Err(WsaError::WSAEINVAL)
    );
    // An offset that is not within the file.
    let mut ov = WSAOVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 101,
        OffsetHigh: 0,
        hEvent: 0,
    };
    assert_eq!(
        h.call(s, f.handle(), 0, 0, &mut ov, None, 0),
        Err(WsaError::WSAEINVAL)
    );
    // A descriptor the host does not know (inferred WSAEINVAL).
    assert_eq!(
        h.call(s, 987_654, 0, 0, null, None, 0),
        Err(WsaError::WSAEINVAL)
    );
    // A datagram socket.
    let u =
        h.t.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, None, 0, 0)
            .unwrap();
    assert_eq!(
        h.call(u, f.handle(), 0, 0, null, None, 0),
        Err(WsaError::WSAEINVAL)
    );
    // Not connected; not a socket.
    let c =
        h.t.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, None, 0, 0)
            .unwrap();
    assert_eq!(
        h.call(c, f.handle(), 0, 0, null, None, 0),
        Err(WsaError::WSAENOTCONN)
    );
    assert_eq!(
        h.call(0xdead_0000, f.handle(), 0, 0, null, None, 0),
        Err(WsaError::WSAENOTSOCK)
    );
    // Shut down for sending.
    h.t.shutdown(s, SD_SEND).unwrap();
    assert_eq!(
        h.call(s, f.handle(), 0, 0, null, None, 0),
        Err(WsaError::WSAESHUTDOWN)
    );
    for x in [s, u, c] {
        h.t.close_socket(x).unwrap();
    }
}
