#!/usr/bin/env bash
# The API and dashboard under load (issue 16): release edunetd polling a generated city of SCHOOLS schools in the six
# counties (one access switch each, 49 interfaces, its uplink planned to a port of its county's aggregation switches,
# 24 schools a switch: about SCHOOLS × 25/24 devices every INTERVAL seconds; snmpd in a throw-away network namespace,
# one address per device), and wrk (Debian)
# against `GET /api/v1/findings` and the dashboard's landing page `/` for SECONDS_EACH seconds each, CONNECTIONS at
# once, as a client that takes no compression and as one that takes gzip, while the daemon goes on polling in the same
# process.
#
#   scripts/bench-api.sh                      SCHOOLS=1000 INTERVAL=60 SECONDS_EACH=30 CONNECTIONS=8
#
# The rate limit is raised for the run (http.api_requests_per_minute): one token is all wrk has. Prints wrk's requests
# a second, p50/p99 latency and non-2xx answers for each target, the bytes of one answer, and the polling's cycle length
# and lateness (from /metrics) before and after the load, so that what the load costs the polling shows.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHOOLS=${SCHOOLS:-1000}
INTERVAL=${INTERVAL:-60}
SECONDS_EACH=${SECONDS_EACH:-30}
CONNECTIONS=${CONNECTIONS:-8}

if [ -z "${_IN_NETNS:-}" ]; then
    source scripts/setup.sh
    for tool in unshare:util-linux ip:iproute2 wrk:wrk; do
        command -v "${tool%%:*}" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
    done
    echo "==> building edunetd and edunet (release)" >&2
    swift build -c release --product edunetd 2>&1 | tail -1 >&2
    swift build -c release --product edunet 2>&1 | tail -1 >&2
    exec timeout $(( 4 * ${INTERVAL%.*} + 4 * SECONDS_EACH + 600 )) unshare --net env _IN_NETNS=1 BIN="$PWD/.build/release" SCHOOLS="$SCHOOLS" \
        INTERVAL="$INTERVAL" SECONDS_EACH="$SECONDS_EACH" CONNECTIONS="$CONNECTIONS" bash "$0"
fi

# ---- inside a private network namespace: nothing here can reach beyond it ----
source scripts/lib/bench-agent.sh
bench_lab
cp inventory/counties.yaml "$work/inventory/"
python3 - "$SCHOOLS" > "$work/inventory/city.yaml" <<'PY'
import sys
n = int(sys.argv[1])
counties = ["xingqing", "jinfeng", "xixia", "yongning", "helan", "lingwu"]
print("snmp_profiles:\n  - {id: bench, version: v2c, community: {env: BENCH_COMMUNITY}}")
print("nodes:")
for c in counties:
    print(f"  - {{id: agg-{c}, name: {c}汇聚, kind: county-aggregation, county: {c}}}")
# A county's aggregation switches take its schools' uplinks on their 24 ports each (bench0…bench23).
by_county = {c: [i for i in range(n) if i % 6 == k] for k, c in enumerate(counties)}
print("devices:")
address = 0
uplink = {}
for c in counties:
    for k in range(0, len(by_county[c]), 24):
        address += 1
        switch = f"agg-{c}-{k // 24:02d}"
        print(f"  - {{id: {switch}, name: {c}汇聚交换机{k // 24}, role: core-switch, node: agg-{c}, "
              f"management: {{address: 127.31.{address // 250}.{address % 250 + 1}, port: 11161}}, snmp_profile: bench}}")
        for port, school in enumerate(by_county[c][k:k + 24]):
            uplink[school] = (switch, f"bench{port}")
for i in range(n):
    print(f"  - {{id: sw{i:05d}, name: 第{i}学校接入交换机, role: access-switch, school: s{i:05d}, "
          f"management: {{address: 127.30.{i // 250}.{i % 250 + 1}, port: 11161}}, snmp_profile: bench}}")
print("links:")
for i in range(n):
    switch, port = uplink[i]
    print(f"  - {{id: up{i:05d}, tier: county-school, a: {{device: {switch}, interface: {port}}}, "
          f"b: {{device: sw{i:05d}, interface: lo}}, capacity: 2.5G}}")
print("schools:")
for i in range(n):
    kind = "vocational" if i % 10 == 0 else "primary"
    print(f"  - {{id: s{i:05d}, name: 第{i}学校, name_en: School {i}, county: {counties[i % 6]}, kind: {kind}, "
          f"students: 1200, teachers: 80}}")
PY
cat > "$work/edunetd.yaml" <<YAML
database: bench.sqlite
inventory: inventory
policies: policies
log_level: notice
http: {listen: "127.0.0.1:0", api_requests_per_minute: 1000000}
traps: {port: 0}
poll: {interval_seconds: $INTERVAL, max_devices_in_flight: 100, timeout_seconds: 5, retries: 2}
YAML
BENCH_COMMUNITY=public "$BIN/edunetd" --config "$work/edunetd.yaml" 2> "$work/edunetd.log" &
daemon=$!
port=$(bench_http_port "$work/edunetd.log")
token=$(EDUNET_DB="$work/bench.sqlite" "$BIN/edunet" tokens create --name bench --scope read 2>/dev/null)
metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
echo "==> $SCHOOLS schools, $(grep -c 'snmp_profile: bench}' "$work/inventory/city.yaml") devices every $INTERVAL s: two cycles of warm-up (the first stores no rates)" >&2
sleep $(( 2 * ${INTERVAL%.*} + 5 ))
echo "polling before the load: cycle $(metric edunet_poll_cycle_seconds) s, latest start behind schedule $(metric edunet_poll_cycle_max_lateness_seconds) s"
# Each target as a client that takes no compression, then as one that takes gzip (a browser, curl --compressed).
for target in "/api/v1/findings Authorization: Bearer $token" "/ Cookie: edunet_token=$token"; do
    path=${target%% *}
    header=${target#* }
    for encoding in identity gzip; do
        bytes=$(curl -s -H "$header" -H "Accept-Encoding: $encoding" "http://127.0.0.1:$port$path" | wc -c)
        wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "$header" -H "Accept-Encoding: $encoding" "http://127.0.0.1:$port$path" > "$work/wrk.out"
        rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
        p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
        p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
        bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.out")
        printf '%-18s %-8s %8s requests/s   p50 %-9s p99 %-9s non-2xx %-6s %9d bytes an answer\n' "GET $path" "$encoding" "$rps" "$p50" "$p99" \
            "${bad:-0}" "$bytes"
    done
done
echo "polling after the load:  cycle $(metric edunet_poll_cycle_seconds) s, latest start behind schedule $(metric edunet_poll_cycle_max_lateness_seconds) s," \
    "polls $(metric edunet_polls_total), failures $(metric edunet_poll_failures_total)"
