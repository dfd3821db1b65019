#!/usr/bin/env bash
# Quick start (a): install what is missing, then run the service on embedded defaults (PGlite,
# a private Redis, one CPU worker) and a demo pipeline. Ctrl-C stops it.
source "$(dirname "$0")/setup.sh"
exec node bin/fsdfm.js up --demo "$@"
