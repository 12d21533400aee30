//! `wsp-conformance`: the report runner ([`wsp_conformance::runner`]); `wsp conformance`
//! runs the same.
//!
//! ```text
//! wsp-conformance [--json] [--backend NAME] [--case SUBSTR] [--update-baseline]
//!                 [--baseline PATH] [--timeout SECS] [--list] [--provider PATH]
//! ```

fn main() {
    std::process::exit(wsp_conformance::runner::main(
        std::env::args().skip(1).collect(),
    ));
}
