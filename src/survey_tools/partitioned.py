"""Topics and codes for partitioned datasets larger than memory, with Dask.

The model is fitted on a seeded sample of rows (the same rows as the single-machine path,
``TopicModel(fit_size=...)``), then every partition is assigned with the fitted model on
whatever Dask scheduler is active: threads, a ``LocalCluster`` of
processes, or a cluster you connect to. Only one partition of text per worker is in
memory at a time; the output is written partition by partition, in input order.
The ``topics --engine dask`` run built from these parts is
:func:`survey_tools.runs.topics.run_topics_partitioned`.
"""

from __future__ import annotations

import codecs
import copy
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.schema import row_ids
from survey_tools.text import as_texts

__all__ = ["read_partitioned", "take_rows", "assign_topics", "code_partitions",
           "partition_lengths", "check_ids", "write_dask_csv"]

_PARQUET = (".parquet", ".pq")


def _scan_csv(path: Path, encoding: str, delimiter: str, skip: int) -> bool:
    """Check every record's width and the header; return whether a field holds a line break.

    A streaming pass with the csv module before Dask reads the file: a row with more
    fields than the header would otherwise be read as a row label when it is the first row
    of a partition, shifting its values into the wrong columns.
    """
    from survey_tools.readers import check_header, check_row_widths

    with path.open(encoding=encoding, newline="") as handle:
        for _ in range(skip):
            handle.readline()
        header, multiline = check_row_widths(handle, delimiter=delimiter, path=path)
    check_header(header, path)
    return multiline


def write_dask_csv(frame, path) -> None:
    """Write a Dask DataFrame as one CSV file with the bytes :data:`CSV_OPTIONS` gives pandas.

    The byte-order mark is written once, first: with ``encoding="utf-8-sig"`` Dask would
    write one at the start of every partition.
    """
    from survey_tools.files import CSV_OPTIONS

    options = dict(CSV_OPTIONS)
    if options.get("encoding") == "utf-8-sig":
        Path(path).write_bytes(codecs.BOM_UTF8)
        options.update(encoding="utf-8", mode="a")
    frame.to_csv(str(path), single_file=True, index=False, **options)


def read_partitioned(path, *, columns=None, blocksize: str | int = "64MB", encoding=None,
                     delimiter=None, notes: list | None = None):
    """Open a CSV or Parquet dataset as a Dask DataFrame without loading it.

    Parameters
    ----------
    path : str or Path
        A CSV file, a Parquet file, or a folder of Parquet files.
    columns : list of str, optional
        Columns to read (default all). A missing one raises :class:`SurveyInputError`.
    blocksize : str or int
        CSV bytes per partition. When an answer holds a line break, a CSV cannot be split
        safely at line ends and is read as one partition (a note says so): convert such
        files to Parquet, whose row groups become partitions.
    encoding, delimiter : str, optional
        CSV only; detected from the start of the file by default.
    notes : list, optional
        Receives a sentence about anything decided while reading.

    Returns
    -------
    dask.dataframe.DataFrame
        CSV columns as text; Parquet columns as stored.
    """
    import dask.dataframe as dd

    from survey_tools.readers import (
        check_csv_head,
        check_file,
        detect_encoding,
        sniff_delimiter,
        split_sep_line,
    )
    from survey_tools.schema import resolve_column

    path = Path(path)
    notes = [] if notes is None else notes
    if path.is_dir() or path.suffix.lower() in _PARQUET:
        if not path.exists():
            raise SurveyInputError("the file does not exist", path=path,
                                   hint="check the path and the file name")
        try:
            frame = dd.read_parquet(str(path))
        except Exception as exc:
            raise SurveyInputError(
                f"this is not a readable Parquet dataset ({exc.__class__.__name__})",
                path=path, hint="give a Parquet file or a folder of Parquet files") from None
    elif path.suffix.lower() in (".csv", ".txt", ".tsv"):
        head = check_file(path)
        check_csv_head(path, head, encoding=encoding)
        cut = head[: head.rfind(b"\n") + 1] or head
        enc = encoding or detect_encoding(cut)
        named, start = split_sep_line(cut.decode(enc, errors="replace"))
        skip = 1 if named else 0
        delim = delimiter or named or sniff_delimiter(start)
        try:
            multiline = _scan_csv(path, enc, delim, skip)
        except (UnicodeDecodeError, LookupError) as exc:
            raise SurveyInputError(
                f"the file cannot be read as {enc} text ({exc.__class__.__name__})", path=path,
                hint="save it as UTF-8 CSV, or give the right encoding (--encoding)") from None
        if multiline:
            blocksize = None
            notes.append("some answers hold line breaks, so the CSV is read as one "
                         "partition; convert it to Parquet to split it")
        frame = dd.read_csv(str(path), sep=delim, dtype=str, keep_default_na=False,
                            encoding=enc, blocksize=blocksize, index_col=False,
                            skiprows=skip)
    else:
        raise SurveyInputError(
            f"files ending in {path.suffix or '(nothing)'!r} cannot be partitioned",
            path=path, hint="use CSV or Parquet with --engine dask, or the default engine")
    if columns is not None:
        frame = frame[[resolve_column(frame._meta, c, path=path) for c in columns]]
    return frame


def partition_lengths(frame) -> np.ndarray:
    """Return the number of rows of each partition (computes them)."""
    return np.asarray(frame.map_partitions(len).compute(), dtype=np.int64)


def _offsets(frame, id_column, lengths) -> np.ndarray | None:
    """First global row of each partition (and the total), needed only to number rows."""
    if id_column is not None and lengths is None:
        return None
    lengths = partition_lengths(frame) if lengths is None else lengths
    return np.concatenate([[0], np.cumsum(lengths)])


def _take(part: pd.DataFrame, local: np.ndarray) -> pd.DataFrame:
    return part.iloc[local]


def take_rows(frame, rows, *, lengths=None) -> pd.DataFrame:
    """Return the rows at global positions `rows` (sorted) of a Dask DataFrame, in order."""
    import dask

    offsets = _offsets(frame, None, lengths)
    rows = np.asarray(rows, dtype=np.int64)
    parts = []
    for i, part in enumerate(frame.to_delayed()):
        local = rows[(rows >= offsets[i]) & (rows < offsets[i + 1])] - offsets[i]
        if len(local):
            parts.append(dask.delayed(_take)(part, local))
    if not parts:
        return frame._meta.copy()
    return pd.concat(dask.compute(*parts), ignore_index=True)


def _ids(part: pd.DataFrame, id_column, offsets, partition_info) -> np.ndarray:
    if id_column is not None:
        return part[id_column].astype(object).to_numpy()
    start = int(offsets[partition_info["number"]])
    return row_ids(start, start + len(part), int(offsets[-1]))


def _assign_part(part: pd.DataFrame, model, text_column, id_column, offsets, group_column,
                 partition_info=None) -> pd.DataFrame:
    out = model.transform(as_texts(part[text_column]),
                          ids=_ids(part, id_column, offsets, partition_info))
    if group_column is not None:
        out.insert(1, group_column, part[group_column].astype(object).to_numpy())
    out.index = part.index
    return out


def _code_part(part: pd.DataFrame, coder, text_column, id_column, offsets,
               partition_info=None) -> pd.DataFrame:
    from survey_tools.coding import code_answers

    out = code_answers(coder, as_texts(part[text_column]),
                       ids=_ids(part, id_column, offsets, partition_info))
    out.index = part.index
    return out


def _runner(estimator):
    """Return a shallow copy that does not use the on-disk embedding cache (many writers).

    The parts that embed on their own (a fitted encoder such as ``"fast"``, which caches
    its teacher's vectors, or a supervised coder's zero-shot coder) are copied the same way.
    """
    runner = copy.copy(estimator)
    if hasattr(runner, "cache_dir"):
        runner.cache_dir = False
    for name in ("encoder_", "zero_shot_"):
        if getattr(runner, name, None) is not None:
            setattr(runner, name, _runner(getattr(runner, name)))
    return runner


def assign_topics(frame, model, *, text_column: str, id_column: str | None = None,
                  group_column: str | None = None, lengths=None):
    """Assign every row of a Dask DataFrame to the topics of a fitted `model`, lazily.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The answers, partitioned.
    model : TopicModel
        Fitted (e.g. on :func:`take_rows` of a sample).
    text_column : str
        Column with the answers.
    id_column : str, optional
        Respondent ids; default ``row-00001``... from the row order over all partitions.
    group_column : str, optional
        Copied into the output after the id.
    lengths : array, optional
        Rows per partition when already known (needed without `id_column`).

    Returns
    -------
    dask.dataframe.DataFrame
        ``id, [group,] status, topic, label, score, language`` per input row, partitions in input
        order; nothing is computed until you compute or write it.
    """
    import dask

    offsets = _offsets(frame, id_column, lengths)
    columns = {"id": object, **({group_column: object} if group_column else {}),
               "status": object, "topic": "Int64", "label": object, "score": float,
               "language": object}
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    shared = dask.delayed(_runner(model), pure=True)
    return frame.map_partitions(_assign_part, shared, text_column, id_column, offsets,
                                group_column, meta=meta, align_dataframes=False)


def code_partitions(frame, coder, *, text_column: str, id_column: str | None = None,
                    lengths=None):
    """Code every row of a Dask DataFrame with a fitted `coder`, lazily.

    Returns the columns of :func:`survey_tools.coding.code_answers` per input row.
    """
    import dask

    from survey_tools.coding import code_answers

    offsets = _offsets(frame, id_column, lengths)
    meta = code_answers(coder, [], ids=[]).astype({"id": object})
    shared = dask.delayed(_runner(coder), pure=True)
    return frame.map_partitions(_code_part, shared, text_column, id_column, offsets,
                                meta=meta, align_dataframes=False)


def check_ids(frame, id_column: str, n: int, path) -> None:
    """Refuse empty or repeated ids in `id_column` of a Dask DataFrame of `n` rows."""
    import dask

    ids = frame[id_column].astype(str).str.strip()
    empty, unique = map(int, dask.compute((ids == "").sum(), ids.nunique()))
    if empty:
        raise SurveyInputError(f"{empty:,} rows have no id", path=path, column=id_column,
                               hint="give every row an id, or leave out --id-column to "
                                    "number the rows")
    if unique != n:
        raise SurveyInputError(
            f"ids are not unique ({n - unique:,} repeated)", path=path, column=id_column,
            hint="each respondent needs its own id; check for appended exports, or leave "
                 "out --id-column to number the rows")
