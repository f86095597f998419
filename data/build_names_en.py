"""Build ``src/survey_tools/resources/names_en.yaml``: English first names and surnames.

Sources:

* the US Census Bureau's 1990 name lists (public domain: ``dist.male.first``,
  ``dist.female.first``, ``dist.all.last``; https://www2.census.gov/topics/genealogy/
  1990surnames/, also bundled in the MIT-licensed ``names`` package on PyPI) - the first
  names borne by at least 1 in 10,000 (rarer ones are mostly words or places: "America",
  "Genesis"), and the 1,000 most common surnames;
* first names common in the UK and Ireland today that the 1990 lists lack (from the ONS
  and NRS baby-name tables, and names common among people of South Asian, African,
  Eastern European and East Asian descent in the UK), typed in by hand below.

A name that is also an everyday word ("Will", "Grace", "Bill", and in Swedish "Mina",
"Inga", "Klara") is listed as *ambiguous*: masked only after a cue or a title, or next to
another name. A name is ambiguous when it is a stop word (scikit-learn's English list,
``resources/stopwords.yaml``) or is written in lower case at least twice in the
text files given with ``--words`` (edited text: news, not survey answers, where names are
written in lower case too). The file records the word files used.

Run::

    python data/build_names_en.py CENSUS_DIR --words ../shared/eval-data/bbc_news.jsonl \\
        ../shared/eval-data/en_argsent_parallel.csv ../shared/eval-data/sv_argsent_topic.csv
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "src" / "survey_tools" / "resources" / "names_en.yaml"
SURNAMES = 1000  # the most common census surnames (about 62 % of the population)
MIN_PERCENT = 0.01  # first names borne by at least 1 in 10,000 (of their sex)

UK_FIRST_NAMES = """
Muhammad Alfie Finley Callum Kieran Connor Liam Rhys Gareth Dafydd Ewan Euan Hamish Angus
Ruaridh Fraser Alistair Niall Cian Darragh Seamus Padraig Declan Ciaran Oisin Tadhg Ronan
Isla Freya Poppy Sienna Imogen Niamh Aoife Saoirse Sinead Roisin Caoimhe Orla Aisling Bethan
Cerys Ffion Carys Seren Eilidh Kirsty Morag Priya Raj Ravi Anil Sunil Deepak Amit Sanjay
Rajesh Vijay Arjun Rohan Aarav Harpreet Gurpreet Manpreet Jaspreet Simran Navdeep Sandeep
Pooja Anjali Neha Sunita Kavita Zainab Khadija Bilal Usman Imran Tariq Zara Hamza Yusuf Adeel
Kwame Kofi Chidi Ngozi Oluwaseun Tunde Femi Chiamaka Jing Kasia Agnieszka Piotr Krzysztof
Tomasz Marek Pawel Andrzej Dmitri Sergei Nikolai Alexei Zlatko Goran Marko Aidan Brendan
Caitlin Ciara Eoin Fiona Graeme Iain Lachlan Mhairi Moira Rory Shona Alfie Archie Ellis
Harvey Reggie Ronnie Tommy Jayden Kai Maisie Millie Darcey Evie Elsie Lexi Layla Nia Tegan
Keeley Leanne Stacey Kerry Jodie Gemma Hayley Zoe Chloe Sophie Jade Shannon Bethany Lauren
"""
# Always written with a capital in English, yet not names here.
NOT_NAMES = ["English", "French", "German", "Irish", "Welsh", "Scottish", "British",
             "Christian", "Bishop"]
_WORD = re.compile(r"[^\W\d_]+")


def census(path: Path, *, min_percent: float = 0.0) -> list[str]:
    """Return the names of a census list, most common first, capitalised.

    Only names borne by at least `min_percent` % of the population (the list's second
    column): the rarest first names are mostly words or places ("America", "Genesis").
    """
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [row[0].capitalize() for row in rows if float(row[1]) >= min_percent]


def lower_case_words(paths) -> Counter:
    """Count the words written in lower case in the given text files."""
    counts: Counter = Counter()
    for path in paths:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        counts.update(w for w in _WORD.findall(text) if w.islower())
    return counts


def stop_words() -> set[str]:
    """Return the English and Swedish stop words the package uses."""
    import yaml
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    table = yaml.safe_load((OUT.parent / "stopwords.yaml").read_text(encoding="utf-8"))
    return {str(w).casefold() for words in table.values() for w in words} | set(
        ENGLISH_STOP_WORDS)


def main(argv=None) -> int:
    """Write ``names_en.yaml``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("census", type=Path, help="folder with the census dist.* files")
    parser.add_argument("--words", nargs="+", type=Path, required=True,
                        help="text files of edited prose for telling names from words")
    args = parser.parse_args(argv)
    first = [*census(args.census / "dist.male.first", min_percent=MIN_PERCENT),
             *census(args.census / "dist.female.first", min_percent=MIN_PERCENT)]
    first += [n for n in UK_FIRST_NAMES.split() if n not in first]
    first = list(dict.fromkeys(first))
    last = census(args.census / "dist.all.last")[:SURNAMES]
    lower, stop = lower_case_words(args.words), stop_words()
    ambiguous = sorted(n for n in {*first, *last} if len(n) < 3 or n.casefold() in stop
                       or lower[n.casefold()] >= 2 or n in NOT_NAMES)
    lines = [
        "# English first names and surnames, for finding names in free text.",
        "# Made by data/build_names_en.py (see its docstring for the sources): US Census 1990",
        "# lists (public domain), first names borne by at least 1 in 10,000 and the 1,000",
        "# most common surnames, plus first names common in the UK and Ireland today, typed",
        "# in by hand. Ambiguous: names that are also everyday English or Swedish words (stop",
        "# words, or written in lower case at least twice in: "
        + ", ".join(p.name for p in args.words) + ").",
        "first_names: " + json.dumps(sorted(set(first)), ensure_ascii=False),
        "surnames: " + json.dumps(sorted(set(last)), ensure_ascii=False),
        "ambiguous: " + json.dumps(ambiguous, ensure_ascii=False),
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(set(first))} first names, {len(set(last))} surnames, "
          f"{len(ambiguous)} ambiguous")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
