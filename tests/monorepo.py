"""The fixture monorepo, scanned once per test session for the component, module and inventory tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spectrace.config import build_config
from spectrace.discover import scan
from spectrace.discover.usage import Use, uses_on_disk
from spectrace.inventory import Inventory, build_inventory, inventory_settings
from spectrace.model import Scan

MONOREPO = Path(__file__).parent / "fixtures" / "monorepo"


@lru_cache(maxsize=1)
def monorepo_scan() -> Scan:
    return scan(build_config(MONOREPO, overrides={"cache": False}))


@lru_cache(maxsize=1)
def monorepo_uses() -> tuple[Use, ...]:
    return uses_on_disk(MONOREPO.resolve(), monorepo_scan())


@lru_cache(maxsize=1)
def monorepo_inventory() -> Inventory:
    config = build_config(MONOREPO, overrides={"cache": False})
    return build_inventory(monorepo_scan(), monorepo_uses(), inventory_settings(config))
