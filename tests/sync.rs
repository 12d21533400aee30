//! The emulated kernel objects (`wsp::sync`) and the local upcalls (`wsp::upcall`).
//!
//! Deterministic: threads coordinate through the objects under test or through channels;
//! timeouts appear only as failure guards (`GUARD`) or where the timeout result itself is
//! what is asserted.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use wsp::net::Gate;
use wsp::sync::*;
use wsp::upcall::{Completion, LocalUpcalls, Upcalls};
use wsp::WsaError;

/// Long enough never to fire in a passing run; turns a lost wake-up into a failure.
const GUARD: Option<Duration> = Some(Duration::from_secs(30));
const POLL: Option<Duration> = Some(Duration::ZERO);

fn events(n: usize) -> Vec<Event> {
    (0..n).map(|_| Event::new()).collect()
}

fn wait_any(evs: &[Event], timeout: Option<Duration>) -> Result<WaitResult, WsaError> {
    wait_for_multiple(&RealTime, evs, false, timeout, false)
}

fn wait_all(evs: &[Event], timeout: Option<Duration>) -> Result<WaitResult, WsaError> {
    wait_for_multiple(&RealTime, evs, true, timeout, false)
}

// ---- events -----------------------------------------------------------------------------

#[test]
fn new_event_is_manual_reset_and_not_signalled() {
    let e = Event::new();
    assert!(e.is_manual_reset());
    assert!(!e.is_set());
}

#[test]
fn set_then_reset() {
    let e = Event::new();
    e.set();
    assert!(e.is_set());
    e.set();
    assert!(e.is_set());
    e.reset();
    assert!(!e.is_set());
}

#[test]
fn manual_reset_event_stays_signalled_after_a_wait() {
    let e = Event::new();
    e.set();
    assert_eq!(e.wait(&RealTime, POLL, false), WaitResult::Object(0));
    assert_eq!(e.wait(&RealTime, POLL, false), WaitResult::Object(0));
    assert!(e.is_set());
}

#[test]
fn auto_reset_event_is_taken_by_one_wait() {
    let e = Event::create(false, false);
    e.set();
    assert_eq!(e.wait(&RealTime, POLL, false), WaitResult::Object(0));
    assert!(!e.is_set());
    assert_eq!(e.wait(&RealTime, POLL, false), WaitResult::Timeout);
}

#[test]
fn create_initially_set() {
    assert!(Event::create(true, true).is_set());
    assert!(Event::create(false, true).is_set());
}

#[test]
fn clones_are_the_same_event() {
    let a = Event::new();
    let b = a.clone();
    assert!(a.same(&b));
    assert!(!a.same(&Event::new()));
    b.set();
    assert!(a.is_set());
}

// ---- WSAWaitForMultipleEvents -------------------------------------------------------------

#[test]
fn wait_any_returns_lowest_signalled_index() {
    let evs = events(6);
    evs[4].set();
    evs[1].set();
    let r = wait_any(&evs, POLL).unwrap();
    assert_eq!(r, WaitResult::Object(1));
    assert_eq!(r.code(), WSA_WAIT_EVENT_0 + 1);
}

#[test]
fn wait_any_may_repeat_an_event() {
    let e = Event::new();
    e.set();
    assert_eq!(wait_any(&[e.clone(), e], POLL), Ok(WaitResult::Object(0)));
}

#[test]
fn wait_all_needs_every_event() {
    let evs = events(3);
    evs[0].set();
    evs[2].set();
    assert_eq!(wait_all(&evs, POLL), Ok(WaitResult::Timeout));
    evs[1].set();
    assert_eq!(wait_all(&evs, POLL), Ok(WaitResult::Object(0)));
}

#[test]
fn wait_all_takes_auto_reset_signals_only_when_it_is_satisfied() {
    let auto = Event::create(false, false);
    let manual = Event::new();
    auto.set();
    let both = [auto.clone(), manual.clone()];
    assert_eq!(wait_all(&both, POLL), Ok(WaitResult::Timeout));
    assert!(
        auto.is_set(),
        "an unsatisfied wait-all must not take the signal"
    );
    manual.set();
    assert_eq!(wait_all(&both, POLL), Ok(WaitResult::Object(0)));
    assert!(!auto.is_set());
    assert!(manual.is_set());
}

#[test]
fn wait_all_rejects_a_repeated_event() {
    let e = Event::new();
    assert_eq!(
        wait_all(&[e.clone(), e], POLL),
        Err(WsaError::WSA_INVALID_PARAMETER)
    );
}

#[test]
fn wait_all_completed_by_another_thread() {
    let evs = events(3);
    let (ready_tx, ready_rx) = mpsc::channel();
    let waiter = {
        let evs = evs.clone();
        thread::spawn(move || {
            ready_tx.send(()).unwrap();
            wait_all(&evs, GUARD)
        })
    };
    ready_rx.recv().unwrap();
    for e in &evs {
        e.set();
    }
    assert_eq!(waiter.join().unwrap(), Ok(WaitResult::Object(0)));
}

#[test]
fn timeout_returns_wsa_wait_timeout() {
    let evs = events(2);
    let r = wait_any(&evs, Some(Duration::from_millis(10))).unwrap();
    assert_eq!(r, WaitResult::Timeout);
    assert_eq!(r.code(), WSA_WAIT_TIMEOUT);
    assert_eq!(WSA_WAIT_TIMEOUT, 258);
}

#[test]
fn zero_timeout_polls() {
    let evs = events(2);
    assert_eq!(wait_any(&evs, POLL), Ok(WaitResult::Timeout));
    evs[1].set();
    assert_eq!(wait_any(&evs, POLL), Ok(WaitResult::Object(1)));
}

#[test]
fn zero_or_more_than_64_events_is_invalid_parameter() {
    assert_eq!(wait_any(&[], POLL), Err(WsaError::WSA_INVALID_PARAMETER));
    let evs = events(WSA_MAXIMUM_WAIT_EVENTS + 1);
    assert_eq!(wait_any(&evs, POLL), Err(WsaError::WSA_INVALID_PARAMETER));
    assert_eq!(wait_all(&evs, POLL), Err(WsaError::WSA_INVALID_PARAMETER));
    assert_eq!(
        wait_any(&evs[..WSA_MAXIMUM_WAIT_EVENTS], POLL),
        Ok(WaitResult::Timeout)
    );
    evs[63].set();
    assert_eq!(
        wait_any(&evs[..WSA_MAXIMUM_WAIT_EVENTS], POLL),
        Ok(WaitResult::Object(63))
    );
}

#[test]
fn timeout_from_millis_maps_infinite() {
    assert_eq!(timeout_from_millis(WSA_INFINITE), None);
    assert_eq!(timeout_from_millis(0), Some(Duration::ZERO));
    assert_eq!(timeout_from_millis(1500), Some(Duration::from_millis(1500)));
}

#[test]
fn waiter_on_several_events_is_woken_by_a_set_from_another_thread() {
    let evs = events(3);
    let (ready_tx, ready_rx) = mpsc::channel();
    let waiter = {
        let evs = evs.clone();
        thread::spawn(move || {
            ready_tx.send(()).unwrap();
            wait_any(&evs, GUARD)
        })
    };
    ready_rx.recv().unwrap();
    evs[2].set();
    assert_eq!(waiter.join().unwrap(), Ok(WaitResult::Object(2)));
}

#[test]
fn infinite_wait_is_woken_by_a_set() {
    let e = Event::new();
    let (ready_tx, ready_rx) = mpsc::channel();
    let waiter = {
        let e = e.clone();
        thread::spawn(move || {
            ready_tx.send(()).unwrap();
            e.wait(&RealTime, None, false)
        })
    };
    ready_rx.recv().unwrap();
    e.set();
    assert_eq!(waiter.join().unwrap(), WaitResult::Object(0));
}

#[test]
fn auto_reset_set_wakes_exactly_one_of_two_waiters() {
    let auto = Event::create(false, false);
    let stop = Event::new();
    let (tx, rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel();
    let waiters: Vec<_> = (0..2)
        .map(|_| {
            let objs = [auto.clone(), stop.clone()];
            let (tx, ready_tx) = (tx.clone(), ready_tx.clone());
            thread::spawn(move || {
                ready_tx.send(()).unwrap();
                tx.send(wait_any(&objs, GUARD)).unwrap();
            })
        })
        .collect();
    ready_rx.recv().unwrap();
    ready_rx.recv().unwrap();
    auto.set();
    // The set releases one waiter; the other can only be released by `stop`.
    assert_eq!(rx.recv().unwrap(), Ok(WaitResult::Object(0)));
    stop.set();
    assert_eq!(rx.recv().unwrap(), Ok(WaitResult::Object(1)));
    assert!(!auto.is_set());
    for w in waiters {
        w.join().unwrap();
    }
}

#[test]
fn ping_pong_loses_no_wake_up() {
    const ROUNDS: usize = 5_000;
    let ping = Event::create(false, false);
    let pong = Event::create(false, false);
    let other = {
        let (ping, pong) = (ping.clone(), pong.clone());
        thread::spawn(move || {
            for _ in 0..ROUNDS {
                assert_eq!(ping.wait(&RealTime, GUARD, false), WaitResult::Object(0));
                pong.set();
            }
        })
    };
    for _ in 0..ROUNDS {
        ping.set();
        assert_eq!(pong.wait(&RealTime, GUARD, false), WaitResult::Object(0));
    }
    other.join().unwrap();
    assert!(!ping.is_set() && !pong.is_set());
}

#[test]
fn waiter_on_64_events_sees_each_one() {
    let evs = events(WSA_MAXIMUM_WAIT_EVENTS);
    let ack = Event::create(false, false);
    let waiter = {
        let (evs, ack) = (evs.clone(), ack.clone());
        thread::spawn(move || {
            let mut seen = Vec::new();
            for _ in 0..evs.len() {
                let WaitResult::Object(i) = wait_any(&evs, GUARD).unwrap() else {
                    panic!("guard timeout");
                };
                evs[i].reset();
                seen.push(i);
                ack.set();
            }
            seen
        })
    };
    // Highest index first, so each wake-up comes from a different waiter-list entry.
    for e in evs.iter().rev() {
        e.set();
        assert_eq!(ack.wait(&RealTime, GUARD, false), WaitResult::Object(0));
    }
    let seen = waiter.join().unwrap();
    assert_eq!(seen, (0..64).rev().collect::<Vec<_>>());
}

/// A clock in virtual time: `block_until` jumps straight to the deadline, as a simulated
/// backend does when nothing else can happen.
#[derive(Default)]
struct Virtual {
    now: Mutex<Duration>,
    parks: Mutex<Vec<Option<Duration>>>,
}

impl Clock for Virtual {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap()
    }
    fn block_until(
        &self,
        _gate: &Gate,
        deadline: Option<Duration>,
        cond: &mut dyn FnMut() -> bool,
    ) -> bool {
        self.parks.lock().unwrap().push(deadline);
        if cond() {
            return true;
        }
        let d = deadline.expect("the test never waits forever on a virtual clock");
        *self.now.lock().unwrap() = d;
        cond()
    }
}

#[test]
fn waits_run_on_the_clock_they_are_given() {
    let clock = Virtual::default();
    *clock.now.lock().unwrap() = Duration::from_secs(5);
    let e = Event::new();
    let hour = Duration::from_secs(3600);
    assert_eq!(
        wait_for_multiple(&clock, std::slice::from_ref(&e), false, Some(hour), false),
        Ok(WaitResult::Timeout)
    );
    assert_eq!(
        *clock.parks.lock().unwrap(),
        [Some(Duration::from_secs(3605))]
    );
    assert_eq!(clock.now(), Duration::from_secs(3605));
    // A poll never parks.
    assert_eq!(e.wait(&clock, POLL, false), WaitResult::Timeout);
    assert_eq!(clock.parks.lock().unwrap().len(), 1);
    assert_eq!(sleep_ex(&clock, Some(hour), false), WaitResult::Timeout);
    assert_eq!(clock.now(), Duration::from_secs(7205));
}

// ---- APCs -------------------------------------------------------------------------------

type Log = Arc<Mutex<Vec<(thread::ThreadId, u32)>>>;

fn logging_apc(log: &Log, n: u32) -> Apc {
    let log = log.clone();
    Box::new(move || log.lock().unwrap().push((thread::current().id(), n)))
}

#[test]
fn alertable_wait_runs_apcs_in_order_on_the_target_thread_only() {
    let log: Log = Arc::default();
    let go = Event::new();
    let never = Event::new();
    let (handle_tx, handle_rx) = mpsc::channel();
    let target = {
        let (go, never, log) = (go.clone(), never.clone(), log.clone());
        thread::spawn(move || {
            handle_tx.send(current_thread()).unwrap();
            // Non-alertable: returns for `go`, leaves the APCs queued.
            let first = go.wait(&RealTime, GUARD, false);
            let ran_before = log.lock().unwrap().len();
            let second = never.wait(&RealTime, GUARD, true);
            (thread::current().id(), first, ran_before, second)
        })
    };
    let t = handle_rx.recv().unwrap();
    for n in 1..=3 {
        queue_apc(&t, logging_apc(&log, n)).unwrap();
    }
    // This thread's own alertable wait does not run another thread's APCs.
    assert_eq!(sleep_ex(&RealTime, POLL, true), WaitResult::Timeout);
    assert!(log.lock().unwrap().is_empty());
    go.set();
    let (tid, first, ran_before, second) = target.join().unwrap();
    assert_eq!(first, WaitResult::Object(0));
    assert_eq!(ran_before, 0);
    assert_eq!(second, WaitResult::IoCompletion);
    assert_eq!(second.code(), WSA_WAIT_IO_COMPLETION);
    assert_eq!(*log.lock().unwrap(), [(tid, 1), (tid, 2), (tid, 3)]);
}

#[test]
fn non_alertable_wait_does_not_run_apcs() {
    let log: Log = Arc::default();
    let me = current_thread();
    queue_apc(&me, logging_apc(&log, 1)).unwrap();
    let e = Event::new();
    assert_eq!(e.wait(&RealTime, POLL, false), WaitResult::Timeout);
    assert_eq!(
        e.wait(&RealTime, Some(Duration::from_millis(10)), false),
        WaitResult::Timeout
    );
    assert_eq!(sleep_ex(&RealTime, POLL, false), WaitResult::Timeout);
    assert!(log.lock().unwrap().is_empty());
    assert_eq!(me.pending(), 1);
    assert_eq!(e.wait(&RealTime, POLL, true), WaitResult::IoCompletion);
    assert_eq!(log.lock().unwrap().len(), 1);
    assert_eq!(me.pending(), 0);
}

#[test]
fn a_signalled_object_wins_over_queued_apcs() {
    let log: Log = Arc::default();
    queue_apc(&current_thread(), logging_apc(&log, 1)).unwrap();
    let e = Event::new();
    e.set();
    assert_eq!(e.wait(&RealTime, GUARD, true), WaitResult::Object(0));
    assert!(log.lock().unwrap().is_empty());
    assert_eq!(sleep_ex(&RealTime, POLL, true), WaitResult::IoCompletion);
    assert_eq!(log.lock().unwrap().len(), 1);
}

#[test]
fn apc_queued_from_another_thread_ends_an_infinite_alertable_wait() {
    let (handle_tx, handle_rx) = mpsc::channel();
    let ran = Arc::new(Mutex::new(false));
    let target = {
        let ran = ran.clone();
        thread::spawn(move || {
            handle_tx.send(current_thread()).unwrap();
            let r = Event::new().wait(&RealTime, None, true);
            (r, *ran.lock().unwrap())
        })
    };
    let t = handle_rx.recv().unwrap();
    t.queue(Box::new(move || *ran.lock().unwrap() = true))
        .unwrap();
    assert_eq!(target.join().unwrap(), (WaitResult::IoCompletion, true));
}

#[test]
fn apc_queued_by_an_apc_runs_in_the_same_wait() {
    let log: Log = Arc::default();
    let me = current_thread();
    let inner = logging_apc(&log, 2);
    let log1 = log.clone();
    let me2 = me.clone();
    me.queue(Box::new(move || {
        log1.lock().unwrap().push((thread::current().id(), 1));
        me2.queue(inner).unwrap();
    }))
    .unwrap();
    assert_eq!(sleep_ex(&RealTime, GUARD, true), WaitResult::IoCompletion);
    let order: Vec<u32> = log.lock().unwrap().iter().map(|&(_, n)| n).collect();
    assert_eq!(order, [1, 2]);
}

#[test]
fn queuing_to_an_exited_thread_fails_and_queued_apcs_are_dropped() {
    let (handle_tx, handle_rx) = mpsc::channel();
    let (exit_tx, exit_rx) = mpsc::channel::<()>();
    let t = thread::spawn(move || {
        handle_tx.send(current_thread()).unwrap();
        exit_rx.recv().unwrap();
    });
    let handle = handle_rx.recv().unwrap();
    let token = Arc::new(());
    let held = token.clone();
    handle.queue(Box::new(move || drop(held))).unwrap();
    assert_eq!(Arc::strong_count(&token), 2);
    exit_tx.send(()).unwrap();
    t.join().unwrap();
    assert!(handle.has_exited());
    assert_eq!(
        Arc::strong_count(&token),
        1,
        "the queued routine was dropped"
    );
    assert_eq!(
        queue_apc(&handle, Box::new(|| {})),
        Err(WsaError::WSAEINVAL)
    );
    assert_eq!(handle.pending(), 0);
}

#[test]
fn sleep_ex_returns_timeout_or_io_completion() {
    assert_eq!(
        sleep_ex(&RealTime, Some(Duration::from_millis(10)), true),
        WaitResult::Timeout
    );
    let log: Log = Arc::default();
    queue_apc(&current_thread(), logging_apc(&log, 7)).unwrap();
    assert_eq!(sleep_ex(&RealTime, None, true), WaitResult::IoCompletion);
    assert_eq!(log.lock().unwrap()[0].1, 7);
}

// ---- message queues -----------------------------------------------------------------------

#[test]
fn messages_come_out_in_order_with_their_tuple() {
    let w = Hwnd::new();
    for n in 0..5 {
        assert!(w.post(WM_USER, n, -(n as isize)));
    }
    assert_eq!(w.len(), 5);
    for n in 0..5 {
        let m = w.get(&RealTime, 0, 0).unwrap();
        assert_eq!(
            m,
            Message {
                hwnd: w.id(),
                msg: WM_USER,
                wparam: n,
                lparam: -(n as isize),
            }
        );
    }
    assert!(w.is_empty());
    assert_eq!(w.try_get(), None);
}

#[test]
fn peek_without_remove_leaves_the_message() {
    let w = Hwnd::new();
    w.post(WM_USER + 1, 1, 0);
    assert_eq!(w.peek(0, 0, false).unwrap().wparam, 1);
    assert_eq!(w.peek(0, 0, false).unwrap().wparam, 1);
    assert_eq!(w.len(), 1);
    assert_eq!(w.peek(0, 0, true).unwrap().wparam, 1);
    assert_eq!(w.peek(0, 0, false), None);
}

#[test]
fn filters_select_by_message_range() {
    let w = Hwnd::new();
    w.post(WM_USER + 5, 1, 0);
    w.post(WM_USER + 1, 2, 0);
    assert_eq!(w.peek(WM_USER, WM_USER + 2, true).unwrap().wparam, 2);
    assert_eq!(w.peek(WM_USER, WM_USER + 2, true), None);
    assert_eq!(
        w.get(&RealTime, WM_USER + 5, WM_USER + 5).unwrap().wparam,
        1
    );
}

#[test]
fn quit_comes_after_posted_messages_and_ends_get() {
    let w = Hwnd::new();
    w.post(WM_USER, 1, 0);
    w.post_quit(42);
    let peeked = w.peek(WM_USER + 9, WM_USER + 9, false).unwrap();
    assert_eq!(
        (peeked.msg, peeked.wparam),
        (WM_QUIT, 42),
        "WM_QUIT ignores filters"
    );
    assert_eq!(w.get(&RealTime, 0, 0).unwrap().wparam, 1);
    assert_eq!(w.get(&RealTime, 0, 0), None);
    assert_eq!(w.peek(0, 0, false), None, "taking WM_QUIT clears the flag");
}

#[test]
fn get_blocks_until_another_thread_posts() {
    let w = Hwnd::new();
    let (ready_tx, ready_rx) = mpsc::channel();
    let reader = {
        let w = w.clone();
        thread::spawn(move || {
            ready_tx.send(()).unwrap();
            assert!(w.wait(&RealTime, 0, 0, GUARD));
            w.get(&RealTime, 0, 0)
        })
    };
    ready_rx.recv().unwrap();
    w.post(WM_USER + 2, 9, 3);
    let m = reader.join().unwrap().unwrap();
    assert_eq!((m.msg, m.wparam, m.lparam), (WM_USER + 2, 9, 3));
}

#[test]
fn wait_times_out_on_an_empty_queue() {
    let w = Hwnd::new();
    assert!(!w.wait(&RealTime, 0, 0, POLL));
    assert!(!w.wait(&RealTime, 0, 0, Some(Duration::from_millis(10))));
}

#[test]
fn destroyed_window_refuses_posts() {
    let w = Hwnd::new();
    w.post(WM_USER, 1, 0);
    let h = w.raw();
    w.close();
    assert!(w.is_destroyed());
    assert!(!w.post(WM_USER, 2, 0));
    assert_eq!(w.try_get().unwrap().wparam, 1);
    assert_eq!(w.try_get(), None);
    assert!(Hwnd::from_raw(h).is_none());
}

#[test]
fn select_reply_packs_event_and_error() {
    let lp = WSAMAKESELECTREPLY(wsp::types::FD_CLOSE, WsaError::WSAECONNRESET.0);
    assert_eq!(WSAGETSELECTEVENT(lp), wsp::types::FD_CLOSE);
    assert_eq!(WSAGETSELECTERROR(lp), 10054);
    assert_eq!(lp, (10054 << 16) | 0x20);
    assert_eq!(WSAMAKESELECTREPLY(wsp::types::FD_READ, 0), 1);
}

// ---- handle registry ----------------------------------------------------------------------

#[test]
fn raw_handles_resolve_until_closed() {
    let e = Event::new();
    let h = e.raw();
    assert_ne!(h, 0);
    assert_eq!(h % 4, 0);
    assert_eq!(e.raw(), h, "one event, one handle value");
    let back = Event::from_raw(h).unwrap();
    assert!(back.same(&e));
    assert!(e.close());
    assert!(Event::from_raw(h).is_none());
    assert!(!e.close());
    assert!(!close_handle(h));
    assert_eq!(e.raw(), h, "a closed handle is not reopened");
    assert!(Event::from_raw(h).is_none());
    // The event itself still works for its Rust owners.
    e.set();
    assert!(e.is_set());
}

#[test]
fn registry_keeps_an_event_alive_with_no_rust_owner() {
    let h = Event::new().raw();
    let e = Event::from_raw(h).unwrap();
    e.set();
    drop(e);
    assert!(Event::from_raw(h).unwrap().is_set());
    assert!(close_handle(h));
    assert!(Event::from_raw(h).is_none());
}

#[test]
fn handle_values_are_not_reused() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        let e = Event::new();
        let h = e.raw();
        assert!(seen.insert(h), "handle {h:#x} reused");
        assert!(e.close());
    }
}

#[test]
fn garbage_and_wrong_type_handles_resolve_to_nothing() {
    assert!(Event::from_raw(0).is_none());
    assert!(Event::from_raw(usize::MAX).is_none());
    assert!(Event::from_raw(3).is_none());
    let w = Hwnd::new();
    let hw = w.raw();
    assert_eq!(hw, w.id());
    assert!(Event::from_raw(hw).is_none());
    assert!(Hwnd::from_raw(hw).unwrap().same(&w));
    let he = Event::new().raw();
    assert!(Hwnd::from_raw(he).is_none());
    assert!(ThreadHandle::from_raw(he).is_none());
    assert!(close_handle(he));
    assert!(close_handle(hw));
    assert!(w.is_destroyed());
}

#[test]
fn thread_handles_close_when_the_thread_exits() {
    let (tx, rx) = mpsc::channel();
    let (exit_tx, exit_rx) = mpsc::channel::<()>();
    let t = thread::spawn(move || {
        let me = current_thread();
        tx.send((me.clone(), me.raw())).unwrap();
        exit_rx.recv().unwrap();
    });
    let (handle, raw) = rx.recv().unwrap();
    assert!(ThreadHandle::from_raw(raw).unwrap().same(&handle));
    exit_tx.send(()).unwrap();
    t.join().unwrap();
    assert!(ThreadHandle::from_raw(raw).is_none());
}

// ---- upcalls ------------------------------------------------------------------------------

#[test]
fn local_upcalls_act_on_the_objects() {
    let local = Arc::new(LocalUpcalls::new());
    let up: Arc<dyn Upcalls> = local.clone();

    let e = up.create_event().unwrap();
    assert!(e.is_manual_reset() && !e.is_set());
    up.set_event(&e).unwrap();
    assert!(e.is_set());
    up.reset_event(&e).unwrap();
    assert!(!e.is_set());
    let h = e.raw();
    up.close_event(&e).unwrap();
    assert!(Event::from_raw(h).is_none());

    let w = Hwnd::new();
    assert!(up.post_message(&w, WM_USER + 3, 5, WSAMAKESELECTREPLY(1, 0)));
    assert_eq!(w.try_get().unwrap().msg, WM_USER + 3);
    w.close();
    assert!(!up.post_message(&w, WM_USER + 3, 5, 0));

    let log: Log = Arc::default();
    up.queue_apc(&current_thread(), logging_apc(&log, 1))
        .unwrap();
    assert_eq!(sleep_ex(&RealTime, POLL, true), WaitResult::IoCompletion);
    assert_eq!(log.lock().unwrap().len(), 1);

    up.complete_overlapped(8, 0x1000, None, 12, 0).unwrap();
    up.complete_overlapped(8, 0x2000, Some(WsaError::WSA_OPERATION_ABORTED), 0, 0)
        .unwrap();
    assert_eq!(
        local.take_completions(),
        [
            Completion {
                socket: 8,
                overlapped: 0x1000,
                error: None,
                bytes: 12,
                flags: 0
            },
            Completion {
                socket: 8,
                overlapped: 0x2000,
                error: Some(WsaError::WSA_OPERATION_ABORTED),
                bytes: 0,
                flags: 0
            },
        ]
    );
}

#[test]
fn local_upcalls_socket_handles() {
    let up = LocalUpcalls::new();
    let s = up.create_socket_handle(1001, 0xabc).unwrap();
    assert_eq!(up.query_socket_handle_context(s), Ok(0xabc));
    up.close_socket_handle(s).unwrap();
    assert_eq!(
        up.query_socket_handle_context(s),
        Err(WsaError::WSAENOTSOCK)
    );
    assert_eq!(up.close_socket_handle(s), Err(WsaError::WSAENOTSOCK));
    let s2 = up.create_socket_handle(1001, 1).unwrap();
    assert_ne!(
        s2, s,
        "a closed socket handle is not handed out again at once"
    );
}
