"""``survey-tools topics --engine dask``: topics for partitioned datasets larger than memory.

The model is fitted on a seeded sample of rows (the same rows as the single-machine path,
``TopicModel(fit_size=...)``), then every partition is assigned with the fitted model on
whatever Dask scheduler is active: threads, a ``LocalCluster`` of processes, or a cluster
you connect to. Only one partition of text per worker is in memory at a time. The run is
:func:`run_topics_partitioned`; it shares the id checks
(:func:`~survey_tools.io.schema.resolve_id`), the counting and the files with the pandas
engine (:func:`~survey_tools.runs.topics.topic_result`).
The other functions are the building blocks, for your own Dask pipelines.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.io.schema import id_text, row_ids
from survey_tools.nlp.answers import as_texts

__all__ = ["run_topics_partitioned", "read_partitioned", "take_rows", "assign_topics",
           "code_partitions", "partition_lengths"]

_PARQUET = (".parquet", ".pq")


def _scan_csv(path: Path, encoding: str, delimiter: str, skip: int) -> bool:
    """Check every record's width and the header; return whether a field holds a line break.

    A streaming pass with the csv module before Dask reads the file: a row with more
    fields than the header would otherwise be read as a row label when it is the first row
    of a partition, shifting its values into the wrong columns.
    """
    from survey_tools.io.readers import check_header, check_row_widths

    with path.open(encoding=encoding, newline="") as handle:
        for _ in range(skip):
            handle.readline()
        header, multiline = check_row_widths(handle, delimiter=delimiter, path=path)
    check_header(header, path)
    return multiline


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

    from survey_tools.io.readers import (
        check_csv_head,
        check_file,
        detect_encoding,
        sniff_delimiter,
        split_sep_line,
    )
    from survey_tools.io.schema import resolve_column

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
        return id_text(part[id_column]).to_numpy()
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


def run_topics_partitioned(path, *, text_column: str, output, id_column: str | None = None,
                           group_column: str | None = None, embedding: str = "fast",
                           seed: int = 42, n_topics="auto", language: str = "auto",
                           reduce_outliers: bool = False, edits=None, fit_size: int = 50_000,
                           label_language: str | None = None, blocksize="64MB",
                           read_options=None, progress=None, cache_dir=None):
    """``survey-tools topics --engine dask``: fit on a sample, assign all partitions.

    Uses the active Dask scheduler (the CLI starts a ``LocalCluster``). The route:

    1. read the dataset lazily (:func:`read_partitioned`); in one pass count the rows of
       each partition and keep the ids, checked with the pandas engine's
       :func:`~survey_tools.io.schema.resolve_id`, and the groups, ordered as ``read_survey``
       orders an answer column (the answers stay on disk);
    2. fit a :class:`~survey_tools.topics.model.TopicModel` on the same seeded sample of rows
       as the pandas engine (:func:`~survey_tools.topics.large.sample_rows`);
    3. above `fit_size` rows, assign every partition once: each writes its part of
       ``assignments.csv`` (formula-safe) into a folder beside the output and returns the
       columns the counts need (``status, topic, label``);
    4. build the result as the pandas engine does
       (:func:`~survey_tools.runs.topics.topic_result`: topic sizes counted over every
       row, shares per group, ``run.json``) and move the files into place as a set.

    Both engines give the same bytes for the same fit. The workers write the parts, so
    with a remote cluster the output folder must be one they can reach. The embedding
    cache is not used in the assignment pass.

    Returns
    -------
    RunResult
        Tables ``topics`` [, ``topic_shares``] (the assignments stay on disk);
        ``summary`` is ``run.json``.
    """
    from survey_tools.io.atomic import check_writable, refuse_overwriting_input
    from survey_tools.runs.result import write_result
    from survey_tools.runs.topics import TOPIC_FILES, assignments_for_export, topic_result
    from survey_tools.topics.model import TopicModel

    read_options = read_options or {}
    if read_options.get("sheet") is not None:
        raise SurveyInputError("--sheet is for Excel files, and --engine dask reads CSV and "
                               "Parquet", path=path,
                               hint="leave out --sheet, or use the default engine")
    refuse_overwriting_input(path, [Path(output) / name for name in TOPIC_FILES],
                             hint="give --output another folder than the input file's")
    check_writable(output, folder=True)
    data = _PartitionedColumns(path, text_column=text_column, id_column=id_column,
                               group_column=group_column, blocksize=blocksize,
                               read_options=read_options)
    sample, rows = data.sample(fit_size, seed)
    model = TopicModel(embedding_model=embedding, n_topics=n_topics, language=language,
                       seed=seed, reduce_outliers=reduce_outliers, edits=edits,
                       label_language=label_language, cache_dir=cache_dir,
                       progress=progress, fit_size=None)
    model.fit(sample[data.text], ids=sample[data.id_name].to_numpy())
    summary = dict(path=path, text_column=data.text, id_column=data.id_name,
                   group_column=data.group, rows=data.n, fit_size=fit_size, engine="dask",
                   partitions=len(data.lengths))
    Path(output).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".parts-", dir=output) as parts:
        written, notes_after = None, []
        if data.n <= fit_size:  # every row was in the fit: keep the fit's assignments
            groups = sample[data.group] if data.group else None
            assigned = assignments_for_export(model.assignments_, id_name=data.id_name,
                                              groups=groups, group_name=data.group)
        else:
            assigned, written = data.assign(model, Path(parts))
            notes_after = [f"fitted on {len(rows):,} of {data.n:,} rows (seed {seed}); every "
                           f"row assigned with Dask in {len(data.lengths)} partitions"]
        result = topic_result(model, assigned, groups=data.groups,
                              summary=summary, notes=data.notes, notes_after=notes_after,
                              written=written)
        return write_result(result, output)


class _PartitionedColumns:
    """The run's columns of a partitioned dataset: read, counted, ids checked."""

    def __init__(self, path, *, text_column, id_column, group_column, blocksize, read_options):
        import dask

        from survey_tools.io.schema import guess_id_column, resolve_column, resolve_id, to_choice

        self.notes = []
        frame = read_partitioned(path, blocksize=blocksize,
                                 encoding=read_options.get("encoding"),
                                 delimiter=read_options.get("delimiter"), notes=self.notes)
        head = frame._meta
        self.text = resolve_column(head, text_column, path=path)
        self.group = resolve_column(head, group_column, path=path) if group_column else None
        self.id = (resolve_column(head, id_column, path=path, what="id column") if id_column
                   else guess_id_column(head))
        self.frame = frame[[c for c in dict.fromkeys((self.id, self.group, self.text)) if c]]
        # One pass: the rows of each partition, the ids and the groups (not the answers).
        kept = [c for c in (self.id, self.group) if c]
        lengths, *columns = dask.compute(self.frame.map_partitions(len),
                                         *(self.frame[c] for c in kept))
        columns = dict(zip(kept, (c.reset_index(drop=True) for c in columns), strict=True))
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.n = int(self.lengths.sum())
        ids = columns[self.id].to_frame() if self.id else pd.DataFrame(index=pd.RangeIndex(self.n))
        ids, self.id_name, note = resolve_id(ids, self.id, path=path)
        self.ids = ids[self.id_name].to_numpy()
        self.notes.extend([note] if note else [])
        self.groups = None
        if self.group:  # ordered as read_survey orders an answer column
            self.groups = to_choice(pd.Series(columns[self.group].to_numpy(), dtype=object)
                                    .replace("", None)).rename(self.group)
            if read_options.get("dictionary") is not None:
                self._order_groups(read_options["dictionary"])

    def _order_groups(self, dictionary) -> None:
        from survey_tools.io.survey import apply_value_orders, read_value_orders

        frame = self.groups.to_frame()
        self.notes.extend(apply_value_orders(frame, {self.group: "single_choice"},
                                             read_value_orders(dictionary)))
        self.groups = frame[self.group]

    def sample(self, size: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
        """Return the fitting sample (``id_name`` column holding the checked ids) and its rows."""
        from survey_tools.topics.large import sample_rows

        rows = sample_rows(self.n, size, seed)
        sample = take_rows(self.frame, rows, lengths=self.lengths)
        sample[self.id_name] = self.ids[rows]
        return sample, rows

    def assign(self, model, folder: Path):
        """Assign every partition with `model` (:func:`assign_topics`); each writes its part.

        Returns the columns the counts need, for all rows in input order, and the parts of
        ``assignments.csv`` (in `folder`) in order.
        """
        assigned = assign_topics(self.frame, model, text_column=self.text, id_column=self.id,
                                 group_column=self.group, lengths=self.lengths)
        meta = assigned._meta[["status", "topic", "label"]]
        counted = assigned.map_partitions(_write_part, id_name=self.id_name,
                                          folder=str(folder), meta=meta).compute()
        parts = [folder / f"{number:06d}.csv" for number in range(len(self.lengths))]
        return counted.reset_index(drop=True), parts


def _write_part(out: pd.DataFrame, *, id_name, folder, partition_info=None) -> pd.DataFrame:
    """Write one partition's assignments as part ``NNNNNN.csv``; return the columns to count."""
    from survey_tools.io.atomic import CSV_OPTIONS
    from survey_tools.io.spreadsheets import safe_table

    number = partition_info["number"]
    options = {**CSV_OPTIONS, "encoding": "utf-8"}  # the byte-order mark goes first, once
    safe_table(out.rename(columns={"id": id_name})).to_csv(
        Path(folder) / f"{number:06d}.csv", index=False, header=number == 0, **options)
    return out[["status", "topic", "label"]]

