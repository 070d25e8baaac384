#!/usr/bin/env bash
# Installs what `make ctk` and `make test` need: .venv with the project, and the pinned Node tools.
#
# Idempotent and fast on a second run: each half is skipped while its stamp file is newer than the
# files that describe it (pyproject.toml for .venv, package.json + package-lock.json for node_modules).
# apt-get is used only when python3-venv or node/npm are really missing, and only as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
PY_STAMP="$VENV/.tmf622-bootstrap.stamp"
NODE_STAMP=node_modules/.tmf622-bootstrap.stamp

log() { printf 'bootstrap: %s\n' "$*" >&2; }

# Runs a noisy installer quietly; its full output is shown only when it fails.
quietly() {
    local output
    output=$(mktemp)
    if ! "$@" >"$output" 2>&1; then
        cat "$output" >&2
        rm -f "$output"
        log "failed: $*"
        exit 1
    fi
    rm -f "$output"
}

# True when the stamp exists and is newer than every file given after it.
is_fresh() {
    local stamp=$1 source
    shift
    [[ -f $stamp ]] || return 1
    for source in "$@"; do
        [[ -e $source && $stamp -nt $source ]] || return 1
    done
}

apt_install() {
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        log "missing system packages: $*; install them (e.g. sudo apt-get install -y $*) and retry"
        exit 1
    fi
    log "installing system packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {
    if [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        return
    fi
    log "creating $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian splits ensurepip out of python3 into python3-venv.
        rm -rf "$VENV"
        apt_install python3-venv
        python3 -m venv "$VENV"
    fi
}

bootstrap_python() {
    if is_fresh "$PY_STAMP" pyproject.toml && [[ -x $VENV/bin/tmf622-ctk ]]; then
        return
    fi
    ensure_venv
    log "installing the project into $VENV (pip install -e '.[dev,bench]')"
    quietly "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[dev,bench]'
    touch "$PY_STAMP"
}

bootstrap_node() {
    if is_fresh "$NODE_STAMP" package.json package-lock.json && [[ -x node_modules/.bin/newman ]]; then
        return
    fi
    if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
        apt_install nodejs npm
    fi
    log "installing Node tools (npm ci: newman, allure, the Cypress stand-in's packages)"
    quietly npm ci --no-audit --no-fund
    touch "$NODE_STAMP"
}

# The PostgreSQL store's tests start a throwaway cluster with the server binaries of Debian's package;
# without root or apt-get they skip (CI sets TMF622_REQUIRE_POSTGRES=1 and fails instead).
bootstrap_postgresql() {
    if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null; then
        return
    fi
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        log "PostgreSQL is missing: its store tests will skip (install Debian's postgresql package to run them)"
        return
    fi
    apt_install postgresql
}

bootstrap_python
bootstrap_node
bootstrap_postgresql
