#!/usr/bin/env bash
# The simulated city: every SNMP-managed device of an inventory served on its own loopback address by snmpsim,
# counters advancing at the rates the simulation sets (see scripts/simnet.py for what it sets and why).
#
#   scripts/simnet.sh start [DIR]    build DIR (default out/simnet) from inventory/ and policies/ and serve it
#   scripts/simnet.sh stop [DIR]
#   scripts/simnet.sh status [DIR]
#
# Environment: SIMNET_INVENTORY, SIMNET_POLICIES (default inventory/, policies/), SIMNET_PORT (default 16100; the
# copy of the inventory in DIR/inventory uses it, so nothing needs root or clashes with a system snmpd on 161),
# SIMNET_TTL (seconds after which the simulation stops by itself), SIMNET_RESPONDERS (how many snmpsim processes
# share the devices; default one a core, at most 4: one Python process answers about a thousand varbinds a second,
# and a cycle of the sample city asks for tens of thousands).
# DIR/env.sh exports the simulation's credentials (community, v3 keys) for edunetd and edunet; they are test
# credentials of the simulation, not secrets of a real network. DIR/truth.json is what the simulation sets.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/stop-agent.sh"
command=${1:-}
dir=${2:-$here/../out/simnet}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop() {
    stop_pidfile "$dir/health.pid"
    local stopped=
    for pidfile in "$dir"/responder-*.pid; do
        [ -f "$pidfile" ] || continue
        stop_pidfile "$pidfile"
        stopped=1
    done
    if [ -n "$stopped" ]; then
        stop_under "$dir/data"
        echo "simnet stopped"
    fi
}

# The responders' pids, one a line.
responder_pids() { cat "$dir"/responder-*.pid 2>/dev/null; }

case "$command" in
start)
    stop >/dev/null
    port=${SIMNET_PORT:-16100}
    python3 "$here/simnet.py" "${SIMNET_INVENTORY:-$here/../inventory}" "${SIMNET_POLICIES:-$here/../policies}" "$dir" --port "$port"
    cat > "$dir/env.sh" <<ENV
export EDUNET_SNMP_COMMUNITY=edunet-sim
export EDUNET_SNMP_AUTH_KEY=simnet-backbone-auth
export EDUNET_SNMP_PRIV_KEY=simnet-backbone-priv
export EDUNET_CLOUD_AUTH_KEY=simnet-cloud-auth
export EDUNET_CLOUD_PRIV_KEY=simnet-cloud-priv
ENV
    # The devices dealt to the responders in turn, largest data file first: each gets a share of the city's 17 big
    # routers (28,000 lines each, most of a cycle's varbinds) and of the small devices (a poll each, v3 for some).
    cores=$(nproc 2>/dev/null || echo 1)
    responders=${SIMNET_RESPONDERS:-$((cores < 4 ? cores : 4))}
    mapfile -t shards < <(python3 - "$dir" "$responders" <<'DEAL'
import os, sys
directory, count = sys.argv[1], int(sys.argv[2])
endpoints = open(os.path.join(directory, "endpoints.txt")).read().split()
size = {e: os.path.getsize(os.path.join(directory, "data", e.rsplit(":", 1)[0] + ".snmprec")) for e in endpoints}
shards = [[] for _ in range(count)]
for index, endpoint in enumerate(sorted(endpoints, key=lambda e: (-size[e], e))):
    shards[index % count].append(endpoint)
print("\n".join(" ".join(shard) for shard in shards if shard))
DEAL
)
    last_of=()
    for k in "${!shards[@]}"; do
        endpoints=()
        for endpoint in ${shards[k]}; do endpoints+=("--agent-udpv4-endpoint=$endpoint"); done
        last_of[k]=${endpoint}
        # Each responder indexes only its own devices' files (hard links into data/: snmpsim names a device after the
        # path it indexed, and through a symbolic link that would be the link's target) on its first start.
        rm -rf "$dir/data-$k"
        mkdir -p "$dir/cache/$k" "$dir/data-$k"
        # The communities: the simulation's, and the vendor default a few devices were left with.
        ln "$dir/data/edunet-sim.snmprec" "$dir/data/public.snmprec" "$dir/data-$k/"
        for endpoint in ${shards[k]}; do ln "$dir/data/${endpoint%:*}.snmprec" "$dir/data-$k/"; done
        # SIMNET_TTL (seconds) stops the simulation by itself, so that an interrupted test run leaves nothing behind.
        nohup ${SIMNET_TTL:+timeout "$SIMNET_TTL"} python3 "$here/simnet-responder.py" --data-dir="$dir/data-$k" --cache-dir="$dir/cache/$k" \
            "${endpoints[@]}" \
            --v3-user=edunet-poller --v3-auth-key=simnet-backbone-auth --v3-auth-proto=SHA256 \
            --v3-priv-key=simnet-backbone-priv --v3-priv-proto=AES128 \
            --v3-user=edunet-cloud --v3-auth-key=simnet-cloud-auth --v3-auth-proto=SHA512 \
            --v3-priv-key=simnet-cloud-priv --v3-priv-proto=AES256BLMT \
            --log-level=error --logging-method=file:"$dir/snmpsim-$k.log" >"$dir/responder-$k.out" 2>&1 &
        echo $! > "$dir/responder-$k.pid"
    done
    rm -f "$dir/health-down" "$dir/silent"
    nohup ${SIMNET_TTL:+timeout "$SIMNET_TTL"} python3 "$here/simnet-health.py" "$dir" >"$dir/health.out" 2>&1 &
    echo $! > "$dir/health.pid"
    # The first start indexes every data file; wait until the last device of each responder answers.
    for _ in $(seq 1 240); do
        waiting=0
        for endpoint in "${last_of[@]}"; do
            snmpget -v2c -c edunet-sim -t 1 -r 0 -Oqv "$endpoint" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 || waiting=1
        done
        if [ $waiting = 0 ]; then
            echo "simnet serving $(wc -l < "$dir/endpoints.txt") devices on port $port by ${#last_of[@]} responders (pids $(responder_pids | xargs)); source $dir/env.sh"
            exit 0
        fi
        for pid in $(responder_pids); do
            kill -0 "$pid" 2>/dev/null || { cat "$dir"/responder-*.out "$dir"/snmpsim-*.log >&2; exit 1; }
        done
        sleep 0.5
    done
    echo "simnet did not answer within 120 s; see $dir/snmpsim-*.log" >&2
    exit 1
    ;;
stop) stop ;;
status)
    pids=$(responder_pids | xargs)
    if [ -n "$pids" ] && kill -0 $pids 2>/dev/null; then
        echo "simnet running (pids $pids), $(wc -l < "$dir/endpoints.txt") devices"
    else
        echo "simnet not running"; exit 1
    fi
    ;;
*) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
