#!/usr/bin/env bash
# Reading a capture file on one core with the accounting and every detector on (edunet's SecurityMonitor over
# CaptureFile), against a plain C pcap_next_ex loop and `tcpdump -r FILE -w /dev/null` on the same file, in one run;
# then the peak memory of the analysis at a tenth of the packets and at all of them (it must not grow with packets).
#
#   scripts/bench-capture.sh            PACKETS=10000000 HOSTS=20000 REPS=3
#
# The file is a school network's traffic as scripts' capture-bench writes it (out/bench/school-N.pcap, kept between
# runs): hosts on the sample city's school subnets and servers outside, 96-byte snapshots of 60–1,514-byte frames.
# Prints each peer's median packets a second and edunet's ratios to them.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${PACKETS:-10000000}
HOSTS=${HOSTS:-20000}
REPS=${REPS:-3}
source scripts/setup.sh
command -v tcpdump >/dev/null || { echo "bench-capture: installing tcpdump (apt)" >&2; apt-get install -y -qq tcpdump >/dev/null; }
echo "==> building the capture benchmark (release) and the C loop" >&2
swift build -c release --product capture-bench 2>&1 | tail -1 >&2
bin=$PWD/.build/release/capture-bench
mkdir -p out/bench
cc -O2 -o out/bench/pcap-loop scripts/bench/pcap-loop.c -lpcap
file=out/bench/school-$PACKETS.pcap
tenth=out/bench/school-$((PACKETS / 10)).pcap
[ -f "$file" ] || "$bin" generate "$file" --packets "$PACKETS" --hosts "$HOSTS" >&2
[ -f "$tenth" ] || "$bin" generate "$tenth" --packets $((PACKETS / 10)) --hosts "$HOSTS" >&2
echo "==> $file: $(du -h "$file" | cut -f1), $PACKETS packets" >&2
# Reads it once so that every peer finds it in the page cache.
cat "$file" > /dev/null
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for run in $(seq 1 "$REPS"); do
    # One core each, as the goal says.
    out=$(taskset -c 0 "$bin" analyze "$file")
    seconds=$(echo "$out" | grep -o 'step=analyze seconds=[0-9.e-]*' | cut -d= -f3)
    echo "edunet $seconds $(echo "$out" | tail -1)" >> "$runs"
    echo "c-loop $(taskset -c 0 out/bench/pcap-loop "$file" | grep -o 'seconds=[0-9.]*' | cut -d= -f2)" >> "$runs"
    start=$(date +%s.%N)
    taskset -c 0 tcpdump -r "$file" -w /dev/null 2>/dev/null
    echo "tcpdump $(echo "$(date +%s.%N) - $start" | bc -l)" >> "$runs"
done
small=$(taskset -c 0 "$bin" analyze "$tenth" | tail -1)
python3 - "$runs" "$PACKETS" "$small" <<'PY'
import statistics, sys
runs, packets, small = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seconds, last = {}, ""
for line in open(runs):
    peer, value, *rest = line.split()
    seconds.setdefault(peer, []).append(float(value))
    if peer == "edunet": last = " ".join(rest)
rate = {peer: packets / statistics.median(values) for peer, values in seconds.items()}
for peer in ("edunet", "c-loop", "tcpdump"):
    print(f"{peer:8} {rate[peer] / 1e6:6.2f} Mpps  (median of {len(seconds[peer])}: {statistics.median(seconds[peer]):.3f} s)")
print(f"edunet / c-loop  {rate['edunet'] / rate['c-loop']:.2f}")
print(f"edunet / tcpdump {rate['edunet'] / rate['tcpdump']:.2f}")
def rss(text): return int(dict(part.split("=") for part in text.split() if "=" in part)["peak_rss_kib"]) / 1024
print(f"edunet at {packets:,} packets: {last}")
print(f"peak RSS: {rss(small):.0f} MiB at {packets // 10:,} packets, {rss(last):.0f} MiB at {packets:,}")
PY
