#!/usr/bin/env bash
# Installs, from Debian's archive, the real services the integration tests
# start on their own sockets and ports: dockerd, podman, containerd, a
# registry (docker-registry) and PostgreSQL; and botocore, whose AWS API models check customs' ASFF.
# Nothing is started here; each test starts what it needs in a temporary
# directory and stops it. Needs root; without it, says so and
# leaves the tests to skip.
set -euo pipefail
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v podman >/dev/null || missing+=(podman)
command -v containerd >/dev/null || missing+=(containerd)
command -v docker-registry >/dev/null || missing+=(docker-registry)
python3 -c 'import botocore' 2>/dev/null || missing+=(python3-botocore)
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-test-services: not root, so not installing ${missing[*]}; tests that need them will skip" >&2
  exit 0
fi
echo "install-test-services: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
