//! The few host calls std and socket2 do not offer: `poll(2)` over many descriptors,
//! `setrlimit(RLIMIT_NOFILE)`, and the resident set size.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::RawFd;

/// Raise the soft descriptor limit to the hard one; returns the new soft limit.
pub fn raise_nofile() -> io::Result<libc::rlim_t> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable `rlimit` for the duration of the call.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        // SAFETY: `lim` is a valid `rlimit`, read only by the call.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(lim.rlim_cur)
}

/// A reusable `poll(2)` set waiting for readability on a list of descriptors.
#[derive(Debug)]
pub struct PollSet {
    fds: Vec<libc::pollfd>,
}

impl PollSet {
    /// A set over `fds`, each waited on for `POLLIN`.
    pub fn readable(fds: &[RawFd]) -> PollSet {
        PollSet {
            fds: fds
                .iter()
                .map(|&fd| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect(),
        }
    }

    /// A set over `fds`, each waited on for `POLLOUT`.
    pub fn writable(fds: &[RawFd]) -> PollSet {
        let mut set = PollSet::readable(fds);
        for p in &mut set.fds {
            p.events = libc::POLLOUT;
        }
        set
    }

    /// One `poll` with `timeout_ms` (0 polls); returns how many descriptors are ready.
    pub fn poll(&mut self, timeout_ms: i32) -> io::Result<usize> {
        // SAFETY: the pointer and length describe `self.fds`, a live, initialised slice of
        // `pollfd` that the kernel may write (`revents`) during the call.
        let n = unsafe {
            libc::poll(
                self.fds.as_mut_ptr(),
                self.fds.len() as libc::nfds_t,
                timeout_ms,
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }
}

/// The resident set size in bytes (`VmRSS` of `/proc/self/status`); 0 where there is none.
pub fn rss_bytes() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
