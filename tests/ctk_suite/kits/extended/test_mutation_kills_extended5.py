"""The v5 extended PATCH checks judge what the server stored, not only what it answered.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from tests.support.app_thread import serving_app
from tests.support.extended5_helpers import check_reasons
from tests.support.fakes.v5 import BASE_PATH, EXTENDED, FakeV5

PATCH_CHECKS = ("TMF622-v5-PATCH-MERGE", "TMF622-v5-PATCH-JSON", "TMF622-v5-PATCH-QUERY", "TMF622-v5-DRAFT")


class ForgetfulFake(FakeV5):
    """Answers every PATCH with the patched order, then forgets the change: a read-back shows the old one."""

    async def patch(self, request: web.Request) -> web.Response:
        stored = copy.deepcopy(self.orders)
        answer = await super().patch(request)
        self.orders = stored
        return answer


@contextmanager
def serving_forgetful() -> Iterator[str]:
    with serving_app(ForgetfulFake(EXTENDED, frozenset()).app(), BASE_PATH) as url:
        yield url


def patch_reasons(url: str) -> dict[str, str | None]:
    """The reason each PATCH check gives (None: passed), evaluated alone as a run with `-k` would."""
    return check_reasons(url, PATCH_CHECKS)


def test_a_patch_answered_but_never_stored_fails_each_patch_check() -> None:
    with serving_forgetful() as url:
        reasons = patch_reasons(url)
    assert all(reasons[check] for check in PATCH_CHECKS), reasons
    assert "$.description" in str(reasons["TMF622-v5-PATCH-MERGE"])
    assert "$.state" in str(reasons["TMF622-v5-DRAFT"])
