"""Planted English names in real patient answers: are any published? (issue #28, item 1)

Real answers from the NHS Friends and Family Test (``../shared/eval-data``, or
``SURVEY_TOOLS_EVAL_DATA``) get names planted into a share of them, the way patients
write them: "Alex was very professional", "Dr Chris explained", "dr chris", "my name is",
"thanks to nurse ...", two names, a name the other answers write like a name. Half the
names are in the gazetteers, half are not (rarer names typed in here and checked against
the lists). Measured:

* masking recall: planted names that :func:`survey_tools.nlp.pii.mask_pii` removes;
* what is published: a report is made from the answers (``survey-tools report``, English)
  and its page, notebooks, tables and SVG figures are searched for the planted names;
* names found in the answers without a planted name (real names in the data, or false
  positives), and the Swedish planted set of ``tests/data/pii_cases.csv``.

Run::

    python bench/names_bench.py            # writes bench/results/names.md
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EVAL = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))

IN_LISTS = """Alex Chris Natasha Sophie Chloe James Sarah Emma Olivia Amelia Jack Oliver Harry
George Charlotte Emily Jessica Rebecca Rachel Laura Hannah Megan Lauren Bethany Daniel
Michael David Paul Andrew Richard Stephen Mark Peter Simon Gary Kevin Lee Craig Stuart Ian
Helen Karen Julie Angela Tracey Claire Nicola Donna Kelly Gemma Priya Ravi Aoife Niamh Rhys
Callum Kieran Siobhan Fatima Imran""".split()
NOT_IN_LISTS = """Ifeoluwa Omonori Thandiwe Oluwadamilare Siddharth Bartosz Radoslaw Eleftheria
Nkechi Chukwuemeka Temitope Xiaoling Yevgenia Svetlana Anastasiya Dariusz Grzegorz Wojciech
Mariusz Sebastiano Annunziata Giuseppina Fionnuala Grainne Ruairi Cathal Eamonn Dervla
Iolanthe Perpetua Jocasta Ottoline Peregrine Tarquin Hyacinth Radomir Xiomara Zdzislaw Dagny
Solveig""".split()
TEMPLATES = [
    ("{N} was very professional and kind.", "start"),
    ("Dr {N} explained everything clearly and listened.", "title"),
    ("dr {n} was great with my son", "title, lower case"),
    ("My name is {N} and I waited far too long.", "cue"),
    ("Thanks to nurse {N} for her care and patience.", "title"),
    ("The receptionist {N} was rude to my mother.", "inside"),
    ("{N} on reception sorted my appointment quickly.", "start"),
    ("Please thank {N} and {M} from the ward, they were lovely.", "two names"),
    ("{n} was lovely and very caring", "lower case"),
]


def planted(answers: list[str], *, every: int, seed: int) -> pd.DataFrame:
    """Return the answers with a name planted into every `every`-th one."""
    rng = np.random.default_rng(seed)
    names = [(n, True) for n in IN_LISTS] + [(n, False) for n in NOT_IN_LISTS]
    rows = []
    k = 0
    for i, text in enumerate(answers):
        row = {"id": f"A{i:04d}", "text": text, "name": "", "second": "", "in_lists": None,
               "template": ""}
        if i % every == 0:
            name, known = names[k % len(names)]
            second = names[(k + 7) % len(names)][0]
            template, kind = TEMPLATES[k % len(TEMPLATES)]
            k += 1
            phrase = template.format(N=name, n=name.lower(), M=second)
            row.update(text=f"{phrase} {text}" if rng.random() < 0.5 else f"{text} {phrase}",
                       name=name, second=second if "{M}" in template else "",
                       in_lists=known, template=kind)
        rows.append(row)
    return pd.DataFrame(rows)


def found_in(name: str, text: str) -> bool:
    """True when `name` occurs in `text` as a word, in any case."""
    return bool(re.search(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", text, re.I))


def published_text(folder: Path) -> str:
    """The readable text of every file of a report: pages, notebooks, tables, SVG figures."""
    import html
    import json

    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".ipynb", ".csv", ".svg",
                                                     ".json", ".md", ".txt"):
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if path.suffix == ".ipynb":  # sources and outputs, not the embedded images
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(c.get("source", [])) + "".join(
                "".join(o.get("text", [])) + "".join(
                    v if isinstance(v, str) else "".join(v)
                    for k, v in o.get("data", {}).items() if k.startswith("text/"))
                for o in c.get("outputs", [])) for c in cells)
        if path.suffix in (".html", ".ipynb", ".svg"):
            text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+", " ", text)
            text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.I | re.S)
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        parts.append(text)
    return "\n".join(parts)


def write_transcripts(answers: pd.DataFrame, folder: Path, n: int) -> list[str]:
    """Write `n` interviews whose answers are planted answers; return the names used.

    The file names and a ``name`` column of the metadata carry names too (published
    only if the interview chapter leaks them).
    """
    folder.mkdir()
    questions = ["What worked well?", "What could be better?", "Anything else?"]
    names, meta = [], []
    chunks = np.array_split(np.arange(len(answers)), n)
    for k, rows in enumerate(chunks):
        first, last = IN_LISTS[(3 * k) % len(IN_LISTS)], NOT_IN_LISTS[k % len(NOT_IN_LISTS)]
        stem = f"Interview_{first}_{last}"
        names += [first, last]
        lines = [f"Interviewer: {questions[i % 3]}\nRespondent: {answers['text'].iloc[r]}"
                 for i, r in enumerate(rows)]
        (folder / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        meta.append({"interview_id": stem, "site": "North" if k % 2 else "South",
                     "name": f"{first} {last}"})
    pd.DataFrame(meta).to_csv(folder.parent / "interviews.csv", index=False)
    return names


def run_report(data: pd.DataFrame, folder: Path, transcripts: pd.DataFrame | None = None,
               n_interviews: int = 20) -> Path:
    """Write the answers as a survey with a configuration; make its report (English).

    With `transcripts`, those answers are also the interviewees' turns of `n_interviews`
    interviews in the same report.
    """
    survey = data[["id", "text"]].rename(columns={"text": "q_better"})
    survey.insert(1, "site", np.where(np.arange(len(survey)) % 2, "North", "South"))
    survey.to_csv(folder / "survey.csv", index=False)
    config = ("survey: survey.csv\nid: id\ngroups: [site]\nopen_questions:\n"
              "  - column: q_better\n")
    if transcripts is not None:
        write_transcripts(transcripts, folder / "transcripts", n_interviews)
        config += ("interviews:\n  path: transcripts\n  metadata: interviews.csv\n"
                   "  group: site\n  attribution: [site]\n")
    (folder / "survey.yaml").write_text(config, encoding="utf-8")
    out = folder / "report"
    done = subprocess.run(
        [sys.executable, "-m", "survey_tools.cli", "report", "--config",
         str(folder / "survey.yaml"), "--output", str(out), "--lang", "en", "--no-progress"],
        capture_output=True, text=True, env={**os.environ, "SURVEY_TOOLS_ROOT": str(ROOT)})
    if done.returncode:
        raise SystemExit(done.stdout[-1000:] + done.stderr[-2000:])
    return out


def main(argv=None) -> int:
    """Plant, mask, run topics, search the outputs; write the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1200, help="NHS answers used")
    parser.add_argument("--every", type=int, default=2, help="plant into every n-th answer")
    parser.add_argument("--interview-answers", type=int, default=300,
                        help="interviewee turns (each with a planted name) in 20 interviews")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "names.md")
    args = parser.parse_args(argv)
    source = EVAL / "en_nhs_fft_v6_multilabel.csv"
    if not source.exists():
        print(f"skipped: {source} not found (set SURVEY_TOOLS_EVAL_DATA)")
        return 0
    from survey_tools.nlp.pii import find_pii, is_known_name, mask_pii

    wrong = [n for n in NOT_IN_LISTS if is_known_name(n)]
    assert not wrong, f"names said not to be in the lists are: {wrong}"
    texts = pd.read_csv(source, dtype=str)["text"].dropna()
    texts = [t for t in texts if len(t.split()) >= 3][: args.n]
    data = planted(texts, every=args.every, seed=0)
    data["masked"] = [mask_pii(t) for t in data["text"]]
    plants = data[data["name"] != ""]
    rows = []
    for _, r in plants.iterrows():
        for name in [r["name"], r["second"]]:
            if name:
                rows.append({"name": name, "in_lists": name in IN_LISTS,
                             "template": r["template"],
                             "masked": not found_in(name, r["masked"])})
    found = pd.DataFrame(rows)
    clean = data[data["name"] == ""]
    extra = [m.text for t in clean["text"] for m in find_pii(t, types=["NAME"])]
    interviews = planted(texts[: args.interview_answers], every=1, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        out = run_report(data, Path(tmp), transcripts=interviews)
        published = published_text(out)
        topics = pd.read_csv(out / "tables" / "02_q_better_topics.csv", dtype=str,
                             keep_default_na=False)
        quotes = [q for c in topics if c.startswith("quote_") for q in topics[c] if q]
    interview_names = {n for n in [*interviews["name"], *interviews["second"]] if n}
    interview_names |= {*IN_LISTS[::3][:20], *NOT_IN_LISTS[:20]}  # file names, metadata
    leaked = sorted({n for n in {*found["name"], *interview_names}
                     if found_in(n, published)})
    swedish = pd.read_csv(ROOT / "tests" / "data" / "pii_cases.csv", dtype=str,
                          keep_default_na=False)
    names_sv = swedish[swedish["type"] == "NAME"]
    sv_recall = np.mean([any(m.type == "NAME" and value in m.text or m.text in value
                             for m in find_pii(text))
                         for text, value in names_sv[["text", "value"]].itertuples(index=False)])
    sv_clean = swedish[swedish["type"] == ""]["text"]
    sv_fp = sum(bool(find_pii(t, types=["NAME"])) for t in sv_clean)
    by = found.groupby(["in_lists", "template"])["masked"].agg(["size", "mean"]).reset_index()
    lines = [
        "# Planted names (issue #28, item 1)", "",
        f"`python bench/names_bench.py` ({len(texts):,} real NHS answers, names planted into "
        f"1 of every {args.every}: {len(found)} planted names, {found['name'].nunique()} "
        "distinct). Before this change (commit 15360f2) a report on these answers alone "
        "published 9 of the names, in quotes, topic words and labels; with the interview "
        "chapter, commit 89ea57d still published 32 (whole passages in "
        "tables/06_passages.csv, and quotes).", "",
        f"- Masked by `mask_pii`: {found['masked'].mean():.1%} "
        f"(in the gazetteers {found[found.in_lists]['masked'].mean():.1%}, not in them "
        f"{found[~found.in_lists]['masked'].mean():.1%}).",
        f"- Interviews: {len(interviews)} interviewee turns of the same kind, each with a "
        "planted name, in 20 transcripts whose file names and metadata (`name` column) "
        f"carry names too ({len(interview_names)} distinct names).",
        f"- Published in the report (`survey-tools report`, English, with the interview "
        f"chapter; its pages, notebooks, tables and SVG figures, searched as words in any "
        f"case): "
        f"**{len(leaked)}** of the planted names{': ' + ', '.join(leaked) if leaked else ''} "
        f"({len(topics)} topics, {len(quotes)} quotes).",
        f"- NAME matches in the {len(clean):,} answers without a planted name: {len(extra)} "
        f"({', '.join(sorted(set(extra))[:30])}).",
        f"- Swedish planted set (`tests/data/pii_cases.csv`): NAME recall {sv_recall:.0%} "
        f"({len(names_sv)} names), {sv_fp} of {len(sv_clean)} clean answers with a NAME "
        "match.", "",
        "| in the gazetteers | how written | planted | masked |", "| --- | --- | --- | --- |",
        *[f"| {'yes' if r.in_lists else 'no'} | {r.template} | {r.size} | {r.mean:.0%} |"
          for r in by.itertuples(index=False)], "",
    ]
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
