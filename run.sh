#!/usr/bin/env bash
# Runs vnicteam. Until the appliance image lands this is the fabric tour: the default
# two-switch InfiniBand fabric, an RC connection from the server to bridge A, a cut
# inter-switch link the subnet manager routes around, and a capture Wireshark opens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -f benchmarks/target/benchmarks.jar ]]; then
    mvn -B -q -DskipTests -pl benchmarks -am package
fi
exec java -cp benchmarks/target/benchmarks.jar org.vnicteam.benchmarks.FabricDemo "$@"
