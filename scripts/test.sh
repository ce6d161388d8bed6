#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite. The SNMP tests start real agents on
# loopback (snmpd, snmpsim with the snmpsim-data recordings) through scripts/test-agents.sh; they are
# stopped when this script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
agents="${TMPDIR:-/tmp}/edunet-test-agents"
source scripts/lib/stop-agent.sh
# Every agent the tests started is stopped when this script ends, however it ends (pass, fail, Ctrl-C): each by
# its pid file (SIGTERM, then SIGKILL), then anything still running under the agents' folder.
stop_agents() {
    for dir in "$agents"/*/; do [ -d "$dir" ] && bash scripts/test-agents.sh stop "$dir"; done
    stop_under "$agents"
    return 0
}
trap stop_agents EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The code's layout is swift-format's (.swift-format); `swift-format format --in-place --recursive Sources Tests
# Package.swift` fixes what this reports.
if command -v swift-format >/dev/null; then
    swift-format lint --strict --parallel --recursive Sources Tests Package.swift || {
        echo "test: the layout differs from .swift-format; run: swift-format format --in-place --recursive Sources Tests Package.swift" >&2
        exit 1
    }
else
    echo "test: swift-format is not in this Swift toolchain; the layout check is skipped" >&2
fi
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Linking|Planning|Wrapping)' || true
swift build --build-tests >/dev/null   # fails the script if the build failed
# `scripts/test.sh --unit`: the module targets only (no executables as processes, no simulated city): seconds.
if [ "${1:-}" = --unit ]; then
    shift
    set -- --filter 'ModelTests|StoreTests|MonitorTests|ComplianceTests|ReportsTests|AlertingTests|DaemonTests|FleetTests|PoolTests|CaptureTests|SecurityTests' "$@"
fi
swift test --skip-build "$@"
