#!/usr/bin/env bash
# The whole test suite: lint, then pytest (the tests start the range, browsers and search nodes they need).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
