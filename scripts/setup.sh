# Sourced by run.sh and test.sh: makes .venv with the given requirements file.
# Usage: . scripts/setup.sh requirements.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    rm -rf .venv
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3-venv
    python3 -m venv .venv
  fi
fi
# uv (Astral's installer, pinned) installs the pinned packages in about 2 s where pip took 15 on
# a clean clone: it unpacks wheels in parallel. The same versions either way (requirements*.txt).
.venv/bin/python -m pip install --quiet --no-compile --disable-pip-version-check uv==0.13.8
.venv/bin/uv pip install --quiet --python .venv/bin/python -r "$1"
# Bytecode is compiled after the install, on every core (the installers do not compile it). Made
# here, not at each import: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines), every
# Python process would otherwise compile Flask and the rest again, 0.45 s a start, and the tests
# start a hundred app processes. A second run only compares dates.
.venv/bin/python -m compileall -q -j 0 .venv/lib kneeaid app.py >/dev/null

# PostgreSQL's server programs (Debian's `postgresql`), for the tests and the benchmark of the
# PostgreSQL backend; scripts/postgres_server.py finds them on PATH or in /usr/lib/postgresql/*/bin.
install_postgresql() {
  if ! command -v initdb >/dev/null && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  fi
}

# Redis's server (Debian's `redis-server`), for the tests of the per-address limits shared between
# app processes; scripts/redis_server.py starts a throwaway one.
install_redis() {
  if ! command -v redis-server >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
  fi
}

# What WeasyPrint needs to make the summary's PDF (Debian's Pango), and fonts for the notes people
# write: DejaVu (Latin, Cyrillic, Greek, Hebrew, Arabic), WenQuanYi Micro Hei (Chinese, Japanese,
# Korean; 1.6 MB) and Lohit Devanagari (Hindi). A character no font has prints as a box, and the
# server logs one line for the PDF (kneeaid/diary/pdf.py).
install_pdf_libraries() {
  # grep reads to the end (no -q): with pipefail, a writer cut short would count as "missing".
  local fonts
  fonts=$({ fc-list 2>/dev/null || true; })
  if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep "libpangoft2-1.0.so.0" >/dev/null \
      || ! grep -i "DejaVu Sans" >/dev/null <<<"$fonts" || ! grep -i "WenQuanYi Micro Hei" >/dev/null <<<"$fonts" \
      || ! grep -i "Lohit Devanagari" >/dev/null <<<"$fonts"; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
      fonts-dejavu-core fonts-wqy-microhei fonts-lohit-deva
    # Fonts already installed but missing from a stale fontconfig cache are not installed again
    # (apt does nothing, so its trigger does not run): the PDF would fall back to another font.
    as_root fc-cache -f >/dev/null 2>&1 || true
  fi
}

# pdftotext and pdftoppm (Debian's poppler-utils): the tests read the PDF back with them.
install_poppler() {
  if ! command -v pdftotext >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils
  fi
}

# Biome, the scripts' linter (package.json pins it, package-lock.json locks it), from the npm
# registry: Node and npm from Debian when missing. The app itself never needs Node.
install_js_linter() {
  if ! command -v npm >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
  if [ ! -x node_modules/.bin/biome ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --silent --no-audit --no-fund
  fi
}
