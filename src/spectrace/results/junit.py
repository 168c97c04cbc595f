"""JUnit XML files (pytest, nextest, jest, vitest, go-junit-report, Surefire) → test case results."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from spectrace.errors import ResultsError
from spectrace.model import LinkState

# Every producer writes one of these two roots; anything else is not a results file.
_ROOTS = ("testsuites", "testsuite")
_SPLIT_IDS = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class CaseResult:
    """One `<testcase>` as written, with the outcome it reports."""

    name: str
    classname: str
    suite: str  # name of the enclosing <testsuite>
    file: str | None  # `file` of the testcase or `file`/`filepath` of its suite
    state: LinkState  # PASSED, FAILED, SKIPPED or XFAIL
    message: str | None  # skip or failure message
    spec_ids: tuple[str, ...]  # from <property name="spec" value="3.1.1"/>
    path: str  # the results file, for messages
    line: int

    @property
    def label(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name


class _LineBuilder(ET.TreeBuilder):
    """Remembers the line where each element starts, so errors can name it."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: ET.XMLParser | None = None

    def start(self, tag, attrs):  # type: ignore[override]
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def read_junit(path: Path, shown: str | None = None) -> list[CaseResult]:
    """Every testcase of one JUnit XML file; ResultsError (path, line) when it is not one."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ResultsError("results file not found", shown) from None
    except IsADirectoryError:
        raise ResultsError("expected a JUnit XML file, found a folder", shown) from None
    except OSError as exc:
        raise ResultsError(f"cannot read results file: {exc.strerror}", shown) from None
    return parse_junit(data, shown)


def parse_junit(data: bytes | str, path: str) -> list[CaseResult]:
    """Pure: the bytes of a JUnit XML file in, its testcases out."""
    # defusedxml refuses entity expansion and external references: a results file comes
    # from a CI artifact, and a "billion laughs" file must not take the runner down.
    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser

    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        message = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise ResultsError(f"not a JUnit XML file: malformed XML ({message})", path,
                           line) from None
    except defusedxml.DefusedXmlException as exc:
        raise ResultsError(f"refusing to read this XML file: {exc}",
                           path, parser.parser.CurrentLineNumber) from None
    tag = _local(root.tag)
    if tag not in _ROOTS:
        raise ResultsError(f"not a JUnit XML file: the root element is <{tag}>, "
                           "expected <testsuites> or <testsuite>", path,
                           builder.lines.get(id(root), 1))
    out: list[CaseResult] = []
    _walk(root, root.get("name", ""), root.get("file") or root.get("filepath"), path,
          builder.lines, out)
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # Surefire files may carry an XML namespace


def _walk(element: ET.Element, suite: str, suite_file: str | None, path: str,
          lines: dict[int, int], out: list[CaseResult]) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag == "testsuite" or tag == "testsuites":
            # jest-junit and others nest suites; the innermost name and file win.
            _walk(child, child.get("name", suite),
                  child.get("file") or child.get("filepath") or suite_file, path, lines, out)
        elif tag == "testcase":
            out.append(_case(child, suite, suite_file, path, lines.get(id(child), 1)))


def _case(element: ET.Element, suite: str, suite_file: str | None, path: str,
          line: int) -> CaseResult:
    name = element.get("name")
    if name is None:
        raise ResultsError("a <testcase> without a name", path, line)
    state, message = LinkState.PASSED, None
    for child in element:
        tag = _local(child.tag)
        if tag in ("failure", "error"):
            # Failures win over anything else the case says about itself.
            state, message = LinkState.FAILED, child.get("message")
            break
        if tag == "skipped":
            kind = child.get("type") or ""
            # pytest writes an expected failure as <skipped type="pytest.xfail">.
            state = LinkState.XFAIL if kind == "pytest.xfail" else LinkState.SKIPPED
            message = child.get("message") or (child.text or "").strip() or None
    return CaseResult(
        name=name,
        classname=element.get("classname") or "",
        suite=suite,
        file=element.get("file") or suite_file,
        state=state,
        message=message,
        spec_ids=_spec_ids(element),
        path=path,
        line=line,
    )


def _spec_ids(element: ET.Element) -> tuple[str, ...]:
    ids: list[str] = []
    for props in element:
        if _local(props.tag) != "properties":
            continue
        for prop in props:
            if _local(prop.tag) == "property" and prop.get("name") == "spec":
                # Both <property name="spec" value="…"/> and the text form are in use.
                value = prop.get("value") or prop.text or ""
                ids.extend(i for i in _SPLIT_IDS.split(value.strip()) if i)
    return tuple(dict.fromkeys(ids))
