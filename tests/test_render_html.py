"""HTML report: self-contained, escaped, visible without JavaScript, links to the sources."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportviews import COMMIT, IMG_TITLE, SCRIPT_TITLE, sample_view
from spectrace.cli import app
from spectrace.render import html_link_base
from spectrace.render.html import render_html

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE_URL = "https://git.example.org/team/gateway/blob/{commit}/{path}#L{line}"


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <script> and <style>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_view(source_url=SOURCE_URL), "", SOURCE_URL)


@pytest.mark.spec("5.5")
def test_makes_no_network_request(page):
    tags = Elements(page)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "action", "data", "poster", "srcset"):
            value = attrs.get(name) or ""
            if re.match(r"\s*(https?:)?//", value):
                # Only links to the sources may leave the page, and only when clicked.
                assert tag == "a" and "src" in (attrs.get("class") or "").split(), (tag, attrs)
                assert value.startswith("https://git.example.org/"), value
    assert not tags.all("link") and not tags.all("img") and not tags.all("iframe")
    assert all("src" not in a for a in tags.all("script"))
    assert "@import" not in page and "url(" not in page
    # The policy tells the browser the same: nothing may be fetched, only our script runs.
    csp = tags.all("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]
    assert "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(tags.scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and len(tags.scripts) == 1


@pytest.mark.spec("5.5")
def test_spec_text_is_escaped_never_markup(page):
    assert SCRIPT_TITLE not in page and IMG_TITLE not in page
    assert "&lt;script&gt;window.__spectrace_xss" in page
    assert "&lt;img src=x onerror=" in page
    tags = Elements(page)
    assert len(tags.all("script")) == 1 and not tags.all("img")
    assert not [a for _, a in tags.tags if any(k.startswith("on") for k in a)]


@pytest.mark.spec("5.5")
def test_everything_is_visible_without_javascript(page):
    tags = Elements(page)
    areas = [a for a in tags.all("details") if "area" in (a.get("class") or "")]
    assert len(areas) == 4 and all("open" in a for a in areas)
    rows = [a for t, a in tags.tags if t == "tr" and "case" in (a.get("class") or "").split()]
    assert len(rows) == 9 and not [r for r in rows if "hidden" in r]
    # The filter controls do nothing without JavaScript, so they wait hidden until it runs.
    assert "hidden" in tags.all("section", id="controls")[0]
    assert [r["data-status"] for r in rows] == [
        "covered", "covered", "covered", "partial", "missing", "partial", "covered", "missing",
        "covered"]


@pytest.mark.spec("5.5")
def test_cards_chart_and_sections(page):
    assert 'class="value">5/9</div>' in page
    tags = Elements(page)
    chart = tags.all("svg", **{"class": "chart"})
    assert len(chart) == 1
    bars = [a for a in tags.all("rect")]
    # One bar per area, its segments filling the same width.
    widths: dict[str, float] = {}
    for bar in bars:
        widths[bar["y"]] = widths.get(bar["y"], 0) + float(bar["width"])
    assert len(widths) == 4 and {round(w) for w in widths.values()} == {360}
    assert [a["class"] for a in bars[:1]] == ["seg covered"]
    assert len(tags.all("a", href="#area-3")) == 1


@pytest.mark.spec("5.5")
def test_tests_link_to_their_source(page):
    tags = Elements(page)
    hrefs = [a["href"] for a in tags.all("a", **{"class": "src"})]
    assert (f"https://git.example.org/team/gateway/blob/{COMMIT}/"
            "tests/routes/test_auth.py#L12") in hrefs
    # A dangling link has no link, but is shown struck through.
    assert "<del>tests/routes/test_gone.py</del>" in page
    plain = render_html(sample_view(), "../")
    hrefs = [a["href"] for a in Elements(plain).all("a", **{"class": "src"})]
    assert "../tests/routes/test_auth.py" in hrefs
    assert render_html(sample_view(), "").count('href="./tests/routes/test_root.py"') == 2


@pytest.mark.spec("5.5")
def test_problems_show_file_and_line(page):
    assert ">mappings/coverage.yaml:4</a>" in page
    assert ">tests/test_broken.py:7</a>" in page
    assert "invalid syntax" in page


@pytest.mark.spec("5.5", "5.4")
def test_same_inputs_give_the_same_bytes():
    assert render_html(sample_view()) == render_html(sample_view())


def test_link_base_leads_from_the_report_to_the_repository(tmp_path):
    (tmp_path / "docs").mkdir()
    assert html_link_base(tmp_path, str(tmp_path / "docs" / "r.html")) == "../"
    assert html_link_base(tmp_path, str(tmp_path / "r.html")) == ""


@pytest.mark.spec("5.5", "6.1")
def test_report_writes_html_of_the_gateway(tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    out = repo / "docs" / "report.html"
    result = CliRunner().invoke(app, ["report", str(repo), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    hrefs = [a["href"] for a in Elements(text).all("a", **{"class": "src"})]
    assert hrefs and all(h.startswith("../") for h in hrefs)
    # The relative links lead to files that exist.
    assert all((out.parent / h.split("#")[0]).resolve().is_file() for h in hrefs)
