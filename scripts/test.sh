#!/usr/bin/env bash
# The tests, whole or in parts (docs/testing.md):
#   bash scripts/test.sh                  install what they need (Chromium, PostgreSQL, Redis...) and run
#                                         every test, as CI does; other arguments go to pytest (-k offline)
#   bash scripts/test.sh fast             the tests that need no browser, no PostgreSQL and no app processes
#                                         of their own, installing nothing (under a minute)
#   bash scripts/test.sh unit|app|storage|browser [pytest arguments]
#                                         one folder of tests/, installing nothing
#   bash scripts/test.sh lint             ruff check, ruff format --check, and Biome on the scripts
set -euo pipefail
cd "$(dirname "$0")/.."

installed() {
  if [ ! -x .venv/bin/pytest ] || [ ! -x node_modules/.bin/biome ]; then
    echo "Run 'bash scripts/test.sh' once first: it installs what the tests need." >&2
    exit 2
  fi
}

lint() {
  .venv/bin/ruff check .
  .venv/bin/ruff format --check --quiet .
  node_modules/.bin/biome lint --error-on-warnings  # the scripts in static/js (biome.jsonc)
}

# Three workers (pytest-xdist) on the 2-core CI machine: the tests wait more than they compute
# (servers starting, browsers, kills), so a third overlaps the waits. An idle worker takes tests
# from a busy one (worksteal); a later -n wins (-n 0 runs in one process).
PYTEST=(.venv/bin/python -m pytest -n 3 --dist worksteal)

case "${1:-}" in
  fast)
    shift; installed
    exec "${PYTEST[@]}" -m "not browser and not postgres and not processes" "$@" ;;
  unit | app | storage | browser)
    part=$1; shift; installed
    exec "${PYTEST[@]}" "tests/$part" "$@" ;;
  lint)
    installed; lint; exit ;;
esac

. scripts/setup.sh requirements-test.txt
if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium
fi
install_postgresql
install_redis
install_pdf_libraries
install_poppler
install_js_linter
lint
exec "${PYTEST[@]}" "$@"
