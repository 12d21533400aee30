//! The clock and the machine: `GetTickCount(64)`, `QueryPerformanceCounter`,
//! `QueryPerformanceFrequency`, `GetSystemInfo`, `GetVersion(ExA/W)`,
//! `GetComputerNameA/W`.
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

// ---------------------------------------------------------------------------------------
// Version and computer name

/// The version `GetVersionEx` reports: Windows 8 (NT 6.2, build 9200), which is what
/// Windows 8.1 and later report to a program not manifested for them (Microsoft's
/// `GetVersionExA` page: "applications not manifested for Windows 8.1 or Windows 10 will
/// return the Windows 8 OS version value (6.2)"). No service pack, a workstation.
pub const VERSION: (u32, u32, u32) = (6, 2, 9200);
/// `VER_PLATFORM_WIN32_NT`.
pub const VER_PLATFORM_WIN32_NT: u32 = 2;
/// `ERROR_INSUFFICIENT_BUFFER`.
const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
/// `ERROR_BUFFER_OVERFLOW`.
const ERROR_BUFFER_OVERFLOW: u32 = 111;
/// `MAX_COMPUTERNAME_LENGTH`.
pub const MAX_COMPUTERNAME_LENGTH: usize = 15;

/// Sizes of `OSVERSIONINFO(EX)A` and `OSVERSIONINFO(EX)W`.
const OSVI_A: u32 = 20 + 128;
const OSVI_EX_A: u32 = OSVI_A + 8;
const OSVI_W: u32 = 20 + 256;
const OSVI_EX_W: u32 = OSVI_W + 8;

/// Fill an `OSVERSIONINFO(EX)` whose `szCSDVersion` has `csd` bytes.
///
/// # Safety
/// `p` is valid for `size` bytes, which is the plain or the EX size for `csd`.
unsafe fn fill_version(p: *mut u8, size: u32, csd: usize) {
    let (major, minor, build) = VERSION;
    let head = [size, major, minor, build, VER_PLATFORM_WIN32_NT];
    // SAFETY: the caller's contract: the five DWORDs, the (empty) CSD string and, for the
    // EX size, the eight bytes after it are writable.
    unsafe {
        std::ptr::write_bytes(p.add(4), 0, size as usize - 4);
        for (i, v) in head.iter().enumerate().skip(1) {
            p.add(i * 4).cast::<u32>().write_unaligned(*v);
        }
        if size as usize > 20 + csd {
            let ex = p.add(20 + csd);
            // wServicePackMajor, wServicePackMinor = 0; wSuiteMask; wProductType.
            ex.add(4).cast::<u16>().write_unaligned(0x0100); // VER_SUITE_SINGLEUSERTS
            ex.add(6).write(1); // VER_NT_WORKSTATION
        }
    }
}

/// `GetVersionExA`: [`VERSION`] on the NT platform, for an `OSVERSIONINFOA` or
/// `OSVERSIONINFOEXA` whose `dwOSVersionInfoSize` is set. `FALSE` with
/// `ERROR_INSUFFICIENT_BUFFER` for another size, `ERROR_NOACCESS` for null.
///
/// # Safety
/// `lpVersionInformation` is null or valid for the size it states.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetVersionExA(lpVersionInformation: *mut u32) -> i32 {
    guard(0, || {
        if lpVersionInformation.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        // SAFETY: the first member is the DWORD size.
        let size = unsafe { lpVersionInformation.read_unaligned() };
        if size != OSVI_A && size != OSVI_EX_A {
            return fail(ERROR_INSUFFICIENT_BUFFER, 0);
        }
        // SAFETY: the caller promises `size` writable bytes.
        unsafe { fill_version(lpVersionInformation.cast(), size, 128) };
        1
    })
}

/// `GetVersionExW`: as [`wsp_GetVersionExA`] for `OSVERSIONINFO(EX)W`.
///
/// # Safety
/// As [`wsp_GetVersionExA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_GetVersionExW(lpVersionInformation: *mut u32) -> i32 {
    guard(0, || {
        if lpVersionInformation.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        // SAFETY: the first member is the DWORD size.
        let size = unsafe { lpVersionInformation.read_unaligned() };
        if size != OSVI_W && size != OSVI_EX_W {
            return fail(ERROR_INSUFFICIENT_BUFFER, 0);
        }
        // SAFETY: the caller promises `size` writable bytes.
        unsafe { fill_version(lpVersionInformation.cast(), size, 256) };
        1
    })
}

/// `GetVersion`: the same version packed as Windows packs it (major in the low byte,
/// minor in the next, build in the high word; the top bit clear for NT).
#[no_mangle]
pub extern "system" fn wsp_GetVersion() -> u32 {
    let (major, minor, build) = VERSION;
    major | minor << 8 | build << 16
}

/// The NetBIOS-style computer name: the host name up to its first dot, upper-cased, at most
/// [`MAX_COMPUTERNAME_LENGTH`] characters (as Windows' NetBIOS name is).
pub fn computer_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for its length; gethostname terminates within it or
    // truncates (the last byte stays 0).
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    let name = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    let short = name.split('.').next().unwrap_or("");
    let mut s: String = short.chars().take(MAX_COMPUTERNAME_LENGTH).collect();
    s.make_ascii_uppercase();
    if s.is_empty() {
        s.push_str("LOCALHOST");
    }
    s
}

/// Store `units` and a terminator in a buffer of `*size` units: `TRUE` with `*size` the
/// length stored, or `FALSE` with `ERROR_BUFFER_OVERFLOW` and `*size` the size needed
/// (terminator included), as Microsoft's `GetComputerName` page says.
///
/// # Safety
/// `buf` is valid for `*size` units; `size` is valid.
unsafe fn store_name<T: Copy + Default>(units: &[T], buf: *mut T, size: *mut u32) -> i32 {
    // SAFETY: the caller's contract.
    let cap = unsafe { size.read_unaligned() } as usize;
    if buf.is_null() || cap < units.len() + 1 {
        // SAFETY: as above.
        unsafe { size.write_unaligned(units.len() as u32 + 1) };
        return fail(ERROR_BUFFER_OVERFLOW, 0);
    }
    // SAFETY: `cap >= len + 1` writable units.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
        buf.add(units.len()).write(T::default());
        size.write_unaligned(units.len() as u32);
    }
    1
}

/// `GetComputerNameA`: [`computer_name`] (see [`store_name`] for the size rules);
/// `ERROR_NOACCESS` for a null size pointer.
///
/// # Safety
/// `lpBuffer` is null or valid for `*nSize` bytes; `nSize` is null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetComputerNameA(lpBuffer: *mut u8, nSize: *mut u32) -> i32 {
    guard(0, || {
        if nSize.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        // SAFETY: the caller's contract.
        unsafe { store_name(computer_name().as_bytes(), lpBuffer, nSize) }
    })
}

/// `GetComputerNameW`: as [`wsp_GetComputerNameA`], in UTF-16.
///
/// # Safety
/// `lpBuffer` is null or valid for `*nSize` units; `nSize` is null or valid.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetComputerNameW(lpBuffer: *mut u16, nSize: *mut u32) -> i32 {
    guard(0, || {
        if nSize.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        let units: Vec<u16> = computer_name().encode_utf16().collect();
        // SAFETY: the caller's contract.
        unsafe { store_name(&units, lpBuffer, nSize) }
    })
}
