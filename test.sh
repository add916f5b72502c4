#!/usr/bin/env bash
# Runs every vnicteam test: the one command for a new machine and for CI (Debian 12, as root).
#   ./test.sh                 installs what is missing (apt-get), then runs `mvn -B verify`
#   ./test.sh -o -DskipITs    extra arguments go to mvn
# Installs only what is missing, so a second run goes straight to Maven. Not root and something
# missing: it stops and says what to install.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

say() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# Major version of the java (or javac) binary $1, 0 if it does not run.
# "openjdk version "17.0.15"" -> 17, "java version "1.8.0_392"" -> 8, "javac 17.0.15" -> 17.
java_major() {
    local out ver
    out=$("$1" -version 2>&1) || { echo 0; return; }
    ver=$(printf '%s\n' "$out" | sed -n -E 's/.*(version "|javac )([0-9._]+).*/\2/p' | head -n 1)
    case "$ver" in
        1.*) ver=${ver#1.}; echo "${ver%%[._]*}" ;;
        "") echo 0 ;;
        *) echo "${ver%%[._]*}" ;;
    esac
}

# The java and javac Maven will use: $JAVA_HOME/bin if JAVA_HOME is set, else the PATH.
java_bin() {
    if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME/bin/$1"; else command -v "$1" || echo "$1"; fi
}

jdk_ok() {
    (( $(java_major "$(java_bin java)") >= 17 && $(java_major "$(java_bin javac)") >= 17 ))
}

# After installing openjdk-17 next to an older default JDK: use 17 for this run.
use_jdk17_if_needed() {
    jdk_ok && return 0
    local home
    for home in /usr/lib/jvm/java-17-openjdk-*; do
        if [[ -x "$home/bin/javac" ]]; then
            export JAVA_HOME="$home" PATH="$home/bin:$PATH"
            say "using JDK 17 at $JAVA_HOME"
            return 0
        fi
    done
    return 1
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- what is missing ------------------------------------------------------------------------
missing=()
# openvswitch-switch, iperf3, iputils-ping, ethtool, curl, jq: the real-Ethernet testbed (testbed/up, RealTestbedIT)
for pkg in tshark libpcap0.8 iproute2 chromium openvswitch-switch iperf3 iputils-ping ethtool curl jq; do
    if pkg_installed "$pkg"; then say "$pkg: installed"; else say "$pkg: missing"; missing+=("$pkg"); fi
done

if jdk_ok; then
    say "JDK: $(java_major "$(java_bin java)") ($(java_bin java))"
elif use_jdk17_if_needed; then
    :
else
    say "JDK 17+ (java and javac): missing (found java $(java_major "$(java_bin java)"), javac $(java_major "$(java_bin javac)"))"
    missing+=(openjdk-17-jdk-headless)
fi

if command -v mvn >/dev/null 2>&1; then
    say "Maven: $(command -v mvn)"
else
    say "Maven: missing"
    missing+=(maven)
fi

# --- install it -----------------------------------------------------------------------------
if (( ${#missing[@]} > 0 )); then
    if (( EUID != 0 )); then
        die "missing: ${missing[*]}. Install as root, e.g.:
  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}
(tshark asks whether non-root users may capture: answer No), then run ./test.sh again."
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]}, and no apt-get here (this script expects Debian 12)"
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp -t vnicteam-apt.XXXXXX)
    trap 'rm -f "$log"' EXIT
    if [[ " ${missing[*]} " == *" tshark "* ]]; then
        say "debconf: wireshark-common/install-setuid = false (no prompt about non-root capture)"
        echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    fi
    say "apt-get update"
    apt-get update -q >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "apt-get update failed"; }
    say "apt-get install ${missing[*]}"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
        || { tail -n 30 "$log" >&2; die "apt-get install ${missing[*]} failed"; }
    hash -r
    use_jdk17_if_needed || die "no JDK 17+ after installing openjdk-17-jdk-headless (java $(java_major "$(java_bin java)"))"
    command -v mvn >/dev/null 2>&1 || die "mvn not found after installing maven"
    command -v tshark >/dev/null 2>&1 || die "tshark not found after installing it"
    command -v chromium >/dev/null 2>&1 || die "chromium not found after installing it (VnicTeamHttpIT needs it)"
    for tool in ovs-vswitchd iperf3 ping ethtool; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool not found after installing it (RealTestbedIT needs it)"
    done
    say "installed: ${missing[*]}"
fi

# --- test -----------------------------------------------------------------------------------
say "mvn -B verify${*:+ $*}"
exec mvn -B verify "$@"
