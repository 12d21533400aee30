#!/usr/bin/env bash
# Instruction counts per operation of the hot paths (bench/src/hot.rs), wsp and raw, under
# valgrind's callgrind; compared against bench/baseline/callgrind.txt.
#
#   bench/callgrind.sh            measure, print, fail on a regression
#   bench/callgrind.sh --update   measure and rewrite the baseline
#
#   CALLGRIND_N=200 bench/callgrind.sh --wsp-only    the CI step (.ci/run): wsp side only
#
# Each hot path runs at N and 2N iterations (CALLGRIND_N, default 1000); the difference
# divided by N is the instructions per operation, setup excluded. Only the calling
# thread's work inside `wsp_bench::hot::measured` is counted (--collect-atstart=no
# --toggle-collect; the toggle is per thread, so the portable backend's reactor thread,
# whose share depends on timing, is left out): repeat runs give the same count to the
# instruction (the whole-process count used before varied by ±15 %).
# Callgrind counts user-space instructions only: a raw socket call is mostly kernel work,
# so "raw" is small and "wsp - raw" is the engine's and backend's own cost per operation.
# Exception: the layer_* and trace_* hot paths compare the engine under a layer ("wsp")
# with the engine alone ("raw"), so there "wsp - raw" is what the layer adds.
# A hot path fails when its wsp count exceeds the baseline by more than CALLGRIND_TOLERANCE
# percent (default 25). Counts depend on the compiler and libc: refresh the baseline with
# --update when the toolchain changes, and say so in the commit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${CALLGRIND_N:-1000}
TOL=${CALLGRIND_TOLERANCE:-25}
BASELINE=bench/baseline/callgrind.txt
UPDATE=0
RAW=1
for arg in "$@"; do
    case "$arg" in
        --update) UPDATE=1 ;;
        --wsp-only) RAW=0 ;;
        *) echo "usage: bench/callgrind.sh [--update] [--wsp-only]" >&2; exit 2 ;;
    esac
done
[ "$UPDATE" = 1 ] && [ "$RAW" = 0 ] && { echo "callgrind.sh: --update needs the raw side too" >&2; exit 2; }

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }
cargo build -p wsp-bench --release --quiet
BIN=target/release/wsp-bench
HOTS=$("$BIN" --list | awk '$1 == "hot" { print $2 }')

count() { # hot side iterations -> instructions of the whole run
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --collect-atstart=no --toggle-collect='wsp_bench::hot::measured' \
        "$BIN" --callgrind-scenario "$1" --side "$2" --iterations "$3" 2>&1 |
        sed -n 's/.*Collected : \([0-9][0-9]*\).*/\1/p'
}

per_op() { # hot side -> instructions per operation
    local a b
    a=$(count "$1" "$2" "$N")
    b=$(count "$1" "$2" $((2 * N)))
    [ -n "$a" ] && [ -n "$b" ] || { echo "callgrind.sh: no count for $1 $2" >&2; exit 2; }
    echo $(((b - a) / N))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '# hot path    wsp instr/op  raw instr/op   (calling thread, N=%s, %s)\n' "$N" "$(rustc --version)" >"$out"
for h in $HOTS; do
    w=$(per_op "$h" wsp)
    r=-
    [ "$RAW" = 1 ] && r=$(per_op "$h" raw)
    printf '%-14s %12s %12s\n' "$h" "$w" "$r" >>"$out"
done

diff_of() { if [ "$2" = - ]; then echo -; else echo $(($1 - $2)); fi; }

printf '%-14s %12s %12s %12s %12s %9s\n' "hot path" "wsp/op" "raw/op" "wsp-raw" "baseline" "change"
fail=0
while read -r h w r; do
    case "$h" in '#'* | '') continue ;; esac
    base=$(awk -v h="$h" '$1 == h { print $2 }' "$BASELINE" 2>/dev/null || true)
    if [ -n "$base" ] && [ "$base" -gt 0 ]; then
        change=$(((w - base) * 100 / base))
        flag=""
        if [ "$change" -gt "$TOL" ]; then
            flag="  REGRESSION (> ${TOL}%)"
            fail=1
        fi
        printf '%-14s %12s %12s %12s %12s %8s%%%s\n' "$h" "$w" "$r" "$(diff_of "$w" "$r")" "$base" "$change" "$flag"
    else
        printf '%-14s %12s %12s %12s %12s %9s\n' "$h" "$w" "$r" "$(diff_of "$w" "$r")" "-" "new"
    fi
done <"$out"

if [ "$UPDATE" = 1 ]; then
    cp "$out" "$BASELINE"
    echo "baseline written to $BASELINE"
    exit 0
fi
exit "$fail"
