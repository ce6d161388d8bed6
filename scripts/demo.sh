#!/usr/bin/env bash
# The EduNet demo on the bundled simulated city: build; validate the sample inventory against the policies; serve
# every device of it on loopback (scripts/simnet.sh); run edunetd on it for a few poll cycles into a fresh SQLite
# file; then read what it measured: daemon status, links (congested ones and the under-tier uplinks), access points,
# and the bandwidth compliance report (table, and the HTML and CSV files).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

out=${EDUNET_DEMO_DIR:-$PWD/out}
cycles=${EDUNET_DEMO_CYCLES:-3}
interval=10
mkdir -p "$out"
export EDUNET_DB="$out/demo.sqlite"
rm -f "$EDUNET_DB" "$EDUNET_DB-wal" "$EDUNET_DB-shm"

echo "==> building"
swift build --product edunet 2>&1 | tail -1
swift build --product edunetd 2>&1 | tail -1
bin=$(swift build --show-bin-path)
edunet=$bin/edunet

echo "==> validating inventory/ against policies/"
"$edunet" inventory validate

echo "==> serving the simulated city on loopback (scripts/simnet.sh; first start indexes the recordings)"
daemon=
cleanup() {
    [ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true
    bash scripts/simnet.sh stop "$out/simnet" >/dev/null 2>&1 || true
}
trap cleanup EXIT
SIMNET_PORT=${EDUNET_DEMO_SNMP_PORT:-16100} bash scripts/simnet.sh start "$out/simnet"
source "$out/simnet/env.sh"

echo "==> applying the city (its copy with the simulation's port) to $EDUNET_DB"
"$edunet" inventory apply --inventory "$out/simnet/inventory" | tail -1
"$edunet" counties list

# Two devices in flight: snmpsim answers one request at a time (see docs/simnet.md).
cat > "$out/edunetd.yaml" <<YAML
database: demo.sqlite
inventory: simnet/inventory
policies: $PWD/policies
http: {listen: "127.0.0.1:0"}
poll: {interval_seconds: $interval, max_devices_in_flight: 2, timeout_seconds: 3, retries: 1}
YAML
echo "==> edunetd polls the city every $interval s for $cycles cycles (log: $out/edunetd.log)"
"$bin/edunetd" --config "$out/edunetd.yaml" 2> "$out/edunetd.log" &
daemon=$!
for cycle in $(seq 1 "$cycles"); do
    sleep "$interval"
    echo "    after $((cycle * interval)) s: $("$edunet" status --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)["status"]["daemon"]; print(d["polls"], "polls,", d["measurements"], "interface rates,", len(d["devices_down"]), "devices down")')"
done
sleep 2
port=$(grep -o 'port=[0-9]*' "$out/edunetd.log" | head -1 | cut -d= -f2)
echo "==> /healthz: $(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/healthz').read().decode().strip())")"
"$edunet" status

echo "==> congested links (p95 over the policy's 80 %), measured"
"$edunet" links list --window 1h --format csv > "$out/links.csv"
python3 - "$out/links.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["status"].startswith("congested")]
for r in rows:
    print(f"  {r['id']:38} {r['capacity']:>5}  p95 {r['p95']:>12}  {r['utilisation']:>7}")
print(f"  {len(rows)} congested")
PY

echo "==> Lingwu: the kindergarten on a 1G uplink (plan: 2.5G) and the single-homed vocational college"
"$edunet" links list --county lingwu --window 1h | grep -E 'ID|─|kindergarten-09|vocational-12'

echo "==> access points of 灵武市职业技术学院 (Ruijie controller)"
"$edunet" aps list --school lingwu-vocational-12

# The window is what the daemon measured: a real report covers days (--window 7d, the default).
window=$((cycles * interval + 5))s
echo "==> bandwidth compliance of 灵武市 over the last $window (the whole city: $out/report.html, $out/report.csv)"
"$edunet" report bandwidth --county lingwu --window "$window" || true
"$edunet" report bandwidth --window "$window" --format html --output "$out/report.html" || true
"$edunet" report bandwidth --window "$window" --format csv --output "$out/report.csv" || true

echo
echo "Open $out/report.html in a browser (中文 / English switch at the top)."
echo "Try: EDUNET_DB=$EDUNET_DB $edunet aps list --county yongning"
echo "     EDUNET_DB=$EDUNET_DB $edunet schools show lingwu-vocational-12"
