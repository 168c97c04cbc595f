"""The fast indented JSON writer gives exactly what json.dumps(indent=2) gives."""

from __future__ import annotations

import json
import random
from enum import Enum

import pytest

from spectrace.render.fastjson import dumps


class Colour(str, Enum):
    RED = "red"


def _value(rng: random.Random, depth: int) -> object:
    pick = rng.randrange(12 if depth < 4 else 7)
    if pick == 0:
        return rng.choice(["", "plain", "ünïcode ✅", 'quote " and \\ back', "tab\tnew\nline\x01"])
    if pick == 1:
        return rng.randint(-10**20, 10**20)
    if pick == 2:
        return rng.choice([0.1, -2.5e-12, 1e300, float("inf"), float("-inf"), 3.0])
    if pick == 3:
        return rng.choice([True, False, None])
    if pick in (4, 5, 6):
        return rng.choice([[], {}, (), "x", 0])
    if pick in (7, 8):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    if pick == 9:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randrange(3)))
    return {f"k{i}{rng.choice(['', 'é', ' '])}": _value(rng, depth + 1)
            for i in range(rng.randrange(5))}


@pytest.mark.spec("5.3", "6.4")
def test_same_text_as_json_dumps_on_random_values():
    rng = random.Random(20261122)
    for _ in range(2000):
        value = _value(rng, 0)
        assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


@pytest.mark.spec("5.3", "6.4")
@pytest.mark.parametrize("value", [
    float("nan"), {"a": float("nan")}, {1: "int key"}, {"a": {None: 1, True: 2}},
    Colour.RED, {"c": [Colour.RED]}, {"big": 2**70}, [True, 1, 1.0],
])
def test_values_json_treats_specially_come_out_the_same(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
