"""The Dask path: partitioned input, same result as the single-machine path."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from survey_tools.cli import main

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster_client():
    """A local cluster of two worker processes, as ``--engine dask`` starts."""
    import logging

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def scheduler(cluster_client):
    """``--scheduler`` of the module's cluster: the CLI connects instead of starting one."""
    return ["--engine", "dask", "--scheduler", cluster_client.scheduler.address]


def _topics(args):
    return main(["topics", *map(str, args), "--embedding", "tfidf", "--seed", "1",
                 "--no-progress"])


@pytest.mark.slow
@pytest.mark.parametrize("fit_size", [700, 50_000])
def test_dask_engine_writes_the_same_bytes_as_pandas(sample_csv, tmp_path, fit_size, request):
    """Same fit (a seeded sample, or all rows), same assignments: identical output files.

    Above the fit size on a local cluster the CLI starts (``--workers 2``), else on a
    running one (``--scheduler``)."""
    common = [sample_csv, "--text-column", "q_obstacles", "--group-column", "org_type",
              "--fit-size", fit_size]
    engine = (["--engine", "dask", "--workers", 2] if fit_size < 1250
              else request.getfixturevalue("scheduler"))
    assert _topics([*common, "--output", tmp_path / "pandas"]) == 0
    assert _topics([*common, *engine, "--partition-size", 30_000,
                    "--output", tmp_path / "dask"]) == 0
    run = json.loads((tmp_path / "dask" / "run.json").read_text())
    assert run["engine"] == "dask" and run["partitions"] > 1
    for name in ("assignments.csv", "topics.csv", "topic_shares.csv"):
        assert (tmp_path / "pandas" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    got = pd.read_csv(tmp_path / "dask" / "assignments.csv", dtype=str)
    source = pd.read_csv(sample_csv, dtype=str)
    assert got["respondent_id"].tolist() == source["respondent_id"].tolist()


def test_assign_topics_on_a_cluster_matches_fit_on_sample(sample_csv, cluster_client):
    from survey_tools import read_survey
    from survey_tools.runs.partitioned import assign_topics, read_partitioned, take_rows
    from survey_tools.topics import TopicModel
    from survey_tools.topics.large import fit_on_sample, sample_rows

    survey = read_survey(sample_csv)
    # the second fit finds the first's clustering in the run's cache if it gets the same rows
    single = fit_on_sample(TopicModel(embedding_model="tfidf", seed=3, progress=False),
                           survey.data["q_obstacles"], ids=survey.data["respondent_id"],
                           fit_size=500, seed=3)
    frame = read_partitioned(sample_csv, columns=["respondent_id", "q_obstacles"],
                             blocksize=25_000)
    assert frame.npartitions > 3
    sample = take_rows(frame, sample_rows(1250, 500, 3))
    model = TopicModel(embedding_model="tfidf", seed=3, progress=False)
    model.fit(sample["q_obstacles"].replace("", None), ids=sample["respondent_id"])
    got = assign_topics(frame, model, text_column="q_obstacles",
                        id_column="respondent_id").compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, single, check_dtype=False)


def test_take_rows_returns_those_rows_in_order(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"id": [f"{i:04d}" for i in range(500)], "t": ["x"] * 500}).to_csv(
        path, index=False)
    from survey_tools.runs.partitioned import read_partitioned, take_rows

    frame = read_partitioned(path, blocksize=1_000)
    assert frame.npartitions >= 3
    rows = np.array([0, 7, 120, 121, 499])
    assert take_rows(frame, rows)["id"].tolist() == ["0000", "0007", "0120", "0121", "0499"]


def test_line_breaks_in_answers_keep_the_csv_whole(tmp_path):
    from survey_tools.runs.partitioned import read_partitioned

    path = tmp_path / "a.csv"
    texts = [f"svar {i}\nmed radbrytning" if i % 7 == 0 else f"svar {i}" for i in range(400)]
    pd.DataFrame({"id": range(400), "t": texts}).to_csv(path, index=False)
    notes = []
    frame = read_partitioned(path, blocksize=500, notes=notes)
    assert frame.npartitions == 1 and "line breaks" in notes[0]
    assert frame.compute()["t"].tolist() == texts


def test_parquet_folder_and_row_ids(tmp_path, scheduler):
    frame = pd.DataFrame({"svar": ["Budgeten räcker inte", "", "vet ej"] * 40})
    folder = tmp_path / "answers"
    dd.from_pandas(frame, npartitions=3).to_parquet(folder)
    out = tmp_path / "o"
    assert _topics([folder, "--text-column", "svar", *scheduler, "--output", out]) == 0
    got = pd.read_csv(out / "assignments.csv", dtype=str, keep_default_na=False)
    assert got["row_id"].tolist() == [f"row-{i:05d}" for i in range(1, 121)]
    status = got["status"].to_numpy().reshape(40, 3)
    assert (status[:, 1] == "empty").all() and (status[:, 2] == "non-answer").all()
    assert set(status[:, 0]) <= {"assigned", "outlier"}


@pytest.mark.parametrize("content, args, problem", [
    (b"id,svar\n1,a\n1,b\n2,c\n", [], "ids must be unique"),
    (b"id,svar\n1,a\n2,b\n", ["--text-column", "answer"], "no column named 'answer'"),
    (bytes(range(256)) * 10, [], "binary"),
])
def test_dask_engine_bad_input_exits_2(tmp_path, capsys, scheduler, content, args, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    args = args or ["--text-column", "svar"]
    code = main(["topics", str(path), *args, *scheduler,
                 "--embedding", "tfidf", "--output", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error: ") and str(path) in err and problem in err
    assert "Traceback" not in err


@pytest.mark.parametrize("content, where", [(b"id,svar\n1,a\n 1 ,b\n2,c\n", "rows [2, 3]"),
                                             (b"id,svar\n1,a\n,b\n2,c\n", "row 3")])
def test_both_engines_check_ids_alike(tmp_path, capsys, scheduler, content, where):
    """The Dask engine checks ids with the pandas engine's resolve_id: the same message."""
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    errors = []
    for engine in (["--engine", "pandas"], scheduler):
        code = main(["topics", str(path), "--text-column", "svar", *engine,
                     "--embedding", "tfidf", "--output", str(tmp_path / engine[1]),
                     "--no-progress"])
        errors.append((code, capsys.readouterr().err.strip()))
    assert errors[0] == errors[1]
    assert errors[0][0] == 2 and where in errors[0][1]


def test_code_partitions_matches_code_answers(sample_csv, cluster_client):
    from survey_tools import read_survey
    from survey_tools.coding import KeywordCoder, code_answers, load_codebook
    from survey_tools.paths import project_root
    from survey_tools.runs.partitioned import code_partitions, read_partitioned

    coder = KeywordCoder(load_codebook(project_root() / "data" / "codebook_obstacles.yaml"))
    coder.fit()
    survey = read_survey(sample_csv)
    single = code_answers(coder, survey.data["q_obstacles"], ids=survey.data["respondent_id"])
    frame = read_partitioned(sample_csv, columns=["respondent_id", "q_obstacles"],
                             blocksize=25_000)
    got = code_partitions(frame, coder, text_column="q_obstacles",
                          id_column="respondent_id").compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, single, check_dtype=False)


def test_workers_get_copies_that_do_not_write_the_embedding_cache(tmp_path):
    from survey_tools.coding.codebook import codebook_from_dict
    from survey_tools.coding.coders import SupervisedCoder, ZeroShotCoder
    from survey_tools.nlp.embeddings import AdaptedStaticEncoder
    from survey_tools.runs.partitioned import _runner
    from survey_tools.topics import TopicModel

    model = TopicModel(cache_dir=tmp_path)
    model.encoder_ = AdaptedStaticEncoder(cache_dir=tmp_path)
    runner = _runner(model)
    assert runner.cache_dir is False and runner.encoder_.cache_dir is False
    assert model.cache_dir == tmp_path and model.encoder_.cache_dir == tmp_path
    book = codebook_from_dict({"codes": {"budget": {"label": "Budget",
                                                    "description": "Money is short"}}})
    coder = SupervisedCoder(book, cache_dir=tmp_path)
    coder.zero_shot_ = ZeroShotCoder(book, cache_dir=tmp_path)
    assert _runner(coder).zero_shot_.cache_dir is False
    assert coder.zero_shot_.cache_dir == tmp_path


@pytest.mark.slow
def test_dask_engine_honours_cache_dir_and_dictionary_like_pandas(sample_csv, tmp_path, capsys,
                                                                 scheduler):
    """--dictionary: same files from both engines; --cache-dir is used; --sheet refused."""
    order = ["Storstad (>200 000 inv.)", "Större kommun (50 000–200 000 inv.)",
             "Medelstor kommun (15 000–50 000 inv.)", "Mindre kommun (<15 000 inv.)"]
    dictionary = tmp_path / "dictionary.csv"
    pd.DataFrame({"column": ["size_class"], "label_sv": ["Storlek"],
                  "values": ["|".join(order)]}).to_csv(dictionary, index=False)
    # --cache-dir through both engines: the run's own folder, where the test above left the
    # clustering (a folder of its own computed it again, 10 s); its use is checked below
    common = [sample_csv, "--text-column", "q_obstacles", "--group-column", "size_class",
              "--dictionary", dictionary, "--cache-dir", os.environ["SURVEY_TOOLS_CACHE"]]
    assert _topics([*common, "--output", tmp_path / "pandas"]) == 0
    assert _topics([*common, *scheduler, "--partition-size", 30_000,
                    "--output", tmp_path / "dask"]) == 0
    for name in ("assignments.csv", "topics.csv", "topic_shares.csv"):
        assert (tmp_path / "pandas" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    shares = pd.read_csv(tmp_path / "dask" / "topic_shares.csv")
    assert list(dict.fromkeys(shares["group"])) == order  # the dictionary's order
    # a cacheable model: the fit's vectors go to the given cache folder
    cache, small = tmp_path / "cache-dask", tmp_path / "small.csv"
    # fewer rows than --fit-size: the fit's vectors, no worker loads the model
    pd.read_csv(sample_csv, dtype=str).head(150).to_csv(small, index=False)
    assert main(["topics", str(small), "--text-column", "q_obstacles", *scheduler,
                 "--embedding", "default", "--fit-size", "200", "--cache-dir", str(cache),
                 "--output", str(tmp_path / "dask-e5"), "--no-progress"]) == 0
    assert (cache / "embeddings.sqlite").exists()
    capsys.readouterr()
    assert _topics([sample_csv, "--text-column", "q_obstacles", *scheduler, "--sheet",
                    "1", "--output", tmp_path / "x"]) == 2
    assert "--sheet is for Excel files" in capsys.readouterr().err
