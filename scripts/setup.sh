# Sourced by quickstart.sh and test.sh: installs whatever is missing on a Debian/Ubuntu machine
# (Python 3 with PyTorch and NumPy from Debian's python3-torch, jsonschema, Redis, the npm packages), and
# exports PYTHON_BIN. Each step is skipped when its part is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install: $* (no apt-get on this machine)" >&2
    return 1
  fi
  [ "$APT_UPDATED" = 1 ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
  echo "setup: apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Python with torch: Debian's python3-torch is built for /usr/bin/python3, which need not be the
# python3 first on PATH (pyenv, conda), so look for an interpreter that really imports torch.
find_python() {
  for p in "${PYTHON_BIN:-}" /usr/bin/python3 python3; do
    [ -n "$p" ] && "$p" -c 'import torch, numpy' >/dev/null 2>&1 && { echo "$p"; return 0; }
  done
  return 1
}
if ! PYTHON_BIN=$(find_python); then
  apt_install python3 python3-torch python3-numpy
  PYTHON_BIN=$(find_python) || { echo "setup: no Python with torch and numpy found" >&2; exit 1; }
fi
export PYTHON_BIN
# Every run spec is checked against the bridge contract (python/fsdfm/contract) with jsonschema.
"$PYTHON_BIN" -c 'import jsonschema' >/dev/null 2>&1 || apt_install python3-jsonschema

command -v redis-server >/dev/null || apt_install redis-server

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The dashboard the api serves at / (npm ci builds it too; this catches a pull that changed web/).
npm run --silent build:web >/dev/null
