#!/usr/bin/env bash
# The alert storm: a county outage puts ALERTS devices down at once (10,000 by default). edunetd's alert engine
# stores them and routes them into outbox messages while a poller keeps writing a device poll (49 interface rates)
# every 20 ms to the same SQLite file; run twice: every alert notified, and all of them children of the county
# uplink (suppressed, as in the sample city's topology). For comparison: the same alerts raised one transaction each.
#
#   scripts/bench-alerts.sh                ALERTS=10000 REPS=3
# Prints each run's figures, then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
ALERTS=${ALERTS:-10000}
REPS=${REPS:-3}
source scripts/setup.sh
echo "==> building the alert benchmark (release)" >&2
swift build -c release --product alert-bench 2>&1 | tail -1 >&2
bin=$PWD/.build/release/alert-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for mode in "" --suppressed; do
    for run in $(seq 1 "$REPS"); do
        rm -f "$work"/*.sqlite*
        "$bin" "$work/alerts.sqlite" --alerts "$ALERTS" $mode | tail -1 | tee -a "$work/runs.txt"
    done
done
python3 - "$work/runs.txt" <<'PY'
import statistics, sys
runs = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
for mode in ("no", "yes"):
    rows = [r for r in runs if r["suppressed"] == mode]
    med = lambda key: statistics.median(float(r[key]) for r in rows)
    print(f"suppressed={mode}: {rows[0]['alerts']} alerts stored in {med('store_s'):.3f} s, routed in {med('route_s'):.3f} s "
          f"({rows[0]['messages']} messages, {rows[0]['listed']} listed, {rows[0]['truncated']} counted); poll writes: "
          f"p50 {med('poll_p50_ms_before'):.2f} ms before, worst {med('poll_max_ms_during'):.1f} ms during the storm "
          f"({med('polls_during'):.0f} polls written meanwhile); one transaction an alert: {med('naive_per_alert_ms'):.3f} ms an alert, "
          f"batched {med('batched_per_alert_ms'):.4f} ms = {med('naive_per_alert_ms') / med('batched_per_alert_ms'):.0f}x")
PY
