"""A PostgreSQL password never leaves the mock, whichever libpq form carries it (issue 18, item 4).

Seen before: `?password=` kept in the 503 body and on stderr at start, and a key=value conninfo
echoed in the `--store` error. Each form is checked where it used to show.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import requests

from mock_server.config.conninfo import redacted, scrub
from tests.support.mock.sharing_cli import running_cli

SECRET = "hunter2-s3cret"
SSL_SECRET = "key-passphrase-9"
TIMEOUT_S = 20


@pytest.mark.parametrize(
    ("conninfo", "shown"),
    [
        ("postgresql://u:hunter2-s3cret@h/db", "postgresql://u:***@h/db"),
        (
            "postgresql://u@h/db?password=hunter2-s3cret&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
        ),
        ("postgres://h/db?sslpassword=key-passphrase-9", "postgres://h/db?sslpassword=***"),
        ("postgresql://u@h/db?Pass%77ord=hunter2-s3cret", "postgresql://u@h/db?Pass%77ord=***"),
        ("host=h password=hunter2-s3cret dbname=x", "host=h password=*** dbname=x"),
        ("host=h password = 'hunter2-s3cret and \\' more' user=u", "host=h password = *** user=u"),
        ("host=h sslpassword=key-passphrase-9", "host=h sslpassword=***"),
        ("postgresql://h?x=1@y&password=hunter2-s3cret", None),  # `@` after `?`: libpq reads user info
    ],
)
def test_every_libpq_secret_form_is_redacted(conninfo: str, shown: str | None) -> None:
    text = redacted(conninfo)
    assert SECRET not in text
    assert SSL_SECRET not in text
    assert "and \\' more" not in text
    if shown is not None:
        assert text == shown
    held = SECRET if SECRET in conninfo else SSL_SECRET
    assert held not in scrub(f'missing "=" after "{held}" in connection info string', conninfo)


def test_a_key_value_conninfo_is_refused_without_echoing_its_password() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mock_server", "--port", "0", "--store", f"password={SECRET} host=h"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 2
    assert "is not a postgresql://... URL" in done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_an_unreachable_store_is_named_on_stderr_without_its_password() -> None:
    """Nothing listens on port 1: the start fails, and says where it tried, without the secrets."""
    url = f"postgresql://u@127.0.0.1:1/db?connect_timeout=1&password={SECRET}&sslpassword={SSL_SECRET}"
    done = subprocess.run(
        [sys.executable, "-m", "mock_server", "--port", "0", "--store", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot use 'postgresql://u@127.0.0.1:1/db?connect_timeout=1&password=***" in done.stderr
    assert SECRET not in done.stderr
    assert SSL_SECRET not in done.stderr


def test_the_503_after_an_outage_does_not_show_the_password(
    pg_url: Callable[[], str], pg_cluster: Any
) -> None:
    """The throwaway cluster trusts every local client, so the password is carried and never asked."""
    url = f"{pg_url()}&password={SECRET}&sslpassword={SSL_SECRET}"
    with running_cli("--store", url) as cli:
        assert requests.get(f"{cli.url}/productOrder", timeout=TIMEOUT_S).status_code == 200
        pg_cluster.admin().execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        answers = [requests.get(f"{cli.url}/productOrder", timeout=TIMEOUT_S) for _ in range(6)]
        refused = [answer for answer in answers if answer.status_code == 503]
        assert refused, [answer.status_code for answer in answers]
        for answer in refused:
            assert "PostgreSQL store postgresql://postgres@" in answer.text
            assert SECRET not in answer.text
            assert SSL_SECRET not in answer.text
    assert SECRET not in cli.stderr
    assert SSL_SECRET not in cli.stderr
