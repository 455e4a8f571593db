"""The Parquet writer (`canteensim.output.write_parquet`): a table reads back as it was, its
labels dictionary-encoded, and row-group statistics kept for numbers, days and flags but not
for labels, where they cost a quarter of a province's writing time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from canteensim.output import write_parquet


def test_reads_back_with_statistics_where_they_serve(tmp_path):
    frame = pd.DataFrame(
        {
            "replication": np.arange(6, dtype=np.int64),
            "canteen_id": pd.Categorical(["K1", "K2", "K1", "K3", "K2", "K1"]),
            "day": pd.to_datetime(["2020-03-02"] * 6),
            "late": [True, False] * 3,
            "kg": np.linspace(0.1, 1.7, 6),
        }
    )
    path = tmp_path / "table.parquet"
    write_parquet(frame, path)

    pd.testing.assert_frame_equal(pd.read_parquet(path), frame, check_exact=True)
    group = pq.ParquetFile(path).metadata.row_group(0)
    kept = {group.column(i).path_in_schema: group.column(i).is_stats_set for i in range(5)}
    assert kept == {
        "replication": True,
        "canteen_id": False,
        "day": True,
        "late": True,
        "kg": True,
    }
