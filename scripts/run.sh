#!/usr/bin/env bash
# Install what KneeAid needs and serve it: bash scripts/run.sh [--host H] [--port P]
. "$(dirname "$0")/setup.sh" requirements.txt
install_pdf_libraries
exec .venv/bin/python app.py "$@"
