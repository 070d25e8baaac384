#!/usr/bin/env bash
# The toolkit as a stranger installs it: build the wheel and the sdist, install each (not editable) into a
# fresh venv, then run both commands from there. Exits non-zero, with the reason, if any step fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=${PYTHON:-python3}
WORK=$(mktemp -d)
trap 'kill "${MOCK_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
log() { printf 'wheel-smoke: %s\n' "$*" >&2; }

log "building the sdist and the wheel (PyPA build, isolated)"
"$PY" -m venv "$WORK/build-venv"
"$WORK/build-venv/bin/pip" install -q --disable-pip-version-check build
"$WORK/build-venv/bin/python" -m build -q --sdist --wheel -o "$WORK/dist" . >/dev/null

for kind in wheel sdist; do
    venv="$WORK/venv-$kind"
    "$PY" -m venv "$venv"
    if [[ $kind == wheel ]]; then
        artefact=$(ls "$WORK"/dist/*.whl)
    else
        artefact=$(ls "$WORK"/dist/*.tar.gz)
    fi
    log "installing $(basename "$artefact") into a fresh venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$artefact"
    "$venv/bin/tmf622-ctk" --version
    "$venv/bin/tmf622-mock" --version
    "$venv/bin/python" -m ctk_suite --version
    # The README's example files ship in the package, and the licence with the metadata.
    "$venv/bin/tmf622-ctk" example faults | cmp - scenarios/mock/faults.example.yaml
    "$venv/bin/python" -c "import importlib.metadata as m; assert {'LICENSE', 'NOTICE'} <= {f.name for f in m.files('tmf622-toolkit')}"
    # An unrelated pytest run in the same venv: the pytest11 entry point must stay out of its way.
    mkdir -p "$WORK/other-$kind" && printf 'def test_other():\n    assert 1 + 1 == 2\n' > "$WORK/other-$kind/test_other.py"
    (cd "$WORK/other-$kind" && "$venv/bin/python" -m pytest -q -p no:cacheprovider test_other.py)
    out="$WORK/ctk-$kind"
    (cd "$WORK" && "$venv/bin/tmf622-ctk" --reports-dir "$out" --no-allure-html -- -q) > "$WORK/ctk-$kind.log"
    grep -q "CTK 4.0.0: 9 requests, 63 assertions, 0 failed" "$WORK/ctk-$kind.log" \
        || { cat "$WORK/ctk-$kind.log"; log "the installed CTK did not pass 63/63"; exit 1; }
    log "$kind: tmf622-ctk passed 63 assertions, 0 failed"
    "$venv/bin/tmf622-mock" --host 127.0.0.1 --port 0 > "$WORK/mock-$kind.log" 2>&1 &
    MOCK_PID=$!
    # Up to 30 s: a fresh venv compiles its bytecode at the first start, slow on a loaded 2-core runner.
    for _ in $(seq 300); do grep -q "listening on" "$WORK/mock-$kind.log" && break; sleep 0.1; done
    url=$(sed -n 's/^tmf622-mock listening on //p' "$WORK/mock-$kind.log")
    [[ -n $url ]] || { cat "$WORK/mock-$kind.log"; log "the installed mock did not start"; exit 1; }
    "$venv/bin/python" -c "import urllib.request,sys; r=urllib.request.urlopen(sys.argv[1]+'/productOrder'); assert r.status==200" "$url"
    kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null || true
    log "$kind: tmf622-mock served $url/productOrder"
done
log "ok: wheel and sdist install and run in clean venvs"
