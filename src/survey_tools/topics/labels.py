"""Readable topic labels in the report language, made of phrases from the topic's own answers.

A label such as "Tydligt uppdrag från ledningen, mandat" is built in four steps
(KeyBERT-style, as BERTopic's ``KeyBERTInspired`` and ``MaximalMarginalRelevance``):

1. **Candidates**: phrases of one to four words from the topic's answers *in the report
   language*, that neither start nor end with a stop word, hold no digit and no name of
   the name gazetteer, and are not nearly always part of one longer phrase ("nätverk med
   andra" without "kommuner"). Inflections count as one phrase: each word is reduced to
   its Snowball stem ("ledningen", "ledningens" -> "ledning"), and the phrase is shown in
   the form the answers use most.
2. **Distinctive**: candidates used by at least 5 % of the topic's answers are ranked by
   that share, weighted by how few topics use them at all (c-TF-IDF on answer counts);
   the best 20 are kept.
3. **Typical**: each of those is embedded with the topic model's own embedding model and
   scored by its cosine similarity to the topic's centre; a phrase's relevance is its
   distinctiveness, raised by up to a factor two for the most typical one.
4. **Diverse**: maximal marginal relevance picks up to `n_phrases` relevant phrases that
   are not close to each other, and never two with a word stem in common; a further
   phrase is added only when its relevance is at least 60 % of the first one's and it
   has two words or more (a lone "liten", "räkna" or "given" after the comma adds no
   meaning).

A phrase is a run of words with only spaces between them in some answer, so every label
phrase occurs in its topic's answers as written (never "stöd upphandling" made of "stöd,
upphandling" or "stöd i upphandling"). A topic whose answers mostly say that all is well
("Nothing, everything was fine", "Inget, allt fungerar bra") is named so ("Nothing to
improve, all good"), not by a word such as "Better" (see
:func:`survey_tools.nlp.answers.says_all_is_well`).

A topic with fewer than three answers in the report language takes its phrases from all
its answers (and the label may then be in another language; the model notes it).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

__all__ = ["phrase_candidates", "phrase_occurs", "topic_labels", "guess_short_languages"]

_WORD = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")
# A run of words with only spaces between them: a phrase never spans punctuation, a digit
# or a symbol, so it occurs in the answer as written ("stöd i upphandling", never "stöd
# upphandling" from "stöd, upphandling"). Hyphenated and elided words are one word
# ("AI-arbetet", "don't").
_LETTERS = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_RUN = re.compile(rf"(?u)(?<![\w\-'’]){_LETTERS}(?:[ \t]+{_LETTERS})*(?![\w\-'’])")
_STEMMERS = {"sv": "swedish", "en": "english"}


def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer(_STEMMERS.get(lang, "english"))


def phrase_candidates(docs, *, lang: str = "sv", stop_words=(), blocked=(),
                      max_words: int = 4) -> dict[tuple, dict]:
    """Return the phrases of `docs`, keyed by their word stems.

    Parameters
    ----------
    docs : sequence of str
        Answers.
    lang : str
        Language of the stemmer (``"sv"`` or ``"en"``).
    stop_words : collection of str
        A phrase may not start or end with one of these (lower case).
    blocked : collection of str
        Words that may not occur at all (lower case), e.g. people's names.
    max_words : int
        Longest phrase.

    Returns
    -------
    dict
        ``{stems: {"docs": set of answer positions, "forms": Counter of surface forms,
        "before": Counter, "after": Counter}}``: the stems of the words just before and
        after each use (None at the edge of the answer).

    Examples
    --------
    >>> found = phrase_candidates(["Ledningen saknar mandat", "ledningens mandat"],
    ...                           stop_words={"saknar"})
    >>> sorted(found[("ledning",)]["forms"].items())
    [('ledningen', 1), ('ledningens', 1)]
    >>> found[("mand",)]["docs"]                 # Snowball's Swedish stem of "mandat"
    {0, 1}
    >>> sorted(phrase_candidates(["dödsstraffet", "dödsstraff", "dödsstraffen"]))
    [('dödsstraff',)]
    """
    stemmer = _stemmer(lang)
    stems_of: dict[str, str] = {}
    # Snowball's Swedish stemmer keeps the neuter definite "-et" ("projektet", "budget" of
    # "budgeten"), so "projekt"/"projektet" would count as two phrases: strip it and stem
    # again (projektet -> projekt -> projek, as projekt).
    definite_et = lang == "sv"

    def stem(word: str) -> str:  # Snowball is pure Python: stem each distinct word once
        if word not in stems_of:
            stemmed = stemmer.stemWord(word)
            if definite_et and len(stemmed) >= 6 and stemmed.endswith("et"):
                stemmed = stemmer.stemWord(stemmed[:-2])
            stems_of[word] = stemmed
        return stems_of[word]

    is_stop, blocked = _stop_test(set(stop_words)), set(blocked)
    found: dict[tuple, dict] = defaultdict(lambda: {"docs": set(), "forms": Counter(),
                                                    "before": Counter(), "after": Counter()})
    for position, doc in enumerate(docs):
        seen = set()
        for run in _RUN.findall(str(doc)):
            words = run.casefold().split()
            stems = [stem(w) for w in words]
            stopped = [is_stop(w) for w in words]
            # neighbours that are stop words ("att", "the") do not make a phrase a fragment
            context = [None if x else s for x, s in zip(stopped, stems, strict=True)]
            for size in range(1, max_words + 1):
                for start in range(len(words) - size + 1):
                    gram = words[start:start + size]
                    if (stopped[start] or stopped[start + size - 1]
                            or blocked.intersection(gram) or (size == 1 and len(gram[0]) < 2)):
                        continue
                    key = tuple(stems[start:start + size])
                    entry = found[key]
                    entry["forms"][" ".join(gram)] += 1
                    end = start + size
                    entry["before"][context[start - 1] if start else None] += 1
                    entry["after"][context[end] if end < len(words) else None] += 1
                    if key not in seen:
                        entry["docs"].add(position)
                        seen.add(key)
    return dict(found)


def _stop_test(stop: set):
    """Return a test for stop words that also knows contractions.

    A contraction is a stop word when its first part is one ("it's", "i've") or it ends in
    a clitic ("don't", "we'll"); a possessive ("children's") is not.
    """
    clitics = {"ve", "t", "ll", "re", "d", "m"}

    def is_stop(word: str) -> bool:
        parts = re.split("['’]", word)
        return word in stop or (len(parts) > 1 and (parts[0] in stop or parts[-1] in clitics))

    return is_stop


def phrase_occurs(phrase: str, texts) -> bool:
    """Return whether `phrase` occurs as written in one of `texts`.

    Case and runs of white space aside; the phrase must start and end at word edges
    (a hyphen counts as part of a word). Each phrase of a label occurs so in its topic's
    answers.

    Examples
    --------
    >>> phrase_occurs("stöd i upphandling", ["Saknar  stöd i    upphandling."])
    True
    >>> phrase_occurs("stöd upphandling", ["stöd, upphandling"]), phrase_occurs("AI", ["AI-stöd"])
    (False, False)
    """
    pattern = re.compile(r"(?<![\w-])" + re.escape(phrase.casefold()) + r"(?![\w-])")
    return any(pattern.search(" ".join(str(t).casefold().split())) for t in texts)


def guess_short_languages(docs, languages, *, unknown: str = "und") -> np.ndarray:
    """Give answers of unknown language the language whose answers use their words most.

    One-word answers ("Budget", "Resurser", "Money") are too short for language
    detection. Here each word counts for the language of the answers (of known language,
    in the same corpus) that use it most; an answer goes to the language with the most
    such words, and stays unknown on a tie or when none of its words is used elsewhere.

    Examples
    --------
    >>> guess_short_languages(["Vi saknar resurser", "No money", "Resurser", "Money", "IT"],
    ...                       ["sv", "en", "und", "und", "und"]).tolist()
    ['sv', 'en', 'sv', 'en', 'und']
    """
    languages = np.asarray(languages, dtype=object).copy()
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc, lang in zip(docs, languages, strict=True):
        if lang != unknown:
            counts[lang].update(w.casefold() for w in _WORD.findall(str(doc)))
    for i in np.flatnonzero(languages == unknown):
        votes = Counter()
        for word in {w.casefold() for w in _WORD.findall(str(docs[i]))}:
            uses = {lang: c[word] for lang, c in counts.items() if c[word]}
            if uses:
                top = max(uses.values())
                winners = [lang for lang, n in uses.items() if n == top]
                if len(winners) == 1:
                    votes[winners[0]] += 1
        ranked = votes.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            languages[i] = ranked[0][0]
    return languages


def _incomplete(info, share: float = 0.75) -> bool:
    """Return True when a phrase is nearly always part of one longer phrase.

    "nätverk med andra" is almost always followed by "kommuner": the phrase is a fragment
    of "nätverk med andra kommuner" and would make a truncated label.
    """
    uses = sum(info["forms"].values())
    for side in ("before", "after"):
        word, count = info[side].most_common(1)[0]
        if word is not None and uses >= 2 and count >= share * uses:
            return True
    return False


def _shortlists(candidates, sizes, doc_topic, top_n=20) -> dict:
    """Return per topic its `top_n` candidate keys and their scores (share x rarity).

    A phrase counts for a topic when at least 5 % of its answers (and two) use it; its
    score is that share times an idf over topics (the fewer topics use it at all, the
    more it says about this one). Fragments of longer phrases are left out.
    """
    n_topics = len(sizes)
    minimum = {t: max(2, int(np.ceil(0.05 * n))) for t, n in sizes.items()}
    scored: dict = {t: [] for t in sizes}
    for key, info in candidates.items():
        per_topic = Counter(doc_topic[d] for d in info["docs"])
        hits = [t for t, n in per_topic.items() if n >= minimum[t]]
        if not hits or _incomplete(info):
            continue
        rarity = np.log(1 + n_topics / len(per_topic))
        for t in hits:
            scored[t].append((per_topic[t] / sizes[t] * rarity, len(key), key))
    out = {}
    for t, items in scored.items():
        items.sort(key=lambda item: (-item[0], -item[1], item[2]))
        out[t] = [(key, score) for score, _, key in items[:top_n]]
    return out


def _acronyms(texts) -> set[str]:
    """Return the words (lower case) that the texts mostly write in capitals, e.g. "gdpr".

    Examples
    --------
    >>> sorted(_acronyms(["Osäkerhet kring GDPR", "gdpr igen", "GDPR och AI", "Vi vet"]))
    ['ai', 'gdpr']
    """
    total: Counter = Counter()
    capitals: Counter = Counter()
    for text in texts:
        for word in _WORD.findall(str(text)):
            key = word.casefold()
            total[key] += 1
            capitals[key] += len(word) >= 2 and word.isupper()
    return {w for w, n in capitals.items() if 2 * n > total[w]}


def _fuller(candidates, key, doc_topic, topic, stop_words, share: float = 0.4) -> str | None:
    """Return a longer phrase that says what a one-word phrase is about, or None.

    "Svårt" alone does not read as a heading; "svårt att samarbeta" does. The longer
    phrase must contain the word, hold a word that is not a stop word besides it, not be
    a fragment, and be used by at least `share` of the topic's answers that use the word.
    """
    if len(key) != 1:
        return None
    stop = set(stop_words)
    members = {d for d in candidates[key]["docs"] if doc_topic[d] == topic}
    best, best_n = None, share * len(members)
    for other, info in candidates.items():
        if len(other) < 2 or key[0] not in other or _incomplete(info):
            continue
        form = _surface(info)
        if all(w in stop for w, s in zip(form.split(), other, strict=False) if s != key[0]):
            continue
        n = len(info["docs"] & members)  # members are the topic's answers already
        if n >= best_n and (best is None or n > best_n or len(form) < len(best)):
            best, best_n = form, n
    return best


def _phrase_sources(topics, ids, in_lang, closeness, max_docs: int):
    """Return per topic the answers its phrases come from, and the topics short of `lang`.

    The topic's answers in the label language (all of them when fewer than three are),
    the `max_docs` closest to the centre when `closeness` is given.
    """
    per_topic, other_language = {}, []
    for t in ids:
        members = np.flatnonzero(topics == t)
        if closeness is not None:
            members = members[np.argsort(-np.asarray(closeness)[members], kind="stable")]
        usable = members[in_lang[members]]
        if len(usable) < 3:
            other_language.append(t)
            usable = members
        per_topic[t] = np.sort(usable[:max_docs])
    return per_topic, other_language


def _all_is_well_topic(topics, ids, all_is_well, name: str, share: float) -> dict:
    """Return ``{topic: name}`` for the largest topic whose answers mostly say all is well."""
    well = np.asarray(all_is_well, dtype=bool)
    for t in sorted(ids, key=lambda t: (-int((topics == t).sum()), t)):
        if well[topics == t].mean() >= share:
            return {t: name}
    return {}


def _surface(info) -> str:
    """Return the form the answers use most (ties: the shorter, then alphabetical)."""
    return min(info["forms"].items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]


def _rescale(values: np.ndarray) -> np.ndarray:
    """Map `values` onto 0–1 (all ones when they are equal).

    Examples
    --------
    >>> _rescale(np.array([1.0, 3.0, 2.0])).tolist()
    [0.0, 1.0, 0.5]
    """
    spread = values.max() - values.min()
    return (values - values.min()) / spread if spread > 0 else np.ones_like(values)


def _mmr(relevance: np.ndarray, similarity: np.ndarray, keys, n: int,
         diversity: float = 0.3, taken=frozenset()) -> list[int]:
    """Pick up to `n` indices by maximal marginal relevance, no two sharing a stem.

    Phrases in `taken` (already the main phrase of another topic) are not picked.
    """
    chosen: list[int] = []
    stems_used: set = set()
    order = list(np.argsort(-relevance, kind="stable"))
    while len(chosen) < n:
        best, best_score = None, -np.inf
        for i in order:
            if i in chosen or stems_used.intersection(keys[i]) or keys[i] in taken:
                continue
            penalty = max((similarity[i, j] for j in chosen), default=0.0)
            score = (1 - diversity) * relevance[i] - diversity * penalty
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        stems_used.update(keys[best])
    return chosen


def topic_labels(docs, topics, *, centres: dict, embed, lang: str = "sv",
                 doc_languages=None, closeness=None, max_docs: int = 300,
                 stop_words=(), blocked=(), n_phrases: int = 2,
                 max_chars: int = 45, all_is_well=None,
                 all_is_well_label: tuple[str, float] | None = None,
                 ) -> tuple[dict[int, str], list[int]]:
    """Return a label per topic, in `lang`, and the topics whose label is not in `lang`.

    Parameters
    ----------
    docs : sequence of str
        The modelled answers.
    topics : array of int
        Topic of each answer (-1 for outliers, which get no label here).
    centres : dict
        ``{topic: unit vector}`` in the space `embed` maps phrases into.
    embed : callable
        ``embed(list of str) -> array`` of unit vectors in that space, or None when the
        phrases cannot be embedded there (then phrases are ranked by distinctiveness only).
    lang : str
        The report language.
    doc_languages : sequence of str, optional
        Language of each answer (``"sv"``, ``"en"``, ``"und"``); answers in `lang` or
        ``"und"`` give the phrases. Default: every answer.
    closeness : array of float, optional
        How close each answer is to its topic's centre; with it, at most `max_docs` of a
        topic's answers, the closest, give the phrases (default: all, in input order).
    max_docs : int
        Answers per topic that phrases are taken from.
    stop_words, blocked : collection of str
        See :func:`phrase_candidates`.
    n_phrases : int
        Phrases per label at most.
    max_chars : int
        A second or third phrase is added only while the label stays this short.
    all_is_well : array of bool, optional
        Per answer, whether it says that all is well (see
        :func:`survey_tools.nlp.answers.says_all_is_well`).
    all_is_well_label : (str, float), optional
        The name of such a theme and the share of its answers that must say so; the
        largest topic that qualifies gets the name, any other is labelled by its phrases.

    Returns
    -------
    labels : dict
        ``{topic: label}``; a topic without any usable phrase is missing.
    other_language : list of int
        Topics with fewer than three answers in `lang`, whose phrases came from all answers.
    """
    topics = np.asarray(topics)
    docs = [str(d) for d in docs]
    langs = np.asarray(doc_languages if doc_languages is not None else [lang] * len(docs))
    in_lang = np.isin(langs, [lang, "und"])
    ids = sorted(t for t in set(topics.tolist()) if t != -1)  # by size when numbered so
    labels = {}
    per_topic, other_language = _phrase_sources(topics, ids, in_lang, closeness, max_docs)
    pool = np.sort(np.concatenate([per_topic[t] for t in ids])) if ids else np.array([], int)
    candidates = phrase_candidates([docs[i] for i in pool], lang=lang, stop_words=stop_words,
                                   blocked=blocked)
    doc_topic = topics[pool]
    sizes = {t: int((doc_topic == t).sum()) for t in ids}
    shortlists = _shortlists(candidates, sizes, doc_topic)
    phrases = sorted({_surface(candidates[k]) for pairs in shortlists.values()
                      for k, _ in pairs})
    embedded = embed(phrases) if phrases else None
    vectors = dict(zip(phrases, embedded, strict=True)) if embedded is not None else {}
    taken: set = set()  # main phrases of larger topics: two topics never share a label
    used: set = set()   # first phrases as shown: two one-word phrases can widen to the same
    acronyms = _acronyms(docs[i] for i in pool)  # "gdpr" is shown as its answers write it
    if all_is_well is not None and all_is_well_label is not None:
        labels.update(_all_is_well_topic(topics, ids, all_is_well, *all_is_well_label))
        used.update(label.lower() for label in labels.values())
    for t in ids:
        if t in labels or not shortlists[t]:
            continue
        keys = [k for k, _ in shortlists[t]]
        distinct = np.array([score for _, score in shortlists[t]])
        surfaces = [_surface(candidates[k]) for k in keys]
        if vectors:
            V = np.vstack([vectors[p] for p in surfaces])
            typical = _rescale(V @ np.asarray(centres[t], dtype=float))
        else:
            V, typical = np.eye(len(keys)), np.ones(len(keys))
        relevance = distinct / distinct.max() * (0.5 + 0.5 * typical)
        picked = _mmr(relevance, V @ V.T, keys, n_phrases, taken=taken)
        if not picked:
            continue
        taken.add(keys[picked[0]])
        fuller = _fuller(candidates, keys[picked[0]], doc_topic, t, stop_words)
        chosen = [fuller if fuller and fuller.lower() not in used else surfaces[picked[0]]]
        used.add(chosen[0].lower())
        for i in picked[1:]:
            # a further phrase only when it is nearly as relevant and the label stays short
            if (relevance[i] >= 0.6 * relevance[picked[0]] and len(keys[i]) >= 2
                    and len(", ".join([*chosen, surfaces[i]])) <= max_chars):
                chosen.append(surfaces[i])
        label = _WORD.sub(lambda m: m.group(0).upper() if m.group(0) in acronyms
                          else m.group(0), ", ".join(chosen))
        labels[t] = label[:1].upper() + label[1:]
    return labels, other_language
