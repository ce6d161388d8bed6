#!/usr/bin/env bash
# The e-book fleet: a city's register of TERMINALS imported from CSV (and the same file again), the bulk assign of
# a GRADE-student grade and its undo, one transaction each; and what matching a CLIENTS-client station table
# against the register adds to a controller's poll (scripts: Sources/fleet-bench). The peers are published figures,
# not run here (Snipe-IT is a PHP and MySQL application): its CSV importer at about 65 rows/s, timing out after
# 38,977 rows (snipe-it issue #13962), and its check-out of one asset to one user per API call at its default 120
# calls a minute.
#
#   scripts/bench-fleet.sh              TERMINALS=50000 GRADE=2000 CLIENTS=10000 REPS=3
# Prints medians of REPS runs, then the ratios against the anchors.
set -euo pipefail
cd "$(dirname "$0")/.."
TERMINALS=${TERMINALS:-50000}
GRADE=${GRADE:-2000}
CLIENTS=${CLIENTS:-10000}
REPS=${REPS:-3}
source scripts/setup.sh
echo "==> building the fleet benchmark (release)" >&2
swift build -c release --product fleet-bench 2>&1 | tail -1 >&2
work=$(mktemp -d)
runs=$(mktemp)
trap 'rm -rf "$work" "$runs"' EXIT
for run in $(seq 1 "$REPS"); do
    rm -rf "${work:?}"/*
    .build/release/fleet-bench "$work/fleet.sqlite" --terminals "$TERMINALS" --grade "$GRADE" --clients "$CLIENTS" | sed "s/^/run=$run /"
done > "$runs"
python3 - "$runs" "$TERMINALS" "$GRADE" "$CLIENTS" "$REPS" <<'PY'
import collections, statistics, sys
path, terminals, grade, clients, reps = sys.argv[1], *map(int, sys.argv[2:6])
steps = collections.defaultdict(lambda: {"seconds": [], "cpu": []})
for line in open(path):
    fields = dict(part.split("=", 1) for part in line.split())
    steps[fields["step"]]["seconds"].append(float(fields["seconds"]))
    steps[fields["step"]]["cpu"].append(float(fields["cpu"]))
med = {step: {k: statistics.median(v) for k, v in values.items()} for step, values in steps.items()}
snipe_import = terminals / 65          # s: its importer's rate
snipe_calls = grade / (120 / 60)       # s: one call a terminal at 120 calls a minute
per_poll = (med["poll-with-clients"]["cpu"] - med["poll-without-clients"]["cpu"]) / 20
print(f"fleet benchmark: {terminals:,} terminals, a grade of {grade:,}, {clients:,} clients a poll; medians of {reps} runs")
print(f"{'step':44} {'wall s':>9} {'cpu s':>9}   target     anchor")
rows = [
    (f"import {terminals:,} terminals (CSV, one transaction)", "import", "< 3 s", f"Snipe-IT ~{snipe_import:,.0f} s (65 rows/s; times out at 38,977)"),
    ("the same file again (no change)", "reimport", "< 2 s", ""),
    (f"assign a grade of {grade:,} (plan + apply)", "assign", "< 1 s", f"Snipe-IT {snipe_calls:,.0f} s ({grade:,} calls at 120/min)"),
    (f"undo that assign", "undo", "< 1 s", f"Snipe-IT {snipe_calls:,.0f} s of check-ins"),
    (f"first poll of {clients:,} clients (+ MAC index)", "first-poll", "", ""),
]
for label, step, target, anchor in rows:
    print(f"{label:44} {med[step]['seconds']:9.3f} {med[step]['cpu']:9.3f}   {target:10} {anchor}")
label = f"matching {clients:,} clients: CPU a poll adds"
print(f"{label:44} {'':9} {per_poll * 1000:7.2f}ms   < 5 ms")
print("ratios: import %.0f× Snipe-IT's importer; assign %.0f×, undo %.0f× its one-call-a-terminal check-out" % (
    snipe_import / med["import"]["seconds"], snipe_calls / med["assign"]["seconds"], snipe_calls / med["undo"]["seconds"]))
PY
