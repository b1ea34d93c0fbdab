#!/usr/bin/env bash
# The engine (sim/) knows no mechanism: it includes nothing from models/ or apps/, and no file
# in it names a salon, a shop, a shuttle or food (the project's name aside). The test programs
# enforce the rest: sim_tests links the engine library alone (tests/CMakeLists.txt).
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
if includes=$(grep -rnE '#include "(models|apps)/' sim/); then
  echo "sim/ includes models/ or apps/:"
  echo "$includes"
  status=1
fi
if words=$(grep -rniP 'salon(?!sim)|mobile.?shop|shuttle|food' sim/); then
  echo "sim/ names a mechanism:"
  echo "$words"
  status=1
fi
if ((status == 0)); then
  echo "1 passed, 0 failed"
else
  echo "0 passed, 1 failed"
fi
exit $status
