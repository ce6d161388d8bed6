#!/usr/bin/env bash
# The compliance report at city scale: a generated city of SCHOOLS schools (a core switch and an uplink each, a
# campus backbone link at every third) with DAYS of five-minute roll-ups for every link (what a 30-day report
# reads once the rates at poll resolution are past their 14-day retention), then the release `edunet report
# bandwidth --window ${DAYS}d` timed end to end: wall time, CPU, peak memory.
#
#   scripts/bench-report.sh               SCHOOLS=1000 DAYS=30
set -euo pipefail
cd "$(dirname "$0")/.."
SCHOOLS=${SCHOOLS:-1000}
DAYS=${DAYS:-30}
source scripts/setup.sh
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
echo "==> building edunet (release)" >&2
swift build -c release --product edunet 2>&1 | tail -1 >&2
edunet=$PWD/.build/release/edunet
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
mkdir -p "$work/inventory"
cp inventory/counties.yaml "$work/inventory/"
python3 - "$SCHOOLS" > "$work/inventory/city.yaml" <<'PY'
import sys
n = int(sys.argv[1])
counties = ["xingqing", "jinfeng", "xixia", "yongning", "helan", "lingwu"]
kinds = ["primary", "junior-secondary", "senior-secondary", "nine-year", "kindergarten", "secondary-vocational", "vocational"]
print("snmp_profiles:\n  - {id: v2, version: v2c, community: {env: EDUNET_SNMP_COMMUNITY}}")
print("nodes:")
for c in counties:
    print(f"  - {{id: agg-{c}, name: {c}汇聚, kind: county-aggregation, county: {c}}}")
print("devices:")
for c in counties:
    print(f"  - {{id: agg-{c}-sw, name: {c}汇聚交换机, role: core-switch, node: agg-{c}, management: {{address: 127.2.{counties.index(c)}.1}}, snmp_profile: v2}}")
for i in range(n):
    print(f"  - {{id: s{i}-core, name: 学校{i}核心, role: core-switch, school: s{i}, management: {{address: 127.{10 + i // 60000}.{i // 250 % 240}.{i % 250 + 1}}}, snmp_profile: v2}}")
    if i % 3 == 0:
        print(f"  - {{id: s{i}-acc, name: 学校{i}接入, role: access-switch, school: s{i}, management: {{address: 127.{50 + i // 60000}.{i // 250 % 240}.{i % 250 + 1}}}, snmp_profile: v2}}")
print("links:")
for i in range(n):
    c = counties[i % 6]
    print(f"  - {{id: s{i}-up, tier: county-school, a: {{device: agg-{c}-sw, interface: D{i}}}, b: {{device: s{i}-core, interface: U1}}, capacity: 2.5G}}")
    print(f"  - {{id: s{i}-up2, tier: county-school, a: {{device: agg-{c}-sw, interface: E{i}}}, b: {{device: s{i}-core, interface: U2}}, capacity: 2.5G}}")
    if i % 3 == 0:
        print(f"  - {{id: s{i}-bb, tier: campus-backbone, a: {{device: s{i}-core, interface: B1}}, b: {{device: s{i}-acc, interface: B1}}, capacity: 1G}}")
print("schools:")
for i in range(n):
    print(f"  - {{id: s{i}, name: 学校{i}, name_en: School {i}, county: {counties[i % 6]}, kind: {kinds[i % 7]}, students: 1000, teachers: 80, "
          f"subnets: [10.{i // 256 % 256}.{i % 256}.0/24], areas: []}}")
PY
export EDUNET_DB="$work/bench.sqlite"
"$edunet" inventory apply --inventory "$work/inventory" --policies policies | tail -1 >&2
python3 - "$work/bench.sqlite" "$DAYS" <<'PY'
import json, random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); days = int(sys.argv[2])
links = [json.loads(r[0]) for r in db.execute("SELECT json FROM links")]
end = (int(time.time()) // 300) * 300
buckets = days * 288
random.seed(1)
db.execute("BEGIN")
for n, link in enumerate(links):
    b = link["b"]
    db.execute("INSERT OR IGNORE INTO interface_series (device, interface) VALUES (?, ?)", (b["device"], b["interface"]))
    series = db.execute("SELECT id FROM interface_series WHERE device = ? AND interface = ?", (b["device"], b["interface"])).fetchone()[0]
    status = {"name": b["interface"], "index": 1, "speedBitsPerSecond": 2500000000 if link["tier"] != "campus-backbone" else 1000000000,
              "adminUp": True, "operUp": True, "problems": []}
    db.execute("INSERT OR REPLACE INTO interface_status VALUES (?, ?, ?, ?)", (b["device"], b["interface"], end, json.dumps(status)))
    level = random.uniform(0.1, 0.9) * 2.5e9
    db.executemany("INSERT INTO interface_rollups_5m VALUES (?, ?, ?, ?, ?, ?, 5, 5)",
                   ((series, end - (buckets - k) * 300, int(level * random.uniform(0.5, 1.1)), int(level * 1.2), int(level / 4), int(level / 3))
                    for k in range(buckets)))
db.execute("COMMIT")
rows = db.execute("SELECT COUNT(*) FROM interface_rollups_5m").fetchone()[0]
print(f"{len(links)} links, {rows} five-minute roll-ups ({days} days)", file=sys.stderr)
PY
for run in 1 2 3; do
    /usr/bin/time -f "%e s wall, %U+%S s CPU, %M KiB peak" "$edunet" report bandwidth --window "${DAYS}d" --format json > "$work/report.json" 2> "$work/time" || true
    echo "run $run: $(tail -1 "$work/time"), $(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['report']; print(len(r['findings']), 'findings')" "$work/report.json")"
done
