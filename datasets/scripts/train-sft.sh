#!/usr/bin/env bash
# Retrains the committed IMDb SFT checkpoint (datasets/src/main/resources/prefdyn/datasets/sft-model/) from the
# committed sample. Deterministic: the same arguments give a bit-identical model on any thread count.
#
# Usage: datasets/scripts/train-sft.sh [steps] [batch] [learningRate] [seed]     (defaults 3000 16 0.003 1)
#        PREFDYN_SFT_OUT=DIR writes elsewhere (default: the committed folder).
# Took about 35 minutes on a 2-core machine (2026-11-27).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="${PREFDYN_SFT_OUT:-datasets/src/main/resources/prefdyn/datasets/sft-model}"
./mvnw -q -pl datasets -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/runtime-classpath.txt
classpath="datasets/target/classes:$(cat datasets/target/runtime-classpath.txt)"
mkdir -p "$out"
"$java" -cp "$classpath" prefdyn.datasets.TrainImdbSft "$out" "${1:-3000}" "${2:-16}" "${3:-0.003}" "${4:-1}"
