//! Message-only windows and message loops, enough for `WSAAsyncSelect`:
//! `RegisterClass(Ex)A/W`, `UnregisterClassA/W`, `CreateWindowExA/W`, `DestroyWindow`,
//! `DefWindowProcA/W`, `Get/SetWindowLongPtrA/W`, `GetMessageA/W`, `PeekMessageA/W`,
//! `TranslateMessage`, `DispatchMessageA/W`, `PostMessageA/W`, `PostThreadMessageA/W`,
//! `SendMessageA/W`, `PostQuitMessage`, `IsWindow`, `ShowWindow`, `UpdateWindow`.
//!
//! # Model
//!
//! Every window is message-only, whatever its parent (`HWND_MESSAGE` or none) and style:
//! nothing is drawn, and no input, paint or timer message is generated. Its `HWND` is an
//! engine [`Hwnd`] handle value ([`Hwnd::raw`]), so the Winsock half resolves it with
//! [`Hwnd::from_raw`]. A window belongs to the thread that created it; that thread's
//! `GetMessage(NULL)`/`PeekMessage(NULL)` take messages posted to any of its windows,
//! then the thread's own posted messages (`PostThreadMessage`, `PostMessage(NULL)`), then
//! `WM_QUIT` once `PostQuitMessage` was called and nothing else matches. `WM_QUIT` is
//! returned whatever the filters, as on Windows.
//!
//! As on Windows, `CreateWindowEx` sends `WM_NCCREATE` and `WM_CREATE` (with a
//! `CREATESTRUCT`) to the window procedure, and `DestroyWindow` sends `WM_DESTROY` then
//! `WM_NCDESTROY`; messages still queued for a destroyed window are dropped. `DefWindowProc`
//! answers `WM_NCCREATE` with `TRUE`, destroys the window on `WM_CLOSE`, and returns 0
//! otherwise. The predefined classes `STATIC` and `Message` exist, with `DefWindowProc`
//! as their procedure (for programs that subclass with `SetWindowLongPtr(GWLP_WNDPROC)`).
//!
//! # Differences from Windows
//!
//! * Messages posted to different windows of one thread, and thread messages, keep their
//!   order per window (and per thread queue), not across them.
//! * `SendMessage` calls the window procedure on the calling thread, even for another
//!   thread's window.
//! * Posting from Rust: call [`post_message`] (not `Hwnd::post`) so that a thread with
//!   several windows wakes up; a thread blocked in `GetMessage` on its first window, or on
//!   the window a message is for, wakes up either way.
//! * Windows still open when their thread exits are destroyed without messages.
//! * `HWND_BROADCAST` reaches no window (message-only windows never get broadcasts).

use super::error::{
    ERROR_ACCESS_DENIED, ERROR_CANNOT_FIND_WND_CLASS, ERROR_CLASS_ALREADY_EXISTS,
    ERROR_CLASS_DOES_NOT_EXIST, ERROR_CLASS_HAS_WINDOWS, ERROR_INVALID_PARAMETER,
    ERROR_INVALID_THREAD_ID, ERROR_INVALID_WINDOW_HANDLE, ERROR_NOACCESS,
};
use super::system::wsp_GetTickCount;
use super::thread::current_tid;
use super::types::{CREATESTRUCT, HWND, MSG, POINT, WNDCLASS, WNDCLASSEX, WNDPROC};
use super::{fail, guard};
use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};
use wsp::net::Gate;
use wsp::sync::{Clock, Event, Hwnd, Message, RealTime, WM_QUIT};

/// `WM_CREATE`.
pub const WM_CREATE: u32 = 0x0001;
/// `WM_DESTROY`.
pub const WM_DESTROY: u32 = 0x0002;
/// `WM_CLOSE`.
pub const WM_CLOSE: u32 = 0x0010;
/// `WM_NCCREATE`.
pub const WM_NCCREATE: u32 = 0x0081;
/// `WM_NCDESTROY`.
pub const WM_NCDESTROY: u32 = 0x0082;
/// `PM_REMOVE`.
pub const PM_REMOVE: u32 = 0x0001;
/// `GWLP_WNDPROC`.
pub const GWLP_WNDPROC: i32 = -4;
/// `GWLP_HINSTANCE`.
pub const GWLP_HINSTANCE: i32 = -6;
/// `GWLP_ID`.
pub const GWLP_ID: i32 = -12;
/// `GWLP_USERDATA`.
pub const GWLP_USERDATA: i32 = -21;
/// `ERROR_INVALID_INDEX`.
const ERROR_INVALID_INDEX: u32 = 1413;
/// `HWND_BROADCAST`.
const HWND_BROADCAST: usize = 0xffff;
/// The `hWnd` filter meaning "thread messages only".
const THREAD_ONLY: usize = usize::MAX;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------------------
// Classes

/// A registered window class.
struct Class {
    wndproc: WNDPROC,
    atom: u16,
    wnd_extra: usize,
    windows: usize,
}

struct Classes {
    by_name: HashMap<String, Class>,
    next_atom: u16,
}

static CLASSES: LazyLock<Mutex<Classes>> = LazyLock::new(|| {
    let mut c = Classes {
        by_name: HashMap::new(),
        next_atom: 0xC000,
    };
    for name in ["static", "message"] {
        let atom = c.next_atom;
        c.next_atom += 1;
        c.by_name.insert(
            name.to_owned(),
            Class {
                wndproc: Some(wsp_DefWindowProcA),
                atom,
                wnd_extra: 0,
                windows: 0,
            },
        );
    }
    Mutex::new(c)
});

/// A class name from the caller: a string, or an atom (`MAKEINTATOM`).
enum ClassName {
    Name(String),
    Atom(u16),
}

/// Read a class name (`C` is `u8` for the A functions, `u16` for the W ones).
///
/// # Safety
/// `p` is an atom value, or a NUL-terminated string of `C`.
unsafe fn class_name<C: Char>(p: *const C) -> Option<ClassName> {
    let v = p as usize;
    if v == 0 {
        return None;
    }
    if v <= 0xFFFF {
        return Some(ClassName::Atom(v as u16));
    }
    // SAFETY: the caller's contract.
    Some(ClassName::Name(unsafe { C::read(p) }.to_lowercase()))
}

/// The characters of the A and W functions.
trait Char: Copy {
    /// Read a NUL-terminated string.
    ///
    /// # Safety
    /// `p` is non-null and NUL-terminated.
    unsafe fn read(p: *const Self) -> String;
}

impl Char for u8 {
    unsafe fn read(p: *const u8) -> String {
        // SAFETY: the caller's contract.
        unsafe { std::ffi::CStr::from_ptr(p.cast()) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Char for u16 {
    unsafe fn read(p: *const u16) -> String {
        let mut n = 0;
        // SAFETY: the caller's contract: every unit up to the NUL is readable.
        while unsafe { p.add(n).read() } != 0 {
            n += 1;
        }
        // SAFETY: the `n` units just read.
        String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, n) })
    }
}

impl Classes {
    /// The key of a class, by name or atom.
    fn key(&self, name: &ClassName) -> Option<String> {
        match name {
            ClassName::Name(n) => self.by_name.contains_key(n).then(|| n.clone()),
            ClassName::Atom(a) => self
                .by_name
                .iter()
                .find(|(_, c)| c.atom == *a)
                .map(|(k, _)| k.clone()),
        }
    }
}

fn register(name: Option<ClassName>, wndproc: WNDPROC, extra: i32) -> u16 {
    let Some(ClassName::Name(key)) = name else {
        return fail(ERROR_INVALID_PARAMETER, 0);
    };
    if wndproc.is_none() {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    let mut classes = lock(&CLASSES);
    if classes.by_name.contains_key(&key) {
        return fail(ERROR_CLASS_ALREADY_EXISTS, 0);
    }
    if classes.next_atom == u16::MAX {
        return fail(super::error::ERROR_NOT_ENOUGH_MEMORY, 0);
    }
    let atom = classes.next_atom;
    classes.next_atom += 1;
    classes.by_name.insert(
        key,
        Class {
            wndproc,
            atom,
            wnd_extra: usize::try_from(extra).unwrap_or(0),
            windows: 0,
        },
    );
    atom
}

/// `RegisterClass` for either character type.
///
/// # Safety
/// `wc` null or valid; its class name a string or atom.
unsafe fn register_class<C: Char>(wc: *const WNDCLASS<C>) -> u16 {
    if wc.is_null() {
        return fail(ERROR_NOACCESS, 0);
    }
    // SAFETY: non-null, and the caller promises a readable WNDCLASS.
    let wc = unsafe { wc.read_unaligned() };
    // SAFETY: the caller's contract for the name.
    let name = unsafe { class_name(wc.lpszClassName) };
    register(name, wc.lpfnWndProc, wc.cbWndExtra)
}

/// `RegisterClassEx` for either character type.
///
/// # Safety
/// As [`register_class`].
unsafe fn register_class_ex<C: Char>(wc: *const WNDCLASSEX<C>) -> u16 {
    if wc.is_null() {
        return fail(ERROR_NOACCESS, 0);
    }
    // SAFETY: non-null, and the caller promises a readable WNDCLASSEX.
    let wc = unsafe { wc.read_unaligned() };
    if wc.cbSize as usize != std::mem::size_of::<WNDCLASSEX<C>>() {
        return fail(ERROR_INVALID_PARAMETER, 0);
    }
    // SAFETY: the caller's contract for the name.
    let name = unsafe { class_name(wc.lpszClassName) };
    register(name, wc.lpfnWndProc, wc.cbWndExtra)
}

/// `RegisterClassA`: the class atom, or 0 with `ERROR_CLASS_ALREADY_EXISTS` (class names
/// are case-insensitive and process-wide; `hInstance` is ignored), `ERROR_INVALID_PARAMETER`
/// for a missing name or procedure, `ERROR_NOACCESS` for a null pointer. Only
/// `lpfnWndProc`, `cbWndExtra` and the name are used.
///
/// # Safety
/// `lpWndClass` null or valid, with a NUL-terminated name.
#[no_mangle]
pub unsafe extern "system" fn wsp_RegisterClassA(lpWndClass: *const WNDCLASS<u8>) -> u16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { register_class(lpWndClass) })
}

/// `RegisterClassW`: as [`wsp_RegisterClassA`].
///
/// # Safety
/// As [`wsp_RegisterClassA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_RegisterClassW(lpWndClass: *const WNDCLASS<u16>) -> u16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { register_class(lpWndClass) })
}

/// `RegisterClassExA`: as [`wsp_RegisterClassA`]; `ERROR_INVALID_PARAMETER` unless
/// `cbSize == sizeof(WNDCLASSEXA)`.
///
/// # Safety
/// As [`wsp_RegisterClassA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_RegisterClassExA(lpWndClass: *const WNDCLASSEX<u8>) -> u16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { register_class_ex(lpWndClass) })
}

/// `RegisterClassExW`: as [`wsp_RegisterClassExA`].
///
/// # Safety
/// As [`wsp_RegisterClassA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_RegisterClassExW(lpWndClass: *const WNDCLASSEX<u16>) -> u16 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { register_class_ex(lpWndClass) })
}

fn unregister(name: Option<ClassName>) -> i32 {
    let Some(name) = name else {
        return fail(ERROR_CLASS_DOES_NOT_EXIST, 0);
    };
    let mut classes = lock(&CLASSES);
    let Some(key) = classes.key(&name) else {
        return fail(ERROR_CLASS_DOES_NOT_EXIST, 0);
    };
    if classes.by_name[&key].windows > 0 {
        return fail(ERROR_CLASS_HAS_WINDOWS, 0);
    }
    classes.by_name.remove(&key);
    1
}

/// `UnregisterClassA`: `FALSE` with `ERROR_CLASS_DOES_NOT_EXIST`, or
/// `ERROR_CLASS_HAS_WINDOWS` while windows of the class exist.
///
/// # Safety
/// `lpClassName` an atom or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn wsp_UnregisterClassA(
    lpClassName: *const u8,
    _hInstance: HWND,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(0, || unregister(unsafe { class_name(lpClassName) }))
}

/// `UnregisterClassW`: as [`wsp_UnregisterClassA`].
///
/// # Safety
/// As [`wsp_UnregisterClassA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_UnregisterClassW(
    lpClassName: *const u16,
    _hInstance: HWND,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(0, || unregister(unsafe { class_name(lpClassName) }))
}

// ---------------------------------------------------------------------------------------
// Threads' message queues and windows

/// A thread's message state: its windows, its thread messages, its quit flag.
struct MsgThread {
    tid: u32,
    gate: Gate,
    state: Mutex<MsgState>,
    /// Set (manual-reset) when a message arrives; reset when the thread looks at its queue
    /// (`GetMessage`, `PeekMessage`): what `MsgWaitForMultipleObjects` waits on for "new"
    /// input.
    input: Event,
}

#[derive(Default)]
struct MsgState {
    /// The thread's windows, oldest first.
    windows: Vec<Hwnd>,
    /// Thread messages (`hwnd == 0`).
    posted: VecDeque<Message>,
    quit: Option<i32>,
}

impl MsgThread {
    /// Wake the thread if it waits for messages: on its own gate, and on its first
    /// window's, which is what `GetMessage(NULL)` sleeps on when it has windows.
    fn wake(&self) {
        self.input.set();
        self.gate.notify();
        if let Some(first) = lock(&self.state).windows.first() {
            first.gate().notify();
        }
    }

    fn post(&self, msg: u32, wparam: usize, lparam: isize) {
        lock(&self.state).posted.push_back(Message {
            hwnd: 0,
            msg,
            wparam,
            lparam,
        });
        self.wake();
    }
}

/// Message queues by thread id, for `PostThreadMessage`.
static THREADS: LazyLock<Mutex<HashMap<u32, Weak<MsgThread>>>> = LazyLock::new(Default::default);

/// A window made by `CreateWindowEx`.
struct Window {
    hwnd: Hwnd,
    owner: Arc<MsgThread>,
    class: String,
    wndproc: Mutex<WNDPROC>,
    userdata: Mutex<isize>,
    id: Mutex<isize>,
    instance: Mutex<isize>,
    extra: Mutex<Vec<u8>>,
    destroying: AtomicBool,
}

static WINDOWS: LazyLock<Mutex<HashMap<usize, Arc<Window>>>> = LazyLock::new(Default::default);

fn window(hwnd: usize) -> Option<Arc<Window>> {
    lock(&WINDOWS).get(&hwnd).cloned()
}

/// Forget a window: out of the tables, its queue closed.
fn forget(w: &Window) {
    let raw = w.hwnd.id();
    lock(&WINDOWS).remove(&raw);
    lock(&w.owner.state).windows.retain(|h| !h.same(&w.hwnd));
    if let Some(c) = lock(&CLASSES).by_name.get_mut(&w.class) {
        c.windows = c.windows.saturating_sub(1);
    }
    w.hwnd.close();
}

/// The thread-local owner of a thread's [`MsgThread`]; its destructor destroys the
/// thread's remaining windows.
struct Slot(std::cell::OnceCell<Arc<MsgThread>>);

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(t) = self.0.get() else { return };
        lock(&THREADS).remove(&t.tid);
        let windows = std::mem::take(&mut lock(&t.state).windows);
        for h in windows {
            if let Some(w) = window(h.id()) {
                forget(&w);
            }
        }
    }
}

thread_local! {
    static SLOT: Slot = const { Slot(std::cell::OnceCell::new()) };
}

/// The calling thread's message state (made on first use, as Windows makes a thread's
/// message queue on its first USER call). `None` while the thread is exiting.
fn this_thread() -> Option<Arc<MsgThread>> {
    SLOT.try_with(|s| {
        s.0.get_or_init(|| {
            let t = Arc::new(MsgThread {
                tid: current_tid(),
                gate: Gate::new(),
                state: Mutex::new(MsgState::default()),
                input: Event::create(true, false),
            });
            lock(&THREADS).insert(t.tid, Arc::downgrade(&t));
            t
        })
        .clone()
    })
    .ok()
}

/// Post a message to a window or, for `hwnd == 0`, to the calling thread
/// (`PostMessage`). Returns `false` for a window that does not exist (any more).
///
/// This is the path the Winsock half's `WSAAsyncSelect` delivery (`WPUPostMessage`)
/// should take: besides posting to the window's [`Hwnd`] it wakes the owning thread's
/// `GetMessage(NULL)`, whichever of its windows that thread sleeps on. An engine [`Hwnd`]
/// that no `CreateWindowEx` made is posted to directly.
pub fn post_message(hwnd: usize, msg: u32, wparam: usize, lparam: isize) -> bool {
    if hwnd == 0 {
        return match this_thread() {
            Some(t) => {
                t.post(msg, wparam, lparam);
                true
            }
            None => false,
        };
    }
    if hwnd == HWND_BROADCAST {
        return true;
    }
    if let Some(w) = window(hwnd) {
        if !w.hwnd.post(msg, wparam, lparam) {
            return false;
        }
        w.owner.wake();
        return true;
    }
    Hwnd::from_raw(hwnd).is_some_and(|h| h.post(msg, wparam, lparam))
}

/// Call a window procedure.
fn call(proc_: WNDPROC, hwnd: usize, msg: u32, wparam: usize, lparam: isize) -> isize {
    match proc_ {
        // SAFETY: the procedure the program registered (or set) for this window; it is
        // called with the window's handle as Windows calls it.
        Some(f) => unsafe { f(hwnd as HWND, msg, wparam, lparam) },
        None => 0,
    }
}

fn proc_of(w: &Window) -> WNDPROC {
    *lock(&w.wndproc)
}

/// `CreateWindowEx` for either character type.
///
/// # Safety
/// `class` an atom or NUL-terminated string; `name` null or a string.
#[allow(clippy::too_many_arguments)]
unsafe fn create_window<C: Char>(
    ex_style: u32,
    class: *const C,
    name: *const C,
    style: u32,
    (x, y, cx, cy): (i32, i32, i32, i32),
    parent: HWND,
    menu: HWND,
    instance: HWND,
    param: *mut c_void,
) -> HWND {
    let null = std::ptr::null_mut();
    // SAFETY: the caller's contract.
    let Some(cname) = (unsafe { class_name(class) }) else {
        return fail(ERROR_CANNOT_FIND_WND_CLASS, null);
    };
    let Some(owner) = this_thread() else {
        return fail(ERROR_ACCESS_DENIED, null);
    };
    let (key, wndproc, extra) = {
        let mut classes = lock(&CLASSES);
        let Some(key) = classes.key(&cname) else {
            return fail(ERROR_CANNOT_FIND_WND_CLASS, null);
        };
        let c = classes.by_name.get_mut(&key).expect("key() found it");
        c.windows += 1;
        (key, c.wndproc, c.wnd_extra)
    };
    let hwnd = Hwnd::new();
    let raw = hwnd.raw();
    let w = Arc::new(Window {
        hwnd: hwnd.clone(),
        owner: owner.clone(),
        class: key,
        wndproc: Mutex::new(wndproc),
        userdata: Mutex::new(0),
        id: Mutex::new(menu as isize),
        instance: Mutex::new(instance as isize),
        extra: Mutex::new(vec![0; extra]),
        destroying: AtomicBool::new(false),
    });
    lock(&WINDOWS).insert(raw, w.clone());
    lock(&owner.state).windows.push(hwnd);
    let mut cs = CREATESTRUCT::<C> {
        lpCreateParams: param,
        hInstance: instance,
        hMenu: menu,
        hwndParent: parent,
        cy,
        cx,
        y,
        x,
        style: style as i32,
        lpszName: name,
        lpszClass: class,
        dwExStyle: ex_style,
    };
    let lp = std::ptr::addr_of_mut!(cs) as isize;
    if call(proc_of(&w), raw, WM_NCCREATE, 0, lp) == 0 {
        forget(&w);
        return null;
    }
    if call(proc_of(&w), raw, WM_CREATE, 0, lp) == -1 {
        destroy(&w);
        return null;
    }
    raw as HWND
}

/// `CreateWindowExA`: a message-only window of a registered (or predefined) class, owned
/// by the calling thread; its procedure gets `WM_NCCREATE` and `WM_CREATE` before this
/// returns. `NULL` with `ERROR_CANNOT_FIND_WND_CLASS` for an unknown class; `NULL` if the
/// procedure refuses `WM_NCCREATE` (0) or `WM_CREATE` (-1). Position, size, styles, parent
/// and menu are recorded in the `CREATESTRUCT` and otherwise ignored.
///
/// # Safety
/// `lpClassName` an atom or a NUL-terminated string; `lpWindowName` null or a string.
#[no_mangle]
pub unsafe extern "system" fn wsp_CreateWindowExA(
    dwExStyle: u32,
    lpClassName: *const u8,
    lpWindowName: *const u8,
    dwStyle: u32,
    X: i32,
    Y: i32,
    nWidth: i32,
    nHeight: i32,
    hWndParent: HWND,
    hMenu: HWND,
    hInstance: HWND,
    lpParam: *mut c_void,
) -> HWND {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        unsafe {
            create_window(
                dwExStyle,
                lpClassName,
                lpWindowName,
                dwStyle,
                (X, Y, nWidth, nHeight),
                hWndParent,
                hMenu,
                hInstance,
                lpParam,
            )
        }
    })
}

/// `CreateWindowExW`: as [`wsp_CreateWindowExA`].
///
/// # Safety
/// As [`wsp_CreateWindowExA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_CreateWindowExW(
    dwExStyle: u32,
    lpClassName: *const u16,
    lpWindowName: *const u16,
    dwStyle: u32,
    X: i32,
    Y: i32,
    nWidth: i32,
    nHeight: i32,
    hWndParent: HWND,
    hMenu: HWND,
    hInstance: HWND,
    lpParam: *mut c_void,
) -> HWND {
    guard(std::ptr::null_mut(), || {
        // SAFETY: the caller's contract.
        unsafe {
            create_window(
                dwExStyle,
                lpClassName,
                lpWindowName,
                dwStyle,
                (X, Y, nWidth, nHeight),
                hWndParent,
                hMenu,
                hInstance,
                lpParam,
            )
        }
    })
}

/// Send `WM_DESTROY` and `WM_NCDESTROY`, then forget the window. A second destroy from
/// inside those messages does nothing.
fn destroy(w: &Arc<Window>) {
    if w.destroying.swap(true, Ordering::AcqRel) {
        return;
    }
    let raw = w.hwnd.id();
    call(proc_of(w), raw, WM_DESTROY, 0, 0);
    call(proc_of(w), raw, WM_NCDESTROY, 0, 0);
    forget(w);
}

/// `DestroyWindow`: send `WM_DESTROY` and `WM_NCDESTROY` to the window procedure, then
/// destroy the window (its handle dies, its queued messages are dropped). `FALSE` with
/// `ERROR_INVALID_WINDOW_HANDLE`, or `ERROR_ACCESS_DENIED` from a thread other than the
/// window's.
#[no_mangle]
pub extern "system" fn wsp_DestroyWindow(hWnd: HWND) -> i32 {
    guard(0, || {
        let Some(w) = window(hWnd as usize) else {
            return fail(ERROR_INVALID_WINDOW_HANDLE, 0);
        };
        if w.owner.tid != current_tid() {
            return fail(ERROR_ACCESS_DENIED, 0);
        }
        destroy(&w);
        1
    })
}

/// `IsWindow`.
#[no_mangle]
pub extern "system" fn wsp_IsWindow(hWnd: HWND) -> i32 {
    guard(0, || i32::from(window(hWnd as usize).is_some()))
}

/// `ShowWindow`: message-only windows are never visible; `FALSE` ("was hidden").
#[no_mangle]
pub extern "system" fn wsp_ShowWindow(hWnd: HWND, _nCmdShow: i32) -> i32 {
    guard(0, || match window(hWnd as usize) {
        Some(_) => 0,
        None => fail(ERROR_INVALID_WINDOW_HANDLE, 0),
    })
}

/// `UpdateWindow`: nothing to paint; `TRUE` for a window.
#[no_mangle]
pub extern "system" fn wsp_UpdateWindow(hWnd: HWND) -> i32 {
    guard(0, || match window(hWnd as usize) {
        Some(_) => 1,
        None => fail(ERROR_INVALID_WINDOW_HANDLE, 0),
    })
}

/// `DefWindowProcA`: `TRUE` for `WM_NCCREATE`, `DestroyWindow` for `WM_CLOSE`, else 0.
#[no_mangle]
pub extern "system" fn wsp_DefWindowProcA(
    hWnd: HWND,
    Msg: u32,
    _wParam: usize,
    _lParam: isize,
) -> isize {
    guard(0, || match Msg {
        WM_NCCREATE => 1,
        WM_CLOSE => {
            wsp_DestroyWindow(hWnd);
            0
        }
        _ => 0,
    })
}

/// `DefWindowProcW`: as [`wsp_DefWindowProcA`].
#[no_mangle]
pub extern "system" fn wsp_DefWindowProcW(
    hWnd: HWND,
    Msg: u32,
    wParam: usize,
    lParam: isize,
) -> isize {
    wsp_DefWindowProcA(hWnd, Msg, wParam, lParam)
}

fn get_long(hwnd: HWND, index: i32) -> isize {
    let Some(w) = window(hwnd as usize) else {
        return fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    };
    match index {
        GWLP_WNDPROC => proc_of(&w).map_or(0, |f| f as usize as isize),
        GWLP_USERDATA => *lock(&w.userdata),
        GWLP_ID => *lock(&w.id),
        GWLP_HINSTANCE => *lock(&w.instance),
        i => {
            let extra = lock(&w.extra);
            match extra_slot(&extra, i) {
                Some(r) => isize::from_ne_bytes(extra[r].try_into().expect("slot width")),
                None => fail(ERROR_INVALID_INDEX, 0),
            }
        }
    }
}

/// The byte range of a `cbWndExtra` slot at `index`.
fn extra_slot(extra: &[u8], index: i32) -> Option<std::ops::Range<usize>> {
    let start = usize::try_from(index).ok()?;
    let end = start.checked_add(std::mem::size_of::<isize>())?;
    (end <= extra.len()).then_some(start..end)
}

fn set_long(hwnd: HWND, index: i32, value: isize) -> isize {
    let Some(w) = window(hwnd as usize) else {
        return fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    };
    let swap = |slot: &Mutex<isize>| std::mem::replace(&mut *lock(slot), value);
    match index {
        GWLP_WNDPROC => {
            // SAFETY: the program hands us a WNDPROC (or 0) as a LONG_PTR, as Windows
            // requires for GWLP_WNDPROC; function and data pointers have one size here.
            let new: WNDPROC = unsafe { std::mem::transmute::<isize, WNDPROC>(value) };
            let old = std::mem::replace(&mut *lock(&w.wndproc), new);
            old.map_or(0, |f| f as usize as isize)
        }
        GWLP_USERDATA => swap(&w.userdata),
        GWLP_ID => swap(&w.id),
        GWLP_HINSTANCE => swap(&w.instance),
        i => {
            let mut extra = lock(&w.extra);
            match extra_slot(&extra, i) {
                Some(r) => {
                    let old =
                        isize::from_ne_bytes(extra[r.clone()].try_into().expect("slot width"));
                    extra[r].copy_from_slice(&value.to_ne_bytes());
                    old
                }
                None => fail(ERROR_INVALID_INDEX, 0),
            }
        }
    }
}

/// `GetWindowLongPtrA`: `GWLP_WNDPROC`, `GWLP_USERDATA`, `GWLP_ID`, `GWLP_HINSTANCE`, or
/// a `LONG_PTR` in the class's `cbWndExtra` bytes at a non-negative offset; 0 with
/// `ERROR_INVALID_INDEX` or `ERROR_INVALID_WINDOW_HANDLE` otherwise.
#[no_mangle]
pub extern "system" fn wsp_GetWindowLongPtrA(hWnd: HWND, nIndex: i32) -> isize {
    guard(0, || get_long(hWnd, nIndex))
}

/// `GetWindowLongPtrW`: as [`wsp_GetWindowLongPtrA`].
#[no_mangle]
pub extern "system" fn wsp_GetWindowLongPtrW(hWnd: HWND, nIndex: i32) -> isize {
    guard(0, || get_long(hWnd, nIndex))
}

/// `SetWindowLongPtrA`: set one of [`wsp_GetWindowLongPtrA`]'s values and return the
/// previous one (`GWLP_WNDPROC` subclasses the window).
#[no_mangle]
pub extern "system" fn wsp_SetWindowLongPtrA(hWnd: HWND, nIndex: i32, dwNewLong: isize) -> isize {
    guard(0, || set_long(hWnd, nIndex, dwNewLong))
}

/// `SetWindowLongPtrW`: as [`wsp_SetWindowLongPtrA`].
#[no_mangle]
pub extern "system" fn wsp_SetWindowLongPtrW(hWnd: HWND, nIndex: i32, dwNewLong: isize) -> isize {
    guard(0, || set_long(hWnd, nIndex, dwNewLong))
}

// ---------------------------------------------------------------------------------------
// Message loops

/// `GetMessage`/`PeekMessage`'s `hWnd` filter.
enum Filter {
    /// `NULL`: the thread's windows and thread messages.
    Any,
    /// One window.
    Window(Hwnd),
    /// `(HWND)-1`: thread messages only.
    ThreadOnly,
}

fn in_range(msg: u32, min: u32, max: u32) -> bool {
    (min == 0 && max == 0) || (min..=max).contains(&msg)
}

/// Take (or look at) the next message for `filter`.
fn next_message(
    t: &MsgThread,
    filter: &Filter,
    min: u32,
    max: u32,
    remove: bool,
) -> Option<Message> {
    let windows: Vec<Hwnd> = match filter {
        Filter::Any => lock(&t.state).windows.clone(),
        Filter::Window(h) => vec![h.clone()],
        Filter::ThreadOnly => Vec::new(),
    };
    if let Some(m) = windows.iter().find_map(|w| w.peek(min, max, remove)) {
        return Some(m);
    }
    let mut st = lock(&t.state);
    if !matches!(filter, Filter::Window(_)) {
        if let Some(i) = st.posted.iter().position(|m| in_range(m.msg, min, max)) {
            return if remove {
                st.posted.remove(i)
            } else {
                Some(st.posted[i])
            };
        }
    }
    let code = st.quit?;
    if remove {
        st.quit = None;
    }
    Some(Message {
        hwnd: 0,
        msg: WM_QUIT,
        wparam: code as usize,
        lparam: 0,
    })
}

/// The filter for `hWnd`, or `None` for a window that does not exist.
fn filter(hwnd: HWND) -> Option<Filter> {
    match hwnd as usize {
        0 => Some(Filter::Any),
        THREAD_ONLY => Some(Filter::ThreadOnly),
        h => window(h).map(|w| Filter::Window(w.hwnd.clone())),
    }
}

/// Fill the caller's `MSG`.
///
/// # Safety
/// `out` valid for a `MSG`.
unsafe fn write_msg(out: *mut MSG, m: &Message) {
    let msg = MSG {
        hwnd: m.hwnd as HWND,
        message: m.msg,
        wParam: m.wparam,
        lParam: m.lparam,
        time: wsp_GetTickCount(),
        pt: POINT::default(),
        lPrivate: 0,
    };
    // SAFETY: the caller's contract.
    unsafe { out.write_unaligned(msg) };
}

/// `GetMessage` for both character types.
///
/// # Safety
/// `msg` null or valid for a `MSG`.
unsafe fn get_message(msg: *mut MSG, hwnd: HWND, min: u32, max: u32) -> i32 {
    if msg.is_null() {
        return fail(ERROR_NOACCESS, -1);
    }
    let Some(filter) = filter(hwnd) else {
        return fail(ERROR_INVALID_WINDOW_HANDLE, -1);
    };
    let Some(t) = this_thread() else {
        return fail(ERROR_ACCESS_DENIED, -1);
    };
    t.input.reset();
    // What to sleep on: every post that can satisfy `filter` notifies this gate.
    let gate_owner: Option<Hwnd> = match &filter {
        Filter::Any => lock(&t.state).windows.first().cloned(),
        Filter::Window(h) => Some(h.clone()),
        Filter::ThreadOnly => None,
    };
    let gate = gate_owner.as_ref().map_or(&t.gate, |h| h.gate());
    let mut got = None;
    RealTime.block_until(gate, None, &mut || {
        got = next_message(&t, &filter, min, max, true);
        got.is_some()
    });
    let Some(m) = got else {
        return fail(ERROR_ACCESS_DENIED, -1);
    };
    // SAFETY: checked non-null; the caller promises a writable MSG.
    unsafe { write_msg(msg, &m) };
    i32::from(m.msg != WM_QUIT)
}

/// `GetMessageA`: wait for the next message for `hWnd` (`NULL`: any window of this thread
/// or a thread message; `(HWND)-1`: thread messages only) in `wMsgFilterMin..=Max` (both
/// 0: any), and take it. Returns non-zero, or 0 for `WM_QUIT` (its `wParam` is the exit
/// code), or -1 with `ERROR_INVALID_WINDOW_HANDLE`/`ERROR_NOACCESS`.
///
/// # Safety
/// `lpMsg` null or valid for a `MSG`.
#[no_mangle]
pub unsafe extern "system" fn wsp_GetMessageA(
    lpMsg: *mut MSG,
    hWnd: HWND,
    wMsgFilterMin: u32,
    wMsgFilterMax: u32,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(-1, || unsafe {
        get_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax)
    })
}

/// `GetMessageW`: as [`wsp_GetMessageA`].
///
/// # Safety
/// As [`wsp_GetMessageA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_GetMessageW(
    lpMsg: *mut MSG,
    hWnd: HWND,
    wMsgFilterMin: u32,
    wMsgFilterMax: u32,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(-1, || unsafe {
        get_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax)
    })
}

/// `PeekMessage` for both character types.
///
/// # Safety
/// `msg` null or valid for a `MSG`.
unsafe fn peek_message(msg: *mut MSG, hwnd: HWND, min: u32, max: u32, flags: u32) -> i32 {
    if msg.is_null() {
        return fail(ERROR_NOACCESS, 0);
    }
    let Some(filter) = filter(hwnd) else {
        return fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    };
    let Some(t) = this_thread() else {
        return 0;
    };
    t.input.reset();
    match next_message(&t, &filter, min, max, flags & PM_REMOVE != 0) {
        Some(m) => {
            // SAFETY: checked non-null; the caller promises a writable MSG.
            unsafe { write_msg(msg, &m) };
            1
        }
        None => 0,
    }
}

/// `PeekMessageA`: as [`wsp_GetMessageA`] without waiting: non-zero if a message (`WM_QUIT`
/// included) was there, 0 if not; `PM_REMOVE` takes it, `PM_NOREMOVE` leaves it queued.
///
/// # Safety
/// `lpMsg` null or valid for a `MSG`.
#[no_mangle]
pub unsafe extern "system" fn wsp_PeekMessageA(
    lpMsg: *mut MSG,
    hWnd: HWND,
    wMsgFilterMin: u32,
    wMsgFilterMax: u32,
    wRemoveMsg: u32,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe {
        peek_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg)
    })
}

/// `PeekMessageW`: as [`wsp_PeekMessageA`].
///
/// # Safety
/// As [`wsp_PeekMessageA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_PeekMessageW(
    lpMsg: *mut MSG,
    hWnd: HWND,
    wMsgFilterMin: u32,
    wMsgFilterMax: u32,
    wRemoveMsg: u32,
) -> i32 {
    // SAFETY: the caller's contract.
    guard(0, || unsafe {
        peek_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg)
    })
}

/// `TranslateMessage`: there is no keyboard input to translate; always `FALSE`.
#[no_mangle]
pub extern "system" fn wsp_TranslateMessage(_lpMsg: *const MSG) -> i32 {
    0
}

/// `DispatchMessage` for both character types.
///
/// # Safety
/// `msg` null or valid for a `MSG`.
unsafe fn dispatch(msg: *const MSG) -> isize {
    if msg.is_null() {
        return 0;
    }
    // SAFETY: non-null, and the caller promises a readable MSG.
    let m = unsafe { msg.read_unaligned() };
    if m.hwnd.is_null() {
        return 0;
    }
    let Some(w) = window(m.hwnd as usize) else {
        return fail(ERROR_INVALID_WINDOW_HANDLE, 0);
    };
    call(proc_of(&w), m.hwnd as usize, m.message, m.wParam, m.lParam)
}

/// `DispatchMessageA`: call the window procedure of `lpMsg->hwnd` with the message and
/// return what it returns; 0 for a thread message (`hwnd == NULL`), 0 with
/// `ERROR_INVALID_WINDOW_HANDLE` for a window that no longer exists.
///
/// # Safety
/// `lpMsg` null or valid for a `MSG`.
#[no_mangle]
pub unsafe extern "system" fn wsp_DispatchMessageA(lpMsg: *const MSG) -> isize {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { dispatch(lpMsg) })
}

/// `DispatchMessageW`: as [`wsp_DispatchMessageA`].
///
/// # Safety
/// As [`wsp_DispatchMessageA`].
#[no_mangle]
pub unsafe extern "system" fn wsp_DispatchMessageW(lpMsg: *const MSG) -> isize {
    // SAFETY: the caller's contract.
    guard(0, || unsafe { dispatch(lpMsg) })
}

fn post(hwnd: HWND, msg: u32, wparam: usize, lparam: isize) -> i32 {
    if post_message(hwnd as usize, msg, wparam, lparam) {
        1
    } else {
        fail(ERROR_INVALID_WINDOW_HANDLE, 0)
    }
}

/// `PostMessageA`: queue a message for a window (`NULL`: a thread message to the calling
/// thread) and return at once. `FALSE` with `ERROR_INVALID_WINDOW_HANDLE` for a window
/// that does not exist.
#[no_mangle]
pub extern "system" fn wsp_PostMessageA(hWnd: HWND, Msg: u32, wParam: usize, lParam: isize) -> i32 {
    guard(0, || post(hWnd, Msg, wParam, lParam))
}

/// `PostMessageW`: as [`wsp_PostMessageA`].
#[no_mangle]
pub extern "system" fn wsp_PostMessageW(hWnd: HWND, Msg: u32, wParam: usize, lParam: isize) -> i32 {
    guard(0, || post(hWnd, Msg, wParam, lParam))
}

fn post_thread(tid: u32, msg: u32, wparam: usize, lparam: isize) -> i32 {
    let target = lock(&THREADS).get(&tid).and_then(Weak::upgrade);
    match target {
        Some(t) => {
            t.post(msg, wparam, lparam);
            1
        }
        None => fail(ERROR_INVALID_THREAD_ID, 0),
    }
}

/// `PostThreadMessageA`: queue a thread message (`hwnd == NULL`) for thread `idThread`.
/// `FALSE` with `ERROR_INVALID_THREAD_ID` if that thread has no message queue (it has
/// made no window and called no message function yet) or has exited.
#[no_mangle]
pub extern "system" fn wsp_PostThreadMessageA(
    idThread: u32,
    Msg: u32,
    wParam: usize,
    lParam: isize,
) -> i32 {
    guard(0, || post_thread(idThread, Msg, wParam, lParam))
}

/// `PostThreadMessageW`: as [`wsp_PostThreadMessageA`].
#[no_mangle]
pub extern "system" fn wsp_PostThreadMessageW(
    idThread: u32,
    Msg: u32,
    wParam: usize,
    lParam: isize,
) -> i32 {
    guard(0, || post_thread(idThread, Msg, wParam, lParam))
}

fn send(hwnd: HWND, msg: u32, wparam: usize, lparam: isize) -> isize {
    match window(hwnd as usize) {
        Some(w) => call(proc_of(&w), hwnd as usize, msg, wparam, lparam),
        None => fail(ERROR_INVALID_WINDOW_HANDLE, 0),
    }
}

/// `SendMessageA`: call the window procedure now, on the calling thread, and return its
/// result. 0 with `ERROR_INVALID_WINDOW_HANDLE` for a window that does not exist.
#[no_mangle]
pub extern "system" fn wsp_SendMessageA(
    hWnd: HWND,
    Msg: u32,
    wParam: usize,
    lParam: isize,
) -> isize {
    guard(0, || send(hWnd, Msg, wParam, lParam))
}

/// `SendMessageW`: as [`wsp_SendMessageA`].
#[no_mangle]
pub extern "system" fn wsp_SendMessageW(
    hWnd: HWND,
    Msg: u32,
    wParam: usize,
    lParam: isize,
) -> isize {
    guard(0, || send(hWnd, Msg, wParam, lParam))
}

/// `PostQuitMessage`: set the calling thread's quit flag; its message loop gets `WM_QUIT`
/// (`wParam = nExitCode`) once no other message matches.
#[no_mangle]
pub extern "system" fn wsp_PostQuitMessage(nExitCode: i32) {
    guard((), || {
        if let Some(t) = this_thread() {
            lock(&t.state).quit = Some(nExitCode);
            t.wake();
        }
    })
}

// ---------------------------------------------------------------------------------------
// MsgWaitForMultipleObjects

/// `QS_POSTMESSAGE`.
pub const QS_POSTMESSAGE: u32 = 0x0008;
/// `QS_ALLPOSTMESSAGE`.
pub const QS_ALLPOSTMESSAGE: u32 = 0x0100;
/// `QS_SENDMESSAGE`.
pub const QS_SENDMESSAGE: u32 = 0x0040;
/// `MWMO_WAITALL`.
pub const MWMO_WAITALL: u32 = 0x1;
/// `MWMO_ALERTABLE`.
pub const MWMO_ALERTABLE: u32 = 0x2;
/// `MWMO_INPUTAVAILABLE`.
pub const MWMO_INPUTAVAILABLE: u32 = 0x4;
const WAIT_FAILED: u32 = 0xFFFF_FFFF;

/// `MsgWaitForMultipleObjectsEx`: wait for the handles (events, thread handles) as
/// `WaitForMultipleObjectsEx` does, or for a message in the calling thread's queue, which
/// returns `WAIT_OBJECT_0 + nCount`.
///
/// * A message counts if it arrived since the thread last called `GetMessage` or
///   `PeekMessage` (as on Windows: messages already seen by those calls and left queued do
///   not end the wait), or, with `MWMO_INPUTAVAILABLE`, if any is queued.
/// * The messages this shim has are posted ones (`PostMessage`, `PostThreadMessage`,
///   `PostQuitMessage`, `WSAAsyncSelect` notifications): `dwWakeMask` must include
///   `QS_POSTMESSAGE`, `QS_ALLPOSTMESSAGE` or `QS_SENDMESSAGE` (every `QS_ALL*` mask does)
///   for messages to end the wait; `SendMessage` runs the window procedure directly and
///   queues nothing.
/// * `MWMO_WAITALL`: every handle signalled and a message; `MWMO_ALERTABLE`: APCs end the
///   wait with `WAIT_IO_COMPLETION`.
/// * `nCount` may be 0 (`pHandles` may then be null); at most `MAXIMUM_WAIT_OBJECTS - 1`.
///   `WAIT_FAILED` with `ERROR_INVALID_PARAMETER` for a bad count, `ERROR_INVALID_HANDLE`
///   for a handle that is not waitable, `ERROR_NOACCESS` for a null array.
///
/// # Safety
/// `pHandles` is null or valid for `nCount` handles.
#[no_mangle]
pub unsafe extern "system" fn wsp_MsgWaitForMultipleObjectsEx(
    nCount: u32,
    pHandles: *const HWND,
    dwMilliseconds: u32,
    dwWakeMask: u32,
    dwFlags: u32,
) -> u32 {
    guard(WAIT_FAILED, || {
        let n = nCount as usize;
        if n >= wsp::sync::WSA_MAXIMUM_WAIT_EVENTS {
            return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
        }
        if n > 0 && pHandles.is_null() {
            return fail(ERROR_NOACCESS, WAIT_FAILED);
        }
        let handles: &[HWND] = if n == 0 {
            &[]
        } else {
            // SAFETY: non-null, and the caller promises `nCount` readable handles.
            unsafe { std::slice::from_raw_parts(pHandles, n) }
        };
        let Some(mut events) = handles
            .iter()
            .map(|&h| super::wait::waitable(h as usize))
            .collect::<Option<Vec<_>>>()
        else {
            return fail(super::error::ERROR_INVALID_HANDLE, WAIT_FAILED);
        };
        let Some(t) = this_thread() else {
            return fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
        };
        let messages = dwWakeMask & (QS_POSTMESSAGE | QS_ALLPOSTMESSAGE | QS_SENDMESSAGE) != 0;
        if messages && dwFlags & MWMO_INPUTAVAILABLE != 0 && dwFlags & MWMO_WAITALL == 0 {
            let queued = next_message(&t, &Filter::Any, 0, 0, false).is_some();
            if queued {
                return nCount;
            }
        }
        if messages {
            events.push(t.input.clone());
        } else if events.is_empty() {
            // Nothing can end the wait but the timeout (or an APC).
            events.push(Event::create(true, false));
        }
        match wsp::sync::wait_for_multiple(
            &RealTime,
            &events,
            dwFlags & MWMO_WAITALL != 0,
            wsp::sync::timeout_from_millis(dwMilliseconds),
            dwFlags & MWMO_ALERTABLE != 0,
        ) {
            Ok(r) => r.code(),
            Err(e) => fail(e.code() as u32, WAIT_FAILED),
        }
    })
}

/// `MsgWaitForMultipleObjects`: [`wsp_MsgWaitForMultipleObjectsEx`] with `bWaitAll` as
/// `MWMO_WAITALL`, not alertable.
///
/// # Safety
/// `pHandles` is null or valid for `nCount` handles.
#[no_mangle]
pub unsafe extern "system" fn wsp_MsgWaitForMultipleObjects(
    nCount: u32,
    pHandles: *const HWND,
    fWaitAll: i32,
    dwMilliseconds: u32,
    dwWakeMask: u32,
) -> u32 {
    let flags = if fWaitAll != 0 { MWMO_WAITALL } else { 0 };
    // SAFETY: the caller's contract, passed on.
    unsafe { wsp_MsgWaitForMultipleObjectsEx(nCount, pHandles, dwMilliseconds, dwWakeMask, flags) }
}
