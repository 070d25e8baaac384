"""`TMF622_PG_CLUSTER`: a test session joins a running cluster (`make mutate` starts one per module run),
makes its schemas there under names of its own, drops them at its end and leaves the cluster running."""

from __future__ import annotations

import os

import pytest

from tests.support.mock.pg_helpers import SHARED_ENV, Cluster

SCHEMAS = "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname"


def test_a_joined_cluster_keeps_running_and_loses_only_the_schemas_made_in_it(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SHARED_ENV, str(pg_cluster.root))
    joined = Cluster.for_session()
    made = [joined.new_schema(), joined.new_schema()]
    assert made == [f"t{os.getpid()}_0", f"t{os.getpid()}_1"]  # apart from another session's
    joined.drop_schema(made[1])
    assert joined.new_schema() == made[1]  # emptied and reused, as in a cluster of its own
    pattern = f"t{os.getpid()}\\_%"
    assert [row[0] for row in pg_cluster.admin().execute(SCHEMAS, (pattern,))] == made
    joined.stop()
    assert pg_cluster.admin().execute(SCHEMAS, (pattern,)).fetchall() == []
    assert pg_cluster.admin().execute("SELECT 1").fetchone() == (1,)  # still running
    assert (pg_cluster.root / "data").is_dir()


def test_a_cluster_that_is_not_there_is_a_skip_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> None:
    monkeypatch.setenv(SHARED_ENV, str(tmp_path))
    monkeypatch.delenv("TMF622_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"{SHARED_ENV}={tmp_path}: no PostgreSQL server answers"):
        Cluster.for_session()
