"""Write constraints.txt: the exact versions installed in the running environment.

Run by ``make lock`` after ``make test`` has passed, so the file holds the versions CI
tested. ``make install`` (and so ``make test`` and ``make report``) installs with
``pip install -c constraints.txt``. Each pin carries a marker for this Python version:
on another Python the ranges in pyproject.toml apply, as for anyone who installs the
package from PyPI. A local version label is left out (``torch==2.13.0+cpu`` is pinned as
``torch==2.13.0``): pip takes the CPU build where it lies on disk, as on our CI machines,
and PyPI's build of that release elsewhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def pins(freeze: str) -> list[str]:
    r"""Return the sorted ``name==version`` pins of `freeze` (``pip list --format=freeze``).

    pip and setuptools are left out, and so is a local version label: ``torch==2.13.0+cpu``
    is pinned as ``torch==2.13.0``.

    >>> pins("torch==2.13.0+cpu\npip==26.0\nAbc==1.0\n")
    ['Abc==1.0', 'torch==2.13.0']
    """
    return sorted(line.strip().split("+", 1)[0] for line in freeze.splitlines()
                  if "==" in line and not line.lower().startswith(("pip==", "setuptools==")))


def main() -> None:
    """Write constraints.txt from the running environment's packages."""
    version = "{}.{}".format(*sys.version_info[:2])
    listed = subprocess.run([sys.executable, "-m", "pip", "list", "--format=freeze",
                             "--exclude-editable"], capture_output=True, text=True, check=True)
    pinned = pins(listed.stdout)
    header = [
        "# The versions `make test` passed with (written by `make lock` from .venv).",
        "# `make install` installs with these as constraints; they apply on Python "
        f"{version} only,",
        "# elsewhere pyproject.toml's ranges do. Refresh: make lock (after make test passes).",
    ]
    lines = [*header, *(f'{pin}; python_version == "{version}"' for pin in pinned)]
    Path(__file__).resolve().parents[1].joinpath("constraints.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(pinned)} packages pinned for Python {version}")


if __name__ == "__main__":
    main()
