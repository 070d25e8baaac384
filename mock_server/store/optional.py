"""The PostgreSQL store behind its optional driver: imported only when used, refused in one line if absent."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from mock_server.store.base import Catalogue
    from mock_server.store.postgres import PostgresStore

#: Loaded only by a PostgreSQL store: the memory and SQLite mocks never import psycopg (about 0.1 s).
POSTGRES_MODULE = "mock_server.store.postgres"
MISSING_DRIVER = (
    "--store postgresql://... needs the PostgreSQL driver: pip install 'tmf622-toolkit[postgresql]'"
)


class MissingDriver(ValueError):
    """`--store postgresql://...` without the `postgresql` extra installed."""


def require_driver() -> None:
    """MissingDriver (one line, saying what to install) when psycopg or its pool is not installed."""
    if any(importlib.util.find_spec(name) is None for name in ("psycopg", "psycopg_pool")):
        raise MissingDriver(MISSING_DRIVER)


def postgres_store(url: str, catalogue: Catalogue) -> PostgresStore:
    """A PostgreSQL store for `url` keeping `catalogue`'s collections (connected when the app starts)."""
    require_driver()
    from mock_server.store.postgres import PostgresStore  # noqa: PLC0415 - psycopg only when asked for

    return PostgresStore(url, catalogue=catalogue)


def is_postgres(store: object) -> TypeGuard[PostgresStore]:
    """Whether `store` is the PostgreSQL store, without importing psycopg to find out."""
    module = sys.modules.get(POSTGRES_MODULE)
    return module is not None and isinstance(store, module.PostgresStore)
