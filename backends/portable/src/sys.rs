//! The syscall edge: the only module of this crate with `unsafe` code.
//!
//! Everything here is a thin wrapper over one host call that socket2 does not offer in the
//! shape the backend needs (vectored `sendmsg`/`recvmsg` over plain byte slices without a
//! heap allocation, `FIONREAD`, `sockatmark`). Each function takes a borrowed raw
//! descriptor that the caller keeps open for the duration of the call, and returns
//! `io::Result` carrying the host `errno`; translation to Winsock codes happens above.

use socket2::SockAddr;
use std::io;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Vectored calls with at most this many buffers build their `iovec` array on the stack.
const STACK_IOVECS: usize = 16;

/// Flags every send carries: on Linux `MSG_NOSIGNAL`, so that writing to a reset
/// connection returns `EPIPE` instead of raising `SIGPIPE`. (On macOS the socket has
/// `SO_NOSIGPIPE` set at creation instead.)
#[cfg(any(target_os = "linux", target_os = "android"))]
const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const SEND_FLAGS: libc::c_int = 0;

fn empty_iovec() -> libc::iovec {
    libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    }
}

/// Result of [`recv_msg`].
pub(crate) struct RecvMsg {
    /// Bytes written into the buffers.
    pub bytes: usize,
    /// `MSG_TRUNC` was set in `msg_flags`.
    pub truncated: bool,
    /// Source address, when the host gave one of a family we know.
    pub from: Option<SocketAddr>,
    /// `IP_PKTINFO` / `IPV6_PKTINFO` control data, when the socket asked for it.
    pub pktinfo: Option<wsp::net::PktInfo>,
}

/// `sendmsg(fd, bufs, to, flags | MSG_NOSIGNAL)`. More buffers than the host's `IOV_MAX`
/// make the host fail the call (`EMSGSIZE`).
pub(crate) fn send_msg(
    fd: RawFd,
    bufs: &[&[u8]],
    to: Option<SocketAddr>,
    flags: libc::c_int,
) -> io::Result<usize> {
    let mut stack = [empty_iovec(); STACK_IOVECS];
    let mut heap = Vec::new();
    let iovs: &mut [libc::iovec] = if bufs.len() <= STACK_IOVECS {
        &mut stack[..bufs.len()]
    } else {
        heap.resize(bufs.len(), empty_iovec());
        &mut heap
    };
    for (iov, buf) in iovs.iter_mut().zip(bufs) {
        iov.iov_base = buf.as_ptr() as *mut libc::c_void;
        iov.iov_len = buf.len();
    }
    let to = to.map(SockAddr::from);
    // SAFETY: an all-zero `msghdr` is a valid value (null pointers, zero lengths).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    if let Some(addr) = &to {
        // `sendmsg` only reads `msg_name`; the cast away from const is never written through.
        msg.msg_name = addr.as_ptr() as *mut libc::c_void;
        msg.msg_namelen = addr.len();
    }
    msg.msg_iov = iovs.as_mut_ptr();
    // The field's type differs between hosts (size_t on Linux glibc, c_int on macOS).
    msg.msg_iovlen = iovs.len() as _;
    // SAFETY: `msg` points at `iovs`, whose entries each describe a live, readable slice
    // of `bufs` of exactly its length, and (if set) at `to`'s address storage of
    // `msg_namelen` bytes; all of them outlive the call. `sendmsg` only reads them. `fd`
    // is kept open by the caller for the duration of the call.
    let n = unsafe { libc::sendmsg(fd, &msg, flags | SEND_FLAGS) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// `recvmsg(fd, bufs, flags)`, reporting `MSG_TRUNC` and the source address. More buffers
/// than the host's `IOV_MAX` make the host fail the call (`EMSGSIZE`).
pub(crate) fn recv_msg(
    fd: RawFd,
    bufs: &mut [&mut [u8]],
    flags: libc::c_int,
) -> io::Result<RecvMsg> {
    let mut stack = [empty_iovec(); STACK_IOVECS];
    let mut heap = Vec::new();
    let iovs: &mut [libc::iovec] = if bufs.len() <= STACK_IOVECS {
        &mut stack[..bufs.len()]
    } else {
        heap.resize(bufs.len(), empty_iovec());
        &mut heap
    };
    for (iov, buf) in iovs.iter_mut().zip(bufs.iter_mut()) {
        iov.iov_base = buf.as_mut_ptr().cast();
        iov.iov_len = buf.len();
    }
    let mut msg_flags = 0;
    // Room for packet-information control data (u64 elements: cmsghdr alignment).
    let mut control = [0u64; 16];
    let mut control_len = 0usize;
    // SAFETY: `try_init` hands the closure a zeroed `sockaddr_storage` and its size; we
    // let `recvmsg` fill at most `*len` bytes of it and store back the length the host
    // wrote, which is what `try_init` requires. Inside, `msg` points at `iovs`, each entry
    // describing a live, exclusively borrowed slice of `bufs` of exactly its length; the
    // kernel writes only initialised bytes into them. All pointers outlive the call, and
    // `fd` is kept open by the caller.
    let (bytes, addr) = unsafe {
        SockAddr::try_init(|storage, len| {
            let mut msg: libc::msghdr = MaybeUninit::zeroed().assume_init();
            msg.msg_name = storage.cast();
            msg.msg_namelen = *len;
            msg.msg_iov = iovs.as_mut_ptr();
            msg.msg_iovlen = iovs.len() as _;
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = std::mem::size_of_val(&control) as _;
            let n = libc::recvmsg(fd, &mut msg, flags);
            if n < 0 {
                return Err(io::Error::last_os_error());
            }
            *len = msg.msg_namelen;
            msg_flags = msg.msg_flags;
            // size_t on Linux, socklen_t on macOS.
            control_len = msg.msg_controllen as _;
            Ok(n as usize)
        })?
    };
    Ok(RecvMsg {
        bytes,
        truncated: msg_flags & libc::MSG_TRUNC != 0,
        from: addr.as_socket(),
        pktinfo: parse_pktinfo(&control, control_len),
    })
}

/// The packet information among the control messages `recvmsg` left in `control`
/// (`len` bytes).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn parse_pktinfo(control: &[u64; 16], len: usize) -> Option<wsp::net::PktInfo> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let len = len.min(std::mem::size_of_val(control));
    // SAFETY: a zeroed msghdr is a valid empty header; it only describes `control`
    // (`len` bytes, what the kernel wrote) to the CMSG macros, which never step outside
    // it, and each payload read is within its message's CMSG_LEN.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_control = control.as_ptr() as *mut libc::c_void;
        msg.msg_controllen = len as _;
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            let (level, ty) = ((*c).cmsg_level, (*c).cmsg_type);
            let data = libc::CMSG_DATA(c);
            if level == libc::IPPROTO_IP && ty == libc::IP_PKTINFO {
                let p = std::ptr::read_unaligned(data.cast::<libc::in_pktinfo>());
                return Some(wsp::net::PktInfo {
                    dest: IpAddr::V4(Ipv4Addr::from(u32::from_be(p.ipi_addr.s_addr))),
                    ifindex: p.ipi_ifindex as u32,
                });
            }
            if level == libc::IPPROTO_IPV6 && ty == libc::IPV6_PKTINFO {
                let p = std::ptr::read_unaligned(data.cast::<libc::in6_pktinfo>());
                return Some(wsp::net::PktInfo {
                    dest: IpAddr::V6(Ipv6Addr::from(p.ipi6_addr.s6_addr)),
                    ifindex: p.ipi6_ifindex,
                });
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    None
}

/// Packet information is only parsed on Linux.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn parse_pktinfo(_control: &[u64; 16], _len: usize) -> Option<wsp::net::PktInfo> {
    None
}

/// Ask the host for packet information with each datagram: `IP_PKTINFO`, and on an IPv6
/// socket also `IPV6_RECVPKTINFO` (a dual-stack socket gets either, by the datagram's
/// family).
pub(crate) fn set_pktinfo(fd: RawFd, v6: bool, on: bool) -> io::Result<()> {
    let v: libc::c_int = on.into();
    let set = |level, name| {
        // SAFETY: `v` is a live c_int and the length passed is its size; `fd` is kept open
        // by the caller.
        let r = unsafe {
            libc::setsockopt(
                fd,
                level,
                name,
                (&v as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if r != 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    };
    if v6 {
        set(libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO)?;
        // A v6-only socket may refuse the IPv4 option; the IPv6 one is what it needs.
        let _ = set(libc::IPPROTO_IP, libc::IP_PKTINFO);
        Ok(())
    } else {
        set(libc::IPPROTO_IP, libc::IP_PKTINFO)
    }
}

/// `ioctl(fd, FIONREAD)`: bytes a receive would return now.
pub(crate) fn fionread(fd: RawFd) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: `FIONREAD` writes one `c_int` through the pointer, which points at `n`, a
    // live local. `fd` is kept open by the caller.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD as _, &mut n as *mut libc::c_int) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n.max(0) as usize)
    }
}

extern "C" {
    // POSIX.1-2001; in glibc, musl and Apple's libSystem, but not declared by the libc
    // crate for every host.
    fn sockatmark(fd: libc::c_int) -> libc::c_int;
}

/// `sockatmark(fd)`: whether the read position is at the urgent-data mark.
pub(crate) fn at_mark(fd: RawFd) -> io::Result<bool> {
    // SAFETY: `sockatmark` takes a descriptor by value and touches no memory of ours;
    // `fd` is kept open by the caller.
    let r = unsafe { sockatmark(fd) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r == 1)
    }
}

/// Bytes queued for sending and not yet acknowledged: `SIOCOUTQ` (Linux), `SO_NWRITE`
/// (Apple hosts).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn send_queue(fd: RawFd) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: `SIOCOUTQ` (= `TIOCOUTQ`) writes one `c_int` through the pointer, which
    // points at `n`, a live local. `fd` is kept open by the caller.
    let r = unsafe { libc::ioctl(fd, libc::TIOCOUTQ as _, &mut n as *mut libc::c_int) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n.max(0) as usize)
    }
}

/// Bytes queued for sending and not yet acknowledged (`SO_NWRITE`).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn send_queue(fd: RawFd) -> io::Result<usize> {
    let v = get_int(fd, libc::SOL_SOCKET, libc::SO_NWRITE)?;
    Ok(v.max(0) as usize)
}

fn get_int(fd: RawFd, level: libc::c_int, name: libc::c_int) -> io::Result<libc::c_int> {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: `v` is a live `c_int` and `len` holds its size; the host writes at most `len`
    // bytes into it and stores the length back. `fd` is kept open by the caller.
    let r = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(v)
    }
}

fn set_int(fd: RawFd, level: libc::c_int, name: libc::c_int, v: libc::c_int) -> io::Result<()> {
    // SAFETY: the pointer is to `v`, a live `c_int`, and the length is its size; the host
    // only reads it. `fd` is kept open by the caller.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&v as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `IPV6_TCLASS` (the IPv6 counterpart of `IP_TOS`).
pub(crate) fn tclass_v6(fd: RawFd) -> io::Result<u32> {
    Ok(get_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS)?.max(0) as u32)
}

/// Set `IPV6_TCLASS`.
pub(crate) fn set_tclass_v6(fd: RawFd, tclass: u32) -> io::Result<()> {
    let v =
        libc::c_int::try_from(tclass).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    set_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, v)
}

/// The host's `IP_OPTIONS` number: the libc crate names it on Linux; BSD-derived hosts
/// (macOS) define it as 1 in `<netinet/in.h>` but the libc crate does not export it there.
#[cfg(any(target_os = "linux", target_os = "android"))]
const HOST_IP_OPTIONS: libc::c_int = libc::IP_OPTIONS;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const HOST_IP_OPTIONS: libc::c_int = 1;

/// `IP_OPTIONS`: the IPv4 options the host puts into this socket's packets (Linux pads
/// them to a multiple of four bytes with end-of-list bytes).
pub(crate) fn ip_options(fd: RawFd) -> io::Result<Vec<u8>> {
    let mut buf = [0u8; 40];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: `buf` is a live local of `len` bytes; the host writes at most `len` bytes
    // into it and stores the length back. `fd` is kept open by the caller.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_IP,
            HOST_IP_OPTIONS,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(buf[..(len as usize).min(buf.len())].to_vec())
}

/// Set `IP_OPTIONS` (empty removes them).
pub(crate) fn set_ip_options(fd: RawFd, opts: &[u8]) -> io::Result<()> {
    // SAFETY: the pointer and length describe `opts`, which the host only reads (a null
    // pointer with length 0 when empty). `fd` is kept open by the caller.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_IP,
            HOST_IP_OPTIONS,
            if opts.is_empty() {
                std::ptr::null()
            } else {
                opts.as_ptr().cast()
            },
            opts.len() as libc::socklen_t,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Raise this process's soft `RLIMIT_NOFILE` to its hard limit; returns the new soft limit.
pub(crate) fn raise_fd_limit() -> io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` writes one `rlimit` through the pointer, which points at `lim`, a
    // live local of that type.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: `setrlimit` reads one `rlimit` through the pointer, which points at `lim`.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // `rlim_t` is not `u64` on every target.
    #[allow(clippy::unnecessary_cast)]
    Ok(lim.rlim_cur as u64)
}

/// The `pollfd` entry for `fd` asking for every readiness `poll_now` reports (a negative
/// `fd` is skipped by the kernel and reads as 0).
pub(crate) fn pollfd(fd: RawFd) -> libc::pollfd {
    #[cfg(target_os = "linux")]
    const RDHUP: libc::c_short = libc::POLLRDHUP;
    #[cfg(not(target_os = "linux"))]
    const RDHUP: libc::c_short = 0;
    libc::pollfd {
        fd,
        events: libc::POLLIN | libc::POLLOUT | libc::POLLPRI | RDHUP,
        revents: 0,
    }
}

/// `poll(2)` with a zero timeout over `pfds`, filling each `revents` in place.
pub(crate) fn poll_now(pfds: &mut [libc::pollfd]) -> io::Result<()> {
    // SAFETY: `pfds` is a live, initialised slice of `pfds.len()` `pollfd`s that `poll`
    // reads and writes in place; a zero timeout never blocks.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, 0) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Translate `poll` `revents` into readiness flags
/// `(readable, writable, read_closed, write_closed, error, priority)`.
pub(crate) fn poll_flags(revents: i16) -> [bool; 6] {
    #[cfg(target_os = "linux")]
    let rdhup = revents & libc::POLLRDHUP != 0;
    #[cfg(not(target_os = "linux"))]
    let rdhup = false;
    let hup = revents & libc::POLLHUP != 0;
    [
        revents & libc::POLLIN != 0,
        revents & libc::POLLOUT != 0,
        rdhup || hup,
        hup,
        revents & (libc::POLLERR | libc::POLLNVAL) != 0,
        revents & libc::POLLPRI != 0,
    ]
}

/// The process id of the peer of a connected Unix stream socket (`SO_PEERCRED`).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn peer_pid(fd: RawFd) -> io::Result<u32> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes of the sizes given, for the call only.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    u32::try_from(cred.pid).map_err(|_| io::Error::from(io::ErrorKind::InvalidData))
}

/// Control-message room for one descriptor.
#[cfg(any(target_os = "linux", target_os = "android"))]
const CMSG_ROOM: usize = 64;

/// Send descriptor `pass` over the Unix stream `fd` with one byte of data (`SCM_RIGHTS`).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn send_fd(fd: RawFd, pass: RawFd) -> io::Result<()> {
    let byte = [1u8];
    let mut iov = libc::iovec {
        iov_base: byte.as_ptr() as *mut libc::c_void,
        iov_len: 1,
    };
    let mut control = [0u8; CMSG_ROOM];
    // SAFETY: a zeroed msghdr is a valid empty header; every pointer set below refers to
    // a local that outlives the sendmsg call, and the CMSG macros stay inside `control`,
    // whose length is at least CMSG_SPACE(sizeof(int)).
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as _;
        std::ptr::copy_nonoverlapping(
            (&pass as *const RawFd).cast::<u8>(),
            libc::CMSG_DATA(cmsg),
            std::mem::size_of::<RawFd>(),
        );
        if libc::sendmsg(fd, &msg, SEND_FLAGS) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Receive one descriptor sent with [`send_fd`] on the Unix stream `fd` (blocking), as an
/// owned socket (close-on-exec).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn recv_fd(fd: RawFd) -> io::Result<socket2::Socket> {
    use std::os::fd::FromRawFd;
    let mut byte = [0u8];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut control = [0u8; CMSG_ROOM];
    // SAFETY: as in `send_fd`: every pointer in the header refers to a local that
    // outlives the call; the kernel writes at most `msg_controllen` bytes of control data.
    let got = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = control.len() as _;
        if libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC) < 0 {
            return Err(io::Error::last_os_error());
        }
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null()
            || (*cmsg).cmsg_level != libc::SOL_SOCKET
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
        {
            None
        } else {
            let mut passed: RawFd = -1;
            std::ptr::copy_nonoverlapping(
                libc::CMSG_DATA(cmsg),
                (&mut passed as *mut RawFd).cast::<u8>(),
                std::mem::size_of::<RawFd>(),
            );
            Some(passed)
        }
    };
    match got {
        // SAFETY: the kernel just installed `passed` in this process for us; nothing else
        // owns it, so the Socket takes sole ownership.
        Some(passed) if passed >= 0 => Ok(unsafe { socket2::Socket::from_raw_fd(passed) }),
        _ => Err(io::Error::from(io::ErrorKind::InvalidData)),
    }
}

/// A non-blocking, close-on-exec `eventfd` (Linux): the wake descriptor of a thread
/// blocked in [`poll_socket`].
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn wake_fd() -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: plain syscall with constant flags; no pointers.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by `eventfd` and is owned by nobody else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// Signal a wake descriptor from [`wake_fd`]. Never blocks (a saturated counter fails with
/// `EAGAIN`, which still leaves it readable: nothing to do).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn wake_signal(fd: RawFd) {
    let one: u64 = 1;
    // SAFETY: writes the 8 bytes of a live local `u64` to a descriptor the caller owns.
    let _ = unsafe { libc::write(fd, (&one as *const u64).cast(), 8) };
}

/// Clear a wake descriptor from [`wake_fd`] (non-blocking read of its counter).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn wake_drain(fd: RawFd) {
    let mut v: u64 = 0;
    // SAFETY: reads at most 8 bytes into a live local `u64`.
    let _ = unsafe { libc::read(fd, (&mut v as *mut u64).cast(), 8) };
}

/// Sleep in `poll` on socket `fd` for `events` and on wake descriptor `wake` for input, at
/// most `timeout_ms` (-1: no limit). Returns `(socket had revents, wake was signalled)`;
/// `EINTR` reads as nothing happened.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn poll_socket(
    fd: RawFd,
    events: i16,
    wake: RawFd,
    timeout_ms: i32,
) -> io::Result<(bool, bool)> {
    let mut pfds = [
        libc::pollfd {
            fd,
            events,
            revents: 0,
        },
        libc::pollfd {
            fd: wake,
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: `pfds` is a live local array of two initialised `pollfd`s.
    let r = unsafe { libc::poll(pfds.as_mut_ptr(), 2, timeout_ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            return Ok((false, false));
        }
        return Err(e);
    }
    Ok((pfds[0].revents != 0, pfds[1].revents != 0))
}
