#!/usr/bin/env bash
# scripts/setup.sh prints one line per phase and keeps apt's output in a log, shown only when a
# phase fails. Runs it against stand-ins for dpkg-query (every package missing) and apt-get
# (pages of output; failing when asked), so nothing is installed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
cat >"$fake/dpkg-query" <<'STUB'
#!/bin/sh
exit 1
STUB
cat >"$fake/apt-get" <<'STUB'
#!/bin/sh
i=0; while [ $i -lt 300 ]; do echo "Unpacking libsomething-$i (1.0) ..."; i=$((i + 1)); done
[ "$1" = install ] && [ -n "${FAIL_INSTALL:-}" ] && { echo "E: Unable to locate package nothing"; exit 100; }
exit 0
STUB
cat >"$fake/sudo" <<'STUB'
#!/bin/sh
exec "$@"
STUB
chmod +x "$fake"/*
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$fake/out"; exit 1; }

PATH="$fake:$PATH" TMPDIR="$fake" "$repo/scripts/setup.sh" >"$fake/out" 2>&1 || fail "setup.sh failed"
lines=$(wc -l <"$fake/out")
[[ $lines -eq 2 ]] || fail "expected 2 lines (one per phase), got $lines"
grep -q '^salonsim: updating the package lists' "$fake/out" || fail "no update line"
grep -q '^salonsim: installing [0-9]* Debian packages: build-essential' "$fake/out" || fail "no install line"
ls "$fake"/salonsim-setup.*.log >/dev/null 2>&1 && fail "the log was kept after success"

if PATH="$fake:$PATH" TMPDIR="$fake" FAIL_INSTALL=1 "$repo/scripts/setup.sh" >"$fake/out" 2>&1; then
  fail "setup.sh succeeded though apt-get install failed"
fi
grep -q '^salonsim: failed while installing' "$fake/out" || fail "no failure line"
grep -q 'E: Unable to locate package nothing' "$fake/out" || fail "the log's end was not shown"
ls "$fake"/salonsim-setup.*.log >/dev/null 2>&1 || fail "the log was not kept after a failure"
echo "setup.sh: quiet on success (2 lines), the log's end on failure"
