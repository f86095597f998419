import numpy as np
import pandas as pd
import pytest
from conftest import THEMES
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

from survey_tools.stats.topic_tables import topic_group_matrix, topic_share_table
from survey_tools.topics import STATUSES, AutoKMeans, TopicEdits, TopicModel
from survey_tools.topics.diagnostics import topic_count_table
from survey_tools.topics.metrics import topic_words
from survey_tools.topics.vocab import topic_vectorizer


def _fit(encoder, texts, **kw):
    kw.setdefault("n_topics", 3)
    return TopicModel(embedding_model=encoder, language="sv", **kw).fit(texts)


def test_every_row_accounted_for_in_input_order(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    ids = [f"R{i:03d}" for i in range(len(texts))]
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3).fit(texts, ids=ids)
    a = model.assignments_
    assert list(a["id"]) == ids
    assert set(a["status"]) <= set(STATUSES)
    by_status = a["status"].value_counts()
    assert by_status["empty"] == 2 and by_status["non-answer"] == 3
    assert by_status.get("assigned", 0) + by_status.get("outlier", 0) == 60
    assert a.loc[a["status"].isin(["empty", "non-answer"]), "topic"].isna().all()
    assert a.loc[a["status"] == "assigned", "topic"].ge(0).all()
    assert a.loc[a["status"] == "outlier", "topic"].eq(-1).all()


def test_recovers_planted_themes_and_names_them(keyword_encoder, theme_answers):
    texts, themes = theme_answers
    model = _fit(keyword_encoder, texts)
    a = model.assignments_
    keep = a["status"] == "assigned"
    truth = [t for t, k in zip(themes, keep, strict=True) if k]
    assert adjusted_rand_score(truth, a.loc[keep, "topic"]) > 0.9
    words = " ".join(model.topics_["top_words"])
    for stop in (" och ", " the ", " är "):
        assert stop not in f" {words.replace(',', ' ')} "
    assert model.topics_["size"].sum() == keep.sum()
    assert model.topics_["share"].sum() == pytest.approx(100)


def test_auto_k_finds_three_groups(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, language="sv").fit(texts)
    assert model.n_topics_ == 3
    assert not model.clusterer_.scores_.empty


def test_same_seed_same_result_and_input_untouched(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    series = pd.Series(texts, index=range(100, 100 + len(texts)))
    before = series.copy()
    first = _fit(keyword_encoder, series).assignments_
    second = _fit(keyword_encoder, series).assignments_
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_series_equal(series, before)


def test_sklearn_contract(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, seed=3)
    assert clone(model).get_params()["seed"] == 3
    assert model.fit(texts) is model
    assert not hasattr(TopicModel(), "assignments_")
    with pytest.raises(Exception, match="not fitted"):
        TopicModel().transform(["x"])


def test_transform_puts_new_answers_in_the_right_topic(keyword_encoder, theme_answers):
    texts, themes = theme_answers
    model = _fit(keyword_encoder, texts)
    a = model.assignments_
    topic_of = {th: a.loc[[t == th for t in themes], "topic"].mode()[0] for th in
                ("budget", "law", "lead")}
    new = model.transform(["ingen budget alls", "GDPR stoppar allt", "", "vet ej"])
    assert list(new["topic"][:2]) == [topic_of["budget"], topic_of["law"]]
    assert list(new["status"]) == ["assigned", "assigned", "empty", "non-answer"]


def _theme_of(model, texts, themes, name):
    """The topic holding most answers of planted theme `name`."""
    a = model.assignments_
    return int(a.loc[[t == name for t in themes], "topic"].mode()[0])


def test_edits_merge_and_rename_by_content(keyword_encoder, theme_answers):
    texts, themes = theme_answers
    edits = {"merge": [{"label": "Pengar och juridik",
                        "topics": [{"words": ["budget", "pengar"]}, {"words": ["gdpr", "lag"]}]}],
             "labels": [{"words": ["chefer", "ledning"], "label": "Ledarskap"},
                        {"words": ["finnsinte"], "label": "Fel"}]}
    model = _fit(keyword_encoder, texts, edits=edits)
    a = model.assignments_
    budget = _theme_of(model, texts, themes, "budget")
    assert budget == _theme_of(model, texts, themes, "law")
    assert model.n_topics_ == 2
    labels = dict(zip(model.topics_["topic"], model.topics_["label"], strict=True))
    assert labels[budget] == "Pengar och juridik"
    assert labels[_theme_of(model, texts, themes, "lead")] == "Ledarskap"
    assert "Fel" not in labels.values()
    log = pd.DataFrame(model.edit_log_)
    assert log["status"].tolist() == ["applied", "applied", "not applied"]
    assert "finnsinte" in log["reason"].iloc[-1]
    assert any("finnsinte" in n for n in model.notes_)
    assert (a["label"] == "Pengar och juridik").sum() == sum(
        t in ("budget", "law") for t, s in zip(themes, a["status"], strict=True)
        if s == "assigned")


def test_edits_follow_content_when_topic_numbers_change(keyword_encoder, theme_answers):
    """Topics are numbered by size: more answers on one theme renumber them. An edit by
    words still joins the same themes; an edit by number is not applied and says so."""
    texts, themes = theme_answers
    edits = {"merge": [{"topics": [{"words": ["gdpr"]}, {"words": ["chefer"]}]}, [0, 1]],
             "labels": {0: "Nummer noll"}}
    first = _fit(keyword_encoder, texts)
    last = max(("budget", "law", "lead"), key=lambda th: _theme_of(first, texts, themes, th))
    extra = [f"{THEMES[last][0]} och {THEMES[last][1]}, svar {i}" for i in range(30)]
    more, planted_more = texts + extra, themes + [last] * 30  # the last topic becomes first
    second = _fit(keyword_encoder, more)
    assert _theme_of(first, texts, themes, last) != _theme_of(second, more, planted_more, last)
    for data, planted in ((texts, themes), (more, planted_more)):
        model = _fit(keyword_encoder, data, edits=edits)
        law = _theme_of(model, data, planted, "law")
        assert law == _theme_of(model, data, planted, "lead")
        assert law != _theme_of(model, data, planted, "budget")
        log = pd.DataFrame(model.edit_log_)
        assert log["status"].tolist() == ["applied", "not applied", "not applied"]
        assert log["reason"].str.contains("topic number").iloc[1:].all()
        assert "Nummer noll" not in model.topics_["label"].tolist()


def test_edit_naming_no_theme_or_several_is_not_applied(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    edits = {"merge": [{"topics": [{"words": ["budget"]}, {"words": ["skola"]}]},
                       {"topics": [{"words": ["budget"]}, {"words": ["pengar"]}]}],
             "labels": [{"answers": ["inget sådant svar"], "label": "X"}]}
    model = _fit(keyword_encoder, texts, edits=edits)
    assert model.n_topics_ == 3
    log = pd.DataFrame(model.edit_log_)
    assert (log["status"] == "not applied").all()
    assert "skola" in log["reason"][0] and "already merged" in log["reason"][1]
    by_answer = {"labels": [{"answers": [texts[i] for i in range(len(texts))
                                         if texts[i] and "gdpr" in texts[i]][:3],
                             "label": "Juridik"}]}
    named = _fit(keyword_encoder, texts, edits=by_answer)
    assert "Juridik" in named.topics_["label"].tolist()


def test_edits_from_yaml_file(tmp_path, keyword_encoder, theme_answers):
    path = tmp_path / "edits.yaml"
    path.write_text("labels:\n  - {words: [gdpr, juridik], label: Första}\n", encoding="utf-8")
    model = _fit(keyword_encoder, theme_answers[0], edits=path)
    assert "Första" in model.topics_["label"].tolist()
    bad = tmp_path / "bad.yaml"
    bad.write_text("labels: [oops\n", encoding="utf-8")
    with pytest.raises(Exception, match="bad.yaml"):
        _fit(keyword_encoder, theme_answers[0], edits=bad)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("labels:\n  - {ord: [gdpr], label: X}\n", encoding="utf-8")
    with pytest.raises(Exception, match="unknown.yaml.*words"):
        _fit(keyword_encoder, theme_answers[0], edits=unknown)


def test_small_clusters_are_outliers_and_can_be_reduced(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    texts = [*texts, "the office coffee machine", "parking spaces"]
    model = _fit(keyword_encoder, texts, n_topics=4, min_topic_size=5)
    assert (model.assignments_["status"] == "outlier").sum() >= 1
    assert model.outlier_share_ > 0
    assert model.topics_["topic"].iloc[-1] == -1
    reduced = _fit(keyword_encoder, texts, n_topics=4, min_topic_size=5, reduce_outliers=True)
    assert (reduced.assignments_["status"] == "outlier").sum() < (
        model.assignments_["status"] == "outlier").sum()


def test_unembeddable_answer_gets_error_status(keyword_encoder, theme_answers):
    texts = [*theme_answers[0], "broken NaN! text"]
    model = _fit(keyword_encoder, texts)
    assert model.assignments_["status"].iloc[-1] == "error"
    assert any("could not be embedded" in n for n in model.notes_)


@pytest.mark.parametrize("texts", [[], [None, "", "vet ej"], ["bara ett svar", None]])
def test_tiny_or_empty_input_does_not_crash(keyword_encoder, texts):
    model = TopicModel(embedding_model=keyword_encoder).fit(texts)
    assert len(model.assignments_) == len(texts)
    assert model.n_topics_ == 0
    assert set(model.assignments_["status"]) <= {"empty", "non-answer", "outlier"}


def test_guided_topics_get_seed_labels(keyword_encoder, theme_answers):
    seeds = {"Pengar": ["budget", "pengar"], "Juridik": ["gdpr", "juridik"]}
    model = _fit(keyword_encoder, theme_answers[0], seed_topics=seeds)
    labels = set(model.topics_["label"])
    assert {"Pengar", "Juridik"} <= labels


def test_language_centering_removes_language_split():
    # Two languages x two themes: a model that sees language strongly would split by it.
    rng = np.random.default_rng(0)
    lang_axis, theme_axis = np.eye(6)[0] * 3, np.eye(6)[1]
    emb, langs, themes = [], [], []
    for i in range(80):
        lang, theme = ("sv", "en")[i % 2], (0, 1)[(i // 2) % 2]
        emb.append((lang_axis if lang == "sv" else -lang_axis)
                   + (theme_axis if theme else -theme_axis) + rng.normal(0, 0.2, 6))
        langs.append(lang)
        themes.append(theme)
    texts = [f"{'svar på svenska' if lg == 'sv' else 'an answer in English'} {i}"
             for i, lg in enumerate(langs)]
    model = TopicModel(n_topics=2, language="auto").fit(texts, embeddings=np.array(emb))
    assert set(model.language_means_) == {"sv", "en"}
    assert adjusted_rand_score(themes, model.assignments_["topic"]) == 1.0


def test_auto_kmeans_contract(rng):
    centers = np.array([[5, 0], [0, 5], [-5, -5]])
    X = np.vstack([c + rng.normal(0, 0.3, (30, 2)) for c in centers] + [[[40, 40]]])
    km = AutoKMeans(min_cluster_size=3, random_state=0).fit(X[:-1])
    assert km.n_clusters_ == 3
    assert adjusted_rand_score(np.repeat(range(3), 30), km.labels_) == 1.0
    assert (km.stability_ > 0.95).all() and km.scores_["k"].min() == 3
    assert list(km.predict(X[:1])) == [km.labels_[0]]
    km = AutoKMeans(4, min_cluster_size=3, random_state=0).fit(X)  # one far point alone
    assert km.labels_[-1] == -1 and km.scores_.empty


def test_topic_share_table_base_and_intervals():
    a = pd.DataFrame({
        "status": ["assigned"] * 6 + ["outlier", "empty", "non-answer"],
        "topic": [0, 0, 0, 1, 1, 0, -1, None, None],
        "label": ["a", "a", "a", "b", "b", "a", "out", None, None],
    })
    groups = ["x", "x", "x", "y", "y", "y", "y", "x", "y"]
    t = topic_share_table(a, groups=groups, total_label="all")
    assert set(t["group"]) == {"x", "y", "all"}
    for _, part in t.groupby("group", observed=True):
        assert part["percent"].sum() == pytest.approx(100)
    assert t.loc[t["group"] == "x", "base_n"].iloc[0] == 3
    assert t.loc[t["group"] == "y", "base_n"].iloc[0] == 4
    assert (t["ci_low"] <= t["percent"] + 1e-9).all()
    assert (t["percent"] <= t["ci_high"] + 1e-9).all()
    weighted = topic_share_table(a, weights=[1, 1, 1, 3, 3, 1, 1, 1, 1])
    assert weighted.loc[weighted["topic"] == 1, "percent"].item() == pytest.approx(100 * 6 / 11)
    grid = topic_group_matrix(t)
    assert list(grid.columns) == ["x", "y", "all"] and list(grid.index) == ["a", "b", "out"]


def test_diagnostic_table(keyword_encoder, theme_answers):
    model = _fit(keyword_encoder, theme_answers[0])
    table = topic_count_table(model, k_values=[2, 3, 4], n_seeds=2)
    assert list(table["k"]) == [2, 3, 4]
    assert table.loc[table["k"] == 3, "chosen"].item()
    assert table["stability"].between(-1, 1).all()
    assert table.loc[table["k"] == 3, "silhouette"].item() == table["silhouette"].max()


def _merge_first_two(encoder, texts) -> dict:
    """Edits that merge topics 0 and 1 of a 4-topic fit, named by one answer of each."""
    plain = TopicModel(embedding_model=encoder, language="sv", n_topics=4).fit(texts)
    a = plain.assignments_
    first = [texts[a.index[a["topic"] == t][0]] for t in (0, 1)]
    return {"merge": [[{"answers": [first[0]]}, {"answers": [first[1]]}]]}


def test_diagnostic_table_marks_the_k_fitted_before_merges(keyword_encoder, theme_answers):
    """After the analyst merges two topics the model has one topic fewer, but the K the
    clustering chose is still the one marked (issue #16)."""
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, language="sv", n_topics=4,
                       edits=_merge_first_two(keyword_encoder, texts)).fit(texts)
    assert model.n_topics_ == 3
    table = topic_count_table(model, k_values=[3, 4], n_seeds=2)
    assert table.loc[table["chosen"], "k"].tolist() == [4]


def test_topic_share_table_orders_topics_by_the_share_it_shows():
    """Bars follow the weighted share shown, not the unweighted count (issue #16)."""
    a = pd.DataFrame({"status": ["assigned"] * 5 + ["outlier"],
                      "topic": [0, 0, 0, 1, 1, -1], "label": ["a"] * 3 + ["b"] * 2 + ["o"]})
    assert topic_share_table(a)["topic"].tolist() == [0, 1, -1]
    weighted = topic_share_table(a, weights=[1, 1, 1, 4, 4, 9])
    assert weighted["topic"].tolist() == [1, 0, -1]  # outliers last even when largest


def test_topic_words_skip_stop_words_in_both_languages():
    docs = ["vi och budget", "budget och the money", "lag och the law", "lag law och"]
    words = topic_words(docs, [0, 0, 1, 1], topic_vectorizer(4), top_n=10)
    assert {w for w, _ in words[0]} >= {"budget", "money"}
    assert not {"och", "the", "vi"} & {w for ws in words.values() for w, _ in ws}


def test_topic_edits_from_dict_reads_old_files_as_numbers_never_applied():
    e = TopicEdits.from_dict({"merge": [["1", 2]], "labels": {"3": "x",
                                                             4: {"label": "y", "words": ["a"]}}})
    assert [r.topic for r in e.merge[0][0]] == [1, 2]
    assert e.labels[0][0].topic == 3 and e.labels[1][0].words == ("a",)


def test_coherent_words_prefers_words_that_occur_together():
    from survey_tools.topics.metrics import coherent_words

    docs = ["budget pengar", "budget pengar", "budget kostnad", "lag", "lag", "lag gdpr"] * 3
    candidates = {0: [("budget", 1.0), ("lag", 0.9), ("pengar", 0.8)]}
    vec = topic_vectorizer(len(docs))
    kept = coherent_words(candidates, docs, vec, top_n=2, weight=0.5)
    assert [w for w, _ in kept[0]] == ["budget", "pengar"]
    plain = coherent_words(candidates, docs, vec, top_n=2, weight=0)
    assert [w for w, _ in plain[0]] == ["budget", "lag"]


def test_stop_words_only_answers_still_get_topics(keyword_encoder):
    texts = ["och det", "det är", "och så", "att det", "vi och", "de är"] * 3
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3).fit(texts)
    assert model.assignments_["status"].eq("assigned").all()
    assert model.topics_["top_words"].eq("").all()
    assert any("could not describe" in n for n in model.notes_)


@pytest.mark.parametrize("n", [6, 15, 40, 200])
def test_corpus_sizes_from_tiny_to_survey(keyword_encoder, n):
    words = ["budget pengar", "gdpr juridik", "ledning mandat", "kaffe", "parkering"]
    texts = [f"{words[i % 5]} svar {i}" for i in range(n)]
    model = TopicModel(embedding_model=keyword_encoder).fit(texts)
    assert len(model.assignments_) == n
    assert model.n_topics_ >= 1
    assert model.topics_["size"].sum() == n


def test_fit_on_sample_assigns_every_row_in_batches(keyword_encoder, theme_answers):
    from survey_tools.topics.large import fit_on_sample

    texts, themes = theme_answers
    texts, themes = texts * 4, themes * 4
    ids = [f"R{i}" for i in range(len(texts))]
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv")
    out = fit_on_sample(model, texts, ids=ids, fit_size=60, batch_size=50, seed=1)
    assert out["id"].tolist() == ids and len(out) == len(texts)
    keep = out["status"] == "assigned"
    truth = [t for t, k in zip(themes, keep, strict=True) if k]
    assert adjusted_rand_score(truth, out.loc[keep, "topic"]) > 0.9
    assert model.topics_["size"].sum() == out["status"].isin(["assigned", "outlier"]).sum()
    assert any("fitted on 60 of" in n for n in model.notes_)
    again = fit_on_sample(TopicModel(embedding_model=keyword_encoder, n_topics=3,
                                     language="sv"), texts, ids=ids, fit_size=60,
                          batch_size=50, seed=1)
    pd.testing.assert_frame_equal(out, again)


def test_a_vocabulary_of_one_word_still_gives_topics(keyword_encoder):
    """Found by hypothesis: answers that share a single word crashed the topic words."""
    from survey_tools.topics import TopicModel

    a = TopicModel(embedding_model=keyword_encoder).fit(["A", "A", "A", "A", "AO"]).assignments_
    assert len(a) == 5 and a["status"].notna().all()


def test_auto_k_takes_the_most_stable_number_of_clear_clusters(rng):
    centers = rng.normal(size=(5, 10)) * 6
    blobs = np.vstack([c + rng.normal(0, 0.5, (80, 10)) for c in centers])
    km = AutoKMeans(min_cluster_size=5, random_state=0).fit(blobs)
    assert km.n_clusters_ == 5
    scores = km.scores_.set_index("k")
    assert scores.loc[5, "stability"] == scores["stability"].max() == 1.0
    # at K = 4 most runs merge the same two blobs: as stable by the median, not by the mean
    assert scores.loc[4, "stability"] == 1.0 > scores.loc[4, "mean_agreement"] + 0.03
    assert scores["mean_agreement"].idxmax() == 5
    assert adjusted_rand_score(np.repeat(range(5), 80), km.labels_) == 1.0


def test_consensus_survives_noise_in_the_fifth_decimal_and_the_seed_matters(rng):
    """Overlapping clusters, as survey themes overlap: the pooled partition does not move
    with N(0, 1e-5) noise (another CPU), and another seed really draws other runs."""
    from survey_tools.topics.cluster import subsample_runs

    centers = rng.normal(size=(6, 8))
    X = np.vstack([c + rng.normal(0, 0.5, (120, 8)) for c in centers])
    first = AutoKMeans(random_state=0).fit(X)
    shaken = AutoKMeans(random_state=0).fit(X + rng.normal(0, 1e-5, X.shape))
    assert shaken.n_clusters_ == first.n_clusters_
    assert adjusted_rand_score(first.labels_, shaken.labels_) >= 0.98
    assert not np.array_equal(subsample_runs(X, 4, n_runs=3, seed=0),
                              subsample_runs(X, 4, n_runs=3, seed=1))
    assert first.stability_.shape == (first.n_clusters_,)
    assert ((first.stability_ >= 0) & (first.stability_ <= 1)).all()


def test_phrase_labels_use_the_label_language(keyword_encoder):
    texts = (["Vi saknar budget för projekten", "budgeten räcker inte till AI"] * 6
             + ["We have no budget for this", "the budget is too small"] * 6
             + ["GDPR gör det svårt", "oklart vad GDPR tillåter"] * 6
             + ["GDPR makes it hard", "unclear what GDPR allows"] * 6)
    for lang, other in (("sv", {"we", "the", "have", "small"}), ("en", {"vi", "saknar"})):
        model = TopicModel(embedding_model=keyword_encoder, n_topics=2, label_language=lang,
                           cache_dir=False).fit(texts)
        labels = model.topics_["label"].tolist()
        assert len(set(labels)) == 2
        words = {w for label in labels for w in label.lower().replace(",", " ").split()}
        assert not words & other, labels
        assert model.label_language_ == lang


def test_topic_words_in_the_label_language_and_foreign_labels_quoted(keyword_encoder):
    """An English report of mostly Swedish answers: each theme's words come from its English
    answers; a theme with no English answers is named and described in quotes «…», as
    answers are, unless the analyst named it (a name per language in the edits; #30)."""
    from survey_tools.i18n import foreign_words

    texts = (["Vi saknar budget för projekten", "budgeten räcker inte till AI"] * 6
             + ["We have no budget for this", "the budget is too small"] * 3
             + ["GDPR gör det svårt att dela", "oklart vad GDPR tillåter oss"] * 6
             + ["GDPR makes it hard to share", "unclear what GDPR allows"] * 3
             + ["ledningen saknar mandat", "cheferna har inget mandat för AI"] * 6)
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, label_language="en",
                       cache_dir=False).fit(texts)
    topics = model.topics_.set_index("label")
    quoted = [label for label in topics.index if label.startswith("«")]
    assert len(quoted) == 1 and model.foreign_labels_ and not topics.loc[quoted[0],
                                                                          "in_language"]
    assert topics.loc[quoted[0], "top_words"].startswith("«")
    for label, row in topics.drop(index=quoted).iterrows():
        assert row["in_language"] and foreign_words(row["top_words"], "en") == [], row
        assert foreign_words(label, "en") == [], label
    assert any(w in " ".join(model.topic_words_[t][i][0] for t in model.topic_words_
                             for i in range(len(model.topic_words_[t])))
               for w in ("saknar", "budgeten", "oklart"))  # all answers' words kept there
    edits = {"labels": [{"words": ["mandat"], "label": {"sv": "Ledning", "en": "Leadership"}}]}
    named = TopicModel(embedding_model=keyword_encoder, n_topics=3, label_language="en",
                       edits=edits, cache_dir=False).fit(texts)
    assert "Leadership" in set(named.topics_["label"]) and not named.foreign_labels_
    swedish = TopicModel(embedding_model=keyword_encoder, n_topics=3, label_language="sv",
                         edits=edits, cache_dir=False).fit(texts)
    assert "Ledning" in set(swedish.topics_["label"])
    assert swedish.topics_["in_language"].all()


def test_subsample_runs_are_the_same_on_any_number_of_cores(monkeypatch):
    """Runs are spread over threads; how many must not change a single label."""
    from survey_tools.topics import cluster

    rng = np.random.default_rng(3)
    X = np.vstack([c + rng.normal(0, 1.0, (150, 5)) for c in rng.normal(size=(5, 5))])
    by_workers = {}
    monkeypatch.setattr(cluster, "PARALLEL_ROWS", 0)  # these few rows go to the pool too
    for workers in (1, 3):
        monkeypatch.setattr(cluster, "_workers", lambda w=workers: w)
        by_workers[workers] = cluster.subsample_runs(X, 5, n_runs=12, seed=7)
    assert np.array_equal(by_workers[1], by_workers[3])
    assert len({r.tobytes() for r in by_workers[1]}) > 1  # the runs do differ


def _ari_one_table(a, b, k):
    """The adjusted Rand index of two runs from their own table, as the package counted it
    before issue #31 item 14 (one table per pair)."""
    table = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(float)
    n = float(len(a))

    def pairs(x):
        return float((x * (x - 1)).sum() / 2)

    both, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else 0.0
    top = (rows + cols) / 2
    return 1.0 if top == expected else (both - expected) / (top - expected)


def test_pair_agreements_are_each_pairs_own_index_to_the_last_bit():
    """Issue #31, item 14: the pairs are counted together; every index is bit for bit the
    one of its own table (so the choice of K and its table do not move), and the same as
    scikit-learn's adjusted Rand index to rounding."""
    from sklearn.metrics import adjusted_rand_score

    from survey_tools.topics.cluster import pair_agreements

    rng = np.random.default_rng(11)
    for trial in range(60):
        k, n, r = int(rng.integers(1, 20)), int(rng.integers(1, 300)), int(rng.integers(0, 25))
        base = rng.integers(0, k, n)
        runs = np.where(rng.random((r, n)) < rng.random(), base, rng.integers(0, k, (r, n)))
        if trial % 5 == 0:
            runs[:] = base  # runs that all agree: 1.0
        one_by_one = [_ari_one_table(runs[i], runs[j], k) for i in range(r)
                      for j in range(i + 1, r)]
        together = pair_agreements(runs, k, n_pairs_of=r)
        assert together.tolist() == one_by_one
        if r >= 2 and n >= 2:
            assert together[0] == pytest.approx(adjusted_rand_score(runs[0], runs[1]),
                                                abs=1e-12)

def test_label_phrases_occur_as_written_and_a_second_phrase_adds_meaning():
    """No stop word or comma is dropped from a phrase's middle; no dangling lone word."""
    from survey_tools.topics.labels import phrase_candidates, phrase_occurs, topic_labels
    from survey_tools.topics.vocab import stop_words

    found = phrase_candidates(["Saknar juridiskt stöd, upphandling av e-tjänster 2024"],
                              stop_words=stop_words(["sv"]))
    assert ("juridisk", "stöd") in found
    assert not [k for k in found if "upphandling" in k and len(k) > 1 and "stöd" in k]
    assert ("e-tjänst",) in found and not any("2024" in " ".join(k) for k in found)
    english = phrase_candidates(["I've seen the children's ward; it's fine"], lang="en",
                                stop_words=stop_words(["en"]))
    edges = {w for info in english.values() for form in info["forms"]
             for w in (form.split()[0], form.split()[-1])}
    assert not edges & {"i've", "it's"} and "children's ward" in english[("children", "ward")][
        "forms"]
    assert ("children", "ward") in english
    texts = (["Saknar juridiskt stöd vid upphandling. Liten kommun.",
              "saknar juridiskt stöd, liten", "Vi saknar juridiskt stöd vid upphandling"] * 4
             + ["Budgeten räcker inte till AI-projekt", "budgeten räcker inte, dyrt"] * 6)
    topics = np.array([0] * 12 + [1] * 12)
    labels, _ = topic_labels(texts, topics, centres={}, embed=lambda p: None,
                             stop_words=stop_words(["sv"]))
    assert set(labels) == {0, 1}
    for t, label in labels.items():
        phrases = label.split(", ")
        members = [x for x, k in zip(texts, topics, strict=True) if k == t]
        assert all(phrase_occurs(p, members) for p in phrases), label
        assert all(len(p.split()) >= 2 for p in phrases[1:]), label


def test_a_theme_of_all_is_well_answers_is_called_that():
    from survey_tools.nlp.answers import all_is_well_label, says_all_is_well
    from survey_tools.topics.labels import topic_labels

    texts = (["Nothing, everything was great", "Nothing really, all good",
              "Can't think of anything", "Could not have been better"] * 3
             + ["Waiting times are too long", "The waiting time for the taxi"] * 6)
    topics = np.array([0] * 12 + [1] * 12)
    name = all_is_well_label("en")
    labels, _ = topic_labels(texts, topics, centres={}, embed=lambda p: None, lang="en",
                             all_is_well=says_all_is_well(texts), all_is_well_label=name)
    assert labels[0] == name[0] == "Nothing to improve, all good"
    assert "wait" in labels[1].lower()
    assert says_all_is_well(["Inget, allt fungerar bra"]).all()
    assert not says_all_is_well(["Inga pengar", "Inget stöd från ledningen",
                                 "No help with the transport"]).any()


def test_main_language_is_the_default_label_language(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, cache_dir=False).fit(texts)
    counts = model.assignments_.loc[model.assignments_["status"].isin(
        ["assigned", "outlier"]), "language"].value_counts()
    sv, en = counts.get("sv", 0), counts.get("en", 0)
    assert model.label_language_ == ("en" if en > sv else "sv")  # a tie is "sv"


@pytest.mark.slow
@pytest.mark.parametrize("question", ["q_obstacles", "q_takeaway"])
def test_sample_quotes_are_assigned_and_close_to_the_centre(root, question):
    """The multilingual default on the sample: quotes come from the topic's closest answers."""
    from survey_tools.io.survey import read_survey

    data = read_survey(root / "data" / "sample_survey.csv").data
    model = TopicModel(extra_stop_words=["ai"], label_language="sv").fit(
        data[question], ids=data["respondent_id"])
    a = model.assignments_
    assert model.n_topics_ >= 3
    for row in model.topics_[model.topics_["topic"] != -1].itertuples():
        members = a[(a["status"] == "assigned") & (a["topic"] == row.topic)]
        texts = data.set_index("respondent_id").loc[members["id"], question].str.strip()
        closest = members["score"].sort_values(ascending=False)
        cut = closest.iloc[max(3 * model.n_quotes, int(np.ceil(len(members) / 4))) - 1]
        for quote in row.quotes:
            hits = members.loc[(texts == quote).to_numpy()]
            assert len(hits), (row.label, quote)          # assigned to this topic
            assert hits["score"].max() >= cut, (row.label, quote)   # among the closest


def test_class_tfidf_is_bertopics(rng):
    import scipy.sparse as sp
    from bertopic.vectorizers import ClassTfidfTransformer

    from survey_tools.topics.metrics import class_tfidf

    counts = sp.csr_matrix(rng.poisson(0.7, (6, 80)) * (rng.random((6, 80)) < 0.4))
    counts = counts[:, np.asarray(counts.sum(axis=0)).ravel() > 0]
    expected = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts)
    np.testing.assert_allclose(class_tfidf(counts).toarray(), expected.toarray(), rtol=1e-12)


def test_bertopic_model_on_demand_has_the_same_topics(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, language="sv", n_topics=4,
                       edits=_merge_first_two(keyword_encoder, texts)).fit(texts)
    assert model.n_topics_ == 3
    raw = [model.cluster_to_topic_[int(c)] for c in model.clusterer_.labels_]
    assert model.bertopic_.topics_ == raw  # before the merge edit
    assert model.bertopic_ is model.bertopic_  # built once
    assert sorted(model.bertopic_.get_topic_info()["Topic"]) == sorted(set(raw))


def test_bertopic_model_shows_the_words_of_the_topic_table(keyword_encoder, theme_answers):
    """``bertopic_.get_topic`` lists the words ``top_words`` shows (issue #15)."""
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, language="sv", n_topics=4).fit(texts)
    shown = {int(t): [w for w in words.split(", ") if w]
             for t, words in zip(model.topics_["topic"], model.topics_["top_words"],
                                 strict=True)}
    got = {t: [w for w, _ in model.bertopic_.get_topic(t)] for t in shown}
    assert got == shown and any(shown.values())
    info = model.bertopic_.get_topic_info().set_index("Topic")["Name"]
    assert all(info[t] == "_".join([str(t), *shown[t][:4]]) for t in shown if t != -1)


def test_topics_are_numbered_by_size_as_bertopic_numbers_them_ties_included():
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction

    from survey_tools.topics.geometry import number_by_size

    labels = np.array([3, 1, 1, 3, 0, 0, -1, 2, 2, 5, 2, 4])
    docs = [f"svar {w} nummer {i}" for i, w in enumerate("abcdefghijkl")]
    bertopic = BERTopic(umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(),
                        verbose=False).fit(docs, embeddings=np.eye(12), y=labels)
    assert number_by_size(labels).tolist() == bertopic.topics_
    assert number_by_size(labels).tolist() == [2, 1, 1, 2, 3, 3, -1, 0, 0, 4, 0, 5]


def test_the_model_owns_the_large_input_path(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    ids = [f"R{i}" for i in range(len(texts))]
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv", seed=1,
                       fit_size=40, batch_size=25, cache_dir=False).fit(texts, ids=ids)
    a = model.assignments_
    assert a["id"].tolist() == ids and len(a) == len(texts)
    assert any("fitted on 40 of 65 rows" in n for n in model.notes_)
    modelled = a["status"].isin(["assigned", "outlier"]).sum()
    assert model.topics_["size"].sum() == modelled  # counted over every row, not the sample
    small = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv", seed=1,
                       fit_size=1000, cache_dir=False).fit(texts, ids=ids)
    assert not any("fitted on" in n for n in small.notes_)


def test_a_refit_keeps_nothing_of_the_fit_before(keyword_encoder, theme_answers):
    """Issue #31, item 1: a refit on too few answers left the first fit's clusters, and
    bertopic_ failed on a length mismatch."""
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3).fit(texts)
    assert model.n_topics_ == 3 and hasattr(model, "clusterer_")
    model.fit(["budget saknas", "gdpr"])
    assert model.n_topics_ == 0 and len(model.assignments_) == 2
    assert not hasattr(model, "clusterer_") and not hasattr(model, "centroids_")
    assert model.topics_["topic"].tolist() in ([], [-1])
    with pytest.raises(ValueError, match="no topics"):
        model.bertopic_  # noqa: B018 - the property is what is tested


def test_transform_uses_what_was_fitted_not_later_parameters(keyword_encoder, theme_answers):
    """Issue #31, item 2: set_params without a refit changed transform's languages and
    outlier handling."""
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3,
                       reduce_outliers=False).fit(texts)
    before = model.transform(texts)
    model.set_params(language="en", reduce_outliers=True)
    after = model.transform(texts)
    pd.testing.assert_frame_equal(before, after)
    assert (before["language"] != "en").any()


def test_a_kept_clustering_is_the_clustering(rng, tmp_path):
    """Issue #31, item 14: AutoKMeans keeps its fits (memory=); a second fit of the same
    rows reads the first back, equal to fitting again without it, and other rows or other
    parameters are fitted anew."""
    from survey_tools.topics.cluster import AutoKMeans

    centers = rng.normal(size=(4, 6)) * 5
    X = np.vstack([c + rng.normal(0, 0.5, (40, 6)) for c in centers])
    fresh = AutoKMeans(min_cluster_size=3, random_state=0, n_runs=20).fit(X)
    again = AutoKMeans(min_cluster_size=3, random_state=0, n_runs=20).fit(X)
    np.testing.assert_array_equal(fresh.labels_, again.labels_)  # seeded: the same
    kept = [AutoKMeans(min_cluster_size=3, random_state=0, n_runs=20,
                       memory=str(tmp_path)).fit(X) for _ in range(2)]
    entries = list(tmp_path.rglob("output.pkl"))
    assert len(entries) == 1  # the second fit read the first
    for km in kept:
        np.testing.assert_array_equal(km.labels_, fresh.labels_)
        np.testing.assert_array_equal(km.stability_, fresh.stability_)
        pd.testing.assert_frame_equal(km.scores_, fresh.scores_)
    AutoKMeans(min_cluster_size=3, random_state=1, n_runs=20, memory=str(tmp_path)).fit(X)
    AutoKMeans(min_cluster_size=3, random_state=0, n_runs=20, memory=str(tmp_path)).fit(X[1:])
    assert len(list(tmp_path.rglob("output.pkl"))) == 3
