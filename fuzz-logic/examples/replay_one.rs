//! Run one fuzz input through a target, outside libFuzzer:
//! `WSP_FUZZ_TRACE=1 cargo run -p wsp-fuzz-logic --example replay_one -- <target> <file>`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, target, file] = &args[..] else {
        eprintln!("usage: replay_one <target> <file>");
        std::process::exit(2);
    };
    let run = wsp_fuzz_logic::target(target).expect("unknown target");
    run(&std::fs::read(file).expect("read input"));
    println!("ok");
}
