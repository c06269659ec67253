#!/usr/bin/env bash
# Installs what the browser tests (pytest -m browser) need: Debian's Chromium and its
# matching chromedriver, Selenium in the project's virtual environment, and axe-core (the
# accessibility checker the tests inject) from the npm registry into .cache/axe/, which git
# ignores. Debian's and npm's packages are used because nothing outside the package
# registries can be downloaded (Selenium Manager, Playwright's browser builds and CDNs would
# fail). Safe to run again: each step is skipped when its result is there.
#   bash scripts/install_browser.sh          everything
#   bash scripts/install_browser.sh --axe    axe-core only
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_DIR=.cache/axe
AXE_VERSION="${AXE_VERSION:-4}"

install_axe() {
  if [ -s "$AXE_DIR/axe.min.js" ]; then
    echo "axe-core: $(head -c 200 "$AXE_DIR/axe.min.js" | grep -o 'axe v[0-9.]*' || echo present)"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends npm
  fi
  mkdir -p "$AXE_DIR"
  # the whole .cache folder stays out of git, whatever the top-level .gitignore says
  [ -f .cache/.gitignore ] || printf '*\n' > .cache/.gitignore
  local tmp tarball
  tmp="$(mktemp -d)"
  tarball="$(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" | tail -n 1)"
  tar -xzf "$tmp/$tarball" -C "$tmp" package/axe.min.js package/package.json
  cp "$tmp/package/axe.min.js" "$AXE_DIR/axe.min.js.part"
  cp "$tmp/package/package.json" "$AXE_DIR/package.json"
  mv "$AXE_DIR/axe.min.js.part" "$AXE_DIR/axe.min.js"  # never half a file for the tests to read
  rm -rf "$tmp"
  echo "axe-core $(grep -m1 '"version"' "$AXE_DIR/package.json" | tr -dc '0-9.') in $AXE_DIR"
}

if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO=sudo
else
  SUDO=
fi

if [ "${1:-}" = "--axe" ]; then
  install_axe
  exit 0
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

install_axe

/usr/bin/chromium --version 2>/dev/null
/usr/bin/chromedriver --version
