#!/usr/bin/env bash
# Runs vnicteam: the appliance image with the Gogo console, built first if it is missing or older
# than the sources. The working directory is the appliance home (deploy/, data/, your etc/).
#   ./run.sh                    the appliance: java -jar appliance.launcher/target/vnicteam.jar
#   ./run.sh --script FILE      runs the console commands in FILE; exit 0 when all succeeded
#   ./run.sh --help             the launcher's options (--real, --home DIR, --daemon, --export-etc DIR)
#   ./run.sh --tour [FILE]      the fabric tour instead (plain Java, no OSGi; writes a pcap file)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# newer than $1: any source, pom or bnd file of the modules
stale() {
    [[ ! -f $1 ]] || [[ -n "$(find "$root" -path "$root/*/target" -prune -o \
        \( -path '*/src/*' -o -name pom.xml -o -name '*.bnd' \) -type f -newer "$1" -print -quit)" ]]
}

if [[ "${1:-}" == "--tour" ]]; then
    shift
    jar=$root/benchmarks/target/benchmarks.jar
    if [[ ! -f $jar ]]; then
        mvn -B -q -f "$root/pom.xml" -DskipTests -pl benchmarks -am package
    fi
    exec java -cp "$jar" org.vnicteam.benchmarks.FabricDemo "$@"
fi

image=$root/appliance.launcher/target/vnicteam.jar
if stale "$image"; then
    echo "run.sh: building the appliance image (mvn package -pl appliance.launcher -am)" >&2
    mvn -B -q -f "$root/pom.xml" -DskipTests -pl appliance.launcher -am package
fi
exec java -jar "$image" "$@"
