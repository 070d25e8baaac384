"""The shared mock from its command line: the exposure warning, secrets kept out of output, seed hrefs."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from mock_server.access.auth import exposure_warning
from mock_server.config.settings import Settings
from tests.support.mock.sharing_cli import TIMEOUT_S, running_cli

TOKEN = "api-token-0123456789"
CONTROL = "control-token-0123456789"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


@pytest.mark.parametrize(
    ("host", "environ", "left_open"),
    [
        ("0.0.0.0", {}, "without authentication of the API and /_mock/*;"),
        ("192.0.2.10", {"api_token": TOKEN}, "without authentication of /_mock/*;"),
        ("::", {"control_token": CONTROL}, "without authentication of the API;"),
        ("127.0.0.1", {}, None),
        ("::1", {}, None),
        ("localhost", {}, None),
        ("0.0.0.0", {"api_key": TOKEN, "control_token": CONTROL}, None),
    ],
)
def test_the_exposure_warning(host: str, environ: dict[str, str], left_open: str | None) -> None:
    warning = exposure_warning(Settings(host=host, **environ))
    assert (warning is None) is (left_open is None)
    if left_open is not None:
        assert warning is not None
        assert warning.startswith(f"tmf622-mock: warning: listening on {host}, beyond this machine")
        assert left_open in warning


def test_beyond_loopback_one_warning_line_and_secrets_never_written_out() -> None:
    """The real command: one warning on stderr; credentials appear in no output and no journal entry."""
    environ = {"TMF622_MOCK_API_TOKEN": TOKEN}
    with running_cli("--host", "0.0.0.0", environ=environ) as cli, requests.Session() as http:
        assert http.post(f"{cli.url}/productOrder", json=ORDER, timeout=TIMEOUT_S).status_code == 401
        authorized = {"Authorization": f"Bearer {TOKEN}"}
        created = http.post(f"{cli.url}/productOrder", json=ORDER, headers=authorized, timeout=TIMEOUT_S)
        assert created.status_code == 201
        journal = http.get(f"{cli.url.split('/tmf-api')[0]}/_mock/requests", timeout=TIMEOUT_S)
    assert [entry["headers"].get("Authorization") for entry in journal.json()] == [None, "Bearer ***"]
    assert TOKEN not in journal.text
    [warning] = [line for line in cli.lines if "warning" in line]
    assert "without authentication of /_mock/*;" in warning
    assert TOKEN not in cli.stderr


def test_seeded_orders_get_the_same_absolute_href_as_created_ones(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("productOrder:\n  - id: seeded-1\n    productOrderItem: [{id: '1', action: add}]\n")
    with running_cli("--host", "127.0.0.1", "--seed", str(seed)) as cli:
        seeded = requests.get(f"{cli.url}/productOrder/seeded-1", timeout=TIMEOUT_S).json()
        created = requests.post(f"{cli.url}/productOrder", json=ORDER, timeout=TIMEOUT_S).json()
    assert seeded["href"] == f"{cli.url}/productOrder/seeded-1"
    assert created["href"] == f"{cli.url}/productOrder/{created['id']}"
