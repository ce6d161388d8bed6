# Sourced by the agent scripts: stops what a pid file names, however busy it is.
#
# stop_pidfile FILE: SIGTERM to the process's group (timeout(1) makes one for the agent it runs), else to the
# process; after 5 s whatever is left gets SIGKILL. snmpsim busy answering a walk was seen to outlive SIGTERM.
stop_pidfile() {
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    rm -f "$file"
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || kill -0 -- "-$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# stop_under DIR: the same for every process still running whose command line names DIR (a sweep after the pid
# files, for anything an interrupted start left without one). Shells are passed over: the scripts that name DIR.
stop_under() {
    local dir=$1 pids
    pids=$(agents_under "$dir")
    [ -n "$pids" ] || return 0
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
        pids=$(agents_under "$dir")
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    kill -KILL $pids 2>/dev/null || true
}

agents_under() {
    ps -eo pid=,comm=,args= | awk -v dir="$1" 'index($0, dir) && $2 != "bash" && $2 != "sh" && $2 != "ps" && $2 != "awk" { print $1 }'
}
