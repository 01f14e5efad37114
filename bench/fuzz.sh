#!/usr/bin/env bash
# Long fuzz run of the hostile-input properties (test/hostile/fuzz.test.ts).
# npm test runs each property ~150-600 times; this runs RUNS (default 20000)
# per property, ROUNDS times with fresh seeds. A failure prints fast-check's
# seed and shrunk counterexample: add it to a unit test, fix, rerun.
#   bash bench/fuzz.sh [RUNS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20000}
ROUNDS=${2:-3}
npm run build --silent
for round in $(seq 1 "$ROUNDS"); do
  echo "fuzz round $round/$ROUNDS: $RUNS runs per property"
  CUSTOMS_FUZZ_RUNS=$RUNS node --test dist/test/hostile/fuzz.test.js
done
