#!/usr/bin/env bash
# Runs the JMH benchmarks (codec, CRCs, RC through the simulated fabric, ...).
#   ./bench.sh                      every benchmark, JMH defaults of each class
#   ./bench.sh RcThroughput -prof gc   a subset, with allocation figures
# Results and the method are recorded in docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -f benchmarks/target/benchmarks.jar || -n "$(find api fabric.sim host.vnic host.driver benchmarks -name '*.java' -newer benchmarks/target/benchmarks.jar -print -quit)" ]]; then
    mvn -B -q -DskipTests -pl benchmarks -am package
fi
exec java -jar benchmarks/target/benchmarks.jar "$@"
