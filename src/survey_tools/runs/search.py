"""Search the open answers of a survey file: what ``survey-tools search`` runs."""

from __future__ import annotations

from pathlib import Path

__all__ = ["run_search"]


def run_search(path, query: str, *, text_columns, filters=None, show=(), top: int = 10,
               embedding: str = "default", output=None, id_column=None,
               read_options: dict | None = None):
    """Return the answers in `text_columns` of the survey at `path` closest to `query`.

    Parameters
    ----------
    path : str or Path
        The survey file.
    query : str
        What to look for, in Swedish or English.
    text_columns : list of str
        The open-ended questions to search; a column given twice is searched once.
    filters : dict, optional
        ``{column: [values]}``: keep answers whose column has one of the values
        (``question`` filters on the question).
    show : sequence of str
        Further columns to show (filter columns are shown anyway).
    top : int
        Number of answers.
    embedding : str
        See :func:`survey_tools.nlp.embeddings.load_encoder`.
    output : str or Path, optional
        Also write the hits to this ``.csv`` or ``.xlsx`` (formula-safe, atomic).
    id_column : str, optional
        Respondent id column (default: detected).
    read_options : dict, optional
        Further keywords for :func:`~survey_tools.io.survey.read_survey`.

    Returns
    -------
    RunResult
        Table ``hits``: ``rank, <id column>, score, answer, [question,] <shown columns>``;
        answers masked.
    """
    from survey_tools.io.atomic import check_writable, refuse_overwriting_input
    from survey_tools.io.schema import resolve_column
    from survey_tools.io.survey import read_survey
    from survey_tools.nlp.search import AnswerIndex, answers_long
    from survey_tools.runs.result import RunResult, write_result

    if output:
        refuse_overwriting_input(path, [output], hint="give --output another file name, "
                                                      "e.g. hits.csv")
        check_writable(output, folder=False)
    filters = dict(filters or {})
    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data
    columns = list(dict.fromkeys(resolve_column(data, c, path=path) for c in text_columns))
    meta = [resolve_column(data, c, path=path)
            for c in dict.fromkeys([*show, *filters]) if c != "question"]
    long = answers_long(data, columns, id_column=survey.id_column, metadata=meta)
    index = AnswerIndex(embedding_model=embedding, progress=False)
    index.fit(long["text"], ids=long["id"], metadata=long.drop(columns=["id", "text"]))
    found = index.search(query, top_k=top, filters=filters)
    found = found.rename(columns={"id": survey.id_column})
    if len(columns) == 1:
        found = found.drop(columns="question")
    result = RunResult(tables={"hits": found}, notes=list(survey.notes))
    if not output:
        return result
    result.files = {Path(output).name: "hits"}
    return write_result(result, Path(output).parent)
