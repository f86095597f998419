"""Choose quotable answers, with personal data masked and risky answers left out.

Two layers. First every candidate is masked with :func:`survey_tools.nlp.pii.mask_pii`
(personnummer, phone, e-mail, names... become ``[PERSONNUMMER]``, ``[PHONE]``...). Then an
answer is still left out when it contains a digit, an ``@``, a web address, or a
capitalized word that does not start a sentence and is not an acronym ("Skatteverket",
a name missing from the gazetteer). That drops some harmless answers; it keeps a name or
number that masking missed out of the report.
"""

from __future__ import annotations

import re

from survey_tools.nlp.answers import normalize_answer

__all__ = ["looks_personal", "pick_quotes"]

_RISKY = re.compile(r"\d|@|https?://|www\.|\.(se|com|org|nu|net)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def looks_personal(text: str, *, name_like=frozenset()) -> bool:
    """Return True when `text` might contain personal data and should not be quoted.

    A digit, an ``@`` or a web address; a capitalised word inside a sentence that is not
    an acronym; a known first name or surname at the start of a sentence ("Alex was very
    professional"), unless it is a stop word ("Will", "Vi"); or any of the `name_like`
    words (lower case, e.g. from :func:`survey_tools.nlp.pii.name_like_words` over all the
    answers: "Zlatko" at the start of a sentence, written like a name elsewhere).

    Examples
    --------
    >>> looks_personal("Vi saknar mandat från ledningen. GDPR gör det svårt.")
    False
    >>> looks_personal("Prata med Anna på it-avdelningen")
    True
    >>> looks_personal("Ring 070-123 45 67")
    True
    >>> looks_personal("Alex was very professional"), looks_personal("Will it work?")
    (True, False)
    """
    from survey_tools.nlp.pii import is_known_name

    text = str(text)
    if _RISKY.search(text):
        return True
    for match in _WORD.finditer(text):
        word = match.group()
        before = text[:match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:;\n\"'(–-"
        if word.casefold() in name_like:
            return True
        if word[0].isupper() and not word.isupper():
            if not sentence_start:
                return True
            if is_known_name(word):
                return True
    return False


def pick_quotes(texts, scores=None, *, n: int = 3, min_words: int = 4,
                max_chars: int = 220, mask: bool = True, name_like=()) -> list[str]:
    """Return up to `n` distinct, safe answers, best `scores` first.

    Parameters
    ----------
    texts : sequence of str
        Candidate answers.
    scores : sequence of float, optional
        Higher is more typical (e.g. similarity to the topic centre); default input order.
    n : int
        Quotes wanted.
    min_words : int
        Shorter answers are not quoted (they say little on their own).
    max_chars : int
        Longer answers are not quoted (to keep the report readable).
    mask : bool
        Check for personal data first (default): an answer in which anything had to be
        masked is not quoted at all. With False, answers are only filtered.
    name_like : collection of str
        More words (lower case) that make an answer unquotable, e.g. the words all the
        question's answers write like names (:func:`survey_tools.nlp.pii.name_like_words`
        with ``starts=True``): "grzegorz was lovely" is not quoted when another answer
        writes "Grzegorz", nor "Omonori was lovely" when no answer writes "omonori".

    Examples
    --------
    >>> pick_quotes(["Budget saknas helt för AI", "Ring Anna", "budget saknas helt för AI."])
    ['Budget saknas helt för AI']
    """
    texts = [str(t).strip() for t in texts]
    if mask:
        from survey_tools.nlp.pii import mask_pii
    order = range(len(texts)) if scores is None else sorted(
        range(len(texts)), key=lambda i: (-float(scores[i]), texts[i]))
    from survey_tools.nlp.pii import name_like_words

    # "Zlatko vet" is not quoted when another answer says "fråga Zlatko"
    name_like = name_like_words(texts) | set(name_like)
    chosen, seen = [], set()
    for i in order:  # mask lazily: only the answers looked at, best first
        t = texts[i]
        key = normalize_answer(t)
        if (key in seen or len(t.split()) < min_words or len(t) > max_chars
                or looks_personal(t, name_like=name_like)):
            continue
        if mask and mask_pii(t) != t:  # it held personal data: not a quote to publish
            continue
        seen.add(key)
        chosen.append(t)
        if len(chosen) == n:
            break
    return chosen
