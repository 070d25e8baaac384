#!/usr/bin/env bash
# The benchmark in one command: installs what it needs, then runs `python -m bench` with the given
# arguments (--quick for a short run, --tiny for a smoke run; see bench/README.md).
#
# Installs, each only when missing: the project's venv with the `bench` extra (uvloop, orjson, psutil,
# matplotlib, py-spy; scripts/bootstrap.sh bench) and wrk from Debian (as root). Without wrk the harness
# falls back to its Python load generator and says so in the results.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'bench: %s\n' "$*" >&2; }

scripts/bootstrap.sh bench  # the venv with the bench extra, Newman (no-op when up to date)

if ! command -v wrk >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing wrk from Debian"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || log "wrk install failed"
    fi
    command -v wrk >/dev/null || log "wrk unavailable: using the Python load generator (slower)"
fi

# BENCH_MODULE=bench.ab: this mock against another commit's (`make bench-ab BEFORE=<ref>`).
exec .venv/bin/python -m "${BENCH_MODULE:-bench}" "$@"
