#!/usr/bin/env bash
# Checks that the packages customs reports are a superset of what Trivy 0.44.1
# reports on the shared images (run by hand: root, ../shared beside the repo).
#   bash bench/inventory-vs-trivy.sh [IMAGE...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CUSTOMS_TEST_IMAGES:-${TMPDIR:-/tmp}/customs-images}
images=${*:-debian-bullseye debian-bookworm debian-trixie node-app polyglot distroless alpine-amd64}
bash "$root/../shared/images/build-images.sh" "$cache" ${images//big-bookworm/} >/dev/null
case " $images " in *" big-bookworm "*) bash "$root/bench/big-image.sh" "$cache" >/dev/null;; esac
trivy=$(bash "$root/bench/trivy.sh")
tcache=$(mktemp -d); trap 'rm -rf "$tcache"' EXIT
for img in $images; do
  "$trivy" image --cache-dir "$tcache" --skip-db-update --skip-java-db-update --skip-policy-update --offline-scan \
    --scanners secret --list-all-pkgs -f json -q --input "$cache/docker-archive/$img.tar" -o "$tcache/$img.trivy.json"
  "$root/bin/customs" image --input "$cache/docker-archive/$img.tar" --scanners none -f json --list-all-pkgs \
    --include-dev-deps --no-cache --quiet > "$tcache/$img.customs.json"
  python3 - "$img" "$tcache/$img.trivy.json" "$tcache/$img.customs.json" <<'PY'
import json, sys
img, tfile, cfile = sys.argv[1:]
def full(p):
    v = p['Version'] + ('-' + p['Release'] if p.get('Release') else '')
    return f"{p['Epoch']}:{v}" if p.get('Epoch') else v
t = {(r['Type'], p['Name'], full(p), p.get('FilePath', '')) for r in json.load(open(tfile)).get('Results', []) for p in r.get('Packages') or []}
c = {(p['Name'], p['Version']) for r in json.load(open(cfile))['Results'] for p in r.get('Packages', [])}
missing = sorted(x for x in t if (x[1], x[2]) not in c)
print(f"{img}: trivy {len(t)} packages, customs {len(c)} distinct name@version; in trivy only: {len(missing)}")
for m in missing: print('   ', *m)
PY
done
