#!/usr/bin/env bash
# Every benchmark in bench/, one after the other (a few minutes). Each
# measures against a baseline in the same run, alternating the two sides and
# taking medians, so a busy machine does not turn a ratio into a false alarm.
# Usage: bash scripts/bench.sh
. "$(dirname "$0")/setup.sh" requirements-test.txt
if ! command -v wrk >/dev/null; then
  # The load generator of bench/pages.py (Debian's package).
  as_root apt-get update -qq
  as_root apt-get install -y -qq wrk
fi
install_postgresql
if ! command -v npm >/dev/null; then
  # bench/lighthouse.py installs Lighthouse from npm (Debian's nodejs is recent enough).
  as_root apt-get update -qq
  as_root apt-get install -y -qq nodejs npm
fi
# Each prints its goals as met or not; one that misses does not stop the others.
missed=()
for bench in pages first_load page_weight check diary sync_backends summary_pdf summary_limits lighthouse; do
  echo "== bench/$bench.py"
  .venv/bin/python "bench/$bench.py" || missed+=("$bench")
  echo
done
if [ ${#missed[@]} -gt 0 ]; then
  echo "Missed a goal: ${missed[*]}"
  exit 1
fi
