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
# SIMNET_TTL (seconds after which the simulation stops by itself).
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
    if [ -f "$dir/snmpsim.pid" ]; then
        stop_pidfile "$dir/snmpsim.pid"
        stop_under "$dir/data"
        echo "simnet stopped"
    fi
}

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
    endpoints=()
    while read -r endpoint; do endpoints+=("--agent-udpv4-endpoint=$endpoint"); done < "$dir/endpoints.txt"
    mkdir -p "$dir/cache"
    # SIMNET_TTL (seconds) stops the simulation by itself, so that an interrupted test run leaves nothing behind.
    nohup ${SIMNET_TTL:+timeout "$SIMNET_TTL"} python3 "$here/simnet-responder.py" --data-dir="$dir/data" --cache-dir="$dir/cache" "${endpoints[@]}" \
        --v3-user=edunet-poller --v3-auth-key=simnet-backbone-auth --v3-auth-proto=SHA256 \
        --v3-priv-key=simnet-backbone-priv --v3-priv-proto=AES128 \
        --v3-user=edunet-cloud --v3-auth-key=simnet-cloud-auth --v3-auth-proto=SHA512 \
        --v3-priv-key=simnet-cloud-priv --v3-priv-proto=AES256BLMT \
        --log-level=error --logging-method=file:"$dir/snmpsim.log" >"$dir/responder.out" 2>&1 &
    echo $! > "$dir/snmpsim.pid"
    rm -f "$dir/health-down" "$dir/silent"
    nohup ${SIMNET_TTL:+timeout "$SIMNET_TTL"} python3 "$here/simnet-health.py" "$dir" >"$dir/health.out" 2>&1 &
    echo $! > "$dir/health.pid"
    # The first start indexes every data file; wait until the last device answers.
    last=$(tail -1 "$dir/endpoints.txt")
    for _ in $(seq 1 240); do
        if snmpget -v2c -c edunet-sim -t 1 -r 0 -Oqv "$last" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1; then
            echo "simnet serving $(wc -l < "$dir/endpoints.txt") devices on port $port (pid $(cat "$dir/snmpsim.pid")); source $dir/env.sh"
            exit 0
        fi
        kill -0 "$(cat "$dir/snmpsim.pid")" 2>/dev/null || { cat "$dir/responder.out" "$dir/snmpsim.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "simnet did not answer within 120 s; see $dir/snmpsim.log" >&2
    exit 1
    ;;
stop) stop ;;
status)
    if [ -f "$dir/snmpsim.pid" ] && kill -0 "$(cat "$dir/snmpsim.pid")" 2>/dev/null; then
        echo "simnet running (pid $(cat "$dir/snmpsim.pid")), $(wc -l < "$dir/endpoints.txt") devices"
    else
        echo "simnet not running"; exit 1
    fi
    ;;
*) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
