#!/usr/bin/env bash
# The daemon benchmark: release edunetd polling N switches (49 interfaces each: snmpd in a throw-away network
# namespace, one address per device) every INTERVAL seconds for CYCLES cycles after a warm-up cycle.
#
#   scripts/bench-daemon.sh                       N=1000 INTERVAL=60 CYCLES=3
#   N=5000 INTERVAL=60 CYCLES=2 scripts/bench-daemon.sh
#   WRAP="perf record -g -o /tmp/edunetd.perf --" N=200 INTERVAL=20 scripts/bench-daemon.sh   (a CPU profile)
#   PERF=/tmp/steady.perf N=1000 INTERVAL=30 CYCLES=2 scripts/bench-daemon.sh     (a profile of the measured cycles only)
#   WRAP="heaptrack -o /tmp/edunetd" N=1000 INTERVAL=30 CYCLES=1 scripts/bench-daemon.sh      (a heap profile)
#   UPLINKS=1 FULL_RESOLUTION=planned-links WARMUP=600 CYCLES=5 N=5000 scripts/bench-daemon.sh    (resolution tiers)
#
# UPLINKS=1 plans one uplink per switch (its interface lo, to an aggregation switch), as a city's inventory does;
# FULL_RESOLUTION (fleet.yaml's full_resolution: all, planned-links) says whose rates are kept at poll resolution;
# WARMUP (seconds, default two intervals: the first cycle stores no rates, having no earlier counters, and the second
# creates every interface's series) lets the roll-ups and the deletion of rolled-up rates reach steady state.
# EXTRA_CONFIG is appended to the daemon's configuration, e.g. EXTRA_CONFIG='alerts: {evaluate_seconds: 3600}' to see
# what the alert sources' evaluations cost; WALK_OPTIONS go to the bare walks (snmp-bench's options; they come first, so they win over the script's own).
#
# Prints: cycle length and latest start behind schedule (from /metrics), daemon CPU per cycle and per device poll,
# resident memory (peak), rows and database bytes per cycle and per day, what share of one core a city of 5,000
# devices would take at that cost, and the ratio of a poll's CPU to the engine's bare walk of the same columns of the
# same devices (snmp-bench --daemon-columns 1, run after the daemon on the same agents).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
INTERVAL=${INTERVAL:-60}
CYCLES=${CYCLES:-3}

if [ -z "${_IN_NETNS:-}" ]; then
    source scripts/setup.sh
    command -v unshare >/dev/null && command -v ip >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 util-linux >/dev/null
    echo "==> building edunetd and the engine's benchmark poller (release)" >&2
    swift build -c release --product edunetd 2>&1 | tail -1 >&2
    swift build -c release --product snmp-bench 2>&1 | tail -1 >&2
    WARMUP=${WARMUP:-$(( 2 * ${INTERVAL%.*} ))}
    exec timeout $(( (CYCLES * 2 + 3) * ${INTERVAL%.*} + WARMUP + 600 )) unshare --net env _IN_NETNS=1 BIN="$PWD/.build/release/edunetd" \
        WALK_BIN="$PWD/.build/release/snmp-bench" N="$N" \
        INTERVAL="$INTERVAL" CYCLES="$CYCLES" WRAP="${WRAP:-}" UPLINKS="${UPLINKS:-0}" FULL_RESOLUTION="${FULL_RESOLUTION:-all}" \
        WARMUP="$WARMUP" EXTRA_CONFIG="${EXTRA_CONFIG:-}" WALK_OPTIONS="${WALK_OPTIONS:-}" PERF="${PERF:-}" bash "$0"
fi

# ---- inside a private network namespace: nothing here can reach beyond it ----
source scripts/lib/bench-agent.sh
bench_lab
sed -i "s/^full_resolution: .*/full_resolution: $FULL_RESOLUTION/" "$work/policies/fleet.yaml"
cp inventory/counties.yaml "$work/inventory/"
python3 - "$N" "$UPLINKS" > "$work/inventory/bench.yaml" <<'PY'
import sys
n, uplinks = int(sys.argv[1]), sys.argv[2] == "1"
print("snmp_profiles:\n  - {id: bench, version: v2c, community: {env: BENCH_COMMUNITY}}")
print("nodes:\n  - {id: agg-bench, name: 基准汇聚, kind: county-aggregation, county: xingqing}")
print("devices:")
for i in range(n):
    print(f"  - {{id: sw{i:05d}, name: 交换机{i:05d}, role: access-switch, node: agg-bench, "
          f"management: {{address: 127.30.{i // 250}.{i % 250 + 1}, port: 11161}}, snmp_profile: bench}}")
if uplinks:
    print("links:")
    for i in range(n):
        print(f"  - {{id: up{i:05d}, tier: campus-backbone, a: {{device: sw{(i + 1) % n:05d}, interface: bench{i % 24}}}, "
              f"b: {{device: sw{i:05d}, interface: lo}}, capacity: 1G}}")
PY
cat > "$work/edunetd.yaml" <<YAML
database: bench.sqlite
inventory: inventory
policies: policies
log_level: notice
http: {listen: "127.0.0.1:0"}
traps: {port: 0}
poll: {interval_seconds: $INTERVAL, max_devices_in_flight: 100, timeout_seconds: 5, retries: 2}
$EXTRA_CONFIG
YAML
# WRAP runs the daemon under a profiler (the figures then include its overhead), e.g. WRAP="heaptrack -o /tmp/h".
BENCH_COMMUNITY=public ${WRAP:-} "$BIN" --config "$work/edunetd.yaml" 2> "$work/edunetd.log" &
daemon=$!
[ -z "${WRAP:-}" ] || { sleep 2; daemon=$(pgrep -f "^$BIN --config" | head -1); }
port=$(bench_http_port "$work/edunetd.log")
ticks=$(getconf CLK_TCK)
sample() {  # cpu seconds, rss KiB, db bytes, rows, metrics of the last cycle
    read -r utime stime < <(awk '{print $14, $15}' "/proc/$daemon/stat")
    python3 - "$work" "$port" "$(( utime + stime ))" "$ticks" "$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")" <<'PY'
import os, sqlite3, sys, urllib.request
work, port, ticks_used, ticks, rss = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
db = sqlite3.connect(os.path.join(work, "bench.sqlite"))
db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # the file then holds what was written; the WAL is scratch space
size = os.path.getsize(os.path.join(work, "bench.sqlite"))
rows = db.execute("SELECT COUNT(*) FROM interface_rates").fetchone()[0]
metrics = dict(l.rsplit(" ", 1) for l in urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode().splitlines()
               if l and not l.startswith("#") and " " in l)
print(ticks_used / ticks, rss, size, rows, metrics.get("edunet_poll_cycle_seconds", "nan"),
      metrics.get("edunet_poll_cycle_max_lateness_seconds", "nan"), metrics.get("edunet_polls_total", "0"), metrics.get("edunet_poll_failures_total", "0"))
PY
}
echo "==> $N devices every $INTERVAL s: $WARMUP s of warm-up, then $CYCLES cycles measured (full resolution: $FULL_RESOLUTION)" >&2
sleep "$WARMUP"
first=$(sample)
# PERF=FILE profiles the measured cycles only (not the warm-up, whose first polls create every series).
profiler=
[ -z "${PERF:-}" ] || { perf record -F 299 --call-graph dwarf,32768 -o "$PERF" -p "$daemon" -- sleep $(( CYCLES * ${INTERVAL%.*} )) 2>/dev/null & profiler=$!; }
for c in $(seq 1 "$CYCLES"); do sleep "$INTERVAL"; echo "    cycle $c: $(sample)" >&2; done
[ -z "$profiler" ] || wait "$profiler"
last=$(sample)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$daemon/status")
kill -TERM $daemon; wait $daemon || true; daemon=
# The engine's bare walk of what a poll asks (the system group, then the same 16 columns at the same repetitions) of
# the same devices, as many rounds as cycles were measured, 100 in flight as the daemon: the cost a poll is held to.
python3 -c "import sys; [print(f'127.30.{i // 250}.{i % 250 + 1}:11161') for i in range(int(sys.argv[1]))]" "$N" > "$work/targets"
echo "==> the engine's bare walk of the same columns, $CYCLES rounds of $N devices: 100 in flight, then paced as the daemon" >&2
walk=$("$WALK_BIN" "$work/targets" $WALK_OPTIONS --concurrency 100 --daemon-columns 1 --rounds "$CYCLES" --timeout 5 --retries 2 | tail -1)
# Paced as the daemon paces a cycle: spread over the interval, the walks of each step of interval × 50 / N (the daemon's
# default poll.start_together) started together. WALK_OPTIONS come first, so that they can set another slot.
slot=$(python3 -c "import sys; print(int(float(sys.argv[1]) * 1000 * min(1, 50 / int(sys.argv[2]))))" "$INTERVAL" "$N")
paced=$("$WALK_BIN" "$work/targets" $WALK_OPTIONS --daemon-columns 1 --rounds "$CYCLES" --spread-seconds "$INTERVAL" --slot-milliseconds "$slot" --timeout 5 --retries 2 | tail -1)
echo "    $walk; paced: $paced" >&2
python3 - "$N" "$INTERVAL" "$CYCLES" "$hwm" $first $last "$walk" "$paced" <<'PY'
import sys
n, interval, cycles, hwm = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a, b = sys.argv[5:13], sys.argv[13:21]
walk, paced = (dict(part.split("=", 1) for part in arg.split()) for arg in sys.argv[21:23])
cpu = (float(b[0]) - float(a[0])) / cycles
db = (int(b[2]) - int(a[2])) / cycles
rows = (int(b[3]) - int(a[3])) / cycles
polls = (float(b[6]) - float(a[6])) / cycles
per_day = 86400 / interval
print(f"devices {n}, interval {interval:.0f} s, 49 interfaces a device; polls a cycle {polls:.0f}, failures {b[7]}")
print(f"cycle length {float(b[4]):.1f} s, latest start behind schedule {float(b[5]):.2f} s")
print(f"CPU a cycle {cpu:.2f} s = {cpu / interval * 100:.1f} % of one core; {cpu / max(polls, 1) * 1000:.2f} ms a device poll")
print(f"resident memory {int(b[1]) / 1024:.0f} MiB now, {hwm / 1024:.0f} MiB peak")
print(f"rows a cycle {rows:.0f}; database {db / 2**20:.1f} MiB a cycle, {db * per_day / 2**30:.2f} GiB a day ({db / max(rows, 1):.0f} bytes a row)")
poll_ms = cpu / max(polls, 1) * 1000
for name, w in (("100 in flight", walk), (f"paced over {interval:.0f} s as the daemon", paced)):
    ms = float(w["cpu"]) / max(int(w["ok"]), 1) * 1000
    per = int(w["varbinds"]) / max(int(w["ok"]), 1)
    print(f"the engine's bare walk of the same columns, {name}: {ms:.2f} ms CPU a device ({per:.0f} varbinds, "
          f"{ms * 1000 / max(per, 1):.2f} µs each); a daemon poll costs {poll_ms / ms:.2f}× that")
five = cpu / max(polls, 1) * 5000
print(f"a city of 5,000 such devices polled every 60 s: {five:.1f} CPU-s a cycle = {five / 60 * 100:.0f} % of one core")
PY
