"""Check an estimator's parameters against its constraints, with public APIs only.

scikit-learn checks parameters with ``_parameter_constraints`` and ``_validate_params``,
but the constraint classes live in a private module (``sklearn.utils._param_validation``)
that may change in any release. This module keeps the same style in a few lines: each
estimator lists, per parameter, what it accepts, and :func:`check_params` raises
:class:`InvalidParameterError` (a ``ValueError``) naming the parameter, the estimator, what
is accepted and what was given, as scikit-learn's message does.

Constraints are: a type or tuple of types (``str``, ``dict``), ``None``, ``"boolean"``,
``"array-like"``, :class:`Interval`, :class:`Options` and :class:`HasMethods`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral

__all__ = ["HasMethods", "Interval", "InvalidParameterError", "Options", "check_params"]


class InvalidParameterError(ValueError, TypeError):
    """A parameter has a value its estimator does not accept."""


@dataclass(frozen=True)
class Interval:
    """Numbers of `kind` (``Integral`` or ``Real``) between `left` and `right`.

    Examples
    --------
    >>> from numbers import Integral, Real
    >>> Interval(Integral, 1, None, closed="left").accepts(3)
    True
    >>> Interval(Real, 0, 1, closed="right").accepts(0)
    False
    >>> str(Interval(Real, 0, 1, closed="both"))
    'a float in the range [0, 1]'
    """

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def accepts(self, value) -> bool:
        """Return whether `value` is a number of this kind in the range (bools are not)."""
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        low = self.left is None or (value >= self.left if self.closed in ("left", "both")
                                    else value > self.left)
        high = self.right is None or (value <= self.right if self.closed in ("right", "both")
                                      else value < self.right)
        return bool(low and high)

    def __str__(self) -> str:
        name = "an int" if self.kind is Integral else "a float"
        left = "-inf" if self.left is None else self.left
        right = "inf" if self.right is None else self.right
        opening = "[" if self.closed in ("left", "both") and self.left is not None else "("
        closing = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{name} in the range {opening}{left}, {right}{closing}"


@dataclass(frozen=True)
class Options:
    """One of the given values (strings such as ``"auto"``, or ``False``)."""

    values: frozenset

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", frozenset(self.values))

    def accepts(self, value) -> bool:
        """Return whether `value` is one of the options (of the same type)."""
        return any(value == v and type(value) is type(v) for v in self.values)

    def __str__(self) -> str:
        return "a value among " + "{" + ", ".join(map(repr, sorted(self.values, key=str))) + "}"


@dataclass(frozen=True)
class HasMethods:
    """An object with the given methods (``encode``, ``fit``...)."""

    methods: tuple

    def __post_init__(self) -> None:
        object.__setattr__(self, "methods", tuple(self.methods))

    def accepts(self, value) -> bool:
        """Return whether `value` has every method."""
        return all(callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self) -> str:
        return f"an object implementing {', '.join(map(repr, self.methods))}"


def _accepts(constraint, value) -> bool:
    if constraint is None:
        return value is None
    if constraint == "boolean":
        return isinstance(value, bool) or type(value).__name__ == "bool_"
    if constraint == "array-like":
        return hasattr(value, "__len__") and not isinstance(value, str | bytes | Mapping)
    if isinstance(constraint, type | tuple):
        return isinstance(value, constraint)
    return constraint.accepts(value)


def _describe(constraint) -> str:
    if constraint is None:
        return "None"
    if constraint == "boolean":
        return "an instance of 'bool'"
    if constraint == "array-like":
        return "an array-like"
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__!r}"
    if isinstance(constraint, tuple):
        return " or ".join(f"an instance of {t.__name__!r}" for t in constraint)
    return str(constraint)


def check_params(estimator, constraints: Mapping) -> None:
    """Raise :class:`InvalidParameterError` for the first parameter no constraint accepts.

    Parameters
    ----------
    estimator : object
        The estimator; its parameters are read with ``get_params(deep=False)``.
    constraints : mapping
        ``{parameter: [constraint, ...]}``; a parameter is valid when any constraint
        accepts it. Parameters not listed are not checked.

    Examples
    --------
    >>> from numbers import Real
    >>> from sklearn.base import BaseEstimator
    >>> class Coder(BaseEstimator):
    ...     def __init__(self, margin=0.5):
    ...         self.margin = margin
    >>> try:
    ...     check_params(Coder(margin="x"), {"margin": [Interval(Real, 0, None)]})
    ... except InvalidParameterError as error:
    ...     print(error)
    The 'margin' parameter of Coder must be a float in the range [0, inf). Got 'x' instead.
    """
    params = estimator.get_params(deep=False)
    for name, accepted in constraints.items():
        value = params[name]
        if any(_accepts(c, value) for c in accepted):
            continue
        described = [_describe(c) for c in accepted]
        wanted = (described[0] if len(described) == 1
                  else f"{', '.join(described[:-1])} or {described[-1]}")
        raise InvalidParameterError(f"The {name!r} parameter of {type(estimator).__name__} "
                                    f"must be {wanted}. Got {value!r} instead.")
