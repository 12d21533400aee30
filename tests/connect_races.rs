//! Races between a connect in progress and the report of its outcome, forced
//! deterministically on the sim backend through the tap (tests/util/tap.rs). Seen under
//! load as the conformance case `connect_ex_with_send_data_delivers_it` never completing
//! ("ConnectEx: not complete within 5s", once in 25 full reports, traced column).
//!
//! Source for the expected behaviour: Microsoft's ConnectEx page (the request completes
//! once the connection is made and the send data sent, with the bytes sent).

mod util;
use std::sync::Arc;
use util::tap::{Call, Park, Tap};
use util::*;
use wsp::overlapped::Overlapped;
use wsp::types::*;
use wsp::{Engine, Wsp};
use wsp_sim::Sim;

fn tapped_sim() -> Arc<Engine<Tap<Sim>>> {
    let p = Engine::new(Tap::new(Sim::new(3)));
    p.startup(make_word(2, 2)).unwrap();
    Arc::new(p)
}

/// The connect's report reaches the reactor thread, which marks a report (the readiness
/// sequence moves) and starts resolving the connect, but has not yet found it connected
/// when ConnectEx's send request makes its first attempt: the attempt would block (still
/// connecting) and consumes the writable readiness. The resolution that follows must
/// still run the request: no further writable report comes for a connected socket with
/// room (epoll reports once; the chain backend re-arms only on a send that would block).
#[test]
fn connect_ex_completes_when_the_connect_resolves_after_its_first_attempt() {
    let p = tapped_sim();
    let (l, la) = listener(&*p, AF_INET);
    let c = p
        .socket(AF_INET, SOCK_STREAM, 0, None, 0, WSA_FLAG_OVERLAPPED)
        .unwrap();
    p.bind(c, &any_port(AF_INET)).unwrap();

    let ctl = p.net().ctl.clone();
    ctl.hold();
    ctl.set_park(Park::Armed(Call::TakeError, c as u64));
    let reporter = Arc::new(std::sync::Mutex::new(None));
    {
        // When the host's connect returns (before ConnectEx looks at it), the reports it
        // caused go to the engine on another thread, which parks in the connect's
        // resolution (`take_error`).
        let ctl = ctl.clone();
        let reporter = reporter.clone();
        p.net().ctl.after_connect(move || {
            let held = ctl.take_held();
            assert!(
                held.iter().any(|&(t, _)| t == c as u64),
                "the host reported the connect during the call (held: {held:?})"
            );
            let deliver = ctl.clone();
            let t = std::thread::spawn(move || {
                for (token, r) in held {
                    deliver.deliver(token, r);
                }
            });
            ctl.wait_park(Park::Parked);
            *reporter.lock().unwrap() = Some(t);
        });
    }
    let issued = p
        .connect_ex(
            c,
            &la,
            Some(Box::new(b"connect-data".to_vec())),
            Overlapped::new(0xC2),
        )
        .unwrap();
    assert!(
        issued.immediate.is_none(),
        "pending: the connect was not resolved during the call"
    );
    ctl.set_park(Park::Released);
    let t = reporter.lock().unwrap().take().expect("reporter thread");
    t.join().expect("reporter");

    // Everything ran on the two threads, both done: the request is complete or never will be.
    let r = issued
        .op
        .result()
        .expect("ConnectEx completed once the connect resolved");
    assert_eq!(r.error, None);
    assert_eq!(r.bytes, 12, "the send data's byte count");
    let s = p.accept(l, None, None).unwrap();
    let mut buf = [0u8; 12];
    let mut flags = 0;
    assert_eq!(p.recv(s, &mut [&mut buf], &mut flags).unwrap(), 12);
    assert_eq!(&buf, b"connect-data");
}
