"""Response scales (Likert and similar), loaded from ``resources/scales.yaml``."""

from __future__ import annotations

from dataclasses import dataclass

from survey_tools.resources import load_yaml

__all__ = ["Scale", "load_scales", "find_scale", "canonical_label", "normalize_label"]


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
