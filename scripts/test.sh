#!/usr/bin/env bash
# Install what the tests need (Chromium, PostgreSQL and Redis included) and run every test.
. "$(dirname "$0")/setup.sh" requirements-test.txt
if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium
fi
install_postgresql
install_redis
install_pdf_libraries
install_poppler
.venv/bin/ruff check .
# Three workers (pytest-xdist) on the 2-core CI machine: the tests wait more than they compute
# (servers starting, browsers, kills), so a third overlaps the waits (clean clone: pytest 267 s
# against 295 s with two). An idle worker takes tests from a busy one (worksteal); -n 0 runs in one process.
exec .venv/bin/python -m pytest -n 3 --dist worksteal "$@"
