#!/usr/bin/env bash
# Times `customs db update` from ../shared/osv (the acceptance bound is 60 s on a
# 2-core machine) and prints the per-ecosystem record counts. Run by hand after
# `npm ci`:  bash bench/db-update.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
osv=${OSV_DIR:-$root/../shared/osv}
runs=${1:-3}
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
times=()
for i in $(seq "$runs"); do
  rm -rf "$cache/db"
  start=$(date +%s.%N)
  "$root/bin/customs" db update --source "$osv" --cache-dir "$cache" --quiet
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
echo "db update from $osv on $(nproc) cores: runs ${times[*]} s; median ${median} s (bound: 60 s)"
"$root/bin/customs" db status --cache-dir "$cache"
