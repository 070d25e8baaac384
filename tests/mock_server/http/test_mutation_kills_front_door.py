"""The front door's order as a client sees it: credentials are asked before any fault is injected.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from tests.support.mock.mock_helpers import TIMEOUT_S, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

TOKEN = "api-token-0123456789"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


def test_an_unauthenticated_request_gets_401_not_an_injected_fault(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    rules = tmp_path / "faults.yaml"
    rules.write_text(yaml.safe_dump({"rules": [{"route": "/**", "status": 503}]}), encoding="utf-8")
    api = make_api(api_token=TOKEN, faults_file=str(rules))
    url = api.url("productOrder")
    assert_error(api.http.post(url, json=ORDER, timeout=TIMEOUT_S), 401, "needs credentials")
    authorized = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(api.http.post(url, json=ORDER, headers=authorized, timeout=TIMEOUT_S), 503)
