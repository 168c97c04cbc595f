"""`spectrace init`: the starter files a repository needs, never overwriting one."""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
# spectrace: which parts of the specification are tested, by which tests.
# Every setting also has a command-line flag; see `spectrace report --help`.
title: {title} Test Coverage
specs:
  - {{path: specs/conceptual-model.md, kind: conceptual-model}}
  - {{path: specs/testing-plan.md, kind: testing-plan}}
mappings: ["mappings/*.yaml"]
# exclude: ["vendor/"]           # gitignore-style patterns never scanned
# outputs:                       # files `spectrace report` writes
#   - {{format: md, path: docs/conformance.md}}
"""

MODEL = """\
# {title} conceptual model

The feature areas of {title}. Numbered sections here meet the testing plan's sections
with the same number; a feature with no testing-plan case shows as ❌ "no cases".

## 1. First area

What this area does, for whom.

| Feature | Description |
|---|---|
| First feature | What it does |
"""

PLAN = """\
# {title} testing plan

Cases are numbered so that tests can cite them: `@pytest.mark.spec("1.1")`, or a
`// spec: 1.1` comment above a test in any language, or a mapping in `mappings/`.

## 1. First area

| Case | Expectation |
|---|---|
| 1.1 First case | What a passing test shows |
| 1.2 Second case | What a passing test shows |
"""

MAPPING = """\
# Links that cannot be written in the test code itself:
# cases:
#   "1.1":
#     tests: ["tests/test_first.py::test_first_case"]
#   "1.2":
#     tests: [tests/test_second.py]
#     status: partial
#     note: asserts the status code only
cases: {}
"""


def starter_files(title: str) -> dict[str, str]:
    """Relative path → content of every file `init` writes."""
    return {
        "spectrace.yaml": CONFIG.format(title=title),
        "specs/conceptual-model.md": MODEL.format(title=title),
        "specs/testing-plan.md": PLAN.format(title=title),
        "mappings/spectrace.yaml": MAPPING,
    }


def plan_init(root: Path) -> tuple[dict[str, str], list[str]]:
    """(files to write, files kept because they exist) for a repository root."""
    title = root.resolve().name or "Project"
    write: dict[str, str] = {}
    kept: list[str] = []
    for rel, content in starter_files(title).items():
        if (root / rel).exists():
            kept.append(rel)
        else:
            write[rel] = content
    return write, kept
