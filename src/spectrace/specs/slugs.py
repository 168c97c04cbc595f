"""Slugs for nodes without ids, and the normalised titles that plans and models are matched by."""

from __future__ import annotations

import re
import unicodedata


def slugify(title: str) -> str:
    """`PII Detection` → `pii-detection`; accents folded so `Café` and `Cafe` agree."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^0-9a-z]+", "-", folded.lower()).strip("-")
    if slug:
        return slug
    # A title in a script with no ASCII form still deserves a readable slug.
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def normalise(title: str) -> str:
    """The form two titles are compared in: case, punctuation and spacing do not matter."""
    return " ".join(slugify(title).split("-"))
