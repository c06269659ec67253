#!/usr/bin/env bash
# Installs what the browser tests (pytest -m browser) need: Debian's Chromium and its
# matching chromedriver, plus Selenium in the project's virtual environment.
# Debian's packages are used because nothing outside the package registries can be
# downloaded (Selenium Manager and Playwright's own browser builds would fail).
set -euo pipefail

if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO=sudo
else
  SUDO=
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends chromium chromium-driver fonts-dejavu-core
fi

PY="${PYTHON:-.venv/bin/python}"
if [ -x "$PY" ] && ! "$PY" -c "import selenium" 2>/dev/null; then
  "$PY" -m pip install --quiet "selenium>=4.20"
fi

/usr/bin/chromium --version
/usr/bin/chromedriver --version
