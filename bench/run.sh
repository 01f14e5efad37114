#!/usr/bin/env bash
# customs against Trivy 0.44.1 and against the gunzip+tar floor, in one run, on the
# shared images. For each image and mode: wall time (median of RUNS) and peak RSS of
# customs and of Trivy, and the ratios customs/Trivy and customs/floor. Run by hand
# (root, ../shared beside the repo, after `npm ci`):
#   bash bench/run.sh [RUNS] [IMAGE...]          writes bench/RESULTS.md
# customs runs as the installed command does (bin/customs, with its V8 flags).
# Modes: inventory (SBOM only), vuln (inventory + vulnerabilities), all (vuln +
# secrets), warm (the same `all` scan again with every layer cached).
# Trivy cannot run offline without its databases (none can be downloaded here): its
# vulnerability scanner and its SBOM output (which wants the Java DB for jars) refuse
# to start, so in every mode it runs what it can: the package listing with the secret
# scanner (`--scanners secret --list-all-pkgs -f json`). In `inventory` and `vuln`
# Trivy therefore does different work than customs; `all` is the fairest row.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}; shift || true
images=${*:-debian-bookworm node-app polyglot distroless alpine-amd64 big-bookworm}
cache=${CUSTOMS_TEST_IMAGES:-${TMPDIR:-/tmp}/customs-images}
bash "$root/../shared/images/build-images.sh" "$cache" ${images//big-bookworm/} >/dev/null 2>&1
case " $images " in *" big-bookworm "*) bash "$root/bench/big-image.sh" "$cache" >/dev/null;; esac
trivy=$(bash "$root/bench/trivy.sh")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$root/bin/customs" db update --source "$root/../shared/osv" --cache-dir "$work/customs" --quiet >/dev/null 2>&1

# median wall seconds and median peak KB of `runs` runs of a command
measure() {
  local out="$work/m.txt"; : > "$out"
  for _ in $(seq "$runs"); do
    "$@" >/dev/null 2>"$work/err" || { echo "bench: $* failed: $(tail -c 300 "$work/err")" >&2; exit 1; }
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>>"$work/err" || true
    tail -n 1 "$work/t" >> "$out"  # time prefixes a "Command exited with non-zero status" line on failures
  done
  python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print(f"{statistics.median(float(r[0]) for r in rows):.2f} {int(statistics.median(int(r[1]) for r in rows))}")
PY
}

floor() { # decompress and list every layer of the OCI layout, as the minimum any scanner must do
  local dir="$cache/oci/$1"
  python3 - "$dir" <<'PY' | while read -r blob; do gzip -dc "$blob" | tar -t >/dev/null; done
import json, os, sys
d = sys.argv[1]
idx = json.load(open(os.path.join(d, 'index.json')))
m = json.load(open(os.path.join(d, 'blobs', *idx['manifests'][0]['digest'].split(':'))))
for l in m['layers']: print(os.path.join(d, 'blobs', *l['digest'].split(':')))
PY
}
export -f floor; export cache

# customs IMAGE ARGS...: one scan of the OCI layout with the bench's database
cat > "$work/customs_run" <<SH
#!/usr/bin/env bash
img=\$1; shift
exec "$root/bin/customs" image --input "$cache/oci/\$img" --cache-dir "$work/customs" --skip-db-update --quiet -o /dev/null "\$@"
SH
chmod +x "$work/customs_run"
# trivy_run IMAGE cold|warm ARGS...: a cold run starts from an empty Trivy cache
cat > "$work/trivy_run" <<SH
#!/usr/bin/env bash
img=\$1; temp=\$2; shift 2
[ "\$temp" = cold ] && rm -rf "$work/trivy"
exec "$trivy" image --input "$cache/docker-archive/\$img.tar" --cache-dir "$work/trivy" --skip-db-update --skip-java-db-update --skip-policy-update --offline-scan -q -o /dev/null "\$@"
SH
chmod +x "$work/trivy_run"

{
  echo "# Benchmark results"
  echo
  echo "Run on $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB, $(uname -m); customs $("$root/bin/customs" --version), Trivy 0.44.1;"
  echo "median of $runs runs each (one unmeasured warm-up before each measured run); wall seconds and peak RSS (MiB)."
  echo "Cold runs use \`--no-cache\` (customs) and a fresh cache dir per run (Trivy); floor = \`gzip -dc | tar -t\` over the same layers."
  echo "Trivy runs \`--scanners secret --list-all-pkgs -f json\` in every mode: offline, without its databases, nothing else of it starts."
  echo
  echo "| image | mode | customs s | customs MiB | Trivy s | Trivy MiB | customs/Trivy time | customs/Trivy RSS | customs/floor |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for img in $images; do
    read -r fs _ < <(measure bash -c "floor $img")
    for mode in inventory vuln all warm; do
      case $mode in
        inventory) c=(--scanners none -f cyclonedx --no-cache); t=(--scanners secret --list-all-pkgs -f json);;
        vuln)      c=(--scanners vuln -f json --no-cache);      t=(--scanners secret --list-all-pkgs -f json);;
        all)       c=(--scanners vuln,secret -f json --no-cache); t=(--scanners secret --list-all-pkgs -f json);;
        warm)      "$work/customs_run" "$img" --scanners vuln,secret -f json >/dev/null 2>&1; c=(--scanners vuln,secret -f json); t=(--scanners secret --list-all-pkgs -f json);;
      esac
      read -r cs ck < <(measure "$work/customs_run" "$img" "${c[@]}")
      read -r ts tk < <(measure "$work/trivy_run" "$img" "$([ "$mode" = warm ] && echo warm || echo cold)" "${t[@]}")
      python3 - "$img" "$mode" "$cs" "$ck" "$ts" "$tk" "$fs" <<'PY'
import sys
img, mode, cs, ck, ts, tk, fs = sys.argv[1:]
cs, ts, fs = float(cs), float(ts), float(fs)
ck, tk = int(ck) / 1024, int(tk) / 1024
print(f"| {img} | {mode} | {cs:.2f} | {ck:.0f} | {ts:.2f} | {tk:.0f} | {cs/ts:.2f} | {ck/tk:.2f} | {cs/fs if fs else 0:.2f} |")
PY
    done
  done
} | tee "$root/bench/RESULTS.md.new"
# Keep the hand-written analysis (everything from "## Analysis" on) below the new table.
if [ -f "$root/bench/RESULTS.md" ]; then sed -n '/^## Analysis/,$p' "$root/bench/RESULTS.md" | { read -r l && { echo; echo "$l"; cat; }; } >> "$root/bench/RESULTS.md.new" || true; fi
mv "$root/bench/RESULTS.md.new" "$root/bench/RESULTS.md"
