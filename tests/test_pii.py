from pathlib import Path

import pandas as pd
import pytest

from survey_tools.nlp.pii import STRUCTURED_TYPES, find_pii, mask_pii, mask_texts

CASES = Path(__file__).with_name("data") / "pii_cases.csv"


def score_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """Per type: planted, found (true positives), false positives, precision, recall."""
    rows = {}
    for text, kind, value in cases[["text", "type", "value"]].itertuples(index=False):
        found = find_pii(text)
        start = text.find(value) if value else -1
        hit = [m for m in found if kind and m.type == kind and m.start <= start
               and m.end >= start + len(value)]
        if kind:
            r = rows.setdefault(kind, {"planted": 0, "tp": 0, "fp": 0})
            r["planted"] += 1
            r["tp"] += bool(hit)
        for m in found:
            if m not in hit:
                rows.setdefault(m.type, {"planted": 0, "tp": 0, "fp": 0})["fp"] += 1
    table = pd.DataFrame(rows).T
    table["recall"] = table["tp"] / table["planted"]
    table["precision"] = table["tp"] / (table["tp"] + table["fp"])
    return table


@pytest.fixture(scope="module")
def cases():
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


def test_recall_and_precision_on_planted_set(cases):
    table = score_cases(cases)
    for kind in STRUCTURED_TYPES:
        assert table.loc[kind, "recall"] == 1.0, kind
    assert table["tp"].sum() / (table["tp"].sum() + table["fp"].sum()) >= 0.95
    assert table["recall"].min() >= 0.9


def test_ordinary_answers_with_numbers_are_left_alone(cases):
    ordinary = cases.loc[cases["type"] == "", "text"]
    assert len(ordinary) >= 30
    flagged = {t: [(m.type, m.text) for m in find_pii(t)] for t in ordinary}
    assert not {t: f for t, f in flagged.items() if f}


def test_sample_planted_pii_all_found_and_nothing_else(root):
    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str,
                       keep_default_na=False).set_index("respondent_id")
    truth = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str,
                        keep_default_na=False)
    truth["text"] = [data.at[r, q] for r, q in zip(truth["respondent_id"], truth["question"],
                                                   strict=True)]
    kinds = {"phone": {"PHONE"}, "email": {"EMAIL"}, "name": {"NAME"},
             "personnummer": {"PERSONNUMMER", "SAMORDNINGSNUMMER"}}
    for text, planted in truth[["text", "planted_pii"]].itertuples(index=False):
        found = {m.type for m in find_pii(text)}
        if planted:
            assert found and found <= kinds[planted], text
        else:
            assert not found, text


def test_mask_replaces_with_typed_placeholders():
    text = ("Ring 070-123 45 67 eller mejla k.berg@exempel.se. Min kollega Per Larsson, "
            "pnr 811228-9874, bor på Storgatan 12.")
    assert mask_pii(text) == ("Ring [PHONE] eller mejla [EMAIL]. Min kollega [NAME], "
                              "pnr [PERSONNUMMER], bor på [ADDRESS].")
    assert mask_pii(None) is None and mask_pii("") == ""


def test_mask_texts_counts_per_type():
    masked, counts = mask_texts(["a@b.se och c@d.se", None, "Ring 0701234567", "inget"])
    assert masked.tolist() == ["[EMAIL] och [EMAIL]", None, "Ring [PHONE]", "inget"]
    assert counts.to_dict() == {"EMAIL": 2, "PHONE": 1}


@pytest.mark.parametrize("text", ["811228-9875", "19811328-9874", "1234 5678 9012 3456",
                                  "070-12", "a@b", "999.1.1.1", "0.839  0.839  0.864",
                                  "kappa 0,852 0,852"])
def test_invalid_identifiers_are_not_pii(text):
    assert find_pii(text) == []


def test_mask_cli_keeps_rows_and_removes_structured_pii(sample_csv, tmp_path, capsys):
    from survey_tools.cli import main
    from survey_tools.nlp.pii import scan_files

    out = tmp_path / "masked.csv"
    assert main(["mask", str(sample_csv), "--text-column", "q_obstacles", "--text-column",
                 "q_takeaway", "--output", str(out)]) == 0
    assert "EMAIL" in capsys.readouterr().out
    source = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    masked = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert masked["respondent_id"].tolist() == source["respondent_id"].tolist()
    assert len(scan_files([sample_csv])) and not len(scan_files([out]))
    summary = pd.read_csv(tmp_path / "masked.csv.summary.csv")
    assert summary["count"].sum() == 37
    changed = masked["q_obstacles"] != source["q_obstacles"]
    # changed: masked answers, and answers such as "-" defused against formula injection
    assert masked.loc[changed, "q_obstacles"].map(lambda t: "[" in t or t[0] == "'").all()
    assert masked.loc[changed, "q_obstacles"].str.contains(r"\[").sum() == 20


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_cells_open_as_text(tmp_path, suffix):
    from survey_tools.io.spreadsheets import write_safe_table

    table = pd.DataFrame({"text": ['=HYPERLINK("http://x","y")', " =1+1", "@SUM(A1)",
                                   "vanlig text"], "n": [1, -2, 3.5, 4]})
    path = write_safe_table(table, tmp_path / f"t{suffix}")
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        cells = [sheet.cell(row=r, column=1) for r in range(2, 6)]
        assert all(c.data_type == "s" for c in cells)
        assert cells[0].value == '\'=HYPERLINK("http://x","y")'
        assert [sheet.cell(row=r, column=2).value for r in range(2, 6)] == [1, -2, 3.5, 4]
    else:
        back = pd.read_csv(path)
        assert back["text"].tolist()[:3] == ['\'=HYPERLINK("http://x","y")', "' =1+1",
                                             "'@SUM(A1)"]
        assert back["n"].tolist() == [1, -2, 3.5, 4]


def test_report_check_fails_on_unmasked_data(tmp_path):
    import base64

    from survey_tools.report import ReportError, check_no_personal_data

    image = base64.b64encode(b"0701234567 811228-9874" * 20).decode()
    (tmp_path / "report.html").write_text(
        f'<p>Ett svar</p><img src="data:image/png;base64,{image}">', encoding="utf-8")
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.csv").write_text("id,score\nR1,0.839  0.839\n", encoding="utf-8")
    check_no_personal_data(tmp_path)  # images and decimals are not personal data
    (tmp_path / "tables" / "quotes.csv").write_text("quote\nRing 070-123 45 67\n",
                                                    encoding="utf-8")
    with pytest.raises(ReportError, match=r"tables/quotes.csv: PHONE ×1") as info:
        check_no_personal_data(tmp_path)
    assert "070" not in str(info.value)


# Issue #28, item 1: English names, titles, name cues, names at the start of a sentence.
@pytest.mark.parametrize("text, name", [
    ("Alex was very professional and kind.", "Alex"),
    ("Dr Chris explained everything.", "Chris"),
    ("dr chris was great with my son", "chris"),
    ("nurse natasha was lovely", "natasha"),
    ("Natasha on reception was rude.", "Natasha"),
    ("My name is John Smith and I waited.", "John Smith"),
    ("Thanks to nurse Sarah for her care.", "Sarah"),
    ("The receptionist Radomir was rude.", "Radomir"),
    ("Grace and Will from the team were great.", "Will"),
    ("Jag är Zlatko Övergaard och jobbar med data.", "Zlatko Övergaard"),
    ("Vad är svårast, Zlatko?", "Zlatko"),
    ("dr bartosz saw me quickly", "bartosz"),
])
def test_english_names_titles_and_cues_are_masked(text, name):
    masked = mask_pii(text)
    assert name not in masked and "[NAME]" in masked, masked


@pytest.mark.parametrize("text", [
    "Will it work? I hope so.", "We met in May and June.", "I thank God for the staff.",
    "I am Not happy with the waiting.", "Mina kollegor har inte tid.",
    "Inga pengar finns för AI.", "hans chef saknar mandat",
    "Vi kan klara det med mer budget.", "The doctor was rude.", "Stockholm, Göteborg.",
])
def test_words_that_are_also_names_stay_words(text):
    assert mask_pii(text) == text


def test_a_known_name_at_the_start_of_a_sentence_is_never_quoted():
    from survey_tools.nlp.quotes import looks_personal, pick_quotes

    assert looks_personal("Alex was very professional and kind")
    assert looks_personal("Great care. Natasha was lovely")
    assert not looks_personal("Will it work with the new system")
    # an unknown name that other answers write like a name ("grzegorz"), or that never
    # occurs in lower case in a question's 200+ answers ("Omonori")
    from survey_tools.nlp.pii import name_like_words

    answers = ["Omonori was lovely and very caring", "grzegorz was lovely and kind",
               "the staff were lovely and kind", "please thank Grzegorz from the ward"]
    unquotable = name_like_words([*answers, *["Lovely staff, lovely care."] * 200],
                                 starts=True)
    assert pick_quotes(answers, n=4, mask=False, name_like=unquotable) == [
        "the staff were lovely and kind"]


def test_names_outside_the_gazetteers_are_not_topic_words(keyword_encoder, theme_answers):
    from survey_tools.topics import TopicModel

    texts, _ = theme_answers
    texts = [f"{t} fråga Zlatko" if i % 3 == 0 and t else t for i, t in enumerate(texts)]
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv").fit(texts)
    published = " ".join([*model.topics_["top_words"], *model.topics_["label"]]).casefold()
    assert "zlatko" in model.name_like_words_
    assert "zlatko" not in published


def test_the_phone_matcher_is_skipped_only_where_no_number_can_be(root, cases, monkeypatch):
    """Issue #31, item 14: a text without a run of digits as long as the shortest valid
    number is not given to phonenumbers' matcher (most lines of a report's tables, which
    made the report's personal-data check take 3.7 s). The run's length comes from
    phonenumbers' metadata and its punctuation is the matcher's own; the findings are
    those of the matcher on every text."""
    import random

    import phonenumbers
    from phonenumbers import phonenumberutil

    import survey_tools.nlp.pii as pii

    assert pii._PHONE_PUNCTUATION == phonenumberutil._VALID_PUNCTUATION
    entities = [phonenumbers.PhoneMetadata.metadata_for_region(r)
                for r in phonenumbers.SUPPORTED_REGIONS]
    entities += [phonenumbers.PhoneMetadata.metadata_for_nongeo_region(c)
                 for c in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS]
    fewest = min(len(str(m.country_code)) + n for m in entities
                 for n in m.general_desc.possible_length if n > 0)
    assert fewest >= pii._MIN_INTERNATIONAL_DIGITS

    rng = random.Random(0)
    marks = ["", " ", "-", ".", "/", "(", ")", "+", ",", ";", "\u2013", "\u00a0", "x", "a"]
    numbers = ["".join(rng.choice("0123456789" * 3 + "".join(marks)) for _ in range(
        rng.randint(3, 24))) for _ in range(1000)]
    texts = (cases["text"].tolist() + numbers
             + pd.read_csv(root / "data" / "sample_survey.csv", dtype=str).fillna("")
             .astype(str).agg(",".join, axis=1).head(300).tolist()
             + ["+98 21 1234", "Ring +46 8 123 45 67", "０７０-１２３ ４５ ６７", "0,0,0,1,0.0061"])
    regions = ["SE", "IR", "US", "NU"]
    skipped = {region: [find_pii(t, types=["PHONE"], region=region) for t in texts]
               for region in regions}
    monkeypatch.setattr(pii, "_phone_digit_run", lambda region: pii.re.compile(""))
    for region in regions:
        assert skipped[region] == [find_pii(t, types=["PHONE"], region=region)
                                   for t in texts], region
    assert sum(map(len, skipped["SE"])) >= 20  # the texts do hold numbers
