#!/usr/bin/env bash
# Installs what a make target needs: .venv with the project (and the extras named), the pinned Node tools.
#
#   scripts/bootstrap.sh             the runtime (make ctk): both commands, the Allure CLI
#   scripts/bootstrap.sh dev         + the dev tools, the PostgreSQL driver, Newman, PostgreSQL (make test)
#   scripts/bootstrap.sh bench       + the bench extra, the PostgreSQL driver, Newman (make bench)
#
# Idempotent and fast on a second run: the project and each extra have a stamp file, and each part is
# skipped while its stamp is newer than the files that describe it (pyproject.toml for .venv,
# package.json + package-lock.json for node_modules). Installing prints one line per step and pip's
# own "Collecting ..." lines; a failing installer's full output is shown.
# apt-get is used only when python3-venv, node/npm or PostgreSQL are really missing, and only as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
KNOWN_EXTRAS=(dev bench postgresql)
EXTRAS=("$@")

log() { printf 'bootstrap: %s\n' "$*" >&2; }

for extra in "${EXTRAS[@]}"; do
    [[ " ${KNOWN_EXTRAS[*]} " == *" $extra "* ]] || { log "unknown extra '$extra' (known: ${KNOWN_EXTRAS[*]})"; exit 2; }
done

# Runs an installer showing only the lines matching $2 (its progress); its full output when it fails,
# and then its exit status (with_progress: the script's end).
try_with_progress() {
    local pattern=$1 output status
    shift
    output=$(mktemp)
    set +e
    "$@" 2>&1 | tee "$output" | grep --line-buffered -E "$pattern" | sed -u 's/^/    /' >&2
    status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        cat "$output" >&2
        log "failed: $*"
    fi
    rm -f "$output"
    return "$status"
}

with_progress() {
    try_with_progress "$@" || exit 1
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

py_stamp() { printf '%s/.tmf622-bootstrap%s.stamp' "$VENV" "${1:+-$1}"; }

bootstrap_python() {
    local missing=() extra spec=.
    is_fresh "$(py_stamp)" pyproject.toml && [[ -x $VENV/bin/tmf622-ctk ]] || missing+=(runtime)
    for extra in "${EXTRAS[@]}"; do
        is_fresh "$(py_stamp "$extra")" pyproject.toml || missing+=("$extra")
    done
    [[ ${#missing[@]} -gt 0 ]] || return 0
    ensure_venv
    if [[ ${#EXTRAS[@]} -gt 0 ]]; then
        spec=".[$(IFS=,; echo "${EXTRAS[*]}")]"
    fi
    log "installing the project into $VENV (-e '$spec'; missing: ${missing[*]})"
    install_project "$spec"
    forget_rfc3987_syntax
    touch "$(py_stamp)"
    for extra in "${EXTRAS[@]}"; do
        touch "$(py_stamp "$extra")"
    done
    # The dev and bench extras pull in the postgresql one.
    if [[ " ${EXTRAS[*]} " == *" dev "* || " ${EXTRAS[*]} " == *" bench "* ]]; then
        touch "$(py_stamp postgresql)"
    fi
}

# With the dev or bench tools (about 90 packages), uv installs the same packages from the same index as
# pip in a fraction of the time (a fresh clone's `make test`: about 40 s with pip on 2 cores). It is one
# wheel, put into the venv by pip; the runtime alone (`make ctk`) is left to pip, so that its venv holds
# what the CTK needs only. uv reads no pip configuration: where it cannot install (a private index only
# pip is told about, no wheel for this platform), pip does it, as before.
install_project() {
    local spec=$1
    if [[ ${#EXTRAS[@]} -gt 0 ]]; then
        if "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --progress-bar off 'uv>=0.4' \
            && UV_LINK_MODE=copy try_with_progress '^(Resolved|Prepared|Installed|Uninstalled|error)' \
                "$VENV/bin/uv" pip install --python "$VENV/bin/python" -e "$spec"; then
            return
        fi
        log "uv could not install the project: installing it with pip"
    fi
    with_progress '^(Collecting|Installing collected|Successfully installed|ERROR)' \
        "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e "$spec"
}

# A venv made before jsonschema's format-nongpl extra was dropped still holds rfc3987-syntax, and
# jsonschema imports it whenever present (its grammar: 3 s at every start). Nothing of ours needs it.
forget_rfc3987_syntax() {
    if "$VENV/bin/python" -m pip show -q rfc3987-syntax >/dev/null 2>&1; then
        log "removing rfc3987-syntax (left by an older install; jsonschema would build its grammar at every start)"
        "$VENV/bin/python" -m pip uninstall -y -q rfc3987-syntax
    fi
}

# node_modules: the Allure CLI always; Newman (a devDependency) for the tests and the bench.
bootstrap_node() {
    local runtime_stamp=node_modules/.tmf622-bootstrap.stamp dev_stamp=node_modules/.tmf622-bootstrap-dev.stamp
    local want_dev=0 omit=(--omit=dev)
    [[ " ${EXTRAS[*]} " == *" dev "* || " ${EXTRAS[*]} " == *" bench "* ]] && want_dev=1
    if is_fresh "$dev_stamp" package.json package-lock.json && [[ -x node_modules/.bin/newman ]]; then
        return
    fi
    if [[ $want_dev -eq 0 ]] && is_fresh "$runtime_stamp" package.json package-lock.json \
        && [[ -x node_modules/.bin/allure ]]; then
        return
    fi
    [[ $want_dev -eq 1 ]] && omit=()
    local tools="allure"
    [[ $want_dev -eq 1 ]] && tools="allure, newman, the Cypress stand-in's packages"
    log "installing Node tools (npm ci${omit[*]:+ ${omit[*]}}: $tools)"
    with_progress '^(added|removed|npm (error|ERR))' npm ci --no-audit --no-fund "${omit[@]}"
    touch "$runtime_stamp"  # npm ci empties node_modules first: both stamps are rewritten here
    [[ $want_dev -eq 1 ]] && touch "$dev_stamp"
    return 0
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

# Node and npm first, so that apt-get never runs twice at once (python3-venv is checked in bootstrap_python).
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    apt_install nodejs npm
fi
# npm and pip download and unpack at the same time: a fresh clone's install waits for the longer one only.
bootstrap_node &
node_job=$!
trap 'wait 2>/dev/null' EXIT  # a failed pip install still lets npm finish rather than leave it running
bootstrap_python
wait "$node_job"
if [[ " ${EXTRAS[*]} " == *" dev "* ]]; then
    bootstrap_postgresql
fi
