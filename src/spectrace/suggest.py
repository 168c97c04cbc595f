"""`spectrace suggest`: propose links for uncovered cases by name similarity.

Pure: a Trace in, Suggestion values and rendered text out; the CLI writes them.
Name similarity gives *suggestions* only, never coverage (PRODUCT.md): the draft is a
mapping a person reviews, and nothing here changes what a report counts.

Scoring, per (case, test) pair that shares at least one token:

    C = tokens of the case title          N = tokens of the test's name
    X = tokens of its class, docstring and file name that are not in N

    similarity = (|C ∩ N| + 0.5·|C ∩ X|) / |C ∪ N|
    score      = similarity × (1.0 for an orphan test, 0.8 for a test linked to another case)

So the score is the Jaccard index of title and name words, helped by words of the
class, docstring and file (half weight, never in the denominator: a long docstring does
not dilute), and it prefers tests that cover nothing yet. Tokens: split on punctuation,
snake_case and camelCase, lowercased, stop words (test, should, the, a, when…) dropped,
light stemming (trailing ing/ion/ed/s, then a trailing e). Candidates come from an
inverted index token → tests, so only tests sharing a token with a case are scored.

Case ids are not matched here: a test whose name, marker or text cites a case id is
already linked to it by the linker (`id-in-code`), so its case is not uncovered.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spectrace.model import LinkState, NodeKind, Status

DEFAULT_TOP = 3
DEFAULT_MIN_SCORE = 0.25
CONTEXT_WEIGHT = 0.5
LINKED_FACTOR = 0.8  # a test already covering another case is a weaker candidate

STOP_WORDS = frozenset("""
    a an and are as at be by can could do does for from given has have if in into is it its
    must not of on or should shall so spec test tests that the then this to when will with
""".split())

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def stem(word: str) -> str:
    for suffix in ("ing", "ion", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def tokens(text: str | None) -> frozenset[str]:
    """Words of an identifier or a sentence: split, lowercased, stop words out, stemmed."""
    if not text:
        return frozenset()
    found = set()
    for word in _WORD.findall(text):
        low = word.lower()
        if low.isdigit() or len(low) < 2 or low in STOP_WORDS:
            continue
        found.add(stem(low))
    return frozenset(found)


@dataclass(frozen=True)
class Candidate:
    test: str  # node id, `path::Class::name`
    score: float
    shared: tuple[str, ...]  # the tokens the case and the test share, sorted
    orphan: bool


@dataclass(frozen=True)
class Suggestion:
    case: str
    title: str
    status: Status
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class _TestWords:
    node_id: str
    name: frozenset[str]
    context: frozenset[str]
    orphan: bool
    path: str


def _test_words(trace) -> list[_TestWords]:
    graph = trace.graph
    out = []
    for node_id, (test_file, test) in graph.tests.items():
        name = tokens(test.name)
        stem_of_file = test_file.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        owners = test.qualname.split("::")[:-1]
        context = (tokens(" ".join(owners)) | tokens(test.doc) | tokens(stem_of_file)) - name
        out.append(_TestWords(node_id, name, frozenset(context),
                              not graph.cases_of_test(node_id), test_file.path))
    return out


def _linked(graph, case_id: str) -> tuple[set[str], set[str]]:
    """(test node ids, whole files) already linked to a case, dangling links aside."""
    tests, files = set(), set()
    for link in graph.links_of(case_id):
        if link.state is LinkState.DANGLING:
            continue
        if link.name is None:
            files.add(link.path)
        else:
            tests.add(f"{link.path}::{link.name}")
    return tests, files


def suggest(trace, *, top: int = DEFAULT_TOP,
            min_score: float = DEFAULT_MIN_SCORE) -> list[Suggestion]:
    """For every case not covered, its best `top` candidate tests scoring `min_score` or more.

    Cases come in document order; a case with no candidate is listed with none, so a
    reader sees it was considered.
    """
    graph = trace.graph
    words = _test_words(trace)
    index: dict[str, list[int]] = {}
    for i, tw in enumerate(words):
        for tok in tw.name | tw.context:
            index.setdefault(tok, []).append(i)
    found = []
    for node in trace.spec.nodes:
        if node.kind is not NodeKind.CASE:
            continue
        status = graph.status_of(node.id)
        if status is Status.COVERED:
            continue
        title = tokens(node.title)
        linked_tests, linked_files = _linked(graph, node.id)
        pool = {i for tok in title for i in index.get(tok, ())}
        scored = []
        for i in pool:
            tw = words[i]
            if tw.node_id in linked_tests or tw.path in linked_files:
                continue
            in_name = title & tw.name
            in_context = title & tw.context
            overlap = len(in_name) + CONTEXT_WEIGHT * len(in_context)
            score = overlap / len(title | tw.name)  # title and pool are non-empty here
            score *= 1.0 if tw.orphan else LINKED_FACTOR
            score = round(score, 2)
            if score >= min_score and score > 0:
                scored.append(Candidate(tw.node_id, score, tuple(sorted(in_name | in_context)),
                                        tw.orphan))
        scored.sort(key=lambda c: (-c.score, not c.orphan, c.test))
        found.append(Suggestion(node.id, node.title, status, tuple(scored[:top])))
    return found


def read_as_mapping(target: Path, root: Path, patterns: Iterable[str]) -> str | None:
    """The mapping pattern that would read `target` (so its guesses would count), or None.

    fnmatch lets `*` cross folders, so this errs towards refusing, never towards a draft
    silently counted as coverage.
    """
    full = target.resolve().as_posix()
    for pattern in patterns:
        whole = Path(pattern) if Path(pattern).is_absolute() else root / pattern
        if fnmatch.fnmatchcase(full, whole.resolve().as_posix()):
            return pattern
    return None


# -- rendering ----------------------------------------------------------------------

HEADER = """\
# DRAFT mapping proposed by `spectrace suggest` from name similarity. Review it:
# these are guesses, not coverage. Keep the links you have checked, delete the rest,
# then move the entries into a mapping file your configuration reads.
"""


def _note(candidates: Iterable[Candidate]) -> str:
    parts = []
    for c in candidates:
        why = ", ".join(c.shared)
        parts.append(f"{c.score:.2f} {c.test.rsplit('::', 1)[-1]} ({why}"
                     f"{'' if c.orphan else '; already covers another case'})")
    return "suggested, not reviewed: score " + "; ".join(parts)


def render_yaml(suggestions: list[Suggestion]) -> str:
    """The draft in CONTRACT.md's mapping format; loads with mapping.parse_mapping."""
    lines = [HEADER.rstrip("\n")]
    with_candidates = [s for s in suggestions if s.candidates]
    if not with_candidates:
        lines.append("# No uncovered case has a candidate above the threshold.")
        lines.append("cases: {}")
        return "\n".join(lines) + "\n"
    lines.append("cases:")
    for s in with_candidates:
        lines.append(f"  # {s.title} ({s.status.value})")
        lines.append(f"  {json.dumps(s.case)}:")
        lines.append("    tests:")
        lines.extend(f"      - {json.dumps(c.test)}" for c in s.candidates)
        lines.append("    status: missing  # keeps the case uncovered until reviewed: delete it "
                     "when you accept")
        lines.append(f"    note: {json.dumps(_note(s.candidates), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def render_text(suggestions: list[Suggestion]) -> str:
    """A readable table: case, then its candidates with scores and shared words."""
    if not suggestions:
        return "Every case is covered: nothing to suggest.\n"
    out = []
    for s in suggestions:
        out.append(f"{s.case}  {s.title}  [{s.status.value}]")
        if not s.candidates:
            out.append("    (no candidate above the threshold)")
        for c in s.candidates:
            why = ", ".join(c.shared)
            mark = "" if c.orphan else "  (already covers another case)"
            out.append(f"    {c.score:.2f}  {c.test}  [{why}]{mark}")
    with_any = sum(1 for s in suggestions if s.candidates)
    out.append("")
    out.append(f"{with_any} of {len(suggestions)} uncovered cases have suggestions. "
               "Suggestions are not coverage: review them before adding them to a mapping.")
    return "\n".join(out) + "\n"
