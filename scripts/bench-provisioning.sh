#!/usr/bin/env bash
# Provisioning (issue 15): the alias plan of the sample city and of twenty copies of it, and a plan of
# DEVICES × INTERFACES ifAlias changes applied with every value read back, then undone. The agents are DEVICES snmpd
# processes (127.22.0.1 …, write community `edunet-write`) in a throw-away network namespace with INTERFACES veth
# pairs, whose ifAlias snmpd keeps in its memory: every device has state of its own, as real switches do.
# The peer in the same run: net-snmp's own tools doing the same writes, one `snmpset` of a device's INTERFACES varbinds
# and one `snmpget` to read them back, 16 devices at a time (as EduNet writes 16 devices at a time).
# Targets: 1,000 SETs across 100 devices under 10 s, the city's plan under 1 s.
#
#   scripts/bench-provisioning.sh              DEVICES=100 INTERFACES=10
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${DEVICES:-100}
INTERFACES=${INTERFACES:-10}

if [ -z "${_IN_NETNS:-}" ]; then
    source scripts/setup.sh
    need=()
    for c in bc unshare ip; do command -v "$c" >/dev/null || need+=("$c"); done
    [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc iproute2 util-linux >/dev/null
    echo "==> building the provisioning benchmark (release)" >&2
    swift build -c release --product provision-bench 2>&1 | tail -1 >&2
    exec timeout 1800 unshare --net env _IN_NETNS=1 DEVICES="$DEVICES" INTERFACES="$INTERFACES" bash "$0"
fi

# ---- inside a private network namespace: nothing here can reach beyond it ----
work=$(mktemp -d)
trap 'for f in "$work"/snmpd-*.pid; do kill "$(cat "$f")" 2>/dev/null || true; done; rm -rf "$work"' EXIT
ip link set lo up
# veth pairs (the kernel here may have no dummy driver): INTERFACES of them give ifIndex 2 … 2 × INTERFACES + 1.
for k in $(seq 1 "$INTERFACES"); do ip link add "bench$k" type veth peer name "bench$k-peer"; done
echo "==> $DEVICES snmpd agents, each seeing the namespace's veth interfaces (ifAlias of ifIndex 2…$((INTERFACES + 1)) written)" >&2
for n in $(seq 1 "$DEVICES"); do
    printf 'agentaddress udp:127.22.0.%s:161\nrwcommunity edunet-write 127.0.0.0/8\n' "$n" > "$work/snmpd-$n.conf"
    MIBS= MIBDIRS=/nonexistent snmpd -C -c "$work/snmpd-$n.conf" -Lf /dev/null -p "$work/snmpd-$n.pid" &
done
wait
for n in $(seq 1 "$DEVICES"); do
    until snmpget -v2c -c edunet-write -t 1 -r 0 -Oqv "127.22.0.$n" 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; do sleep 0.2; done
done
.build/release/provision-bench "$work/provision.sqlite" --devices "$DEVICES" --interfaces "$INTERFACES" > "$work/steps"

# The peer: the same writes and read-backs with net-snmp's tools (values as EduNet wrote them: set back afterwards).
peer() {  # peer LABELLED|UNLABELLED: one snmpset and one snmpget a device, 16 devices at a time
    seq 1 "$DEVICES" | xargs -P 16 -I{} bash -c '
        sets=(); gets=()
        for k in $(seq 2 '"$((INTERFACES + 1))"'); do
            value=""; [ "'"$1"'" = UNLABELLED ] || value="up-$k county-school to prov-{}"
            sets+=(1.3.6.1.2.1.31.1.1.1.18.$k s "$value"); gets+=(1.3.6.1.2.1.31.1.1.1.18.$k)
        done
        snmpset -v2c -c edunet-write -t 2 -r 1 -Oq 127.22.0.{} "${sets[@]}" > /dev/null &&
            [ "$(snmpget -v2c -c edunet-write -t 2 -r 1 -Oqv 127.22.0.{} "${gets[@]}" | wc -l)" = '"$INTERFACES"' ] ||
            { echo "peer: device {} failed" >&2; exit 255; }'
}
start=$(date +%s.%N); peer LABELLED; peer_apply=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N); peer UNLABELLED; peer_undo=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$work/steps" "$DEVICES" "$INTERFACES" "$peer_apply" "$peer_undo" <<'PY'
import sys
steps = {}
for line in open(sys.argv[1]):
    fields = dict(part.split("=", 1) for part in line.split())
    steps[fields["step"]] = fields
devices, interfaces, peer_apply, peer_undo = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
def line(name, step, target, peer=None):
    s = steps[step]
    ratio = f"   net-snmp tools {peer:6.3f} s ({peer / float(s['seconds']):.1f}x EduNet's time)" if peer else ""
    print(f"  {name:<38} {float(s['seconds']):7.3f} s wall {float(s['cpu']):7.3f} s CPU  {int(s['rows']):6,} changes  {target}{ratio}")
print(f"provisioning benchmark: {devices} snmpd agents × {interfaces} ifAlias changes each")
line("alias plan, sample city", "city-plan", "target < 1 s")
line("alias plan, the city ×20", "city-plan-x20", "")
line("apply (re-read, SET, read back, audit)", "apply", "target < 10 s", peer_apply)
line("undo", "undo", "", peer_undo)
PY
