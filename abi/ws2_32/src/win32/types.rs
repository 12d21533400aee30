//! `#[repr(C)]` mirrors of the structures in `include/wsp/win32_types.h`, with Windows
//! x64's sizes asserted at compile time (the C side asserts the same in
//! `tests/c/win32/layout.c`).

#![allow(non_camel_case_types, missing_docs)]

use std::ffi::c_void;

/// `HANDLE` (and `HWND`, the other handle types: all pointer-sized opaque values).
pub type HANDLE = *mut c_void;
/// `HWND`.
pub type HWND = HANDLE;
/// `WNDPROC`: `LRESULT CALLBACK (HWND, UINT, WPARAM, LPARAM)`.
pub type WNDPROC = Option<unsafe extern "system" fn(HWND, u32, usize, isize) -> isize>;
/// `LPTHREAD_START_ROUTINE`.
pub type LPTHREAD_START_ROUTINE = Option<unsafe extern "system" fn(*mut c_void) -> u32>;
/// `PAPCFUNC`.
pub type PAPCFUNC = Option<unsafe extern "system" fn(usize)>;

/// `SYSTEM_INFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SYSTEM_INFO {
    pub wProcessorArchitecture: u16,
    pub wReserved: u16,
    pub dwPageSize: u32,
    pub lpMinimumApplicationAddress: *mut c_void,
    pub lpMaximumApplicationAddress: *mut c_void,
    pub dwActiveProcessorMask: usize,
    pub dwNumberOfProcessors: u32,
    pub dwProcessorType: u32,
    pub dwAllocationGranularity: u32,
    pub wProcessorLevel: u16,
    pub wProcessorRevision: u16,
}

/// `CRITICAL_SECTION` (`RTL_CRITICAL_SECTION`).
#[repr(C)]
#[derive(Debug)]
pub struct CRITICAL_SECTION {
    pub DebugInfo: *mut c_void,
    pub LockCount: i32,
    pub RecursionCount: i32,
    pub OwningThread: HANDLE,
    pub LockSemaphore: HANDLE,
    pub SpinCount: usize,
}

/// `POINT`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct POINT {
    pub x: i32,
    pub y: i32,
}

/// `MSG`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MSG {
    pub hwnd: HWND,
    pub message: u32,
    pub wParam: usize,
    pub lParam: isize,
    pub time: u32,
    pub pt: POINT,
    pub lPrivate: u32,
}

/// `OVERLAPPED_ENTRY`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OVERLAPPED_ENTRY {
    pub lpCompletionKey: usize,
    pub lpOverlapped: *mut c_void,
    pub Internal: usize,
    pub dwNumberOfBytesTransferred: u32,
}

/// `WNDCLASSA`/`WNDCLASSW` (`C` is `u8` or `u16`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WNDCLASS<C> {
    pub style: u32,
    pub lpfnWndProc: WNDPROC,
    pub cbClsExtra: i32,
    pub cbWndExtra: i32,
    pub hInstance: HANDLE,
    pub hIcon: HANDLE,
    pub hCursor: HANDLE,
    pub hbrBackground: HANDLE,
    pub lpszMenuName: *const C,
    pub lpszClassName: *const C,
}

/// `WNDCLASSEXA`/`WNDCLASSEXW`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WNDCLASSEX<C> {
    pub cbSize: u32,
    pub style: u32,
    pub lpfnWndProc: WNDPROC,
    pub cbClsExtra: i32,
    pub cbWndExtra: i32,
    pub hInstance: HANDLE,
    pub hIcon: HANDLE,
    pub hCursor: HANDLE,
    pub hbrBackground: HANDLE,
    pub lpszMenuName: *const C,
    pub lpszClassName: *const C,
    pub hIconSm: HANDLE,
}

/// `CREATESTRUCTA`/`CREATESTRUCTW`: `lParam` of `WM_NCCREATE` and `WM_CREATE`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CREATESTRUCT<C> {
    pub lpCreateParams: *mut c_void,
    pub hInstance: HANDLE,
    pub hMenu: HANDLE,
    pub hwndParent: HWND,
    pub cy: i32,
    pub cx: i32,
    pub y: i32,
    pub x: i32,
    pub style: i32,
    pub lpszName: *const C,
    pub lpszClass: *const C,
    pub dwExStyle: u32,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<SYSTEM_INFO>() == 48);
    assert!(offset_of!(SYSTEM_INFO, dwActiveProcessorMask) == 24);
    assert!(size_of::<CRITICAL_SECTION>() == 40);
    assert!(offset_of!(CRITICAL_SECTION, LockSemaphore) == 24);
    assert!(size_of::<MSG>() == 48);
    assert!(offset_of!(MSG, time) == 32);
    assert!(offset_of!(MSG, pt) == 36);
    assert!(size_of::<OVERLAPPED_ENTRY>() == 32);
    assert!(size_of::<WNDCLASS<u8>>() == 72);
    assert!(size_of::<WNDCLASSEX<u16>>() == 80);
    assert!(offset_of!(WNDCLASSEX<u8>, lpszClassName) == 64);
    assert!(size_of::<CREATESTRUCT<u8>>() == 80);
    assert!(offset_of!(CREATESTRUCT<u8>, style) == 48);
};
