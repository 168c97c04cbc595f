"""Golden-file comparison: scrubbed output against tests/gold/<format>/<case>/<name>."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

GOLD = Path(__file__).parent / "gold"
UPDATE = os.environ.get("SPECTRACE_UPDATE_GOLD") == "1"


def scrub(text: str, *, root: Path | str | None = None) -> str:
    """Replace what legitimately differs between runs: the repository root and shas."""
    if root is not None:
        text = text.replace(str(root), "ROOT")
    text = re.sub(r"\b[0-9a-f]{40}\b", "SHA", text)
    return text


def compare_gold(actual: str, gold_dir: Path | str, name: str) -> None:
    """Fail with a diff when `actual` differs from the gold file; save it beside as .actual.

    `SPECTRACE_UPDATE_GOLD=1 pytest` rewrites the gold files instead.
    """
    folder = GOLD / gold_dir if not Path(gold_dir).is_absolute() else Path(gold_dir)
    gold = folder / name
    saved = gold.with_name(gold.name + ".actual")
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        gold.write_text(actual, encoding="utf-8")
        saved.unlink(missing_ok=True)
        return
    if not gold.exists():
        folder.mkdir(parents=True, exist_ok=True)
        saved.write_text(actual, encoding="utf-8")
        pytest.fail(f"no gold file {gold}; wrote {saved.name}. Review it, then run "
                    "SPECTRACE_UPDATE_GOLD=1 pytest to accept.")
    expected = gold.read_text(encoding="utf-8")
    if actual == expected:
        saved.unlink(missing_ok=True)
        return
    saved.write_text(actual, encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        str(gold), str(saved)))
    pytest.fail(f"output differs from {gold} (actual saved beside it):\n{diff}")
