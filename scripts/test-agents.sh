#!/usr/bin/env bash
# SNMP agents on loopback, for the tests and the demo. Nothing listens beyond 127.0.0.1.
#
#   scripts/test-agents.sh snmpd DIR PORT
#       net-snmp snmpd on 127.0.0.1 and on 127.20.0.1 … 127.20.0.100: v2c community "edunet-test", and a v3
#       user for every auth/privacy combination net-snmp supports, named u-<auth>-<priv> (u-sha256-aes128,
#       u-md5-none, u-none-none), passphrases "edunet-auth-pass" / "edunet-priv-pass" (test credentials only).
#   scripts/test-agents.sh snmpsim DIR PORT [RECORDING...]
#       snmpsim serving real device recordings from the PyPI package snmpsim-data, one device per community
#       (the community is the recording's name, e.g. cisco-c3560), plus any DIR/extra/*.snmprec (RECORDING `none`:
#       only those). Recordings are put in OID order first (snmpsim answers in file order; a few are not sorted).
#       Default recordings: the switches and wireless controllers listed in docs/devices.md. NAME+writable serves
#       the recording's system, interface, address and bridge tables as NAME-writable, with ifAdminStatus and
#       dot1qPvid writable (snmpsim's writecache variation), for the provisioning tests.
#   scripts/test-agents.sh posture DIR PORT
#       two snmpd for the graded-protection checks: 127.21.0.1 answers its own community "edunet-test" and the
#       vendor default "public" (v1 and v2c); 127.21.0.2 answers only SNMPv3, user u-posture (SHA-256/AES,
#       the passphrases above), no community at all.
#   scripts/test-agents.sh writable DIR PORT
#       snmpd at 127.21.0.3 that takes SETs (sysContact, sysName, sysLocation, ifAlias in its memory): the write
#       community "edunet-write", the read community "edunet-test", v3 users u-write (read-write) and u-read (read
#       only), SHA-256/AES with the passphrases above. Apart from the shared snmpd, whose values other tests compare.
#   scripts/test-agents.sh postgres DIR PORT
#       a throw-away PostgreSQL server (Debian's `postgresql`) on 127.0.0.1:PORT, its data in DIR/pgdata, run as the
#       `postgres` user: superuser `postgres`, no password (trust, on loopback only), fsync off (test data only).
#   scripts/test-agents.sh slow DIR PORT UPSTREAM_PORT DELAY_MS
#       a slow device: relays to the agent at 127.0.0.1:UPSTREAM_PORT, answering DELAY_MS late.
#   scripts/test-agents.sh stop DIR
#       stops the agents started in DIR: SIGTERM, then SIGKILL after 5 s, and any process still naming DIR.
#
# Each agent also exits by itself after AGENT_TTL seconds (default 3600). Prints "ready" when it answers.
set -euo pipefail

RECORDINGS_DEFAULT="arista-dcs-7150s-52-cl aruba-7210 cisco-c3560 cisco-c3750 cisco-controller h3c-e528-2 \
hpe-procurve-516733-b21 huawei-s12704 huawei-s5720 ruijie-m18000 ubiquiti-m5"
AUTHS="MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512"
PRIVS="DES AES AES192 AES256"
TTL=${AGENT_TTL:-3600}
source "$(dirname "$0")/lib/stop-agent.sh"

SORT_BY_OID='
import sys
lines = [l for l in sys.stdin.read().splitlines() if l and not l.startswith("#")]
key = lambda l: tuple(int(p) for p in l.split("|", 1)[0].split("."))
sys.stdout.write("\n".join(sorted(lines, key=key)) + "\n")'

usage() { sed -n '2,31p' "$0" >&2; exit 2; }

wait_for() {  # wait_for ENDPOINT COMMUNITY SECONDS [REQUEST_TIMEOUT]
    local deadline=$((SECONDS + $3))
    until snmpget -v2c -c "$2" -t "${4:-1}" -r 0 -On "$1" 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || { echo "agent at $1 did not answer within $3 s" >&2; return 1; }
        sleep 0.5
    done
}

wait_for_v3() {  # wait_for_v3 ENDPOINT USER SECONDS: the user at authPriv, SHA-256/AES, the test passphrases
    local deadline=$((SECONDS + $3))
    until snmpget -v3 -u "$2" -l authPriv -a SHA-256 -A edunet-auth-pass -x AES -X edunet-priv-pass -t 1 -r 0 -On "$1" \
        1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || { echo "v3 user $2 at $1 did not answer within $3 s" >&2; return 1; }
        sleep 0.5
    done
}

lower() { echo "$1" | tr 'A-Z' 'a-z' | tr -d '-'; }

# run_snmpd DIR NAME: snmpd in the background with DIR/NAME.conf, its state in DIR/NAME-persist, its log in
# DIR/NAME.log and its pid in DIR/NAME.pid; no MIB files, no SMUX.
run_snmpd() {
    local dir=$1 name=$2
    mkdir -p "$dir/$name-persist"
    SNMP_PERSISTENT_DIR="$dir/$name-persist" MIBS= MIBDIRS=/nonexistent \
        timeout "$TTL" snmpd -f -C -c "$dir/$name.conf" -I -smux -Lf "$dir/$name.log" >/dev/null 2>&1 &
    echo $! > "$dir/$name.pid"
}

start_snmpd() {
    local dir=$1 port=$2
    {
        # 127.0.0.1 and 100 more loopback addresses, so that tests can poll 100 "devices" at once.
        printf 'agentaddress udp:127.0.0.1:%s' "$port"; for i in $(seq 1 100); do printf ',udp:127.20.0.%s:%s' "$i" "$port"; done; echo
        echo "rocommunity edunet-test 127.0.0.0/8"
        # Users for tests that send wrong keys, so that they never disturb the combination tests.
        echo "createUser u-negative SHA-256 \"edunet-auth-pass\" AES \"edunet-priv-pass\""
        echo "rouser u-negative priv"
        echo "createUser u-recover SHA \"edunet-auth-pass\" AES \"edunet-priv-pass\""
        echo "rouser u-recover priv"
        echo "createUser u-none-none"
        echo "rouser u-none-none noauth"
        for auth in $AUTHS; do
            local a; a=$(lower "$auth")
            echo "createUser u-$a-none $auth \"edunet-auth-pass\""
            echo "rouser u-$a-none auth"
            for priv in $PRIVS; do
                local p; p=$(lower "$priv"); [ "$p" = aes ] && p=aes128
                echo "createUser u-$a-$p $auth \"edunet-auth-pass\" $priv \"edunet-priv-pass\""
                echo "rouser u-$a-$p priv"
            done
        done
    } > "$dir/snmpd.conf"
    run_snmpd "$dir" snmpd
    wait_for "127.0.0.1:$port" edunet-test 30
    # And its v3 users: a test's first v3 request to an agent still reading its users went unanswered once.
    wait_for_v3 "127.0.0.1:$port" u-sha256-aes128 30
    echo "ready snmpd 127.0.0.1:$port pid $(cat "$dir/snmpd.pid")"
}

# A recording's system, interface, address and bridge tables (as the provisioning plans read them), with
# ifAdminStatus and dot1qPvid writable through snmpsim's writecache variation (the values written live in the
# responder's memory: one cache for every recording the responder serves, keyed by OID alone, so one writable
# recording a responder).
writable_tables() {
    grep -E '^1\.3\.6\.1\.2\.1\.(1|2\.2\.1|4\.20|17|31\.1\.1\.1)\.' |
        sed -E -e 's/^(1\.3\.6\.1\.2\.1\.2\.2\.1\.7\.[0-9]+)\|2\|(.*)$/\1|2:writecache|value=\2/' \
            -e 's/^(1\.3\.6\.1\.2\.1\.17\.7\.1\.4\.5\.1\.1\.[0-9]+)\|66\|(.*)$/\1|66:writecache|value=\2/'
}

start_snmpsim() {
    local dir=$1 port=$2; shift 2
    local names=${*:-$RECORDINGS_DEFAULT}
    [ "$names" != none ] || names=""   # only DIR/extra
    local python; python=$(command -v python3)
    local data; data=$("$python" -c 'import snmpsim_data, os; print(os.path.dirname(snmpsim_data.__file__))')/data
    mkdir -p "$dir/data" "$dir/cache"
    for name in $names; do
        local base=${name%+writable}
        local src; src=$(find "$data" -name "$base.snmprec.bz2" | head -1)
        [ -n "$src" ] || { echo "no recording $base in snmpsim-data" >&2; exit 1; }
        local out="$dir/data/$base.snmprec"
        [ "$name" = "$base" ] || out="$dir/data/$base-writable.snmprec"
        # snmpsim answers in file order, and a few recordings are not in OID order: sort them, as an agent must answer.
        if [ ! -s "$out" ]; then
            if [ "$name" = "$base" ]; then
                bzcat "$src" | "$python" -c "$SORT_BY_OID" > "$out.tmp"
            else
                bzcat "$src" | "$python" -c "$SORT_BY_OID" | writable_tables > "$out.tmp"
            fi
            mv -f "$out.tmp" "$out"
        fi
    done
    if [ -d "$dir/extra" ]; then cp -f "$dir"/extra/*.snmprec "$dir/data/" 2>/dev/null || true; fi
    SNMPSIM_ALLOW_ROOT=true timeout "$TTL" snmpsim-command-responder --data-dir="$dir/data" --cache-dir="$dir/cache" \
        --agent-udpv4-endpoint="127.0.0.1:$port" --log-level=error --logging-method=file:"$dir/snmpsim.log" \
        >/dev/null 2>&1 &
    echo $! > "$dir/snmpsim.pid"
    # The first start indexes every recording (tens of seconds for the large ones).
    local first; first=$(basename "$(ls "$dir"/data/*.snmprec | head -1)" .snmprec)
    wait_for "127.0.0.1:$port" "$first" 900
    echo "ready snmpsim 127.0.0.1:$port pid $(cat "$dir/snmpsim.pid")"
}

start_posture() {
    local dir=$1 port=$2
    printf 'agentaddress udp:127.21.0.1:%s\nrocommunity edunet-test 127.0.0.0/8\nrocommunity public 127.0.0.0/8\n' "$port" > "$dir/open.conf"
    printf 'agentaddress udp:127.21.0.2:%s\ncreateUser u-posture SHA-256 "edunet-auth-pass" AES "edunet-priv-pass"\nrouser u-posture priv\n' \
        "$port" > "$dir/v3.conf"
    for agent in open v3; do run_snmpd "$dir" "$agent"; done
    wait_for "127.21.0.1:$port" edunet-test 30
    wait_for_v3 "127.21.0.2:$port" u-posture 30
    echo "ready posture agents 127.21.0.1:$port (public) 127.21.0.2:$port (v3 only)"
}

start_writable() {
    local dir=$1 port=$2
    {
        printf 'agentaddress udp:127.21.0.3:%s\n' "$port"
        echo "rocommunity edunet-test 127.0.0.0/8"
        echo "rwcommunity edunet-write 127.0.0.0/8"
        for user in u-write u-read; do echo "createUser $user SHA-256 \"edunet-auth-pass\" AES \"edunet-priv-pass\""; done
        echo "rwuser u-write priv"
        echo "rouser u-read priv"
    } > "$dir/writable.conf"
    run_snmpd "$dir" writable
    wait_for "127.21.0.3:$port" edunet-test 30
    echo "ready writable snmpd 127.21.0.3:$port pid $(cat "$dir/writable.pid")"
}

start_slow() {
    local dir=$1 port=$2 upstream=$3 delay=$4
    timeout "$TTL" python3 "$(dirname "$0")/slow-udp-proxy.py" "$port" "$upstream" "$delay" >/dev/null 2>&1 &
    echo $! > "$dir/slow-$port.pid"
    wait_for "127.0.0.1:$port" edunet-test 20 $((delay / 1000 + 2))
    echo "ready slow proxy 127.0.0.1:$port -> $upstream (+$delay ms) pid $(cat "$dir/slow-$port.pid")"
}

start_postgres() {
    local dir=$1 port=$2 bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$bin" ] && [ -x "$bin/postgres" ] || { echo "no PostgreSQL server: apt-get install postgresql (scripts/setup.sh does)" >&2; return 1; }
    rm -rf "$dir/pgdata"
    mkdir -p "$dir/pgdata"
    chown postgres: "$dir/pgdata"
    chmod 700 "$dir/pgdata"
    runuser -u postgres -- "$bin/initdb" -D "$dir/pgdata" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    timeout "$TTL" runuser -u postgres -- "$bin/postgres" -D "$dir/pgdata" -k "$dir/pgdata" -p "$port" -c listen_addresses=127.0.0.1 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 >"$dir/postgres.log" 2>&1 &
    echo $! > "$dir/postgres.pid"
    local deadline=$((SECONDS + 30))
    until "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q; do
        [ $SECONDS -lt $deadline ] || { echo "PostgreSQL on 127.0.0.1:$port did not start within 30 s:" >&2; tail -5 "$dir/postgres.log" >&2; return 1; }
        sleep 0.2
    done
    echo "ready postgres 127.0.0.1:$port pid $(cat "$dir/postgres.pid")"
}

stop_all() {
    local dir=$1
    for pidfile in "$dir"/*.pid; do stop_pidfile "$pidfile"; done
    stop_under "$dir"
}

case "${1:-}" in
    snmpd) [ $# -eq 3 ] || usage; mkdir -p "$2"; start_snmpd "$2" "$3" ;;
    snmpsim) [ $# -ge 3 ] || usage; mkdir -p "$2"; shift; start_snmpsim "$@" ;;
    posture) [ $# -eq 3 ] || usage; mkdir -p "$2"; start_posture "$2" "$3" ;;
    writable) [ $# -eq 3 ] || usage; mkdir -p "$2"; start_writable "$2" "$3" ;;
    slow) [ $# -eq 5 ] || usage; mkdir -p "$2"; start_slow "$2" "$3" "$4" "$5" ;;
    postgres) [ $# -eq 3 ] || usage; mkdir -p "$2"; start_postgres "$2" "$3" ;;
    stop) [ $# -eq 2 ] || usage; stop_all "$2" ;;
    *) usage ;;
esac
