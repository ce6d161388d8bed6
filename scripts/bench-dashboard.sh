#!/usr/bin/env bash
# The dashboard's budget (issue 16): the landing page of a city of SCHOOLS schools (2,000), every school on it, under
# 300 KB compressed, and its first render in headless Chromium under 1 s. The page is made by `dashboard-bench`
# (release build) as edunetd serves it; its size is measured as is and gzip -9'd; Chromium loads it RUNS times and the
# page itself says when its load event came (performance.now(), from navigation start: parsing, style, layout, paint).
#
#   scripts/bench-dashboard.sh              SCHOOLS=2000 RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
SCHOOLS=${SCHOOLS:-2000}
RUNS=${RUNS:-5}
source scripts/setup.sh
echo "==> building the dashboard benchmark (release)" >&2
swift build -c release --product dashboard-bench 2>&1 | tail -1 >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/release/dashboard-bench "$work/landing.html" --schools "$SCHOOLS" > "$work/steps"
chromium=$(command -v chromium || command -v chromium-browser)
times=()
for _ in $(seq 1 "$RUNS"); do
    HOME=/tmp timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --dump-dom "file://$work/landing.html" \
        > "$work/dom.html" 2>/dev/null
    times+=("$(grep -o 'data-rendered-ms="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')")
done
raw=$(grep -o 'bytes=[0-9]*' "$work/steps" | cut -d= -f2)
gz=$(gzip -9 -c "$work/landing.html" | wc -c)
render=$(grep -o 'seconds=[0-9.e-]*' "$work/steps" | cut -d= -f2)
echo "dashboard landing page, $SCHOOLS schools in 6 counties, 200 alerts firing:"
printf '  made by edunetd in      %8.3f s\n' "$render"
printf '  size                    %8d bytes (%d KB); gzip -9: %d bytes (%d KB)   budget 300 KB compressed\n' "$raw" $((raw / 1024)) "$gz" $((gz / 1024))
echo "  Chromium's load event    ${times[*]} ms (runs)   budget 1,000 ms"
