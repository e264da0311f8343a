"""The Dask engine gives exactly the local run's output (LocalCluster, two workers)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

import planparse
from planparse.pipeline import analyze

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        yield client


def test_dask_run_equals_local_run(client, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for path in sorted(planparse.sample_path().iterdir())[:30]:
        shutil.copy(path, archive / path.name)
    local = analyze([archive], tmp_path / "local", quiet=True, chunk_files=6)
    distributed = analyze(
        [archive], tmp_path / "dask", quiet=True, chunk_files=6, engine="dask", scheduler=client
    )
    assert local == distributed
    for name in ("items.parquet", "pairs.parquet", "clusters.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "local" / name), pd.read_parquet(tmp_path / "dask" / name)
        )


def test_dask_candidate_search_equals_local(client):
    items = planparse.parse_files([planparse.sample_path()])
    local = planparse.find_duplicates(items, unit="item", threshold=0.3, texts=planparse.sample_path())
    remote = planparse.find_duplicates(
        items, unit="item", threshold=0.3, texts=planparse.sample_path(), client=client
    )
    pd.testing.assert_frame_equal(local, remote)
    assert len(local) > 0
