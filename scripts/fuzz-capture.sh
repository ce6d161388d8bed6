#!/usr/bin/env bash
# libFuzzer on the frame decoders (Sources/Capture/Decoding) for a bounded time, with AddressSanitizer: a read past a
# frame's end, a crash or a hang fails the run, and libFuzzer writes the input that did it to out/fuzz/.
#
#   scripts/fuzz-capture.sh [SECONDS] [SEED-DIR]   default 30 s; SEED-DIR holds frames to start from (one a file)
#
# Prints libFuzzer's summary; exit 0 when the time ran out with nothing found. The Swift toolchain's clang runtime
# has libFuzzer (-sanitize=fuzzer); nothing to install.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
seeds=${2:-}
out=out/fuzz
mkdir -p "$out/corpus" .build/fuzz
binary=.build/fuzz/decode-frame
sources=(Sources/Capture/Decoding/*.swift Tests/Fuzz/DecodeFrame.swift)
if [ ! -x "$binary" ] || [ -n "$(find "${sources[@]}" -newer "$binary" 2>/dev/null)" ]; then
    swiftc -parse-as-library -module-name CaptureFuzz -O -sanitize=fuzzer,address "${sources[@]}" -o "$binary"
fi
[ -n "$seeds" ] && cp "$seeds"/* "$out/corpus/" 2>/dev/null || true
# -rss_limit_mb: the decoders allocate per frame only what they decode; -timeout: a frame that takes a second loops.
status=0
"$binary" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=1024 -max_len=2048 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" >"$out/fuzz.log" 2>&1 || status=$?
grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$out/fuzz.log" || true
if [ "$status" -ne 0 ]; then
    echo "fuzz-capture: libFuzzer found a problem (exit $status); the input is in $out/, the report:" >&2
    grep -vE "^(#[0-9]+|INFO:)" "$out/fuzz.log" | tail -40 >&2
fi
exit "$status"
