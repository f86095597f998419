"""Sentences and quote blocks about interview studies (Swedish or English)."""

from __future__ import annotations

from survey_tools.i18n import term
from survey_tools.report.narratives.topics import escape_markdown

__all__ = ["describe_interviews", "interview_finding", "interview_quotes_markdown"]


def describe_interviews(files, passages, *, lang: str = "sv") -> str:
    """Say how many files were read, with how many turns and passages, and which failed.

    Examples
    --------
    >>> import pandas as pd
    >>> files = pd.DataFrame({"interview_id": ["a", "b"], "status": ["read", "error"],
    ...                       "turns": [4, 0], "error": [None, "b.txt: the file is empty."]})
    >>> passages = pd.DataFrame({"status": ["question", "passage", "passage"]})
    >>> print(describe_interviews(files, passages, lang="en"))  # doctest: +ELLIPSIS
    1 of 2 interview files were read, with 4 speaker turns and 2 passages ...
    >>> describe_interviews(files, passages, lang="en").endswith("the file is empty.")
    True
    """
    read = files[files["status"] == "read"]
    sentence = term("interviews_summary", lang).format(
        read=len(read), files=int(files["status"].isin(["read", "error"]).sum()),
        turns=int(read["turns"].sum()), passages=int((passages["status"] == "passage").sum()))
    small_talk = int((passages["status"] == "small talk").sum())
    if small_talk:
        key = "interviews_small_talk" if small_talk > 1 else "interviews_small_talk_one"
        sentence += " " + term(key, lang).format(n=small_talk)
    failed = files.loc[files["status"] == "error", "error"].astype(str).tolist()
    if failed:
        sentence += " " + term("interviews_errors", lang).format(
            files="; ".join(escape_markdown(e.rstrip(".")) for e in failed))
    key = "interview" if "interview" in files else "interview_id"  # published: codes
    lists = {"interviews_no_transcript": files.loc[files["status"] == "no transcript", key]}
    if "in_metadata" in files:
        lists["interviews_no_metadata"] = read.loc[~read["in_metadata"].astype(bool), key]
    if "unknown_speaker_turns" in files:
        unknown = files[files["unknown_speaker_turns"].fillna(0) > 0]
        lists["interviews_unknown_speakers"] = [
            f"{i} ({int(n)} {'turer' if lang == 'sv' else 'turns'})"
            for i, n in zip(unknown[key], unknown["unknown_speaker_turns"], strict=True)]
    for key, ids in lists.items():
        if len(ids):
            sentence += " " + term(key, lang).format(
                ids=", ".join(escape_markdown(str(i)) for i in ids))
    return sentence


def _overall(counts, total):
    """Return the all-interviews rows of an ``interviews_per_theme`` table."""
    return counts if total is None or "group" not in counts else \
        counts[counts["group"] == total]


def interview_finding(counts, *, lang: str = "sv", top: int = 3, total: str | None = None
                      ) -> str:
    """One sentence: the themes raised in the most interviews, with counts and intervals.

    The `top` themes, and any theme raised in as many interviews as the last of them (a
    tie is never cut in half).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"theme": ["Juridik"], "interviews": [11], "of": [14],
    ...                        "ci_low": [52.4], "ci_high": [92.4]})
    >>> interview_finding(counts)
    '*Juridik* togs upp i 11 av 14 intervjuer (95 % KI 52–92 %).'
    """
    rows = _overall(counts, total)
    rows = rows[rows["interviews"] > 0].sort_values("interviews", ascending=False,
                                                    kind="stable")
    if len(rows) > top:  # ties with the last one named are named too
        rows = rows[rows["interviews"] >= rows["interviews"].iloc[top - 1]]
    parts = [term("interviews_theme_count", lang).format(
        theme=escape_markdown(str(r.theme)), n=r.interviews, of=r.of,
        low=f"{r.ci_low:.0f}", high=f"{r.ci_high:.0f}") for r in rows.itertuples()]
    return ("; ".join(parts) + ".") if parts else ""


def interview_quotes_markdown(quotes, counts, *, lang: str = "sv",
                              total: str | None = None) -> str:
    """Quote blocks per theme: the theme with its interview count, then its quotes."""
    rows = _overall(counts, total)
    lines = [f"**{term('interviews_quotes_heading', lang)}** "
             f"({term('interviews_quotes_note', lang)})", ""]
    for row in rows.itertuples():
        chosen = quotes[quotes["theme"] == row.theme]
        if chosen.empty:
            continue
        count = term("interviews_in", lang).format(n=row.interviews, of=row.of)
        lines += [f"*{escape_markdown(str(row.theme))}* ({count})", ""]
        for quote in chosen.itertuples():
            by = f" — *{escape_markdown(quote.attribution)}*" if quote.attribution else ""
            lines += [f"> {escape_markdown(quote.quote)}{by}", ""]
    return "\n".join(lines)
