"""Which kind a spec document is: stated in it, told by its file name, or seen in its content."""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath
from typing import Any

from spectrace.errors import SpecError
from spectrace.model import DocKind

KIND_NAMES = tuple(k.value for k in DocKind)


def stated_kind(value: Any, path: str, line: int) -> DocKind:
    """The `kind:` written in front matter or a YAML spec; anything else is bad input."""
    text = str(value).strip() if isinstance(value, (str, int, float)) else None
    for kind in DocKind:
        if text == kind.value:
            return kind
    close = difflib.get_close_matches(text or "", KIND_NAMES, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise SpecError(f"kind must be one of {', '.join(KIND_NAMES)}, not {value!r}{hint}",
                    path, line)


def kind_from_name(path: str) -> DocKind | None:
    """`conceptual-model.md`, `domain_model.yaml` → a conceptual model; else no opinion."""
    name = PurePosixPath(path.replace("\\", "/")).name.lower()
    if "model" in name or "conceptual" in name:
        return DocKind.CONCEPTUAL_MODEL
    return None
