#!/usr/bin/env bash
# SNMP poller benchmark: EduNet's engine against net-snmp's snmpbulkwalk (16 in parallel) and, when the
# project's shared harness is beside the checkout, Prometheus' snmp_exporter too, in one run on the same agents.
# Every device polls IF-MIB ifTable + ifXTable; traffic stays on loopback (in a private network namespace).
#
#   scripts/bench-snmp.sh                 N=1000 REPS=3; uses ../shared/bench when present, else its own agents
#   BENCH=own scripts/bench-snmp.sh       always its own agents: one snmpd with 49 interfaces in a throw-away
#                                         network namespace, named N times in the targets file (N "devices")
# Prints medians: devices/s, varbinds/s, poller CPU-seconds per 1,000 devices, µs of CPU per varbind,
# peak memory, devices lost; then our ratios against the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
REPS=${REPS:-3}
MAXREP=${MAXREP:-25}
SHARED=${SHARED_BENCH:-../shared/bench}

if [ -z "${_IN_NETNS:-}" ]; then
    source scripts/setup.sh
    need=()
    for c in bc /usr/bin/time unshare ip; do command -v "$c" >/dev/null || need+=("$c"); done
    [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc time iproute2 util-linux >/dev/null
    echo "==> building the benchmark poller (release)" >&2
    swift build -c release --product snmp-bench 2>&1 | tail -1 >&2
    BIN=$PWD/.build/release/snmp-bench
    if [ "${BENCH:-}" != own ] && [ -x "$SHARED/bench-peers.sh" ]; then
        command -v prometheus-snmp-exporter >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus-snmp-exporter curl >/dev/null
        echo "==> shared harness: snmpbulkwalk x16, snmp_exporter (16 and N in flight) and EduNet, N=$N, $REPS runs each" >&2
        PEERS="walk-p16 exp-c16 exp-cN custom" CUSTOM_CMD="$BIN --concurrency $N --max-repetitions $MAXREP" BACKEND=snmpd-netns N=$N REPS=$REPS MAXREP=$MAXREP \
            bash "$SHARED/bench-peers.sh"
        exit 0
    fi
    echo "==> own agents: snmpbulkwalk x16 and EduNet, N=$N, $REPS runs each" >&2
    exec timeout 3600 unshare --net env _IN_NETNS=1 BIN="$BIN" N="$N" REPS="$REPS" MAXREP="$MAXREP" bash "$0"
fi

# ---- inside a private network namespace: nothing here can reach beyond it ----
work=$(mktemp -d)
trap 'kill $(cat "$work/snmpd.pid" 2>/dev/null) 2>/dev/null; rm -rf "$work"' EXIT
ip link set lo up
for i in $(seq 0 23); do ip link add "bench$i" type veth peer name "benchp$i" && ip link set "bench$i" up && ip link set "benchp$i" up; done
printf 'rocommunity public 127.0.0.1\n' > "$work/snmpd.conf"
MIBS= MIBDIRS=/nonexistent snmpd -f -C -c "$work/snmpd.conf" -I -smux -Lf "$work/snmpd.log" -p "$work/snmpd.pid" udp:127.0.0.1:11161 &
for _ in $(seq 1 40); do snmpget -v2c -c public -t 1 -r 0 127.0.0.1:11161 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.25; done
sleep 0.5
per_device=$(( $(snmpbulkwalk -v2c -c public -On -OQ 127.0.0.1:11161 1.3.6.1.2.1.2.2 | grep -c '^\.') + \
               $(snmpbulkwalk -v2c -c public -On -OQ 127.0.0.1:11161 1.3.6.1.2.1.31.1.1 | grep -c '^\.') ))
for _ in $(seq 1 "$N"); do echo 127.0.0.1:11161; done > "$work/targets.txt"
awk '{print $1" 1.3.6.1.2.1.2.2"; print $1" 1.3.6.1.2.1.31.1.1"}' "$work/targets.txt" > "$work/walks.txt"
echo "agent: snmpd, $per_device ifTable+ifXTable varbinds per device; N=$N; max-repetitions $MAXREP" >&2

field() { awk -F': ' -v k="$2" '$1 ~ k {print $2}' "$1" | head -1; }
printf 'peer\trun\twall_s\tok\tvarbinds\tcpu_s\tmaxrss_kb\n' > "$work/runs.tsv"
for run in $(seq 1 "$REPS"); do
    for peer in snmpbulkwalk-p16 edunet; do
        start=$(date +%s.%N)
        if [ $peer = edunet ]; then
            out=$(/usr/bin/time -v -o "$work/time" "$BIN" "$work/targets.txt" --concurrency "$N" --max-repetitions "$MAXREP" 2>"$work/err" | tail -1)
            ok=$(echo "$out" | grep -oE 'ok=[0-9]+' | cut -d= -f2); vb=$(echo "$out" | grep -oE 'varbinds=[0-9]+' | cut -d= -f2)
        else
            # Lines are counted, not matched: 16 walkers share one pipe and their output interleaves mid-line.
            vb=$(/usr/bin/time -v -o "$work/time" xargs -P 16 -L 1 snmpbulkwalk -v2c -c public -On -OQ -Cr"$MAXREP" -t 5 -r 3 \
                 < "$work/walks.txt" 2>"$work/err" | awk '/No Such/ {x++} END {print NR - x}')
            ok=$(( N - $(grep -oE 'No Response from [^ ]+' "$work/err" | sort -u | wc -l || true) ))
        fi
        end=$(date +%s.%N)
        cpu=$(echo "$(field "$work/time" 'User time') + $(field "$work/time" 'System time')" | bc)
        printf '%s\t%s\t%.3f\t%s\t%s\t%s\t%s\n' "$peer" "$run" "$(echo "$end - $start" | bc)" "$ok" "$vb" "$cpu" \
            "$(field "$work/time" 'Maximum resident')" >> "$work/runs.tsv"
    done
done
python3 - "$work/runs.tsv" "$N" <<'PY'
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t")); n = int(sys.argv[2])
med = {}
print(f"{'peer':18} {'devices/s':>10} {'varbinds/s':>11} {'CPU s/1000 dev':>15} {'µs CPU/varbind':>15} {'peak MiB':>9} {'lost':>5}")
for peer in ["snmpbulkwalk-p16", "edunet"]:
    rs = [r for r in rows if r["peer"] == peer]
    m = lambda k: st.median(float(r[k]) for r in rs)
    wall, vb, cpu = m("wall_s"), m("varbinds"), m("cpu_s")
    med[peer] = dict(dps=n / wall, cpu=cpu, vb=vb)
    print(f"{peer:18} {n / wall:10.0f} {vb / wall:11.0f} {cpu * 1000 / n:15.2f} {cpu * 1e6 / max(vb, 1):15.2f} "
          f"{m('maxrss_kb') / 1024:9.1f} {n - m('ok'):5.0f}")
a, b = med["edunet"], med["snmpbulkwalk-p16"]
print(f"EduNet / snmpbulkwalk x16: {a['dps'] / b['dps']:.1f}x the devices/s, {b['cpu'] / a['cpu']:.1f}x less CPU")
PY
