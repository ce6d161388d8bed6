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
swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Write|Emitting|Linking|Planning|Wrapping)' || true
swift build --build-tests >/dev/null   # fails the script if the build failed
swift test --skip-build "$@"
