"""Writing files safely: atomically (a temporary file moved into place) and CSV as one format.

The base of every writer in the package (``export``, ``publish``, the coding exports and
the Dask engine); it imports nothing else from survey_tools.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write", "check_writable", "file_set", "write_csv_atomic", "write_json",
           "process_alive", "CSV_OPTIONS"]


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this machine still runs (psutil: POSIX and Windows alike).

    A claim or a staging folder of a process that is gone (a kernel restarted, a run
    killed) is then taken over at once, on Windows too, where ``os.kill(pid, 0)`` would
    stop the process instead of asking.

    Examples
    --------
    >>> process_alive(os.getpid())
    True
    """
    import psutil

    return psutil.pid_exists(pid)


def atomic_write(path: str | Path, write) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside `path`, then move it into place.

    A failure leaves no half-written file. The temporary name ends with `path`'s suffix,
    so writers that pick a format from the suffix (Excel, SPSS) work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp" + path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def check_writable(path: str | Path, *, folder: bool) -> None:
    """Raise now the error that writing `path` at the end of a run would raise.

    A command checks its output before the work (a topic fit of the sample takes seconds,
    of a large survey minutes), not after it. `path` is a folder to write files into
    (`folder` True) or a file; it may not exist yet. What is checked: the path (or, when
    it does not exist, its nearest existing parent) is a folder, and a folder can be
    created in that folder; the test folder is removed at once, and nothing else is
    created.

    Raises
    ------
    FileExistsError, NotADirectoryError, IsADirectoryError, PermissionError, OSError
        As creating the folder or writing the file would, with `path` as the file name.

    Examples
    --------
    >>> import tempfile
    >>> here = Path(tempfile.mkdtemp())
    >>> check_writable(here / "new" / "folder", folder=True)
    >>> (here / "taken").write_text("x")
    1
    >>> check_writable(here / "taken", folder=True)
    Traceback (most recent call last):
    ...
    FileExistsError: [Errno 17] File exists: '...taken'
    >>> import shutil; shutil.rmtree(here)
    """
    import errno

    path = Path(path)
    if path.exists():
        if folder and not path.is_dir():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
        if not folder and path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    where = path if folder and path.is_dir() else path.parent
    while not where.exists() and where != where.parent:
        where = where.parent
    if not where.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".check-", dir=where))
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror, str(path)) from None


def same_file(a, b) -> bool:
    """Whether paths `a` and `b` name the same file (also through links or another name)."""
    a, b = Path(a), Path(b)
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwriting_input(path, targets, *, hint: str) -> None:
    """Raise a clear error when any of `targets` (files a command writes) is the input.

    Checked before any work, so ``topics X/assignments.csv --output X`` stops at once
    instead of replacing its own input at the end.
    """
    from survey_tools.errors import SurveyInputError

    for target in targets:
        if same_file(path, target):
            raise SurveyInputError(
                f"the output {str(target)!r} is the input file: writing it would overwrite "
                "the input", path=path, hint=hint)


@contextmanager
def file_set(folder: str | Path, *, replaces=()):
    """Yield a staging folder inside `folder`; move everything written there into place at the end.

    The files of one run are moved together, after all of them were written: an error
    while writing (or while computing what is written) moves none of them, and `folder`
    keeps the previous run's files as they were.

    Parameters
    ----------
    folder : str or Path
        Where the files go (created when missing).
    replaces : iterable of str
        Every file name this kind of run can write. Those not written this time are
        removed, since a previous run's file would not match the new ones (for example a
        ``topic_shares.csv`` from a run with a group column).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        yield stage
        written = sorted(p.name for p in stage.iterdir())
        for stale in sorted(set(replaces) - set(written)):
            (folder / stale).unlink(missing_ok=True)
        for name in written:
            os.chmod(stage / name, 0o644)
            os.replace(stage / name, folder / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# How every CSV is written (pandas and Dask ``to_csv``), so equal tables give equal bytes.
# UTF-8 with a byte-order mark: without it Excel and LibreOffice open the file as
# Windows-1252 and show "pÃ¥" for "på"; pandas, R and survey_tools read the mark fine.
CSV_OPTIONS = {"encoding": "utf-8-sig", "lineterminator": "\n", "float_format": "%.6g"}


def write_csv_atomic(table, path: str | Path) -> Path:
    """Write `table` as UTF-8 CSV with a byte-order mark via a temporary file.

    A failure leaves no half file. The mark makes spreadsheets read the file as UTF-8.
    """
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, **CSV_OPTIONS))


def write_json(data, path: str | Path) -> Path:
    """Write `data` as indented UTF-8 JSON, atomically (every run's ``run.json``).

    ``NaN`` is refused (it is not JSON): a value that can be missing is written as null.
    """
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
