#!/usr/bin/env bash
# Batched inserts: interface rates as the daemon stores them (one transaction a device poll of 49 interfaces),
# EduNet's MeasurementStore against Python's sqlite3 writing the same rows into the same table, in one run:
#   - python executemany, one transaction a poll (series ids looked up once and kept, like EduNet);
#   - python, one autocommitted INSERT a row (the naive way).
#
#   scripts/bench-store.sh                 DEVICES=1000 POLLS=5 INTERFACES=49 REPS=3
# Prints medians: rows/s, µs of CPU a row, bytes a row on disk; then EduNet's ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${DEVICES:-1000}
POLLS=${POLLS:-5}
INTERFACES=${INTERFACES:-49}
REPS=${REPS:-3}
source scripts/setup.sh
echo "==> building the store benchmark (release)" >&2
swift build -c release --product store-bench 2>&1 | tail -1 >&2
bin=$PWD/.build/release/store-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'peer\trun\trows\tseconds\tcpu\tbytes\n' > "$work/runs.tsv"
for run in $(seq 1 "$REPS"); do
    rm -f "$work"/*.sqlite*
    out=$("$bin" "$work/edunet.sqlite" --devices "$DEVICES" --interfaces "$INTERFACES" --polls "$POLLS" | tail -1)
    sqlite3 "$work/edunet.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
    eval "$(echo "$out" | tr ' ' '\n' | sed 's/^/r_/')"
    printf 'edunet\t%s\t%s\t%s\t%s\t%s\n' "$run" "$r_rows" "$r_seconds" "$r_cpu" "$(stat -c %s "$work/edunet.sqlite")" >> "$work/runs.tsv"
    # The peers write into a copy of EduNet's empty schema (same table, same keys, WAL mode as EduNet uses).
    for peer in executemany autocommit; do
        "$bin" "$work/$peer.sqlite" --devices 0 --polls 0 >/dev/null
        [ "$peer" = autocommit ] && [ "$DEVICES" -gt 200 ] && devices=200 || devices=$DEVICES   # the naive peer is slow: fewer rows
        python3 - "$work/$peer.sqlite" "$peer" "$devices" "$INTERFACES" "$POLLS" "$run" >> "$work/runs.tsv" <<'PY'
import os, random, resource, sqlite3, sys, time
path, peer, devices, interfaces, polls, run = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
names = [f"GigabitEthernet0/0/{i + 1}" for i in range(interfaces)]
series = {}
def sid(device, name):
    key = (device, name)
    if key not in series:
        db.execute("INSERT OR IGNORE INTO interface_series (device, interface) VALUES (?, ?)", key)
        series[key] = db.execute("SELECT id FROM interface_series WHERE device = ? AND interface = ?", key).fetchone()[0]
    return series[key]
cpu0, wall0 = time.process_time(), time.perf_counter()
t0 = 1_795_000_000.0
for poll in range(polls):
    for d in range(devices):
        device, t = f"sw{d}", t0 + poll * 60 + d * 0.01
        rows = [(sid(device, n), t, int(random.uniform(1e6, 5e9)), int(random.uniform(1e6, 5e9)), None) for n in names]
        if peer == "executemany":
            db.execute("BEGIN")
            db.executemany("INSERT INTO interface_rates (series, time, in_bps, out_bps, unknown) VALUES (?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        else:
            for row in rows:
                db.execute("INSERT INTO interface_rates (series, time, in_bps, out_bps, unknown) VALUES (?, ?, ?, ?, ?)", row)
wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"python-{peer}\t{run}\t{devices * interfaces * polls}\t{wall}\t{cpu}\t{os.path.getsize(path)}")
PY
    done
done
python3 - "$work/runs.tsv" <<'PY'
import csv, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {}
print(f"{'peer':22} {'rows':>9} {'rows/s':>10} {'µs CPU/row':>11} {'bytes/row':>10}")
for peer in ["edunet", "python-executemany", "python-autocommit"]:
    rs = [r for r in rows if r["peer"] == peer]
    m = lambda k: st.median(float(r[k]) for r in rs)
    n = m("rows")
    med[peer] = (n / m("seconds"), m("cpu") / n * 1e6)
    print(f"{peer:22} {n:9.0f} {med[peer][0]:10.0f} {med[peer][1]:11.2f} {m('bytes') / n:10.1f}")
for peer in ["python-executemany", "python-autocommit"]:
    print(f"EduNet vs {peer}: {med['edunet'][0] / med[peer][0]:.2f}x the rows/s, {med[peer][1] / med['edunet'][1]:.2f}x less CPU a row")
PY
