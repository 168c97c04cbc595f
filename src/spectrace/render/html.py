"""The single-file HTML report: cards, an SVG chart, one section per area, filter and search."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from importlib.resources import files
from urllib.parse import quote

from spectrace.model import Counts, Status
from spectrace.render.markdown import tldr
from spectrace.render.wiki import case_anchor, unique_name
from spectrace.render.view import AreaView, CaseView, LinkView, ReportView, source_link

_CHART_LABEL = 260  # px kept for the area names left of the bars
_CHART_BAR = 360
_CHART_ROW = 26


# --- view models for the template ---------------------------------------------------


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    detail: str
    tone: str  # covered | partial | missing | neutral


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    tone: str
    tip: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int
    text_y: int
    segments: tuple[Segment, ...]
    fraction: str
    href: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_x: int
    fraction_x: int
    rows: tuple[ChartRow, ...]


@dataclass(frozen=True)
class HtmlLink:
    label: str
    href: str
    where: str  # ":12" or ""
    source: str
    state: str
    missing: bool
    tag: str  # the state when it is worth a word: skipped, xfail, failed, passed
    note: str


@dataclass(frozen=True)
class HtmlCase:
    id: str
    anchor: str
    title: str
    feature: str
    status: str
    symbol: str
    note: str
    links: tuple[HtmlLink, ...]
    search: str  # lower-case text the search box matches


@dataclass(frozen=True)
class HtmlFeature:
    title: str
    indent: int
    fraction: str
    status: str
    symbol: str
    note: str


@dataclass(frozen=True)
class HtmlArea:
    anchor: str
    heading: str
    status: str
    symbol: str
    note: str
    fraction: str
    features: tuple[HtmlFeature, ...]
    cases: tuple[HtmlCase, ...]


@dataclass(frozen=True)
class HtmlProblem:
    kind: str
    where: str
    href: str
    message: str


@dataclass(frozen=True)
class StatusChoice:
    value: str
    label: str


@dataclass(frozen=True)
class HtmlReport:
    title: str
    tldr: str
    generated: str
    cards: tuple[Card, ...]
    chart: Chart
    areas: tuple[HtmlArea, ...]
    problems: tuple[HtmlProblem, ...]
    choices: tuple[StatusChoice, ...]
    total_cases: int
    style: str
    script: str
    csp: str


def _fraction(counts: Counts) -> str:
    return f"{counts.covered}/{counts.total}" if counts.total else "—"


def _local_href(base: str, path: str) -> str:
    # "./" first, so a file named like "javascript:…" is still a relative path.
    return (base or "./") + quote(path, safe="/")


def _link(link: LinkView, base: str, case_note: str | None) -> HtmlLink:
    missing = link.state == "dangling"
    href = "" if missing else (link.url or _local_href(base, link.path))
    where = f":{link.line}" if link.line and not missing else ""
    tag = "" if link.state in ("ok", "dangling") else link.state
    note = "" if link.note == case_note else link.note or ""  # said once, beside the status
    return HtmlLink(link.label, href, where, link.source, link.state, missing, tag, note)


def _case(case: CaseView, anchor: str, feature: str, base: str) -> HtmlCase:
    links = tuple(_link(lk, base, case.note) for lk in case.links)
    words = [case.id, case.title, feature, case.status.value, case.note or ""]
    words += [lk.label for lk in links]
    search = " ".join(" ".join(words).lower().split())
    return HtmlCase(case.id, anchor, case.title, feature, case.status.value, case.status.symbol,
                    case.note or "", links, search)


def _area(area: AreaView, index: int, base: str, taken: set[str]) -> HtmlArea:
    titles = {f.id: (f"{f.id} {f.title}" if f.numbered else f.title) for f in area.features}
    features = tuple(
        HtmlFeature(titles[f.id], f.depth - 1, _fraction(f.counts), f.status.value,
                    f.status.symbol, f.note or "")
        for f in area.features)
    cases = tuple(_case(c, unique_name(case_anchor(c.id), taken),
                        titles.get(c.feature or "", c.feature_title or ""), base)
                  for c in area.cases)
    return HtmlArea(f"area-{index}", area.heading, area.status.value, area.status.symbol,
                    area.note or "", _fraction(area.counts), features, cases)


def _chart(view: ReportView) -> Chart:
    rows = []
    for index, area in enumerate(view.areas, 1):
        y = 8 + (index - 1) * _CHART_ROW
        counts = area.counts
        segments: list[Segment] = []
        if counts.total == 0:
            segments.append(Segment(_CHART_LABEL, _CHART_BAR, "none", "no cases"))
        else:
            x = float(_CHART_LABEL)
            for tone, n in (("covered", counts.covered), ("partial", counts.partial),
                            ("missing", counts.missing)):
                if n:
                    width = round(_CHART_BAR * n / counts.total, 2)
                    segments.append(Segment(round(x, 2), width, tone,
                                            f"{n} of {counts.total} {tone}"))
                    x += width
        label = area.heading if len(area.heading) <= 34 else area.heading[:33] + "…"
        rows.append(ChartRow(label, y, y + 14, tuple(segments), _fraction(counts),
                             f"#area-{index}"))
    height = 16 + len(rows) * _CHART_ROW
    return Chart(_CHART_LABEL + _CHART_BAR + 70, height, _CHART_LABEL,
                 _CHART_LABEL + _CHART_BAR + 8, tuple(rows))


def _cards(view: ReportView) -> tuple[Card, ...]:
    s = view.summary
    return (
        Card("Cases covered", f"{s.cases.covered}/{s.cases.total}",
             f"{s.cases.percent:.1f}%", "covered"),
        Card("Partial", str(s.cases.partial), "skipped, failing or declared partial", "partial"),
        Card("Missing", str(s.cases.missing), "no test linked", "missing"),
        Card("Areas covered", f"{s.areas.covered}/{s.areas.total}",
             f"{s.areas.partial} partial, {s.areas.missing} missing", "neutral"),
        Card("Tests", f"{s.tests:,}",
             f"in {s.test_files:,} files, {s.tests_skipped:,} skipped", "neutral"),
        Card("Problems", str(len(view.problems)), "listed at the end", "neutral"),
    )


def _asset(name: str) -> str:
    return files("spectrace.render").joinpath("templates", name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    """Only our own inline script may run, and nothing may be fetched from anywhere."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def build_html_view(view: ReportView, link_base: str = "",
                    source_url: str | None = None) -> HtmlReport:
    """`link_base` leads from the report's folder to the repository root ("../" …).

    `source_url` is the config's link template, for problems (tests carry their URL).
    """
    s = view.summary
    source = ", ".join(view.specs)
    at = f" at commit {view.short_commit} ({view.date})" if view.commit else ""
    problems = tuple(
        HtmlProblem(p.kind.value, p.location(),
                    (source_link(source_url, view.commit, p.path, p.line) or
                     _local_href(link_base, p.path)) if p.path else "",
                    p.message)
        for p in view.problems)
    script = _asset("report.js")
    anchors: set[str] = set()  # case anchors as the wiki makes them, unique in the page
    choices = (StatusChoice("all", f"All statuses ({s.cases.total})"),
               *(StatusChoice(st.value, f"{st.symbol} {st.value} ({n})") for st, n in
                 ((Status.COVERED, s.cases.covered), (Status.PARTIAL, s.cases.partial),
                  (Status.MISSING, s.cases.missing))))
    return HtmlReport(
        title=view.title,
        tldr=tldr(view),
        generated=f"Generated by spectrace from {source}{at}.",
        cards=_cards(view),
        chart=_chart(view),
        areas=tuple(_area(a, i, link_base, anchors) for i, a in enumerate(view.areas, 1)),
        problems=problems,
        choices=choices,
        total_cases=s.cases.total,
        style=_asset("report.css"),
        script=script,
        csp=_csp(script),
    )


def render_html(view: ReportView, link_base: str = "", source_url: str | None = None) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    env = Environment(loader=PackageLoader("spectrace.render", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    model = build_html_view(view, link_base, source_url)
    # Our own CSS and JS go in verbatim; everything from the spec or the tree is escaped.
    return env.get_template("report.html.j2").render(
        report=model, style=Markup(model.style), script=Markup(model.script))
