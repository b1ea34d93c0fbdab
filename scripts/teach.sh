#!/usr/bin/env bash
# For teachers: installs what is missing (with Node.js for the page's libraries), builds, and
# starts the teaching demo at http://127.0.0.1:8080/ (another port: SALONSIM_PORT=8090), opening
# it in the desktop's browser where there is one. Ctrl+C stops it. Extra arguments go to
# `salonsim serve`, e.g. a scenario of your own: scripts/teach.sh scenarios/rural-sparse.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --web
scripts/build.sh
port=${SALONSIM_PORT:-8080}
url="http://127.0.0.1:$port/"
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && command -v xdg-open >/dev/null; then
  # Once the server answers (it prints the address when it does).
  (for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then xdg-open "$url" >/dev/null 2>&1; break; fi
    sleep 0.2
  done) &
fi
exec build/salonsim serve --port "$port" "$@"
