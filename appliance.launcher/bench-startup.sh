#!/usr/bin/env bash
# Startup and memory of the appliance image (docs/BENCHMARKS.md, "Appliance").
#
#   appliance.launcher/bench-startup.sh [RUNS] [IDLE_SECONDS] [-- JAVA_OPTIONS...]
#
# Per run, in a fresh home (temporary directory, its own HTTP port):
#   prompt  ms from launching `java -jar vnicteam.jar` to the console prompt "g! " on a terminal
#           (a pseudo-terminal from script(1), as a person at a terminal sees it)
#   banner  the launcher's own figure: JVM start to the banner line, just before the shell starts
#   http    ms from launch until the Web Console answers (HTTP 401 without credentials)
#   script  ms of `java -jar vnicteam.jar --script` running `fabric:status` (start, run, stop)
#   rss     resident memory (VmRSS) of the console image after IDLE_SECONDS idle at the prompt
#   cpu     CPU time the idle image used over those IDLE_SECONDS, in % of one core
# Then median, min and max. Builds the image if it is missing. Needs script(1) and curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

runs=${1:-5}
idle=${2:-10}
shift $(( $# >= 2 ? 2 : $# ))
[[ "${1:-}" == "--" ]] && shift
java_opts=("$@")

jar=$PWD/target/vnicteam.jar
if [[ ! -f $jar ]]; then
    (cd .. && mvn -B -q -DskipTests -pl appliance.launcher -am package)
fi
command -v script >/dev/null || { echo "bench-startup.sh: needs script(1) (util-linux)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-startup.sh: needs curl" >&2; exit 1; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

free_port() {
    local p
    for p in $(seq 18080 18999); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
    done
    echo "bench-startup.sh: no free port in 18080..18999" >&2; exit 1
}

# median / min / max of the arguments
stats() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "median %s, min %s, max %s", m, a[1], a[NR]}'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
echo "java:    $(java -version 2>&1 | head -n 1)${java_opts[*]:+, options: ${java_opts[*]}}"
echo "image:   $jar ($(du -h "$jar" | cut -f1)), $runs runs, RSS after ${idle} s idle"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"
echo

prompts=() banners=() https=() scripts=() rsss=() cpus=()
for i in $(seq 1 "$runs"); do
    home=$(mktemp -d -t vnicteam-bench.XXXXXX)
    port=$(free_port)
    mkdir -p "$home/etc"
    echo "org.osgi.service.http.port=$port" > "$home/etc/framework.properties"
    printf 'fabric:status\n' > "$home/status.gogo"

    # console: read the terminal until the prompt, poll HTTP, idle, measure, stop
    t0=$(now_ms)
    coproc APP { exec script -qfec "stty cols 160 rows 50; exec java ${java_opts[*]} -jar $jar --home $home" /dev/null; }
    app=$APP_PID
    out=""
    while IFS= read -r -N 1 -t 30 c <&"${APP[0]}"; do
        out+=$c
        [[ $out == *"g! " ]] && break
    done
    t_prompt=$(( $(now_ms) - t0 ))
    [[ $out == *"g! " ]] || { echo "no prompt within 30 s: $out" >&2; kill "$app" 2>/dev/null; exit 1; }
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/system/console/bundles") == 401 ]]; do
        (( $(now_ms) - t0 < 30000 )) || { echo "no HTTP 401 within 30 s" >&2; kill "$app"; exit 1; }
        sleep 0.01
    done
    t_http=$(( $(now_ms) - t0 ))
    banner=$(grep -o 'started in [0-9.]* s' <<<"$out" | grep -o '[0-9.]*' || echo "?")
    jpid=$(pgrep -P "$app" java || pgrep -f -- "--home $home" | head -n 1)
    ticks0=$(awk '{print $14 + $15}' "/proc/$jpid/stat")
    sleep "$idle"
    ticks1=$(awk '{print $14 + $15}' "/proc/$jpid/stat")
    cpu=$(awk -v t="$(( ticks1 - ticks0 ))" -v hz="$(getconf CLK_TCK)" -v s="$idle" 'BEGIN {printf "%.1f", 100 * t / hz / s}')
    rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$jpid/status")
    printf 'stop 0\n' >&"${APP[1]}"
    for _ in $(seq 1 100); do kill -0 "$jpid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$jpid" 2>/dev/null || true
    wait "$app" 2>/dev/null || true

    # script mode: start, one command, stop
    t0=$(now_ms)
    java "${java_opts[@]}" -jar "$jar" --home "$home" --script "$home/status.gogo" >/dev/null 2>&1 </dev/null
    t_script=$(( $(now_ms) - t0 ))

    printf 'run %d: prompt %5d ms  banner %5s s  http %5d ms  script %5d ms  rss %4d MiB  idle cpu %5s %%\n' \
        "$i" "$t_prompt" "$banner" "$t_http" "$t_script" "$rss" "$cpu"
    prompts+=("$t_prompt") banners+=("$banner") https+=("$t_http") scripts+=("$t_script") rsss+=("$rss") cpus+=("$cpu")
    rm -rf "$home"
done

echo
echo "console prompt (ms): $(stats "${prompts[@]}")"
echo "banner (s):          $(stats "${banners[@]}")"
echo "HTTP 401 (ms):       $(stats "${https[@]}")"
echo "--script (ms):       $(stats "${scripts[@]}")"
echo "idle RSS (MiB):      $(stats "${rsss[@]}")"
echo "idle CPU (% of one core): $(stats "${cpus[@]}")"
