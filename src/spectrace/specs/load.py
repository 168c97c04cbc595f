"""Spec files on disk → text, read once, with every way a file can be bad named and located."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spectrace.errors import SpecError
from spectrace.model import DocKind, Spec
from spectrace.specs.ids import IdMatcher
from spectrace.specs.markdown import parse_markdown
from spectrace.specs.merge import merge_specs
from spectrace.specs.yamlspec import parse_yaml_spec

MARKDOWN_SUFFIXES = (".md", ".markdown")
YAML_SUFFIXES = (".yaml", ".yml")


def load_specs(sources: Sequence[tuple[Path, str, DocKind | None]], ids: IdMatcher) -> Spec:
    """Read, parse and merge spec documents: (file on disk, path shown, kind or None)."""
    docs = []
    for file, shown, kind in sources:
        suffix = file.suffix.lower()
        if suffix in MARKDOWN_SUFFIXES:
            docs.append(parse_markdown(read_spec(file, shown), shown, kind, ids))
        elif suffix in YAML_SUFFIXES:
            docs.append(parse_yaml_spec(read_spec(file, shown), shown, kind, ids))
        else:
            raise SpecError("not a spec document: spec files end in "
                            f"{', '.join(MARKDOWN_SUFFIXES + YAML_SUFFIXES)}", shown)
    return merge_specs(docs)


def read_spec(file: Path, shown: str) -> str:
    """The text of a spec file; missing, unreadable, empty, binary or non-UTF-8 is bad input."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise SpecError("spec file not found", shown) from None
    except IsADirectoryError:
        raise SpecError("is a directory, not a spec file", shown) from None
    except OSError as exc:
        raise SpecError(f"cannot read spec file: {exc.strerror or exc}", shown) from None
    if b"\0" in data:
        line = data[:data.index(b"\0")].count(b"\n") + 1
        raise SpecError("binary file, not a spec document", shown, line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SpecError(f"not UTF-8 text (byte 0x{data[exc.start]:02x})", shown, line) from None
    if not text.strip():
        raise SpecError("empty spec file", shown, 1)
    return text
