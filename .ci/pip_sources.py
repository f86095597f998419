"""Print pip's package sources as uv options, for ``make install``.

uv does not read pip's configuration. Where pip is set up to take packages from a local
mirror, a company index or a folder of wheels (``index-url``, ``extra-index-url``,
``find-links`` in pip.conf or ``PIP_*`` variables), uv is given the same sources, so both
install from the same places; with extra indexes uv considers every index as pip does
(``--index-strategy unsafe-best-match``; uv's default takes a package from the first index
that has it). Nothing is printed where pip has no such setting.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

#: pip's setting -> uv's option; a setting may hold several values (space-separated)
OPTIONS = {"index-url": "--index-url", "extra-index-url": "--extra-index-url",
           "find-links": "--find-links"}
#: Where a setting comes from, the one pip takes first (its variables, then its files)
PRECEDENCE = (":env:", "install", "global")
_LINE = re.compile(r"^(?P<section>[^.]*)\.(?P<key>[a-z-]+)='(?P<value>.*)'$")


def uv_options(listing: str) -> list[str]:
    r"""Return uv's options for the sources in `listing` (``pip config list``'s output).

    >>> uv_options("global.find-links='/opt/wheels'\n:env:.find-links='/w'\n"
    ...            "global.cert='/c.crt'")
    ['--find-links=/w']
    >>> uv_options("global.extra-index-url='file:///a file:///b'")[-2:]
    ['--extra-index-url=file:///b', '--index-strategy=unsafe-best-match']
    >>> uv_options("")
    []
    """
    found: dict[str, dict[str, str]] = {}
    for line in listing.splitlines():
        match = _LINE.match(line.strip())
        if match and match["key"] in OPTIONS and match["section"] in PRECEDENCE:
            found.setdefault(match["key"], {})[match["section"]] = match["value"]
    options = []
    for key, by_section in sorted(found.items()):
        section = next(s for s in PRECEDENCE if s in by_section)
        options += [f"{OPTIONS[key]}={value}" for value in by_section[section].split()]
    if "extra-index-url" in found:
        options.append("--index-strategy=unsafe-best-match")
    return options


def main() -> None:
    """Print the uv options for this Python's pip configuration, on one line."""
    listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                             capture_output=True, text=True, check=False).stdout
    print(shlex.join(uv_options(listing)))


if __name__ == "__main__":
    main()
