//! Portable backend (mio + socket2 + libc).
