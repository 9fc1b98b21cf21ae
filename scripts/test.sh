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
# Two workers (pytest-xdist), one per core of the 2-core CI machine, an idle one taking tests
# from the busy one (worksteal); -n 0 runs in one process.
exec .venv/bin/python -m pytest -n 2 --dist worksteal "$@"
