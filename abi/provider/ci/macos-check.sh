#!/usr/bin/env bash
# Type-check the engine, the portable backend and the provider for macOS with Debian's
# toolchain (rustc-web, cargo-web, rust-web-src): `cargo check` with -Zbuild-std needs no
# macOS linker or SDK. Exit 0 when both targets check; 2 when the toolchain is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
if [ -z "${WSP_NO_APT:-}" ] && ! [ -d /usr/lib/rustlib/src/rust/library ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq rustc-web cargo-web rust-web-src >/dev/null
fi
[ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] \
    || { echo "SKIP: Debian rustc-web/rust-web-src missing"; exit 2; }
status=0
for target in x86_64-apple-darwin aarch64-apple-darwin; do
    start=$(date +%s)
    if env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        /usr/bin/cargo check --manifest-path "$root/Cargo.toml" \
        -p wsp -p wsp-portable -p wsp-provider --lib \
        --target "$target" -Zbuild-std=std,panic_abort \
        --target-dir "$root/target/macos-check"; then
        echo "macos check $target: ok in $(( $(date +%s) - start ))s"
    else
        echo "macos check $target: FAILED"
        status=1
    fi
done
exit $status
