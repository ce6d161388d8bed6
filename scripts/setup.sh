#!/usr/bin/env bash
# Installs what EduNet needs to build, test and run its demo, skipping whatever is already there.
# Debian packages: SQLite, net-snmp (library, agent, tools), libpcap, zlib (gzip for the API), Chromium and a Chinese
# font (the HTML report is checked in headless Chromium), PostgreSQL (the shared store of several pollers; the tests
# start a throw-away server on loopback). PyPI: snmpsim and its device recordings, PyYAML (the simulated city
# reads the inventory), schemathesis (the API is tested against its OpenAPI document).
set -euo pipefail

need_apt=()
for pkg in libsqlite3-dev libsnmp-dev libpcap-dev zlib1g-dev snmpd snmp python3-pip chromium fonts-wqy-zenhei postgresql; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}" >&2
    [ "$(id -u)" = 0 ] || { echo "setup: run as root (or install: ${need_apt[*]})" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

python=$(command -v python3)
if ! "$python" -c 'import snmpsim, snmpsim_data, yaml, schemathesis' 2>/dev/null; then
    echo "setup: installing snmpsim snmpsim-data pyyaml schemathesis (pip)" >&2
    "$python" -m pip install -q snmpsim snmpsim-data pyyaml schemathesis 2>/dev/null \
        || "$python" -m pip install -q --break-system-packages snmpsim snmpsim-data pyyaml schemathesis
fi

if ! command -v swift >/dev/null; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$dir/swift" ] && export PATH="$dir:$PATH"; done
fi
command -v swift >/dev/null || { echo "setup: no Swift toolchain on PATH; install Swift 6.1 or newer" >&2; exit 1; }
