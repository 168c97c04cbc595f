"""Wiki page set: Home, one page per area when large, sidebar, anchors, marker, safe names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import area, case, spec
from goldtest import GOLD, compare_gold, scrub
from reportviews import sample_view
from spectrace.cli import app
from spectrace.config import build_config
from spectrace.errors import ConfigError, OutputError
from spectrace.render.markdown import GENERATED_MARKER
from spectrace.render.wiki import (
    WikiSettings,
    case_anchor,
    page_name,
    render_wiki,
    sync_pages,
    wiki_settings,
)

FIXTURES = Path(__file__).parent / "fixtures"


def check_gold_set(pages: dict[str, str], case_name: str) -> None:
    """Every page against its gold, and no gold page left over that is no longer made."""
    folder = GOLD / "wiki" / case_name
    for name, text in pages.items():
        compare_gold(text, f"wiki/{case_name}", name)
    golds = {p.name for p in folder.glob("*.md")} if folder.is_dir() else set()
    assert golds <= set(pages), f"gold pages no longer generated: {sorted(golds - set(pages))}"


@pytest.mark.spec("5.7")
def test_small_spec_is_one_home_page_and_a_sidebar():
    pages = render_wiki(sample_view()).files()
    assert list(pages) == ["Home.md", "_Sidebar.md"]
    check_gold_set(pages, "small")


@pytest.mark.spec("5.7")
def test_large_spec_gets_one_page_per_area():
    pages = render_wiki(sample_view(), WikiSettings(split_over=3)).files()
    assert list(pages) == ["Home.md", "1-Health.md", "2-Authentication.md",
                           "3-Chat-Completions.md", "4-Guardrails.md", "_Sidebar.md"]
    check_gold_set(pages, "split")
    # Home links to the area pages, the area page to a case by its anchor's row.
    assert "[3. Chat / Completions](3-Chat-Completions)" in pages["Home.md"]
    assert '<a id="case-3-10"></a>3.10 Streaming' in pages["3-Chat-Completions.md"]
    assert "[← Home](Home)" in pages["2-Authentication.md"]


@pytest.mark.spec("5.7")
def test_every_page_starts_with_the_generated_marker():
    for settings in (WikiSettings(), WikiSettings(split_over=0)):
        for name, text in render_wiki(sample_view(), settings).files().items():
            assert text.splitlines()[0] == GENERATED_MARKER, name


@pytest.mark.spec("5.7")
def test_case_anchors_are_stable_and_unique():
    assert case_anchor("3.1.1") == "case-3-1-1"
    assert case_anchor("CM-2.4") == "case-cm-2-4"
    home = render_wiki(sample_view()).pages["Home"]
    anchors = [line.split('"')[1] for line in home.splitlines() if line.startswith("| <a id=")]
    assert anchors == ["case-1-1", "case-1-2", "case-2-1-1", "case-2-1-2", "case-2-2",
                       "case-2-3", "case-3-1", "case-3-2", "case-3-10"]
    # Anchors depend on the id only: a new case elsewhere does not move them.
    nodes = spec(area("1", "A"), case("1.1", "x", "1"), case("1.1-2", "y", "1"),
                 case("1-1", "clash with 1.1 once made an anchor", "1"))
    home = render_wiki(sample_view(nodes=nodes, files=(), mapping=())).pages["Home"]
    assert ['case-1-1', 'case-1-1-2', 'case-1-1-3'] == [
        line.split('"')[1] for line in home.splitlines() if line.startswith("| <a id=")]


@pytest.mark.spec("5.7")
@pytest.mark.parametrize(("title", "name"), [
    ("3. Inference", "3-Inference"),
    ("Chat / Completions", "Chat-Completions"),
    ("What? #1 is a   spaced name", "What-1-is-a-spaced-name"),
    ("_Sidebar", "Sidebar"),
    ("../../etc/passwd", "etc-passwd"),
    ("Über Sicherheit", "Über-Sicherheit"),
    ("???", "Area"),
])
def test_page_names_are_safe_for_github_and_gitlab(title, name):
    assert page_name(title) == name
    assert not set("/#? .\\") & set(page_name(title))


@pytest.mark.spec("5.7")
def test_colliding_page_names_resolve_in_document_order():
    nodes = spec(area("1", "Chat / Completions", numbered=False),
                 case("1.1", "a", "1"),
                 area("2", "Chat Completions", numbered=False), case("2.1", "b", "2"),
                 area("3", "home", numbered=False), case("3.1", "c", "3"))
    pages = render_wiki(sample_view(nodes=nodes, files=(), mapping=()),
                        WikiSettings(split_over=0)).pages
    assert list(pages) == ["Home", "Chat-Completions", "Chat-Completions-2", "home-2",
                           "_Sidebar"]


@pytest.mark.spec("5.7")
def test_markdown_in_titles_cannot_break_tables_or_inject_html():
    home = render_wiki(sample_view()).pages["Home"]
    assert "Password reset \\| by e-mail" in home
    assert "<script>" not in home and "<img" not in home
    assert "&lt;script&gt;" in home


@pytest.mark.spec("5.7", "7.3", "7.4")
def test_sync_pages_keeps_hand_written_pages_and_removes_stale_generated(tmp_path):
    (tmp_path / "Notes.md").write_text("# Our notes\n", encoding="utf-8")
    (tmp_path / "Old-Area.md").write_text(f"{GENERATED_MARKER}\n# Old\n", encoding="utf-8")
    (tmp_path / "README.txt").write_text(f"{GENERATED_MARKER}\nnot a page\n", encoding="utf-8")
    pages = render_wiki(sample_view()).files()
    changes = sync_pages(tmp_path, pages)
    assert changes.added == ("Home.md", "_Sidebar.md") and changes.removed == ("Old-Area.md",)
    assert (tmp_path / "Notes.md").read_text(encoding="utf-8") == "# Our notes\n"
    assert (tmp_path / "README.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Home.md", "Notes.md", "README.txt", "_Sidebar.md"]
    again = sync_pages(tmp_path, pages)
    assert not again.changed and again.unchanged == ("Home.md", "_Sidebar.md")


@pytest.mark.spec("5.7", "7.3")
def test_a_hand_written_page_with_a_generated_name_stops_before_any_write(tmp_path):
    (tmp_path / "Home.md").write_text("# Our own home page\n", encoding="utf-8")
    (tmp_path / "Stale.md").write_text(f"{GENERATED_MARKER}\n", encoding="utf-8")
    with pytest.raises(OutputError, match="Home.md exists and was not written by spectrace"):
        sync_pages(tmp_path, render_wiki(sample_view()).files())
    assert (tmp_path / "Home.md").read_text(encoding="utf-8") == "# Our own home page\n"
    assert (tmp_path / "Stale.md").exists() and not (tmp_path / "_Sidebar.md").exists()
    # A team that keeps its own Home names the summary page differently.
    pages = render_wiki(sample_view(), WikiSettings(home="Test-Coverage")).files()
    sync_pages(tmp_path, pages)
    assert (tmp_path / "Test-Coverage.md").exists()
    assert "[Gateway Test Coverage Audit](Test-Coverage)" in pages["_Sidebar.md"]


def test_publish_section_is_checked_with_file_and_line(tmp_path):
    (tmp_path / "spectrace.yaml").write_text(
        "title: T\npublish:\n  wiki: ../wiki.git\n  split_over: 10\n  home: Coverage\n",
        encoding="utf-8")
    settings = wiki_settings(build_config(tmp_path))
    assert settings == WikiSettings(wiki=str(tmp_path.resolve() / "../wiki.git"), split_over=10,
                                    home="Coverage")
    (tmp_path / "spectrace.yaml").write_text(
        "publish:\n  wiki: https://example.org/team/repo.wiki.git\n  split_ovr: 10\n",
        encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        wiki_settings(build_config(tmp_path))
    assert info.value.line == 3 and "split_ovr" in info.value.message
    assert info.value.path == str(tmp_path.resolve() / "spectrace.yaml")
    (tmp_path / "spectrace.yaml").write_text("publish:\n  home: Test Coverage\n",
                                             encoding="utf-8")
    with pytest.raises(ConfigError, match="'Test-Coverage'"):
        wiki_settings(build_config(tmp_path))


@pytest.mark.spec("5.7", "6.1")
def test_report_format_wiki_writes_the_page_set_of_the_gateway(tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    out = tmp_path / "wiki"
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(repo), "--format", "wiki", "-o", str(out),
                                 "--split-over", "10"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "wiki pages to" in result.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}
    assert "Home.md" in pages and "_Sidebar.md" in pages and len(pages) > 3
    check_gold_set({k: scrub(v, root=repo) for k, v in pages.items()}, "gateway")
    # A folder as -o means the page set; unchanged pages are not rewritten.
    result = runner.invoke(app, ["report", str(repo), "-o", f"{out}/", "--split-over", "10"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Wrote {len(pages)} wiki pages to {out}/ (no page changed)\n"
    result = runner.invoke(app, ["report", str(repo), "--format", "wiki"])
    assert result.exit_code == 2
    assert "pass -o FOLDER" in result.stderr
