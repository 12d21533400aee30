//! Memory: heaps (`GetProcessHeap`, `HeapCreate`, `HeapDestroy`, `HeapAlloc`,
//! `HeapReAlloc`, `HeapFree`, `HeapSize`), local and global memory (`LocalAlloc`,
//! `LocalReAlloc`, `LocalFree`, `LocalSize`, `GlobalAlloc`, `GlobalFree`), and virtual
//! memory (`VirtualAlloc`, `VirtualProtect`, `VirtualFree`, `VirtualQuery`) with real page
//! protection.
//!
//! # Heaps
//!
//! Every heap block is a C-library allocation with a 16-byte header in front holding its
//! size and a tag, so `HeapSize` is exact and a pointer that no `HeapAlloc` returned is
//! refused by `HeapFree`/`HeapReAlloc`/`HeapSize` (`ERROR_INVALID_PARAMETER`) instead of
//! corrupting the C heap. Blocks are 16-byte aligned, as on Windows x64. A block belongs to
//! the heap it came from: `HeapDestroy` frees the blocks of a private heap still
//! allocated. As Microsoft documents, `HeapAlloc` and `HeapReAlloc` do not set the last
//! error when they fail, and `HEAP_GENERATE_EXCEPTIONS` raises nothing (there are no
//! structured exceptions): the call returns `NULL`. `LocalAlloc`/`GlobalAlloc` allocate
//! from the process heap; `LMEM_MOVEABLE` memory is fixed (the handle is the pointer, so
//! `LocalLock` is not needed, and not provided).
//!
//! # Virtual memory
//!
//! `VirtualAlloc` reserves with `mmap` (address space aligned to the 64 KiB allocation
//! granularity, as Windows does) and commits by changing the pages' protection: reserved
//! pages are `PROT_NONE`, committed pages get the requested protection. `PAGE_GUARD` is
//! approximated as `PAGE_NOACCESS`: the first touch faults (`SIGSEGV`) instead of raising
//! a one-shot `STATUS_GUARD_PAGE_VIOLATION` that lifts the guard. `PAGE_EXECUTE*` map to
//! `PROT_EXEC` where the host allows it; `PAGE_NOCACHE`/`PAGE_WRITECOMBINE` are accepted
//! and ignored. `MEM_DECOMMIT` returns pages to the host (`MADV_DONTNEED`), so committing
//! them again yields zeroes, as on Windows. Only regions made by `VirtualAlloc` can be
//! protected, queried or freed (Windows also lets `VirtualProtect` change other memory).

use super::error::{ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOACCESS};
use super::types::HANDLE;
use super::{fail, guard, handle};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::c_void;
use std::sync::{LazyLock, Mutex, MutexGuard};

/// `HEAP_ZERO_MEMORY`.
pub const HEAP_ZERO_MEMORY: u32 = 0x8;
/// `HEAP_REALLOC_IN_PLACE_ONLY`.
pub const HEAP_REALLOC_IN_PLACE_ONLY: u32 = 0x10;
/// `LMEM_ZEROINIT` (and `GMEM_ZEROINIT`).
pub const LMEM_ZEROINIT: u32 = 0x40;
/// `ERROR_INVALID_ADDRESS`.
pub const ERROR_INVALID_ADDRESS: u32 = 487;
/// `ERROR_NOT_ENOUGH_MEMORY`.
const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;

const HEADER: usize = 16;
const TAG: u32 = 0x5753_4850; // "WSHP"

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------------------
// Heaps

/// Heaps by handle: the process heap (blocks untracked) and private heaps (their live
/// blocks, freed by `HeapDestroy`).
struct Heaps {
    process: usize,
    private: HashMap<usize, HashSet<usize>>,
}

static HEAPS: LazyLock<Mutex<Heaps>> = LazyLock::new(|| {
    Mutex::new(Heaps {
        process: handle::alloc(),
        private: HashMap::new(),
    })
});

/// The header in front of a block: its size, its heap's handle (handle values are small
/// counters, so 32 bits hold them) and a tag. A block is freed from the heap in its header,
/// whichever heap handle the program names, as long as that names a heap.
#[repr(C)]
struct Header {
    size: usize,
    heap: u32,
    tag: u32,
}

/// Whether `h` names a heap.
fn is_heap(h: usize) -> bool {
    let heaps = lock(&HEAPS);
    h == heaps.process || heaps.private.contains_key(&h)
}

/// The header of a block `HeapAlloc` returned, or `None` for null or a foreign pointer.
///
/// # Safety
/// `p` is null or a pointer at least 16 bytes into readable memory (any pointer a program
/// passes to `HeapFree` for a block is one).
unsafe fn header(p: *const c_void) -> Option<*mut Header> {
    if p.is_null() || (p as usize) % HEADER != 0 {
        return None;
    }
    // SAFETY: the caller's contract: the 16 bytes before `p` are readable.
    let h = unsafe { (p as *mut u8).sub(HEADER) } as *mut Header;
    // SAFETY: as above; the header is 16-byte aligned.
    (unsafe { (*h).tag } == TAG).then_some(h)
}

/// Allocate a block of `size` bytes on heap `heap`.
fn heap_alloc(heap: usize, size: usize, zero: bool) -> *mut c_void {
    let Some(total) = size.checked_add(HEADER) else {
        return std::ptr::null_mut();
    };
    // SAFETY: plain C allocation; glibc and macOS return 16-byte aligned blocks.
    let base = unsafe {
        if zero {
            libc::calloc(1, total)
        } else {
            libc::malloc(total)
        }
    } as *mut u8;
    if base.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `base` is a fresh allocation of at least HEADER bytes, 16-byte aligned.
    unsafe {
        base.cast::<Header>().write(Header {
            size,
            heap: heap as u32,
            tag: TAG,
        })
    };
    // SAFETY: within the allocation.
    let p = unsafe { base.add(HEADER) } as *mut c_void;
    if let Some(blocks) = lock(&HEAPS).private.get_mut(&heap) {
        blocks.insert(p as usize);
    }
    p
}

/// Free a block (its header already checked).
///
/// # Safety
/// `h` is the header of a live block.
unsafe fn heap_free(h: *mut Header) {
    // SAFETY: the caller's contract.
    unsafe {
        (*h).tag = 0;
        libc::free(h.cast());
    }
}

/// `GetProcessHeap`: the process heap's handle (never closed).
#[no_mangle]
pub extern "system" fn wsp_GetProcessHeap() -> HANDLE {
    guard(std::ptr::null_mut(), || lock(&HEAPS).process as HANDLE)
}

/// `HeapCreate`: a private heap. Options and sizes are accepted and not enforced (a heap
/// grows as the C heap does).
#[no_mangle]
pub extern "system" fn wsp_HeapCreate(_options: u32, _initial: usize, _maximum: usize) -> HANDLE {
    guard(std::ptr::null_mut(), || {
        let h = handle::alloc();
        lock(&HEAPS).private.insert(h, HashSet::new());
        h as HANDLE
    })
}

/// `HeapDestroy`: free a private heap and every block still allocated from it. `FALSE`
/// with `ERROR_INVALID_HANDLE` for the process heap or a non-heap handle.
#[no_mangle]
pub extern "system" fn wsp_HeapDestroy(hHeap: HANDLE) -> i32 {
    guard(0, || {
        let Some(blocks) = lock(&HEAPS).private.remove(&(hHeap as usize)) else {
            return fail(ERROR_INVALID_HANDLE, 0);
        };
        for p in blocks {
            // SAFETY: every pointer in the set is a live block of this heap.
            if let Some(h) = unsafe { header(p as *const c_void) } {
                // SAFETY: `h` heads a live block.
                unsafe { heap_free(h) };
            }
        }
        1
    })
}

/// `HeapAlloc`: `dwBytes` bytes (zeroed with `HEAP_ZERO_MEMORY`), 16-byte aligned. `NULL`
/// on failure, without setting the last error (as documented).
#[no_mangle]
pub extern "system" fn wsp_HeapAlloc(hHeap: HANDLE, dwFlags: u32, dwBytes: usize) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        if !is_heap(hHeap as usize) {
            return std::ptr::null_mut();
        }
        heap_alloc(hHeap as usize, dwBytes, dwFlags & HEAP_ZERO_MEMORY != 0)
    })
}

/// `HeapReAlloc`: resize a block, keeping its contents; with `HEAP_ZERO_MEMORY` the bytes
/// beyond the old size are zeroed; with `HEAP_REALLOC_IN_PLACE_ONLY` the block never moves
/// (growing it fails). `NULL` for a null or foreign block.
///
/// # Safety
/// `lpMem` is null or a pointer a program could pass to `HeapFree`.
#[no_mangle]
pub unsafe extern "system" fn wsp_HeapReAlloc(
    hHeap: HANDLE,
    dwFlags: u32,
    lpMem: *mut c_void,
    dwBytes: usize,
) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        let Some(h) = (unsafe { header(lpMem) }) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `h` heads a live block.
        let (old, heap) = unsafe { ((*h).size, (*h).heap as usize) };
        if !is_heap(hHeap as usize) {
            return std::ptr::null_mut();
        }
        if dwFlags & HEAP_REALLOC_IN_PLACE_ONLY != 0 {
            if dwBytes > old {
                return std::ptr::null_mut();
            }
            // SAFETY: shrinking in place: the block stays as large as it was.
            unsafe { (*h).size = dwBytes };
            return lpMem;
        }
        let Some(total) = dwBytes.checked_add(HEADER) else {
            return std::ptr::null_mut();
        };
        // SAFETY: `h` is the start of a C allocation.
        let base = unsafe { libc::realloc(h.cast(), total) } as *mut u8;
        if base.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: the reallocated block starts with our header.
        unsafe { (*base.cast::<Header>()).size = dwBytes };
        // SAFETY: within the allocation.
        let p = unsafe { base.add(HEADER) };
        if dwFlags & HEAP_ZERO_MEMORY != 0 && dwBytes > old {
            // SAFETY: bytes old..dwBytes lie within the new block.
            unsafe { std::ptr::write_bytes(p.add(old), 0, dwBytes - old) };
        }
        let p = p as *mut c_void;
        if let Some(blocks) = lock(&HEAPS).private.get_mut(&heap) {
            blocks.remove(&(lpMem as usize));
            blocks.insert(p as usize);
        }
        p
    })
}

/// `HeapFree`: free a block. `TRUE` for `NULL` (nothing to free); `FALSE` with
/// `ERROR_INVALID_PARAMETER` for a pointer no `HeapAlloc` returned.
///
/// # Safety
/// `lpMem` is null or a pointer a program could pass to `HeapFree`.
#[no_mangle]
pub unsafe extern "system" fn wsp_HeapFree(
    hHeap: HANDLE,
    _dwFlags: u32,
    lpMem: *mut c_void,
) -> i32 {
    guard(0, || {
        if lpMem.is_null() {
            return 1;
        }
        // SAFETY: the caller's contract.
        let Some(h) = (unsafe { header(lpMem) }) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        // SAFETY: `h` heads a live block.
        let heap = unsafe { (*h).heap } as usize;
        if !is_heap(hHeap as usize) {
            return fail(ERROR_INVALID_HANDLE, 0);
        }
        if let Some(blocks) = lock(&HEAPS).private.get_mut(&heap) {
            blocks.remove(&(lpMem as usize));
        }
        // SAFETY: `h` heads a live block.
        unsafe { heap_free(h) };
        1
    })
}

/// `HeapSize`: the size the block was allocated (or last reallocated) with;
/// `(SIZE_T)-1` for a null or foreign pointer.
///
/// # Safety
/// `lpMem` is null or a pointer a program could pass to `HeapFree`.
#[no_mangle]
pub unsafe extern "system" fn wsp_HeapSize(
    _hHeap: HANDLE,
    _dwFlags: u32,
    lpMem: *const c_void,
) -> usize {
    guard(usize::MAX, || {
        // SAFETY: the caller's contract.
        match unsafe { header(lpMem) } {
            // SAFETY: `h` heads a live block.
            Some(h) => unsafe { (*h).size },
            None => fail(ERROR_INVALID_PARAMETER, usize::MAX),
        }
    })
}

/// `LocalAlloc` (and `GlobalAlloc`): a process-heap block, zeroed with `LMEM_ZEROINIT`;
/// the handle is the pointer whatever the flags. `NULL` with `ERROR_NOT_ENOUGH_MEMORY`.
#[no_mangle]
pub extern "system" fn wsp_LocalAlloc(uFlags: u32, uBytes: usize) -> *mut c_void {
    guard(std::ptr::null_mut(), || {
        let heap = lock(&HEAPS).process;
        let p = heap_alloc(heap, uBytes, uFlags & LMEM_ZEROINIT != 0);
        if p.is_null() {
            return fail(ERROR_NOT_ENOUGH_MEMORY, p);
        }
        p
    })
}

/// `LocalReAlloc`: resize a `LocalAlloc` block (zeroing growth with `LMEM_ZEROINIT`).
///
/// # Safety
/// As [`wsp_HeapReAlloc`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LocalReAlloc(
    hMem: *mut c_void,
    uBytes: usize,
    uFlags: u32,
) -> *mut c_void {
    let heap = wsp_GetProcessHeap();
    let zero = if uFlags & LMEM_ZEROINIT != 0 {
        HEAP_ZERO_MEMORY
    } else {
        0
    };
    // SAFETY: the caller's contract, passed on.
    let p = unsafe { wsp_HeapReAlloc(heap, zero, hMem, uBytes) };
    if p.is_null() {
        return fail(ERROR_NOT_ENOUGH_MEMORY, p);
    }
    p
}

/// `LocalFree` (and `GlobalFree`): `NULL` on success (also for `NULL`); the handle back,
/// with `ERROR_INVALID_HANDLE`, for one no `LocalAlloc` returned.
///
/// # Safety
/// As [`wsp_HeapFree`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LocalFree(hMem: *mut c_void) -> *mut c_void {
    // SAFETY: the caller's contract, passed on.
    if unsafe { wsp_HeapFree(wsp_GetProcessHeap(), 0, hMem) } != 0 {
        std::ptr::null_mut()
    } else {
        fail(ERROR_INVALID_HANDLE, hMem)
    }
}

/// `LocalSize` (and `GlobalSize`): the block's size, or 0 for a foreign handle.
///
/// # Safety
/// As [`wsp_HeapSize`].
#[no_mangle]
pub unsafe extern "system" fn wsp_LocalSize(hMem: *mut c_void) -> usize {
    // SAFETY: the caller's contract, passed on.
    match unsafe { wsp_HeapSize(wsp_GetProcessHeap(), 0, hMem) } {
        usize::MAX => 0,
        n => n,
    }
}

// ---------------------------------------------------------------------------------------
// Virtual memory

/// `MEM_COMMIT`.
pub const MEM_COMMIT: u32 = 0x1000;
/// `MEM_RESERVE`.
pub const MEM_RESERVE: u32 = 0x2000;
/// `MEM_DECOMMIT`.
pub const MEM_DECOMMIT: u32 = 0x4000;
/// `MEM_RELEASE`.
pub const MEM_RELEASE: u32 = 0x8000;
/// `MEM_FREE`.
pub const MEM_FREE: u32 = 0x1_0000;
/// `MEM_PRIVATE`.
pub const MEM_PRIVATE: u32 = 0x2_0000;
/// `MEM_RESET`.
pub const MEM_RESET: u32 = 0x8_0000;
/// `MEM_TOP_DOWN`.
pub const MEM_TOP_DOWN: u32 = 0x10_0000;
/// `PAGE_NOACCESS`.
pub const PAGE_NOACCESS: u32 = 0x01;
/// `PAGE_READONLY`.
pub const PAGE_READONLY: u32 = 0x02;
/// `PAGE_READWRITE`.
pub const PAGE_READWRITE: u32 = 0x04;
/// `PAGE_GUARD`.
pub const PAGE_GUARD: u32 = 0x100;
const GRANULARITY: usize = 0x1_0000;

/// A reservation: its size and each page's protection (0: reserved, not committed).
struct Region {
    size: usize,
    alloc_protect: u32,
    pages: Vec<u32>,
}

static REGIONS: LazyLock<Mutex<BTreeMap<usize, Region>>> = LazyLock::new(Default::default);

fn page_size() -> usize {
    // SAFETY: sysconf reads no memory of ours.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

/// The host protection for a Windows page protection, or `None` for an invalid one.
fn host_prot(protect: u32) -> Option<i32> {
    let base = protect & !(PAGE_GUARD | 0x200 | 0x400);
    if protect & PAGE_GUARD != 0 {
        // Approximated: a guard page faults on every touch (see the module docs).
        return matches!(base, 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40 | 0x80)
            .then_some(libc::PROT_NONE);
    }
    Some(match base {
        0x01 => libc::PROT_NONE,
        0x02 => libc::PROT_READ,
        0x04 | 0x08 => libc::PROT_READ | libc::PROT_WRITE,
        0x10 => libc::PROT_EXEC,
        0x20 => libc::PROT_READ | libc::PROT_EXEC,
        0x40 | 0x80 => libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
        _ => return None,
    })
}

/// The region holding `[addr, addr + len)`: its base.
fn find_region(regions: &BTreeMap<usize, Region>, addr: usize, len: usize) -> Option<usize> {
    let (&base, r) = regions.range(..=addr).next_back()?;
    let end = addr.checked_add(len.max(1))?;
    (end <= base + r.size).then_some(base)
}

/// Reserve `size` bytes of address space at a 64 KiB boundary (`want`: a fixed address).
fn reserve(want: usize, size: usize) -> Option<usize> {
    let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
    if want != 0 {
        // SAFETY: a fresh anonymous mapping; the hint is only a hint (checked below).
        let p = unsafe { libc::mmap(want as *mut c_void, size, libc::PROT_NONE, flags, -1, 0) };
        if p == libc::MAP_FAILED {
            return None;
        }
        if p as usize != want {
            // SAFETY: unmapping the mapping just made.
            unsafe { libc::munmap(p, size) };
            return None;
        }
        return Some(want);
    }
    let span = size.checked_add(GRANULARITY)?;
    // SAFETY: a fresh anonymous mapping of our own.
    let p = unsafe { libc::mmap(std::ptr::null_mut(), span, libc::PROT_NONE, flags, -1, 0) };
    if p == libc::MAP_FAILED {
        return None;
    }
    let start = p as usize;
    let aligned = (start + GRANULARITY - 1) & !(GRANULARITY - 1);
    // SAFETY: trimming the parts of our own mapping outside [aligned, aligned + size).
    unsafe {
        if aligned > start {
            libc::munmap(p, aligned - start);
        }
        let tail = start + span - (aligned + size);
        if tail > 0 {
            libc::munmap((aligned + size) as *mut c_void, tail);
        }
    }
    Some(aligned)
}

/// `VirtualAlloc`: reserve (`MEM_RESERVE`) and/or commit (`MEM_COMMIT`) pages.
///
/// * `lpAddress` null: a new region of `dwSize` bytes rounded up to pages, at a 64 KiB
///   boundary; `MEM_COMMIT` alone also reserves (as on Windows).
/// * `lpAddress` inside a region with `MEM_COMMIT`: commit the pages covering
///   `[lpAddress, lpAddress + dwSize)` with `flProtect`; already committed pages keep their
///   contents. `MEM_RESERVE` at a free address reserves there (rounded down to 64 KiB).
/// * `MEM_RESET`: the pages' contents are discarded (`MADV_DONTNEED`: they read as zero
///   afterwards, which Windows allows); protection is unchanged.
///
/// Errors: `ERROR_INVALID_PARAMETER` for a zero size, no allocation type, or an unknown
/// protection; `ERROR_INVALID_ADDRESS` for an address that is not free (reserve) or not
/// reserved (commit); `ERROR_NOT_ENOUGH_MEMORY` when the host refuses.
#[no_mangle]
pub extern "system" fn wsp_VirtualAlloc(
    lpAddress: *mut c_void,
    dwSize: usize,
    flAllocationType: u32,
    flProtect: u32,
) -> *mut c_void {
    let null = std::ptr::null_mut();
    guard(null, || {
        let kind = flAllocationType & !MEM_TOP_DOWN;
        if dwSize == 0 || kind & (MEM_COMMIT | MEM_RESERVE | MEM_RESET) == 0 {
            return fail(ERROR_INVALID_PARAMETER, null);
        }
        let Some(prot) = host_prot(flProtect) else {
            return fail(ERROR_INVALID_PARAMETER, null);
        };
        let page = page_size();
        let addr = lpAddress as usize;
        let mut regions = lock(&REGIONS);
        if kind & MEM_RESET != 0 {
            let start = addr & !(page - 1);
            let Some(end) = addr
                .checked_add(dwSize)
                .map(|e| (e + page - 1) & !(page - 1))
            else {
                return fail(ERROR_INVALID_PARAMETER, null);
            };
            if find_region(&regions, start, end - start).is_none() {
                return fail(ERROR_INVALID_ADDRESS, null);
            }
            // SAFETY: advice on pages of a region we mapped.
            unsafe { libc::madvise(start as *mut c_void, end - start, libc::MADV_DONTNEED) };
            return lpAddress;
        }
        let existing = (addr != 0)
            .then(|| find_region(&regions, addr, dwSize))
            .flatten();
        let (base, start, end) = match existing {
            Some(base) if kind & MEM_COMMIT != 0 => {
                let start = addr & !(page - 1);
                let end = (addr + dwSize + page - 1) & !(page - 1);
                (base, start, end)
            }
            Some(_) => return fail(ERROR_INVALID_ADDRESS, null),
            None => {
                if addr != 0 && kind & MEM_RESERVE == 0 {
                    return fail(ERROR_INVALID_ADDRESS, null);
                }
                let want = addr & !(GRANULARITY - 1);
                let Some(size) = (addr - want)
                    .checked_add(dwSize)
                    .and_then(|s| s.checked_add(page - 1))
                    .map(|s| s & !(page - 1))
                else {
                    return fail(ERROR_INVALID_PARAMETER, null);
                };
                let Some(base) = reserve(want, size) else {
                    return if addr != 0 {
                        fail(ERROR_INVALID_ADDRESS, null)
                    } else {
                        fail(ERROR_NOT_ENOUGH_MEMORY, null)
                    };
                };
                regions.insert(
                    base,
                    Region {
                        size,
                        alloc_protect: flProtect,
                        pages: vec![0; size / page],
                    },
                );
                if kind & MEM_COMMIT == 0 {
                    return base as *mut c_void;
                }
                (base, base, base + size)
            }
        };
        // SAFETY: pages of a region we mapped.
        if unsafe { libc::mprotect(start as *mut c_void, end - start, prot) } != 0 {
            return fail(ERROR_NOT_ENOUGH_MEMORY, null);
        }
        let r = regions.get_mut(&base).expect("found above");
        for p in &mut r.pages[(start - base) / page..(end - base) / page] {
            *p = flProtect;
        }
        if existing.is_some() {
            start as *mut c_void
        } else {
            base as *mut c_void
        }
    })
}

/// `VirtualProtect`: change the protection of committed pages covering
/// `[lpAddress, lpAddress + dwSize)` and store the first page's previous protection in
/// `*lpflOldProtect`. `FALSE` with `ERROR_NOACCESS` for a null `lpflOldProtect`,
/// `ERROR_INVALID_PARAMETER` for an unknown protection, `ERROR_INVALID_ADDRESS` for pages
/// that are not committed or not from `VirtualAlloc`.
///
/// # Safety
/// `lpflOldProtect` is null or valid for a `DWORD`.
#[no_mangle]
pub unsafe extern "system" fn wsp_VirtualProtect(
    lpAddress: *mut c_void,
    dwSize: usize,
    flNewProtect: u32,
    lpflOldProtect: *mut u32,
) -> i32 {
    guard(0, || {
        if lpflOldProtect.is_null() {
            return fail(ERROR_NOACCESS, 0);
        }
        let Some(prot) = host_prot(flNewProtect) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        let page = page_size();
        let addr = lpAddress as usize;
        let start = addr & !(page - 1);
        let Some(end) = addr
            .checked_add(dwSize.max(1))
            .map(|e| (e + page - 1) & !(page - 1))
        else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        let mut regions = lock(&REGIONS);
        let Some(base) = find_region(&regions, start, end - start) else {
            return fail(ERROR_INVALID_ADDRESS, 0);
        };
        let r = regions.get_mut(&base).expect("found above");
        let pages = &mut r.pages[(start - base) / page..(end - base) / page];
        if pages.contains(&0) {
            return fail(ERROR_INVALID_ADDRESS, 0);
        }
        // SAFETY: committed pages of a region we mapped.
        if unsafe { libc::mprotect(start as *mut c_void, end - start, prot) } != 0 {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        let old = pages[0];
        for p in pages.iter_mut() {
            *p = flNewProtect;
        }
        // SAFETY: non-null, and the caller promises a writable DWORD.
        unsafe { lpflOldProtect.write_unaligned(old) };
        1
    })
}

/// `VirtualFree`: `MEM_RELEASE` frees a whole region (`lpAddress` its base, `dwSize` 0);
/// `MEM_DECOMMIT` decommits the pages covering the range (`dwSize` 0: from `lpAddress` to
/// the region's end), whose contents are lost. `FALSE` with `ERROR_INVALID_PARAMETER` for
/// a bad combination, `ERROR_INVALID_ADDRESS` for memory `VirtualAlloc` did not reserve.
#[no_mangle]
pub extern "system" fn wsp_VirtualFree(
    lpAddress: *mut c_void,
    dwSize: usize,
    dwFreeType: u32,
) -> i32 {
    guard(0, || {
        let addr = lpAddress as usize;
        let page = page_size();
        let mut regions = lock(&REGIONS);
        match dwFreeType {
            MEM_RELEASE => {
                if dwSize != 0 {
                    return fail(ERROR_INVALID_PARAMETER, 0);
                }
                let Some(r) = regions.remove(&addr) else {
                    return fail(ERROR_INVALID_ADDRESS, 0);
                };
                // SAFETY: the whole region we mapped, no longer in the table.
                unsafe { libc::munmap(addr as *mut c_void, r.size) };
                1
            }
            MEM_DECOMMIT => {
                let Some(base) = find_region(&regions, addr, 1) else {
                    return fail(ERROR_INVALID_ADDRESS, 0);
                };
                let r = regions.get_mut(&base).expect("found above");
                let start = addr & !(page - 1);
                let end = if dwSize == 0 {
                    base + r.size
                } else {
                    match addr.checked_add(dwSize) {
                        Some(e) if e <= base + r.size => (e + page - 1) & !(page - 1),
                        _ => return fail(ERROR_INVALID_ADDRESS, 0),
                    }
                };
                // SAFETY: pages of a region we mapped: dropped and made inaccessible.
                unsafe {
                    libc::madvise(start as *mut c_void, end - start, libc::MADV_DONTNEED);
                    libc::mprotect(start as *mut c_void, end - start, libc::PROT_NONE);
                }
                for p in &mut r.pages[(start - base) / page..(end - base) / page] {
                    *p = 0;
                }
                1
            }
            _ => fail(ERROR_INVALID_PARAMETER, 0),
        }
    })
}

/// `MEMORY_BASIC_INFORMATION`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_snake_case, missing_docs)]
pub struct MEMORY_BASIC_INFORMATION {
    pub BaseAddress: *mut c_void,
    pub AllocationBase: *mut c_void,
    pub AllocationProtect: u32,
    pub PartitionId: u16,
    pub RegionSize: usize,
    pub State: u32,
    pub Protect: u32,
    pub Type: u32,
}

/// `VirtualQuery`: describe the run of pages starting at `lpAddress`'s page that share one
/// state and protection, within a `VirtualAlloc` region. Returns the bytes written (the
/// structure's size), or 0 with `ERROR_INVALID_PARAMETER` for a short buffer or an address
/// outside every region (addresses the shim did not reserve are not described).
///
/// # Safety
/// `lpBuffer` is null or valid for `dwLength` bytes.
#[no_mangle]
pub unsafe extern "system" fn wsp_VirtualQuery(
    lpAddress: *const c_void,
    lpBuffer: *mut MEMORY_BASIC_INFORMATION,
    dwLength: usize,
) -> usize {
    guard(0, || {
        let size = std::mem::size_of::<MEMORY_BASIC_INFORMATION>();
        if lpBuffer.is_null() || dwLength < size {
            return fail(ERROR_INVALID_PARAMETER, 0);
        }
        let page = page_size();
        let addr = lpAddress as usize & !(page - 1);
        let regions = lock(&REGIONS);
        let Some(base) = find_region(&regions, addr, 1) else {
            return fail(ERROR_INVALID_PARAMETER, 0);
        };
        let r = &regions[&base];
        let first = (addr - base) / page;
        let prot = r.pages[first];
        let run = r.pages[first..].iter().take_while(|&&p| p == prot).count();
        let info = MEMORY_BASIC_INFORMATION {
            BaseAddress: addr as *mut c_void,
            AllocationBase: base as *mut c_void,
            AllocationProtect: r.alloc_protect,
            PartitionId: 0,
            RegionSize: run * page,
            State: if prot == 0 { MEM_RESERVE } else { MEM_COMMIT },
            Protect: prot,
            Type: MEM_PRIVATE,
        };
        // SAFETY: checked non-null and long enough.
        unsafe { lpBuffer.write_unaligned(info) };
        size
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_blocks_know_their_size_and_heap() {
        let heap = wsp_GetProcessHeap();
        let p = wsp_HeapAlloc(heap, HEAP_ZERO_MEMORY, 40);
        assert!(!p.is_null());
        assert_eq!(p as usize % 16, 0);
        // SAFETY: a live block.
        unsafe {
            assert_eq!(wsp_HeapSize(heap, 0, p), 40);
            let q = wsp_HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 100);
            assert_eq!(wsp_HeapSize(heap, 0, q), 100);
            assert!(std::slice::from_raw_parts(q as *const u8, 100)
                .iter()
                .all(|&b| b == 0));
            assert_eq!(wsp_HeapFree(heap, 0, q), 1);
        }
    }

    #[test]
    fn a_reservation_is_aligned_to_the_allocation_granularity() {
        let p = wsp_VirtualAlloc(std::ptr::null_mut(), 3 * 4096, MEM_RESERVE, PAGE_NOACCESS);
        assert!(!p.is_null());
        assert_eq!(p as usize % GRANULARITY, 0);
        let mut old = 0;
        // Reserved pages cannot be protected until committed.
        assert_eq!(
            // SAFETY: `old` is a valid DWORD.
            unsafe { wsp_VirtualProtect(p, 4096, PAGE_READONLY, &mut old) },
            0
        );
        assert_eq!(super::super::last_error(), ERROR_INVALID_ADDRESS);
        assert_eq!(wsp_VirtualAlloc(p, 4096, MEM_COMMIT, PAGE_READWRITE), p);
        assert_eq!(
            // SAFETY: as above.
            unsafe { wsp_VirtualProtect(p, 4096, PAGE_READONLY, &mut old) },
            1
        );
        assert_eq!(old, PAGE_READWRITE);
        assert_eq!(wsp_VirtualFree(p, 0, MEM_RELEASE), 1);
    }
}
