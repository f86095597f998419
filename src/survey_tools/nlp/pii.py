"""Find and mask personal data in Swedish and English free text.

Structured identifiers are validated, not just pattern-matched: personnummer with
python-stdnum (Luhn digit and a real date), samordningsnummer the same way with the day
minus 60, organisationsnummer, IBAN and card numbers (Luhn) with python-stdnum, phone
numbers with phonenumbers (Swedish and international, only numbers that are valid for
their region), IP addresses with :mod:`ipaddress`. E-mail, URLs, street addresses and
postcodes are patterns. Names come from gazetteers of first names and surnames common in
Sweden (``resources/names_sv.yaml``) and in English-speaking countries
(``resources/names_en.yaml``: US Census lists and today's common UK names), and from
context: after a cue ("jag heter ...", "min kollega ...", "my name is ...", "I am ...") or a
title ("Dr ...", "nurse ...", "syster ...") the next word is a name when it has a capital
or is a known name. A known first name that is not also an everyday word ("Natasha", not
"Will" or "Mina") is a name wherever it stands, at the start of a sentence and in lower
case too ("natasha was lovely").

Each match is replaced by a typed placeholder such as ``[PERSONNUMMER]`` or ``[EMAIL]``.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from survey_tools.resources import load_yaml

__all__ = [
    "PII_TYPES",
    "STARTS_MIN_TEXTS",
    "STRUCTURED_TYPES",
    "PiiMatch",
    "find_pii",
    "is_known_name",
    "mask_pii",
    "name_like_words",
    "mask_texts",
    "scan_files",
]

# In priority order: when two matches overlap, the earlier type wins.
PII_TYPES = ("EMAIL", "URL", "IBAN", "CARD", "PERSONNUMMER", "SAMORDNINGSNUMMER",
             "ORGANISATIONSNUMMER", "IP", "PHONE", "ADDRESS", "POSTCODE", "NAME")
STRUCTURED_TYPES = ("EMAIL", "IBAN", "CARD", "PERSONNUMMER", "SAMORDNINGSNUMMER", "PHONE")


@dataclass(frozen=True)
class PiiMatch:
    """One piece of personal data found in a text."""

    start: int
    end: int
    type: str
    text: str


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
_ID_NUMBER = re.compile(r"(?<![\d-])(\d{2})?(\d{6})\s?([-+]?)\s?(\d{4})(?![\d-])")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b")
_STREET = re.compile(
    r"\b[A-ZÅÄÖ][\wåäöéü-]*(?:gatan|vägen|gränd|gränden|torget|torg|allén|backen|stigen|"
    r"platsen|plan|leden|road|street|avenue|lane)\s+\d{1,4}\s?[A-Za-z]?\b")
_POSTCODE = re.compile(r"(?<![\d-])\d{3}\s?\d{2}\s+[A-ZÅÄÖ][a-zåäöé]+(?:\s[A-ZÅÄÖ][a-zåäöé]+)?")
_WORD = re.compile(r"\b[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?\b")
_CUE = re.compile(
    r"\b(?:jag heter|jag är|mitt namn är|min kollega|vår kollega|kollegan|min chef|kontakta|"
    r"prata med|fråga|hälsningar|mvh|my name is|i am|i'm|this is|my colleague|our colleague|"
    r"contact|talk to|ask|regards|thanks to|tack till)[ \t]+$", re.IGNORECASE)
# A title before a name: "Dr Chris", "nurse Natasha", "syster Karin", "doktor Ali".
_TITLE = re.compile(
    r"\b(?:(?:dr|mr|mrs|ms|mx|prof)\.?|doctor|miss|professor|nurse|sister|matron|sir|dame|"
    r"midwife|consultant|surgeon|doktor|doktorn|syster|sjuksköterska|sjuksköterskan|"
    r"läkare|läkaren|överläkare|överläkaren|barnmorska|barnmorskan|kurator|kuratorn|"
    r"handläggare|handläggaren|rektor|rektorn|fröken|herr|fru|"
    # roles and kin: "the receptionist Radomir", "my son Tarquin", "min kollega Zlatko"
    r"receptionist|porter|paramedic|physio|physiotherapist|therapist|counsellor|carer|"
    r"pharmacist|manager|colleague|son|daughter|husband|wife|partner|mum|dad|mother|"
    r"father|brother|friend|kollega|kollegan|chef|chefen|mamma|pappa|dotter|sambo|vän|"
    r"kompis|handledare|handledaren|lärare|läraren|kontaktperson|kontaktpersonen)[ \t]+$",
    re.IGNORECASE)
_ABBREVIATED_TITLE = re.compile(r"\b(?:dr|mr|mrs|ms|mx)\.?[ \t]+$", re.IGNORECASE)
# "Vad är svårast, Zlatko?": a capitalised word after a comma, ending the sentence
_VOCATIVE = re.compile(r",[ \t]*$")
_ENDS_SENTENCE = re.compile(r"^[ \t]*[?!]")
# Months that are also first names: a name only after a cue or title, or next to a name.
_CALENDAR = frozenset({"April", "May", "June", "July", "August"})
# Any word, with or without a capital (names after a cue or a title, known names).
_ANY_WORD = re.compile(r"\b[^\W\d_][^\W\d_'’]*(?:-[^\W\d_]+)?\b")


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """First names, surnames, ambiguous names (also words) and names that are never words.

    Swedish names keep the Swedish list's own rules: an English list's "ambiguous" name
    that is a Swedish first name or surname stays a name.
    """
    sv, en = load_yaml("names_sv.yaml"), load_yaml("names_en.yaml")
    first = frozenset(sv["first_names"]) | frozenset(en["first_names"])
    last = frozenset(sv["surnames"]) | frozenset(en["surnames"])
    swedish = frozenset(sv["first_names"]) | frozenset(sv["surnames"])
    words = frozenset(sv.get("ambiguous", [])) | frozenset(sv.get("words", [])) | frozenset(
        en["ambiguous"])
    ambiguous = words - (swedish - frozenset(sv.get("ambiguous", [])))
    # known first names that are not words: found in lower case too ("natasha"), not
    # "hans" or "klara", Swedish names that are also Swedish words
    lower = frozenset(n.casefold() for n in first - words - _CALENDAR if len(n) >= 4)
    return first, last, ambiguous, lower


@lru_cache(maxsize=1)
def _stop_words() -> frozenset:
    """Swedish and English stop words: "I am Not happy" names no one."""
    from survey_tools.topics.vocab import stop_words

    return frozenset(stop_words())


def _valid_date(yymmdd: str, century: str | None, day_offset: int) -> bool:
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]) - day_offset
    years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
    for year in years:
        try:
            _dt.date(year, mm, dd)
            return True
        except ValueError:
            continue
    return False


def _id_type(century, six, four) -> str | None:
    """Classify 10 digits (plus optional century) as a Swedish identity number, or None."""
    from stdnum import luhn
    from stdnum.se import orgnr

    digits = six + four
    if not luhn.is_valid(digits):
        return None
    if int(six[2:4]) >= 20 and century is None and orgnr.is_valid(digits):
        return "ORGANISATIONSNUMMER"
    if int(six[4:6]) > 60 and _valid_date(six, century, 60):
        return "SAMORDNINGSNUMMER"
    if _valid_date(six, century, 0):
        return "PERSONNUMMER"
    return None


def _ids(text):
    for m in _ID_NUMBER.finditer(text):
        kind = _id_type(m.group(1), m.group(2), m.group(4))
        if kind:
            yield m.start(), m.end(), kind


def _cards(text):
    from stdnum import luhn

    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits) and len(set(digits)) > 1:
            yield m.start(), m.end(), "CARD"


def _ibans(text):
    from stdnum import iban

    for m in _IBAN.finditer(text):
        if iban.is_valid(m.group()):
            yield m.start(), m.end(), "IBAN"


def _ips(text):
    for pattern in (_IPV4, _IPV6):
        for m in pattern.finditer(text):
            try:
                ipaddress.ip_address(m.group())
            except ValueError:
                continue
            yield m.start(), m.end(), "IP"


_DECIMAL = re.compile(r"(?<!\d)0[.,]\d|\s{2,}")
# "08.00-10.00", "8:30–16.30": a time range, not a phone number
_CLOCK = r"([01]?\d|2[0-3])[.:][0-5]\d"
_TIME_RANGE = re.compile(rf"^\s*{_CLOCK}\s*[-–—]\s*{_CLOCK}\s*$")


#: The characters phonenumbers' matcher allows between the digit blocks of a number, at
#: most four at a time (its ``_VALID_PUNCTUATION``; a test keeps the two the same).
_PHONE_PUNCTUATION = ("-x\u2010-\u2015\u2212\u30FC\uFF0D-\uFF0F \u00A0\u00AD\u200B\u2060"
                      "\u3000()\uFF08\uFF09\uFF3B\uFF3D.\\[\\]/~\u2053\u223C\uFF5E")
#: The fewest digits of a valid number dialled from abroad: country code and national
#: number (+98 and four digits; a test computes it from phonenumbers' metadata).
_MIN_INTERNATIONAL_DIGITS = 6


@cache
def _phone_digit_run(region: str) -> re.Pattern:
    """Return a pattern for the shortest run of digits a valid number in `region` needs.

    A text without it holds no phone number, so the matcher is not run on it: most lines
    of a report's tables (``0,1,0.0061,0.0232``) are skipped at once (the personal-data
    check of the sample report took 3.7 s, most of it in the matcher).
    """
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    national = [n for n in getattr(getattr(metadata, "general_desc", None),
                                   "possible_length", None) or () if n > 0]
    fewest = max(1, min([_MIN_INTERNATIONAL_DIGITS, *national]))
    return re.compile(rf"\d(?:[{_PHONE_PUNCTUATION}]{{0,4}}\d){{{fewest - 1},}}")


def _phones(text, region):
    import phonenumbers

    if not _phone_digit_run(region).search(text):
        return
    for m in phonenumbers.PhoneNumberMatcher(text, region,
                                             leniency=phonenumbers.Leniency.VALID):
        if _DECIMAL.search(m.raw_string) or _TIME_RANGE.match(m.raw_string):
            continue  # "0.839  0.839" in a printed table, or opening hours
        yield m.start, m.end, "PHONE"


def _urls(text):
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?)":
            end -= 1
        yield m.start(), end, "URL"


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 200):pos].rstrip()  # a window: linear in long texts
    return not before or before[-1] in ".!?:;\n\"'(«–-"


def _names_in(text):
    first, last, ambiguous, lower = _names()
    words = list(_ANY_WORD.finditer(text))
    i, last_end = 0, -1
    while i < len(words):
        m = words[i]
        word = m.group()
        before = text[max(0, m.start() - 60):m.start()]  # cues are short: linear time
        capital = bool(_WORD.fullmatch(word))
        titled = bool(_TITLE.search(before))
        stop = word.casefold() in _stop_words()
        cue = bool(_CUE.search(before)) or titled or (  # "Radomir and Xiomara"
            last_end >= 0 and text[last_end:m.start()].strip().casefold() in ("and", "och", "&"))
        cue = cue or (capital and not stop and bool(_VOCATIVE.search(before))
                      and bool(_ENDS_SENTENCE.match(text[m.end():])))
        known = capital and (word in first or word in last)
        plain = word.casefold() in lower  # a known name that is not also a word
        # after a title, a known name in lower case too ("nurse mark"), and after "dr",
        # "mr", "mrs", "ms" any word but a stop word ("dr bartosz")
        plain = plain or (titled and not stop and (
            word.capitalize() in first or word.capitalize() in last
            or bool(_ABBREVIATED_TITLE.search(before))))
        if not (known or plain or (cue and capital and not stop)):
            i += 1
            continue
        end, j = m.end(), i + 1
        # a following capitalised name or word right after it is the rest of the name
        while j < len(words) and text[end:words[j].start()] == " " and _WORD.fullmatch(
                words[j].group()) and (words[j].group() in last or words[j].group() in first
                                       or known or plain):
            end, j = words[j].end(), j + 1
        alone = end == m.end()
        if alone and not cue and (word.capitalize() in _CALENDAR or (word in ambiguous and (
                _sentence_start(text, m.start()) or word not in first))):
            pass  # "Per person", "Will it work", "Mina kollegor", "in May", "Fairly Good"
        elif known or plain or titled or not _sentence_start(text, m.start()) or cue:
            yield m.start(), end, "NAME"
            last_end = end
        i = j


def is_known_name(word: str) -> bool:
    """Return True when `word`, as written, is a first name or surname of the gazetteers.

    Names that are also everyday words count too ("Mark", "Mina"), stop words do not
    ("Will", "Vi"): use this to be careful (e.g. before quoting), not to mask.

    Examples
    --------
    >>> is_known_name("Natasha"), is_known_name("Mark"), is_known_name("Will")
    (True, True, False)
    """
    first, last, _, lower = _names()
    return (word in first or word in last or word.casefold() in lower) and (
        word.casefold() not in _stop_words())


#: Texts needed before a word that only ever starts a sentence is taken for a name.
STARTS_MIN_TEXTS = 200
_ALL_WORDS = re.compile(r"[^\W\d_][^\W\d_'’-]*")


def name_like_words(texts, *, starts: bool = False) -> set[str]:
    """Return the words (lower case) that `texts` write like names, e.g. ``{"zlatko"}``.

    A word is name-like when it is written with a capital inside a sentence at least once
    and at least as often as in lower case, and is neither an acronym ("GDPR") nor written
    with a capital inside ("ChatGPT"), nor a stop word. Names outside the gazetteers are
    found this way when the texts are read together; so are places and organisations
    ("Skatteverket"), which is the price of never publishing an unknown name. With
    `starts`, also the words that begin a sentence with a capital and never stand inside
    one ("Omonori was lovely", "omonori was kind"): stricter, for choosing quotes; only from
    :data:`STARTS_MIN_TEXTS` texts on (in fewer, an everyday word may simply never occur
    in lower case).

    Examples
    --------
    >>> sorted(name_like_words(["Fråga Zlatko om det", "Zlatko vet", "Budget saknas",
    ...                         "GDPR och budget"]))
    ['zlatko']
    >>> texts = ["Omonori was lovely", "Budget saknas", "ingen budget"] * 100
    >>> sorted(name_like_words(texts, starts=True)), sorted(name_like_words(texts[:3], starts=True))
    (['omonori'], [])
    """
    inside, first, lower, lower_inside = Counter(), Counter(), Counter(), Counter()
    stop = _stop_words()
    for text in texts:
        if not isinstance(text, str):
            continue
        for m in _ALL_WORDS.finditer(text):
            word = m.group()
            key = word.casefold()
            start = _sentence_start(text, m.start())
            if word.islower():
                lower[key] += 1
                lower_inside[key] += not start
            elif len(word) > 1 and word[0].isupper() and word[1:].islower() and key not in stop:
                (first if start else inside)[key] += 1
    found = {w for w, n in inside.items() if n >= lower[w]}
    if starts and sum(isinstance(t, str) for t in texts) >= STARTS_MIN_TEXTS:
        # never inside a sentence, in any case ("Dagny was ...", "dagny was ...")
        found |= {w for w in first if not lower_inside[w] and not inside[w]}
    return found


def _simple(pattern, kind):
    def find(text):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), kind
    return find


def find_pii(text, *, types=None, region: str = "SE") -> list[PiiMatch]:
    """Return the personal data in `text`, left to right, without overlaps.

    Parameters
    ----------
    text : str
        Any text; non-strings give no matches.
    types : sequence of str, optional
        Only these types (see :data:`PII_TYPES`); default all.
    region : str
        Default country for phone numbers written without a country code.

    Examples
    --------
    >>> [m.type for m in find_pii("Mejla anna.svensson@kommun.se eller ring 070-123 45 67")]
    ['EMAIL', 'PHONE']
    >>> find_pii("Vi var 120 anställda år 2023 och budgeten var 2 500 000 kr.")
    []
    """
    if not isinstance(text, str) or not text:
        return []
    wanted = set(PII_TYPES if types is None else types)
    finders = {
        "EMAIL": _simple(_EMAIL, "EMAIL"), "URL": _urls, "IBAN": _ibans, "CARD": _cards,
        "PERSONNUMMER": _ids, "SAMORDNINGSNUMMER": _ids, "ORGANISATIONSNUMMER": _ids,
        "IP": _ips, "PHONE": lambda t: _phones(t, region),
        "ADDRESS": _simple(_STREET, "ADDRESS"), "POSTCODE": _simple(_POSTCODE, "POSTCODE"),
        "NAME": _names_in,
    }
    found = []
    seen_finders = set()
    for kind in PII_TYPES:
        finder = finders[kind]
        if kind not in wanted or id(finder) in seen_finders:
            continue
        seen_finders.add(id(finder))
        found.extend((start, end, k) for start, end, k in finder(text) if k in wanted)
    rank = {k: i for i, k in enumerate(PII_TYPES)}
    accepted = []
    for start, end, kind in sorted(found, key=lambda f: (rank[f[2]], f[0], -f[1])):
        if all(end <= a.start or start >= a.end for a in accepted):
            accepted.append(PiiMatch(start, end, kind, text[start:end]))
    return sorted(accepted, key=lambda m: m.start)


def mask_pii(text, *, types=None, region: str = "SE") -> str:
    """Return `text` with each piece of personal data replaced by ``[TYPE]``.

    Examples
    --------
    >>> mask_pii("Jag heter Karin Lindberg, pnr 19811228-9874, karin@exempel.se")
    'Jag heter [NAME], pnr [PERSONNUMMER], [EMAIL]'
    """
    if not isinstance(text, str):
        return text
    out, last = [], 0
    for m in find_pii(text, types=types, region=region):
        out.append(text[last:m.start])
        out.append(f"[{m.type}]")
        last = m.end
    out.append(text[last:])
    return "".join(out)


def mask_texts(texts, *, types=None, region: str = "SE") -> tuple[pd.Series, pd.Series]:
    """Mask every text; return the masked texts and the number of matches per type.

    Missing values stay missing.
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    counts: Counter = Counter()
    masked = []
    for value in s:
        if isinstance(value, str):
            matches = find_pii(value, types=types, region=region)
            counts.update(m.type for m in matches)
            masked.append(mask_pii(value, types=types, region=region) if matches else value)
        else:
            masked.append(value)
    order = [t for t in PII_TYPES if counts.get(t)]
    return (pd.Series(masked, index=s.index, dtype=object),
            pd.Series({t: counts[t] for t in order}, dtype=int, name="count"))


_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _readable_text(path) -> str:
    """Return the human-readable text of an HTML, notebook, CSV or text file."""
    import html
    import json
    from pathlib import Path

    path = Path(path)
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        parts = []
        for cell in json.loads(raw).get("cells", []):
            parts.append("".join(cell.get("source", [])))
            for out in cell.get("outputs", []):
                parts.append("".join(out.get("text", [])))
                for kind, value in out.get("data", {}).items():
                    if kind.startswith("text/"):
                        parts.append(value if isinstance(value, str) else "".join(value))
        raw = "\n".join(parts)
    if path.suffix in (".html", ".htm", ".ipynb"):
        raw = _BLOCKS.sub(" ", _DATA_URI.sub(" ", raw))
        raw = html.unescape(_TAG.sub(" ", raw))
    return raw


def scan_files(paths, *, types=STRUCTURED_TYPES) -> pd.DataFrame:
    """Look for unmasked structured personal data in report files.

    Images (base64 data) and style or script blocks of HTML are skipped; notebooks are
    read cell by cell (sources and text outputs). Each line is scanned on its own.

    Returns
    -------
    DataFrame
        ``file, type, count`` for every file and type with a finding (empty when clean).
        The values themselves are not returned, so the result can be logged.
    """
    rows, seen = [], {}  # a line repeated (in the tables, the notebooks, the page) once
    for path in paths:
        counts: Counter = Counter()
        for line in _readable_text(path).splitlines():
            if line not in seen:
                seen[line] = [m.type for m in find_pii(line, types=types)]
            counts.update(seen[line])
        rows.extend({"file": str(path), "type": t, "count": n} for t, n in counts.items())
    return pd.DataFrame(rows, columns=["file", "type", "count"])
