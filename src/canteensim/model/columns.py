"""A run's tables as numpy columns: written through Arrow, read as pandas DataFrames.

`canteensim run` builds its tables, computes its KPIs and writes its files without importing
pandas, whose import alone is a sixth of a 3,000-canteen run. A table is a `Table` of numpy
columns, text held as `Labels` (codes into their values, as a categorical holds them). The
writers take it as an Arrow table (`Table.to_arrow`), each column made from the numpy array's
memory (`arrow_array`): pyarrow's own constructors (``pyarrow.array``, ``to_numpy``, scalars)
import pandas when it is installed, so a run goes around them. A notebook, a comparison or the
report reads a table as a pandas DataFrame (`Tables`), made the first time it is read, with the
dtypes the contract gives: labels as categoricals, days as ``datetime64[s]``, flags as booleans,
counts as int64, amounts as float64.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Labels:
    """A column of text as codes into `values`, in the values' order (a pandas categorical)."""

    codes: np.ndarray
    values: np.ndarray
    """The distinct text, as a numpy array of str."""

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: Any) -> Labels:
        return Labels(self.codes[rows], self.values)

    def text(self) -> np.ndarray:
        """Each row's text."""
        text: np.ndarray = self.values[self.codes]
        return text


Column = np.ndarray | Labels


def labels(codes: np.ndarray, values: np.ndarray | Sequence[str]) -> Labels:
    """``values[codes]`` as `Labels` of `values`, in their order."""
    return Labels(np.asarray(codes, dtype=np.intp), np.asarray(values, dtype=str))


def sorted_labels(codes: np.ndarray, values: np.ndarray) -> Labels:
    """``values[codes]`` as `Labels` of the distinct values, sorted: grouped, its rows come in
    the order text would."""
    distinct, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return labels(inverse[codes], distinct)


def days(values: np.ndarray) -> np.ndarray:
    """Calendar days (``datetime64``) to the second: the resolution pandas gives numpy's days."""
    return values.astype("datetime64[s]")


class Table:
    """Named columns of equal length, in order: numpy arrays and `Labels`."""

    def __init__(self, columns: Mapping[str, Column]) -> None:
        self.columns = dict(columns)

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __len__(self) -> int:
        return self.num_rows

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    def column(self, name: str) -> np.ndarray:
        """A column as a numpy array: a column of labels as each row's text."""
        values = self.columns[name]
        return values.text() if isinstance(values, Labels) else values

    def select(self, names: Sequence[str]) -> Table:
        return Table({name: self.columns[name] for name in names})

    def take(self, rows: np.ndarray) -> Table:
        """The `rows` (indices or a mask), every label kept among the values."""
        return Table({name: values[rows] for name, values in self.columns.items()})

    def with_first(self, name: str, values: Column) -> Table:
        return Table({name: values, **self.columns})

    def records(self) -> list[dict[str, Any]]:
        """One mapping per row, of Python values (labels as text)."""
        columns = {name: self.column(name).tolist() for name in self.columns}
        rows = zip(*columns.values(), strict=True)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def to_arrow(self) -> Any:
        """The table as an Arrow table: labels as dictionaries, NaN as missing (null)."""
        return pa.Table.from_arrays(
            [arrow_array(values) for values in self.columns.values()], names=self.column_names
        )

    def to_pandas(self) -> pd.DataFrame:
        """The table as a pandas DataFrame: labels as categoricals of their values."""
        import pandas as pd

        def series(values: Column) -> Any:
            if isinstance(values, Labels):
                return pd.Categorical.from_codes(values.codes, categories=pd.Index(values.values))
            return values

        return pd.DataFrame({name: series(v) for name, v in self.columns.items()})

    @classmethod
    def concat(cls, tables: Sequence[Table]) -> Table:
        """The rows of `tables` stacked, which have the same columns."""
        if len(tables) == 1:
            return tables[0]
        names = tables[0].columns
        return cls({name: _stacked([t.columns[name] for t in tables]) for name in names})


def _stacked(parts: list[Column]) -> Column:
    labelled = [part for part in parts if isinstance(part, Labels)]
    if not labelled:
        return np.concatenate([part for part in parts if isinstance(part, np.ndarray)])
    if all(np.array_equal(part.values, labelled[0].values) for part in labelled):
        return Labels(np.concatenate([part.codes for part in labelled]), labelled[0].values)
    # the values of every part, in order of first appearance (one run's, in the usual case)
    values = list(dict.fromkeys(v for part in labelled for v in part.values.tolist()))
    where = {value: code for code, value in enumerate(values)}
    recoded = [np.array([where[v] for v in p.values.tolist()])[p.codes] for p in labelled]
    return labels(np.concatenate(recoded), values)


def with_replication(tables: Mapping[str, Table], replication: int) -> dict[str, Table]:
    """Each table with a first column ``replication``, every row `replication` (int64)."""
    return {
        name: t.with_first("replication", np.full(t.num_rows, replication, dtype=np.int64))
        for name, t in tables.items()
    }


def arrow_array(values: Column) -> Any:
    """A column as an Arrow array made from its memory: numbers without a copy, a float's NaN
    as missing (null, as pandas' NaN is written), labels as a dictionary, days as timestamps to
    the second, text as strings."""
    if isinstance(values, Labels):
        indices = _from_memory(pa.int32(), values.codes.astype(np.int32, copy=False))
        return pa.DictionaryArray.from_arrays(indices, strings(values.values))
    kind = values.dtype.kind
    if kind == "f":
        present = ~np.isnan(values)
        missing = None if present.all() else present
        return _from_memory(pa.float64(), values.astype(np.float64, copy=False), missing)
    if kind == "b":
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    if kind in "iu":
        return _from_memory(pa.int64(), values.astype(np.int64, copy=False))
    if kind == "M":
        return _from_memory(pa.timestamp("s"), values.astype("datetime64[s]").view(np.int64))
    return strings(values.astype(str))


def strings(text: np.ndarray | Sequence[str]) -> Any:
    """Text as an Arrow string array."""
    encoded = [str(value).encode("utf-8") for value in text]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(value) for value in encoded], out=offsets[1:])
    data = pa.py_buffer(b"".join(encoded))
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), data])


def _from_memory(kind: Any, values: np.ndarray, present: np.ndarray | None = None) -> Any:
    """Fixed-width values as an Arrow array of `kind`, missing where `present` is False."""
    values = np.ascontiguousarray(values)
    validity = None if present is None else pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(kind, len(values), [validity, pa.py_buffer(values)])


class Tables(Mapping[str, "pd.DataFrame"]):
    """A run's tables by name, each read as a pandas DataFrame made the first time it is read and
    kept; `table` gives the `Table` itself, which is what a run writes.

    A frame read from here is a copy: changing it changes neither the table nor what
    `canteensim.output.write_results` writes.
    """

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self._tables = dict(tables)
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            frame = self._frames[name] = self._tables[name].to_pandas()
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def table(self, name: str) -> Table:
        return self._tables[name]

    def rows(self, name: str) -> int:
        """The rows of table `name`, without making its frame."""
        return self._tables[name].num_rows

    def __getstate__(self) -> dict[str, Any]:
        return {"tables": self._tables}  # frames are made again where they are read

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["tables"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"Tables({', '.join(f'{n} ({self.rows(n):,} rows)' for n in self)})"

    @classmethod
    def concat(cls, parts: Sequence[Tables]) -> Tables:
        """The tables of several runs, each table's rows stacked in the order of `parts`."""
        if len(parts) == 1:
            return parts[0]
        return cls({name: Table.concat([p._tables[name] for p in parts]) for name in parts[0]})
