import matplotlib.pyplot as plt
import pandas as pd
import pytest
from PIL import Image

from survey_tools.io.survey import read_survey
from survey_tools.report.charts import plot_change, plot_frequency, plot_grouped, plot_likert
from survey_tools.report.publish import Publisher
from survey_tools.report.style import (
    add_footnote,
    figure_bytes,
    format_n,
    likert_colors,
    save_figure,
    source_note,
)
from survey_tools.stats.tables import (
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


def test_a_working_table_is_shown_only_while_exploring(tmp_path, survey, monkeypatch):
    """Issue #32 item 5: the appendix's tables show in the notebook when nothing is saved."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    table = frequency_table(survey.data, "org_type")
    assert Publisher(None).table(table, "x", working=True) is table
    assert len(shown) == 1 and shown[0] is table
    Publisher(None).table(table, "x")  # a chapter's table: the notebook shows it itself
    Publisher(tmp_path).table(table, "x", working=True)  # building the report: saved only
    assert len(shown) == 1 and (tmp_path / "tables" / "x.csv").exists()


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


def _likert_geometry(ax, k):
    """Return ``{tick label: [(left, width), ...] per level}`` read from the drawn bars."""
    bars = [p for p in ax.patches if p.get_width() >= 0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = ax.get_yticks()
    got = {}
    for label, y in zip(labels, ys, strict=True):
        row = sorted((p for p in bars if abs(p.get_y() + p.get_height() / 2 - y) < 1e-9),
                     key=lambda p: p.get_x())
        assert len(row) == k
        got[label.split(" (n")[0]] = [(p.get_x(), p.get_width()) for p in row]
    return got


@pytest.mark.parametrize("sort", [False, True])
def test_likert_bars_disagree_left_agree_right_neutral_straddles_zero(sort):
    """Read the drawn bars: each item's segments are its own percentages, in scale order,
    disagreement left of 0, agreement right, the middle level centred on 0 (issue #16)."""
    levels = ["Inte alls", "Låg grad", "Varken eller", "Hög grad", "Mycket hög grad"]
    shares = {  # items in an order where sorting by agreement moves them around
        "Finansiering": [30, 26, 14, 20, 10],
        "Ledning": [5, 10, 15, 40, 30],
        "Juridik": [10, 20, 40, 20, 10],
        "Data": [0, 60, 0, 40, 0],
        "Kompetens": [20, 20, 20, 20, 20],
    }
    table = pd.DataFrame([
        {"item": item, "label": item, "level": level, "level_index": j, "n": int(p),
         "percent": float(p)}
        for item, row in shares.items()
        for j, (level, p) in enumerate(zip(levels, row, strict=True))])
    ax = plot_likert(table, sort=sort)
    got = _likert_geometry(ax, len(levels))
    assert set(got) == set(shares)
    for item, segments in got.items():
        widths = [w for _, w in segments]
        assert widths == pytest.approx(shares[item]), item
        lefts = [x for x, _ in segments]
        assert lefts[0] + sum(widths[:2]) + widths[2] / 2 == pytest.approx(0), item
        assert segments[1][0] + segments[1][1] <= 1e-9  # disagree ends at or left of 0
        assert segments[2][0] == pytest.approx(-widths[2] / 2)  # neutral straddles 0
        assert segments[3][0] >= -1e-9  # agree starts at or right of 0
    order = [t.get_text().split(" (n")[0] for t in ax.get_yticklabels()][::-1]  # top first
    if sort:
        agree = {i: sum(s[3:]) for i, s in shares.items()}
        assert [agree[i] for i in order] == sorted(agree.values(), reverse=True)
    else:
        assert order == list(shares)
    plt.close(ax.figure)


def test_chart_docstrings_describe_the_shared_parameters_once():
    """Issue #31, item 12: ax, lang and wrap_width are described in one place and filled in."""
    import inspect

    import survey_tools.report.charts as charts
    from survey_tools.report.charts._common import PARAMETERS

    for name in charts.__all__:
        func = getattr(charts, name)
        doc = inspect.getdoc(func)
        assert "{" + "ax}" not in doc and "{" + "lang}" not in doc, name
        for param in PARAMETERS:
            if param in inspect.signature(func).parameters:
                assert PARAMETERS[param].split("\n")[0] in doc, (name, param)
