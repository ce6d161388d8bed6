#!/usr/bin/env bash
# The EduNet demo on the bundled simulated city: build, validate the sample inventory and policies,
# apply them into a fresh SQLite file and print the county summary; then poll a live SNMP agent on loopback.
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

echo "==> a live device: net-snmp's snmpd on loopback, polled twice 3 s apart by EduNet's SNMP engine"
agents="$out/agents"
trap 'bash scripts/test-agents.sh stop "$agents" >/dev/null 2>&1 || true' EXIT
port=${EDUNET_DEMO_SNMP_PORT:-16161}
bash scripts/test-agents.sh snmpd "$agents" "$port" >/dev/null
"$edunet" snmp get "127.0.0.1:$port" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.3.0 --community edunet-test
"$edunet" poll "127.0.0.1:$port" --community edunet-test --window 3

echo
echo "Try: EDUNET_DB=$EDUNET_DB $edunet schools show lingwu-vocational-12"
