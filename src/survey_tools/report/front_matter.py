"""The first page of a report: title block, table of contents and summary of key findings.

Added to the exported HTML after the notebooks ran: the contents list the chapters the
page really has, and the summary lists the sentences the notebooks kept with
:meth:`survey_tools.report.publish.Publisher.finding`.
"""

from __future__ import annotations

import html as html_lib
from pathlib import Path

from survey_tools.i18n import term

__all__ = ["read_findings", "add_front_matter"]


def read_findings(folder: str | Path) -> list[str]:
    """Return the kept findings (Markdown sentences) in key order; none without the folder."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.md"))]


def add_front_matter(page: str, *, title: str, lang: str = "sv", details=(),
                     findings=(), warnings=()) -> str:
    """Return the HTML `page` with a title block, contents and summary at the top.

    Parameters
    ----------
    page : str
        The exported report page.
    title : str
        The report's title (the page's only ``<h1>`` outside the chapters).
    lang : str
        Language of the headings.
    details : sequence of str
        Lines under the title (organisation, fieldwork, source, respondents), as text.
    findings : sequence of str
        Sentences in Markdown for the summary of key findings; no summary without them.
    warnings : sequence of str
        Sentences in Markdown shown in a box right under the title block, before the
        contents: what makes the findings unreliable and how to fix it.

    Examples
    --------
    >>> page = ('<html><body><main><div class="jp-RenderedMarkdown"><h1 id="Teman">Teman'
    ...         '<a class="anchor-link" href="#Teman">¶</a></h1></div></main></body></html>')
    >>> out = add_front_matter(page, title="Rapport", findings=["Budget *störst*."])
    >>> '<a href="#Teman">Teman</a>' in out, "<em>störst</em>" in out
    (True, True)
    >>> 'class="report-warning"' in add_front_matter(page, title="R", warnings=["Obs."])
    True
    """
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    soup = BeautifulSoup(page, "html.parser")
    main = soup.find("main") or soup.body
    chapters = []
    for h1 in soup.select(".jp-RenderedMarkdown h1"):
        label = "".join(t for t in h1.find_all(string=True, recursive=False)).strip() or \
            h1.get_text(" ", strip=True).rstrip("¶").strip()
        if h1.get("id"):
            chapters.append((h1["id"], label))
    parts = ['<header class="report-front">',
             f'<h1 class="report-title">{html_lib.escape(title)}</h1>']
    parts += [f'<p class="report-detail">{html_lib.escape(line)}</p>' for line in details]
    parts.append("</header>")
    warnings = [w for w in warnings if w.strip()]
    if warnings:
        parts.append(f'<section class="report-warning" role="alert"><h2>'
                     f'{term("important", lang)}</h2>')
        parts += [f"<p>{_inline(markdown2html_mistune(w))}</p>" for w in warnings]
        parts.append("</section>")
    if chapters:
        parts.append(f'<nav class="report-contents"><h2>{term("contents", lang)}</h2><ol>')
        parts += [f'<li><a href="#{html_lib.escape(anchor, quote=True)}">'
                  f"{html_lib.escape(label)}</a></li>" for anchor, label in chapters]
        parts.append("</ol></nav>")
    findings = [f for f in findings if f.strip()]
    if findings:
        parts.append(f'<section class="report-summary"><h2>{term("summary", lang)}</h2><ul>')
        parts += [f"<li>{_inline(markdown2html_mistune(f))}</li>" for f in findings]
        parts.append("</ul></section>")
    main.insert(0, BeautifulSoup("".join(parts), "html.parser"))
    return str(soup)


def _inline(fragment: str) -> str:
    """Return a one-paragraph HTML fragment without its ``<p>`` wrapper."""
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment
