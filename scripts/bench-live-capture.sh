#!/usr/bin/env bash
# Live capture of a replayed stream: a school network's traffic is sent into one end of a veth pair from a network
# namespace this script makes, and a reader on the other end captures it: edunet's (capture-bench live:
# LiveCapture with the accounting and every detector, as edunetd runs it) or `tcpdump -w /dev/null`, each on one core
# with the same kernel buffer and snapshot length. The rate climbs a ladder; at each step both readers are given the
# same packets, and the drops libpcap reports (pcap_stats ps_drop + ps_ifdrop; tcpdump's "dropped by kernel") are
# printed. The figure is the first rate at which each reader drops. The sender is scripts/bench/pcap-blast.c
# (sendmmsg, 256 frames a call, paced by batch): Debian's tcpreplay sends one frame a system call and tops out near
# 0.3 Mpps on a veth here, below where either reader drops; SENDER=tcpreplay uses it all the same.
#
#   scripts/bench-live-capture.sh          PACKETS=1000000 RATES="250000 500000 750000 1000000 1500000 0" BUFFER_MIB=32
#                                          (rate 0: as fast as the sender goes)
#
# Needs root (network namespaces, capturing). Everything it makes (namespace, veth pair) is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKETS=${PACKETS:-1000000}
RATES=${RATES:-"250000 500000 750000 1000000 1500000 0"}
SENDER=${SENDER:-blast}
BUFFER_MIB=${BUFFER_MIB:-32}
source scripts/setup.sh
for tool in tcpreplay tcpdump; do
    command -v "$tool" >/dev/null || { echo "bench-live-capture: installing $tool (apt)" >&2; apt-get install -y -qq "$tool" >/dev/null; }
done
echo "==> building the capture benchmark (release)" >&2
swift build -c release --product capture-bench 2>&1 | tail -1 >&2
bin=$PWD/.build/release/capture-bench
mkdir -p out/bench
cc -O2 -o out/bench/pcap-blast scripts/bench/pcap-blast.c
file=out/bench/school-live-$PACKETS.pcap
[ -f "$file" ] || "$bin" generate "$file" --packets "$PACKETS" >&2

ns=edunet-bench-$$
capture=ebc$$
sender=ebs$$
work=$(mktemp -d)
cleanup() {
    ip netns del "$ns" 2>/dev/null || true   # takes the veth pair with it
    ip link del "$capture" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "$capture" type veth peer name "$sender"
ip link set "$sender" netns "$ns"
ip link set "$capture" up
ip netns exec "$ns" ip link set "$sender" up
ip netns exec "$ns" ip link set lo up
sleep 1

# replay RATE: the sender on core 1, at RATE packets a second (0: as fast as it goes); prints the rate it achieved.
replay() {
    if [ "$SENDER" = tcpreplay ]; then
        local pps=$1; [ "$pps" != 0 ] || pps=10000000
        ip netns exec "$ns" taskset -c 1 tcpreplay -q -i "$sender" --pps="$pps" "$file" 2>&1 \
            | grep -o 'Rated: [0-9.]* Bps, [0-9.]* Mbps, [0-9.]* pps' | awk '{print $6}'
    else
        ip netns exec "$ns" taskset -c 1 out/bench/pcap-blast "$file" "$sender" "$1" | grep -o 'pps=[0-9]*' | cut -d= -f2
    fi
}

printf '%-10s %-10s %-10s %-28s %-28s\n' "asked pps" "sent pps" "packets" "edunet: read / dropped" "tcpdump: read / dropped"
first_edunet="" first_tcpdump=""
for rate in $RATES; do
    # edunet: until its stream has stopped for a second.
    taskset -c 0 "$bin" live "$capture" --buffer-mib "$BUFFER_MIB" > "$work/edunet.out" 2> "$work/edunet.err" &
    reader=$!
    for _ in $(seq 1 100); do grep -q ready "$work/edunet.out" 2>/dev/null && break; sleep 0.1; done
    sent=$(replay "$rate")
    wait "$reader"
    edunet=$(tail -1 "$work/edunet.out")
    read -r e_frames e_dropped < <(python3 -c '
import sys
f = dict(p.split("=") for p in sys.argv[1].split())
print(f["frames"], int(f["dropped"]) + int(f["if_dropped"]))' "$edunet")
    # tcpdump: the same buffer (KiB) and snapshot length, stopped a second after the stream.
    taskset -c 0 tcpdump -i "$capture" -s 1600 -B $((BUFFER_MIB * 1024)) -w /dev/null > /dev/null 2> "$work/tcpdump.err" &
    reader=$!
    sleep 1
    replay "$rate" > /dev/null
    sleep 1
    kill -INT "$reader"
    wait "$reader" || true
    t_frames=$(grep -o '^[0-9]* packets captured' "$work/tcpdump.err" | cut -d' ' -f1)
    t_dropped=$(grep -o '^[0-9]* packets dropped by kernel' "$work/tcpdump.err" | cut -d' ' -f1)
    printf '%-10s %-10s %-10s %-28s %-28s\n' "$rate" "$sent" "$PACKETS" "$e_frames / $e_dropped" "$t_frames / $t_dropped"
    if [ -z "$first_edunet" ] && [ "$e_dropped" -gt 0 ]; then first_edunet=$rate; fi
    if [ -z "$first_tcpdump" ] && [ "${t_dropped:-0}" -gt 0 ]; then first_tcpdump=$rate; fi
done
echo "first rate with drops: edunet ${first_edunet:-none up to the last rate}, tcpdump ${first_tcpdump:-none up to the last rate}"
