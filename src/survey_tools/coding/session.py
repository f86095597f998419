"""A coding session: the analyst's decisions on answers, kept in the examples file (issue #32).

What the coding session of notebook 03 does, as functions that work without a browser.
Each decision (the codes an answer carries, or none of them) is appended at once to the
examples file that :class:`~survey_tools.coding.SupervisedCoder` and
``survey-tools categorize --examples`` read: the answer's id, a 0/1 column per code, who
and when. The answer's text is not written: the file names answers by their ids, so it
carries no more personal data than the survey does. Deciding an answer again replaces
its row.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from survey_tools.io.spreadsheets import write_safe_csv

__all__ = ["read_decisions", "record_decision", "undo_decision", "next_to_code"]

#: The columns a session writes besides the id and the codes.
WHO, WHEN = "coded_by", "coded_at"


def read_decisions(path, *, codebook, id_column: str = "id") -> pd.DataFrame:
    """Return the decisions in the examples file: ``id_column``, a 0/1 column per code, who, when.

    A file that does not exist is no decision yet (an empty table).
    """
    columns = [id_column, *codebook.ids, WHO, WHEN]
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=columns)
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in (id_column, *codebook.ids) if c not in table.columns]
    if missing:
        from survey_tools.errors import SurveyInputError

        raise SurveyInputError(f"the examples file has no column {missing[0]!r}", path=path,
                               hint="use another file for this codebook and id column")
    for column in (WHO, WHEN):
        if column not in table.columns:
            table[column] = ""
    for code in codebook.ids:
        table[code] = pd.to_numeric(table[code].replace("", "0"), errors="coerce"
                                    ).fillna(0).astype(int)
    return table[[*columns, *[c for c in table.columns if c not in columns]]]


def record_decision(path, answer_id, codes, *, codebook, id_column: str = "id",
                    who: str | None = None, when: datetime | None = None) -> pd.DataFrame:
    """Record that answer `answer_id` carries `codes` (an empty collection: none of them).

    Parameters
    ----------
    path : str or Path
        The examples file (CSV; created with its header when missing).
    answer_id : str
        The answer's id in the survey.
    codes : collection of str
        Code ids of `codebook`.
    codebook : Codebook
    id_column : str
        The survey's id column (the examples file's id column is named the same).
    who, when : optional
        Who decided (default: the computer's user name) and when (default: now).

    Returns
    -------
    DataFrame
        The decisions after this one (:func:`read_decisions`).
    """
    from survey_tools.paths import analyst_name

    unknown = sorted(set(codes) - set(codebook.ids))
    if unknown:
        raise ValueError(f"{unknown} are not codes of the codebook ({codebook.ids})")
    path = Path(path)
    table = read_decisions(path, codebook=codebook, id_column=id_column)
    row = {id_column: str(answer_id), **{c: int(c in codes) for c in codebook.ids},
           WHO: who or analyst_name(), WHEN: (when or datetime.now()).strftime("%Y-%m-%d %H:%M")}
    table = table[table[id_column] != str(answer_id)]
    table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    write_safe_csv(table, path)
    return table


def undo_decision(path, answer_id, *, codebook, id_column: str = "id") -> pd.DataFrame:
    """Remove the decision on `answer_id` from the examples file; return the decisions left."""
    path = Path(path)
    table = read_decisions(path, codebook=codebook, id_column=id_column)
    table = table[table[id_column] != str(answer_id)].reset_index(drop=True)
    write_safe_csv(table, path)
    return table


def next_to_code(coder, texts, ids, *, decided=(), n: int = 5,
                 strategy: str = "uncertain") -> pd.DataFrame:
    """Return the `n` answers most worth deciding next, leaving out those `decided`.

    :func:`~survey_tools.coding.active.suggest_for_coding` on the answers whose id is not
    in `decided`: ``position, id, uncertainty``.
    """
    from survey_tools.coding.active import suggest_for_coding

    ids = [str(i) for i in ids]
    done = {str(i) for i in decided}
    out = suggest_for_coding(coder, texts, n=n, strategy=strategy,
                             exclude=[i for i, a in enumerate(ids) if a in done])
    out.insert(1, "id", [ids[p] for p in out["position"]])
    return out
