# Sourced by the benchmarks that poll a simulated city inside a throw-away network namespace (bench-daemon.sh,
# bench-api.sh): one snmpd answering on every loopback address, with 24 veth pairs so that each device has 49
# interfaces (lo and the veths' ends) to be polled.
#
# start_bench_agent DIR: brings lo up, makes the veths, starts snmpd on udp:0.0.0.0:11161 (community `public`, its pid
# in DIR/snmpd.pid) and waits until it answers. Call it inside the namespace only.
start_bench_agent() {
    local dir=$1
    ip link set lo up
    for i in $(seq 0 23); do ip link add "bench$i" type veth peer name "benchp$i" && ip link set "bench$i" up && ip link set "benchp$i" up; done
    printf 'rocommunity public 127.0.0.0/8\n' > "$dir/snmpd.conf"
    MIBS= MIBDIRS=/nonexistent snmpd -f -C -c "$dir/snmpd.conf" -I -smux -Lf "$dir/snmpd.log" -p "$dir/snmpd.pid" udp:0.0.0.0:11161 &
    for _ in $(seq 1 40); do snmpget -v2c -c public -t 1 -r 0 127.0.0.1:11161 1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break; sleep 0.25; done
}

# bench_lab: the benchmark's work folder ($work) with the agent running, the repository's policies and an empty
# inventory folder; when the script ends, the agent and the daemon ($daemon, once the script sets it) are stopped and
# the folder removed. Each kill may find nothing to stop (the daemon is already reaped): `|| true` keeps `set -e`
# from turning that into the script's exit status.
bench_lab() {
    work=$(mktemp -d)
    daemon=
    trap 'kill $(cat "$work/snmpd.pid" 2>/dev/null) 2>/dev/null || true; [ -z "$daemon" ] || kill $daemon 2>/dev/null || true; rm -rf "$work"' EXIT
    start_bench_agent "$work"
    mkdir -p "$work/inventory"
    cp -r policies "$work/policies"
}

# bench_http_port LOG: the port edunetd logged it listens on (waiting up to 60 s for the line); the log and status 1
# when it never came (the daemon refused its configuration, say).
bench_http_port() {
    for _ in $(seq 1 600); do grep -q 'http listening' "$1" && break; sleep 0.1; done
    grep -q 'http listening' "$1" || { echo "edunetd did not start listening:" >&2; tail -20 "$1" >&2; return 1; }
    grep 'http listening' "$1" | grep -o 'port=[0-9]*' | head -1 | cut -d= -f2
}
