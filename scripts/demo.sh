#!/usr/bin/env bash
# The EduNet demo on the bundled simulated city: build, validate the sample inventory and policies,
# apply them into a fresh SQLite file and print the county summary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

out=${EDUNET_DEMO_DIR:-$PWD/out}
mkdir -p "$out"
export EDUNET_DB="$out/demo.sqlite"
rm -f "$EDUNET_DB" "$EDUNET_DB-wal" "$EDUNET_DB-shm"

echo "==> building"
swift build --product edunet 2>&1 | tail -1
edunet=$(swift build --show-bin-path)/edunet

echo "==> validating inventory/ against policies/"
"$edunet" inventory validate

echo "==> applying the sample city to $EDUNET_DB"
"$edunet" inventory apply

echo "==> county summary"
"$edunet" counties list

echo "==> vocational colleges (tier: 10G campus backbone, 300M Wi-Fi, dual-homed)"
"$edunet" schools list --kind vocational

echo
echo "Try: EDUNET_DB=$EDUNET_DB $edunet schools show lingwu-vocational-12"
