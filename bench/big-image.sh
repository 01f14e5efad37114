#!/usr/bin/env bash
# Builds the scaling row's large image (issue #9: >= 1.5 GB) the way the shared
# scripts build theirs: buildah, FROM the shared bookworm base, real Debian
# packages (a JDK, Maven and Gradle with their hundreds of jars, LibreOffice,
# Clang/LLVM, Boost, SciPy) spread over several layers: 2.6 GB unpacked, 940 MB
# compressed. Writes the OCI layout CACHE/oci/big-bookworm and the docker-archive
# CACHE/docker-archive/big-bookworm.tar (for Trivy); a second run does nothing.
#   bash bench/big-image.sh [CACHE]     (root; default CACHE: $TMPDIR/customs-images)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${CUSTOMS_TEST_IMAGES:-${TMPDIR:-/tmp}/customs-images}}
out="$cache/oci/big-bookworm"
archive="$cache/docker-archive/big-bookworm.tar"
[ -f "$out/index.json" ] && [ -f "$archive" ] && { echo "$out"; exit 0; }
bash "$root/../shared/images/build-images.sh" "$cache" debian-bookworm >/dev/null 2>&1
driver=$(cat "$cache/store/.fixture-driver")
B=(buildah --root "$cache/store" --runroot "$cache/run" --storage-driver "$driver")
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
cat > "$ctx/Containerfile" <<'CF'
FROM localhost/fixtures/debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven gradle && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends libreoffice-core libreoffice-java-common && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends clang-14 llvm-14-dev && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends libboost-all-dev python3-scipy && rm -rf /var/lib/apt/lists/*
CF
BUILDAH_ISOLATION=chroot "${B[@]}" bud --layers --pull=false --isolation chroot --network host --no-hosts --format oci -t localhost/fixtures/big-bookworm:1.0 "$ctx" >&2
rm -rf "$out.tmp" "$archive.tmp" "$out"
"${B[@]}" push --quiet localhost/fixtures/big-bookworm:1.0 "oci:$out.tmp:1.0"
"${B[@]}" push --quiet localhost/fixtures/big-bookworm:1.0 "docker-archive:$archive.tmp:localhost/fixtures/big-bookworm:1.0"
mv "$out.tmp" "$out"; mv "$archive.tmp" "$archive"
echo "$out"
