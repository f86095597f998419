"""Response scales (Likert and similar), loaded from ``resources/scales.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from survey_tools.resources import load_yaml

__all__ = ["Scale", "load_scales", "find_scale", "canonical_label", "normalize_label",
           "scale_in_language", "drop_unchosen_levels"]


@dataclass(frozen=True)
class Scale:
    """An ordered response scale.

    Attributes
    ----------
    name : str
        Key of the scale, e.g. ``"agree5"``.
    levels : tuple of str
        Substantive levels from lowest to highest, in one language.
    dont_know : tuple of str
        Valid answers that are not on the scale ("Vet ej").
    positive : int
        How many of the top levels count as the positive side (top-box).
    language : str
        Language of the labels.
    """

    name: str
    levels: tuple[str, ...]
    dont_know: tuple[str, ...]
    positive: int
    language: str

    @property
    def categories(self) -> tuple[str, ...]:
        """All categories: the levels, then the don't-know answers."""
        return self.levels + self.dont_know

    @property
    def top(self) -> tuple[str, ...]:
        """The positive (top-box) levels."""
        return self.levels[-self.positive :]


def load_scales() -> tuple[Scale, ...]:
    """Return every known scale, one entry per scale and language.

    Examples
    --------
    >>> agree = [s for s in load_scales() if s.name == "agree5" and s.language == "en"][0]
    >>> agree.levels[-1]
    'Strongly agree'
    """
    out = []
    for name, spec in load_yaml("scales.yaml").items():
        for lang, levels in spec["levels"].items():
            out.append(
                Scale(
                    name=name,
                    levels=tuple(levels),
                    dont_know=tuple(spec.get("dont_know", {}).get(lang, ())),
                    positive=int(spec.get("positive", 2)),
                    language=lang,
                )
            )
    return tuple(out)


def normalize_label(value) -> str:
    """Return an answer label for comparing: spaces collapsed, case folded.

    Examples
    --------
    >>> normalize_label("  Instämmer   HELT ")
    'instämmer helt'
    """
    return " ".join(str(value).split()).casefold()


def find_scale(values) -> Scale | None:
    """Return the known scale whose labels cover `values`, or None.

    Matching ignores case and extra white space. At least two distinct substantive levels
    must occur, so a column of only "Vet ej" is not taken for a scale.

    Parameters
    ----------
    values : iterable of str
        The distinct non-missing answers of a column.

    Returns
    -------
    Scale or None
        The first scale (in file order) that covers every value.
    """
    seen = {normalize_label(v) for v in values}
    if len(seen) < 2:
        return None
    for scale in load_scales():
        levels = {normalize_label(v) for v in scale.levels}
        allowed = levels | {normalize_label(v) for v in scale.dont_know}
        if seen <= allowed and len(seen & levels) >= 2:
            return scale
    return None


def canonical_label(value: str, scale: Scale) -> str | None:
    """Return the scale's own spelling of `value`, or None when it is not on the scale."""
    key = normalize_label(value)
    for label in scale.categories:
        if normalize_label(label) == key:
            return label
    return None


def scale_in_language(values, lang: str):
    """Return a Likert categorical with its answers in `lang` (the same scale's wording).

    An English report of a Swedish questionnaire shows "Strongly agree" for "Instämmer
    helt": levels map by position, and so do the don't-know answers the scale lists in
    both languages. A column on no known scale, or already in `lang`, is returned as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(pd.Categorical(["Instämmer helt", "Vet ej"], ordered=True,
    ...     categories=["Instämmer inte alls", "Instämmer i låg grad", "Instämmer delvis",
    ...                 "Instämmer i hög grad", "Instämmer helt", "Vet ej"]))
    >>> scale_in_language(s, "en").tolist()
    ['Strongly agree', "Don't know"]
    """
    import pandas as pd

    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values
    cats = [str(c) for c in values.cat.categories]
    scale = find_scale(cats)
    if scale is None or scale.language == lang:
        return values
    target = next((s for s in load_scales() if s.name == scale.name and s.language == lang),
                  None)
    if target is None:
        return values
    mapping = dict(zip(scale.levels, target.levels, strict=True))
    mapping.update(zip(scale.dont_know, target.dont_know, strict=False))  # as far as both go
    shown = [mapping.get(canonical_label(c, scale) or c, c) for c in cats]
    if len(set(shown)) < len(shown):  # two answers would read the same: leave as written
        return values
    return values.cat.rename_categories(shown)


def drop_unchosen_levels(frame, items) -> tuple:
    """Drop the scale levels no one chose in any of `items` (a battery of Likert columns).

    A scale is matched to the answers by its labels, so a four-point questionnaire with
    "Don't know" matches a five-point template; the midpoint it never had would show in
    every legend at 0 %. What no one chose in the whole battery is taken as not part of the
    questionnaire.

    Returns
    -------
    (DataFrame, list of str)
        The frame with those categories removed, and the levels removed.

    Examples
    --------
    >>> import pandas as pd
    >>> cats = ["Disagree", "Neutral", "Agree"]
    >>> f = pd.DataFrame({"a": pd.Categorical(["Agree", "Disagree"], categories=cats),
    ...                   "b": pd.Categorical(["Agree", None], categories=cats)})
    >>> out, dropped = drop_unchosen_levels(f, ["a", "b"])
    >>> list(out["a"].cat.categories), dropped
    (['Disagree', 'Agree'], ['Neutral'])
    """
    import pandas as pd

    items = [c for c in items if c in frame.columns
             and isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not items:
        return frame, []
    chosen = set().union(*(set(frame[c].dropna().astype(str)) for c in items))
    if not chosen:
        return frame, []
    unchosen = [str(c) for c in frame[items[0]].cat.categories if str(c) not in chosen]
    if not unchosen:
        return frame, []
    frame = frame.copy()
    for column in items:
        kept = [c for c in frame[column].cat.categories if str(c) not in unchosen]
        frame[column] = frame[column].cat.set_categories(kept)  # keeps the order
    return frame, unchosen
