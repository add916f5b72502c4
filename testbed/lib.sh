# Shared by testbed/up, testbed/down and testbed/bench-failover (sourced, not run).
# The testbed's state lives in its run dir: testbed.env (its settings), netns.list (the namespaces
# it made), pid files of the processes it started, the OVS databases, sockets and logs, the
# appliance's home and log. Nothing outside the run dir and the namespaces in netns.list is touched.

tb_here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
tb_root=$(dirname "$tb_here")

say() { printf '==> %s\n' "$*"; }
# The script's leading comment (after the #! line), as its help.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# Default run dir; --run DIR (or VT_RUN) chooses another, e.g. one per test run.
tb_default_run() { echo "${VT_RUN:-/run/vnicteam-testbed}"; }

# ovs-vsctl / ovs-appctl of one OVS instance (switch or bond) of this run dir.
vsctl() { local inst=$1; shift; ovs-vsctl --db="unix:$RUN/ovs-$inst/db.sock" --timeout=10 "$@"; }
appctl() { local inst=$1; shift; ovs-appctl --target="$RUN/ovs-$inst/ovs-vswitchd.ctl" --timeout=10 "$@"; }

# Whether the pid in file $1 is alive and its command line contains $2 (a reused pid is not ours).
pid_alive() {
    local pidfile=$1 want=$2 pid
    pid=$(cat "$pidfile" 2>/dev/null) || return 1 # (a daemon removes its pid file as it exits)
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$want"
}

# Stops the process of pid file $1 (command line containing $2): SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
    local pidfile=$1 want=$2 pid i
    if pid_alive "$pidfile" "$want"; then
        pid=$(cat "$pidfile" 2>/dev/null) || return 0
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            pid_alive "$pidfile" "$want" || break
            sleep 0.1
        done
        if pid_alive "$pidfile" "$want"; then
            say "pid $pid ($want) did not stop on SIGTERM: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    rm -f "$pidfile"
}

# The testbed's settings (written by up): VT_PREFIX, VT_HTTP_PORT, VT_APPLIANCE.
tb_load_env() {
    [[ -f $RUN/testbed.env ]] || return 1
    # shellcheck disable=SC1091
    source "$RUN/testbed.env"
}
