import matplotlib.pyplot as plt
import pytest
from PIL import Image

from survey_tools.charts import plot_change, plot_frequency, plot_grouped, plot_likert
from survey_tools.publish import Publisher
from survey_tools.style import (
    add_footnote,
    figure_bytes,
    format_n,
    likert_colors,
    save_figure,
    source_note,
)
from survey_tools.survey import read_survey
from survey_tools.tables import (
    change_table,
    frequency_table,
    likert_summary,
    likert_table,
    multi_response_table,
)


@pytest.fixture(scope="module")
def survey():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    return read_survey(root / "data" / "sample_survey.csv",
                       dictionary=root / "data" / "sample_survey_dictionary.csv")


def charts(survey):
    d = survey.data
    lik = survey.columns_of_type("likert")
    acts = survey.columns_of_type("multiple_choice")
    yield plot_frequency, frequency_table(d, "org_type"), {}
    yield plot_grouped, multi_response_table(d, acts, labels=survey.labels, by="org_type",
                                             weight="weight"), {"label": "label"}
    yield plot_grouped, likert_summary(d, lik, labels=survey.labels, by="org_type"), \
        {"label": "label"}
    yield plot_likert, likert_table(d, lik, labels=survey.labels, weight="weight"), {}
    yield plot_change, change_table(d, "maturity_before", "maturity_after", by="org_type"), {}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_chart_draws_on_given_axes(survey, lang):
    for draw, table, kwargs in charts(survey):
        fig, ax = plt.subplots()
        out = draw(table, ax=ax, lang=lang, title="T", **kwargs)
        assert out is ax
        assert ax.get_yticklabels(), draw.__name__
        plt.close(fig)


def test_n_is_shown(survey):
    ax = plot_frequency(frequency_table(survey.data, "org_type"), title="Typ")
    assert "n\u00a0=\u00a01\u00a0250" in ax.get_title()
    ax = plot_change(change_table(survey.data, "maturity_before", "maturity_after",
                                  by="org_type", total_label="Alla"))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("Kommun (n\u00a0=" in lbl for lbl in labels)


def test_figures_are_byte_identical_across_runs(survey, tmp_path):
    paths = []
    for run in range(2):
        table = likert_table(survey.data, survey.columns_of_type("likert"),
                             labels=survey.labels)
        ax = plot_likert(table)
        add_footnote(ax.figure, source_note("test", lang="sv"))
        paths.append(save_figure(ax.figure, tmp_path / f"run{run}" / "likert"))
        plt.close("all")
    for a, b in zip(*paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert [p.suffix for p in paths[0]] == [".png", ".svg"]


def test_png_has_no_software_stamp_and_svg_no_date(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    png, svg = save_figure(fig, tmp_path / "f")
    assert "Software" not in Image.open(png).info
    assert b"<dc:date>" not in svg.read_bytes()
    assert png.read_bytes() == figure_bytes(fig, "png")


def test_publisher_saves_only_with_output_dir(tmp_path, survey):
    table = frequency_table(survey.data, "org_type")
    Publisher(None).figure(plot_frequency(table), "x", note="n")
    Publisher(None).table(table, "x")
    assert not any(tmp_path.iterdir())
    pub = Publisher(tmp_path)
    pub.figure(plot_frequency(table), "x", note="n")
    pub.table(table, "x")
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["x.png", "x.svg"]
    assert (tmp_path / "tables" / "x.csv").read_text(encoding="utf-8-sig").startswith("category,n,")


def test_style_helpers():
    assert format_n(1234567, "sv") == "1\u00a0234\u00a0567"
    assert len(likert_colors(5)) == 5 and len(likert_colors(9)) == 9
    assert "Wilson" in source_note("x", lang="sv")
    assert "Weighted" in source_note(None, lang="en", weighted=True)
