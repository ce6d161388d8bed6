#!/usr/bin/env bash
# The EduNet demo on the bundled simulated city: build; validate the sample inventory against the policies; serve
# every device of it on loopback (scripts/simnet.sh); run edunetd on it for a few poll cycles into a fresh SQLite
# file; then read what it measured: daemon status, links (congested ones and the under-tier uplinks), access points,
# the bandwidth compliance report (table, and the HTML and CSV files), a school's capture through the security
# detectors, the graded-protection posture checks (default communities, SNMPv3, unused ports), and the alerts it raised and sent to the counties' receivers (a webhook sink on 127.0.0.1:9099 stands
# in for them; a trap is sent with snmptrap).
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
sink=
cleanup() {
    [ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true
    [ -z "$sink" ] || kill "$sink" 2>/dev/null || true
    bash scripts/simnet.sh stop "$out/simnet" >/dev/null 2>&1 || true
}
trap cleanup EXIT
SIMNET_PORT=${EDUNET_DEMO_SNMP_PORT:-16100} bash scripts/simnet.sh start "$out/simnet"
source "$out/simnet/env.sh"

echo "==> applying the city (its copy with the simulation's port) to $EDUNET_DB"
"$edunet" inventory apply --inventory "$out/simnet/inventory" | tail -1
"$edunet" counties list

# The sample fleet (scripts/simnet.py): the roster as Excel on a Chinese Windows saves it (GB18030), the terminals
# with BOM; the controllers' client tables list some of them, so the daemon's polls see them on Wi-Fi.
echo "==> importing the sample e-book fleet: rosters and terminals ($out/simnet/fleet)"
"$edunet" fleet import roster "$out/simnet/fleet/roster.csv" --by demo --why "sample roster" | tail -2
"$edunet" fleet import terminals "$out/simnet/fleet/terminals.csv" --by demo --why "sample fleet, term start" | tail -2

# The counties' receivers are on 127.0.0.1:9099 in the sample policies: a sink stands in for them. The demo's
# signing secrets are made up here, in the environment and a file, as real ones would be.
rm -rf "$out/policies" "$out/secrets" "$out/webhooks.jsonl"
mkdir -p "$out/secrets"
cp -r policies "$out/policies"
printf 'SECdemo-yongning\n' > "$out/secrets/dingtalk-yongning"
sed -i "s|/etc/edunet/secrets/dingtalk-yongning|$out/secrets/dingtalk-yongning|" "$out/policies/alerting.yaml"
# The sample polls servers every 120 s, longer than the demo runs: here they are polled at the demo's interval, so
# that the education cloud is judged on every host's polls rather than on "not polled yet".
sed -i "s/^  server: 120$/  server: $interval/" "$out/policies/fleet.yaml"
grep -q "^  server: $interval$" "$out/policies/fleet.yaml" || { echo "demo: fleet.yaml's server interval not found" >&2; exit 1; }
export EDUNET_WEBHOOK_SECRET_CITY="whsec_$(printf 'demo city secret' | base64)" EDUNET_DINGTALK_SECRET_XINGQING=SECdemo-xingqing \
    EDUNET_FEISHU_SECRET_XIXIA=demo-xixia EDUNET_FEISHU_SECRET_LINGWU=demo-lingwu EDUNET_TRAP_COMMUNITY=demo-traps
python3 scripts/webhook-sink.py 9099 "$out/webhooks.jsonl" "$EDUNET_WEBHOOK_SECRET_CITY" &
sink=$!
trap_port=${EDUNET_DEMO_TRAP_PORT:-11620}

# Two devices in flight: snmpsim answers one request at a time (see docs/simnet.md).
cat > "$out/edunetd.yaml" <<YAML
database: demo.sqlite
inventory: simnet/inventory
policies: policies
http: {listen: "127.0.0.1:0"}
traps: {port: $trap_port, community: {env: EDUNET_TRAP_COMMUNITY}}
poll: {interval_seconds: $interval, max_devices_in_flight: 2, timeout_seconds: 3, retries: 1}
YAML
echo "==> edunetd polls the city every $interval s for $cycles cycles (log: $out/edunetd.log)"
"$bin/edunetd" --config "$out/edunetd.yaml" 2> "$out/edunetd.log" &
daemon=$!
sleep 2
# 永宁县汇聚交换机 reports its uplink port down (a real SNMPv2c trap, sent from the switch's own loopback address).
yn=$(python3 -c "import yaml,sys; d=[d for f in sys.argv[1:] for d in (yaml.safe_load(open(f)) or {}).get('devices',[]) if d['id']=='agg-yongning-sw'][0]; print(d['management']['address'])" "$out"/simnet/inventory/*.yaml)
snmptrap -v 2c -c demo-traps --clientaddr="$yn" "127.0.0.1:$trap_port" '' 1.3.6.1.6.3.1.1.5.3 \
    1.3.6.1.2.1.2.2.1.1.1 i 1 1.3.6.1.2.1.31.1.1.1.1.1 s XGigabitEthernet1/0/1 && echo "    trap: linkDown from agg-yongning-sw ($yn)"
for cycle in $(seq 1 "$cycles"); do
    sleep "$interval"
    echo "    after $((cycle * interval)) s: $("$edunet" status --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)["status"]["daemon"]; print(d["polls"], "polls,", d["measurements"], "interface rates,", len(d["devices_down"]), "devices down")')"
done
sleep 2
port=$(grep 'http listening' "$out/edunetd.log" | grep -o 'port=[0-9]*' | head -1 | cut -d= -f2)
echo "==> /healthz: $(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/healthz').read().decode().strip())")"
"$edunet" status

echo "==> the API (/api/v1, docs/api.md) with a token of Lingwu's: its county's failing findings; another county's school is not found"
token=$("$edunet" tokens create --name demo-lingwu --scope read --county lingwu --expires 1d 2>/dev/null)
python3 - "$port" "$token" <<'PY'
import json, sys, urllib.error, urllib.request
port, token = sys.argv[1:]
def get(path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)
status, body = get("/findings?verdict=fail")
counties = sorted({f["subject"].get("county") or "-" for f in body["findings"]})
print(f"    GET /findings?verdict=fail        {status}: {len(body['findings'])} failing, in {', '.join(counties)}")
status, body = get("/schools/xingqing-primary-01")
print(f"    GET /schools/xingqing-primary-01  {status}: {body.get('detail')}")
PY

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

echo "==> the education cloud (教育云): the sites side by side, which services are active-active, and the hosts' uptime"
"$edunet" pool status || true
"$edunet" pool services || true
"$edunet" pool hosts || true

echo "==> access points of 灵武市职业技术学院 (Ruijie controller)"
"$edunet" aps list --school lingwu-vocational-12

# The window is what the daemon measured: a real report covers days (--window 7d, the default).
window=$((cycles * interval + 5))s
echo "==> bandwidth compliance of 灵武市 over the last $window (the whole city: $out/report.html, $out/report.csv)"
"$edunet" report bandwidth --county lingwu --window "$window" || true
"$edunet" report bandwidth --window "$window" --format html --output "$out/report.html" || true
"$edunet" report bandwidth --window "$window" --format csv --output "$out/report.csv" || true

echo "==> e-book terminals against one per student and teacher, per county (the whole city: edunet report fleet)"
"$edunet" report fleet --window "$window" | sed -n '/^电子书包 E-book terminals/,/^$/p' || true
lost=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['fleet']['lost_seen'])" "$out/simnet/truth.json")
echo "==> a terminal reported lost, seen on Wi-Fi by the daemon (edunet fleet show $lost)"
"$edunet" fleet show "$lost"
"$edunet" alerts list --rule terminal_lost_seen
"$edunet" alerts list --rule terminal_wrong_school

# A mirror port's capture of one school (scripts/make-school-capture.py): its terminals on the network, a travel router
# handing out addresses, someone claiming the gateway's address, a blocked name, a port scan from outside.
school=helan-primary-01
python3 scripts/make-school-capture.py "$out/simnet/inventory" "$out/simnet/fleet/terminals.csv" "$school" "$out/$school.pcap"
echo "==> security from packets: edunet capture analyze $out/$school.pcap (exit 1: the detectors found something)"
"$edunet" capture analyze "$out/$school.pcap" | sed -n '/^Findings/,$p' || true

# Graded protection over SNMP: the daemon probed every device with the vendor default communities as it started;
# the simulation left two access switches answering `public`.
echo "==> graded-protection posture (等级保护): edunet security probe --county xixia, then the security section of the report"
"$edunet" security probe --county xixia | grep -v "none answered" || true
"$edunet" report security --window "$window" | sed -n '/^等级保护安全检查 Security posture/,/^$/p' || true

echo "==> alerts raised (compliance failures, the trap, the fleet); sent to each county's receiver after the 30-s group wait"
for _ in $(seq 1 60); do   # until the compliance alerts' groups have gone out (at most a minute)
    "$edunet" status --format json | python3 -c 'import json,sys; o=json.load(sys.stdin)["status"]["alerts"]["outbox"]; sys.exit(0 if o.get("delivered",0) > 1 and not o.get("pending") else 1)' && break
    sleep 1
done
"$edunet" alerts list --county yongning
"$edunet" alerts outbox --all
python3 - "$out/webhooks.jsonl" <<'PY'
import collections, json, sys
try:
    lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
except FileNotFoundError:
    lines = []
by_path = collections.Counter(l["path"] for l in lines)
print(f"    webhooks received by the sink: {len(lines)} —", ", ".join(f"{p} {n}" for p, n in sorted(by_path.items())) or "none")
signed = [l["signature_ok"] for l in lines if "signature_ok" in l]
if signed:
    print(f"    Standard Webhooks signatures checked: {sum(signed)} of {len(signed)} valid")
robot = next((l for l in lines if l["path"] == "/robot/send"), None)
if robot:
    print("    a DingTalk message:", robot["body"]["markdown"]["title"])
PY

echo
echo "Open $out/report.html in a browser (中文 / English switch at the top). The dashboard is edunetd's own (/, docs/api.md):"
echo "     run edunetd, make a token with \`edunet tokens create --name me --scope read\`, open http://127.0.0.1:9464/ and log in with it."
echo "Try: EDUNET_DB=$EDUNET_DB $edunet aps list --county yongning"
echo "     EDUNET_DB=$EDUNET_DB $edunet alerts show 1"
echo "     EDUNET_DB=$EDUNET_DB $edunet schools show lingwu-vocational-12"
echo "     EDUNET_DB=$EDUNET_DB $edunet fleet list --school xingqing-primary-01 --not-seen 1d"
