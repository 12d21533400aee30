//! The clock and the machine: `GetTickCount(64)`, `QueryPerformanceCounter`,
//! `QueryPerformanceFrequency`, `GetSystemInfo`.
//!
//! Ticks and the performance counter read the host's monotonic clock (`CLOCK_MONOTONIC`:
//! time since boot on Linux, not counting suspend, unlike Windows' tick count). The
//! performance counter counts 100 ns units at a frequency of 10 MHz, as Windows 10 and
//! later report.

use super::error::ERROR_NOACCESS;
use super::types::SYSTEM_INFO;
use super::{fail, guard};

/// `QueryPerformanceFrequency`'s value: 10 MHz.
pub const PERFORMANCE_FREQUENCY: i64 = 10_000_000;

/// The host's monotonic clock in nanoseconds.
fn monotonic_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec we own; CLOCK_MONOTONIC exists on every host we
    // build for.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// `GetTickCount64`: milliseconds of the monotonic clock.
#[no_mangle]
pub extern "system" fn wsp_GetTickCount64() -> u64 {
    guard(0, || monotonic_nanos() / 1_000_000)
}

/// `GetTickCount`: the low 32 bits of [`wsp_GetTickCount64`] (wraps after 49.7 days).
#[no_mangle]
pub extern "system" fn wsp_GetTickCount() -> u32 {
    wsp_GetTickCount64() as u32
}

/// `QueryPerformanceCounter`: the monotonic clock in 100 ns units. `FALSE` with
/// `ERROR_NOACCESS` for a null pointer.
///
/// # Safety
/// `lpPerformanceCount` is null or valid for a `LARGE_INTEGER`.
#[no_mangle]
pub unsafe extern "system" fn wsp_QueryPerformanceCounter(lpPerformanceCount: *mut i64) -> i32 {
    guard(0, || {
        if lpPerformanceCount.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        let count = (monotonic_nanos() / 100) as i64;
        // SAFETY: non-null, and the caller promises a writable LARGE_INTEGER.
        unsafe { lpPerformanceCount.write_unaligned(count) };
        1
    })
}

/// `QueryPerformanceFrequency`: [`PERFORMANCE_FREQUENCY`]. `FALSE` with `ERROR_NOACCESS`
/// for a null pointer.
///
/// # Safety
/// `lpFrequency` is null or valid for a `LARGE_INTEGER`.
#[no_mangle]
pub unsafe extern "system" fn wsp_QueryPerformanceFrequency(lpFrequency: *mut i64) -> i32 {
    guard(0, || {
        if lpFrequency.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        // SAFETY: non-null, and the caller promises a writable LARGE_INTEGER.
        unsafe { lpFrequency.write_unaligned(PERFORMANCE_FREQUENCY) };
        1
    })
}

/// What `GetSystemInfo` reports for this host.
pub fn system_info() -> SYSTEM_INFO {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    // SAFETY: sysconf reads no memory of ours.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let (arch, cpu_type) = if cfg!(target_arch = "x86_64") {
        (9, 8664) // PROCESSOR_ARCHITECTURE_AMD64, PROCESSOR_AMD_X8664
    } else if cfg!(target_arch = "aarch64") {
        (12, 0) // PROCESSOR_ARCHITECTURE_ARM64
    } else if cfg!(target_arch = "x86") {
        (0, 586) // PROCESSOR_ARCHITECTURE_INTEL, PROCESSOR_INTEL_PENTIUM
    } else {
        (0xffff, 0) // PROCESSOR_ARCHITECTURE_UNKNOWN
    };
    let bits = usize::BITS as usize;
    // Windows x64: 0x7FFF_FFFE_FFFF; 32-bit Windows: 0x7FFE_FFFF.
    let top: u64 = if bits == 64 {
        0x7FFF_FFFE_FFFF
    } else {
        0x7FFE_FFFF
    };
    SYSTEM_INFO {
        wProcessorArchitecture: arch,
        wReserved: 0,
        dwPageSize: if page > 0 { page as u32 } else { 4096 },
        lpMinimumApplicationAddress: 0x1_0000 as *mut _,
        lpMaximumApplicationAddress: top as usize as *mut _,
        dwActiveProcessorMask: if cpus >= bits {
            usize::MAX
        } else {
            (1usize << cpus) - 1
        },
        dwNumberOfProcessors: cpus as u32,
        dwProcessorType: cpu_type,
        dwAllocationGranularity: 0x1_0000,
        wProcessorLevel: 6,
        wProcessorRevision: 0,
    }
}

/// `GetSystemInfo`: processor count and architecture, page size (the host's), allocation
/// granularity (64 KiB, as Windows), the address range of a Windows x64 process. Does
/// nothing for a null pointer.
///
/// # Safety
/// `lpSystemInfo` is null or valid for a `SYSTEM_INFO`.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetSystemInfo(lpSystemInfo: *mut SYSTEM_INFO) {
    guard((), || {
        if lpSystemInfo.is_null() {
            return;
        }
        // SAFETY: non-null, and the caller promises a writable SYSTEM_INFO.
        unsafe { lpSystemInfo.write_unaligned(system_info()) };
    })
}
