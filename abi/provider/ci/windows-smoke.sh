#!/usr/bin/env bash
# Cross-build the provider as a Windows DLL with Debian's toolchain and run the C echo
# host against it under Wine; also builds `wsp-install.exe`. On Windows the provider's
# engine runs over `wsp-chain` and the next provider in the chain; Wine has none, so there
# the next provider is the engine on the in-memory `sim` network (see the README): this
# checks the DLL, the C ABI, the upcalls and the chain backend, not a host network stack.
#
# Measured (2 cores, packages preinstalled): cold build ~200 s, Wine run ~17 s.
#
#   bash abi/provider/ci/windows-smoke.sh            # install (apt), build, run
#   WSP_NO_APT=1 bash abi/provider/ci/windows-smoke.sh
#
# Needs Debian packages only: rustc-web cargo-web rust-web-src (Rust 1.96 with its std
# source, for -Zbuild-std), gcc-mingw-w64-x86-64 (linker and the C host), wine64.
# Wine 8.0 has no bcryptprimitives.dll, which Rust's std imports (ProcessPrng): the test
# builds a tiny stand-in with mingw into the test directory only. It is never shipped.
#
# Exit status: 0 when the echo passed; 1 on a build or test failure; 2 when a tool is
# missing and could not be installed (the caller decides whether that fails CI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$root/target/windows-smoke"
mkdir -p "$out"
start=$(date +%s)

need() { command -v "$1" >/dev/null 2>&1; }
if [ -z "${WSP_NO_APT:-}" ] && ! { [ -x /usr/bin/rustc ] && need x86_64-w64-mingw32-gcc && need wine; } ; then
    echo "== installing the Debian toolchain"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq rustc-web cargo-web rust-web-src \
        gcc-mingw-w64-x86-64 wine64 >/dev/null
fi
for t in /usr/bin/rustc /usr/bin/cargo x86_64-w64-mingw32-gcc wine; do
    if ! need "$t"; then echo "SKIP: $t missing"; exit 2; fi
done
[ -d /usr/lib/rustlib/src/rust/library ] || { echo "SKIP: rust-web-src missing"; exit 2; }

echo "== cross-building wsp_provider.dll ($(/usr/bin/rustc --version))"
env RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    /usr/bin/cargo build --manifest-path "$root/Cargo.toml" -p wsp-provider --lib --bin wsp-install \
    --target x86_64-pc-windows-gnu -Zbuild-std=std,panic_abort \
    --target-dir "$root/target/windows"
dll="$root/target/windows/x86_64-pc-windows-gnu/debug/wsp_provider.dll"
[ -f "$dll" ] || { echo "FAIL: $dll not built"; exit 1; }
cp "$dll" "$out/"
built=$(date +%s)

echo "== building the C host and the bcryptprimitives stand-in (Wine only)"
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 \
    -o "$out/echo.exe" "$root/abi/provider/tests/c/echo.c"
cat > "$out/bcryptprimitives.c" <<'C'
/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000 ? 0x10000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
C
x86_64-w64-mingw32-gcc -shared -O1 -o "$out/bcryptprimitives.dll" \
    "$out/bcryptprimitives.c" -ladvapi32

echo "== running under $(wine --version)"
export WINEPREFIX="$out/wineprefix" WINEDEBUG=-all
cd "$out"
if timeout 300 wine echo.exe wsp_provider.dll; then
    end=$(date +%s)
    echo "windows smoke: build $((built - start))s, wine run $((end - built))s"
    echo "1 passed, 0 failed"
else
    echo "FAIL: echo under wine"
    echo "0 passed, 1 failed"
    exit 1
fi
