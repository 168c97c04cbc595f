"""Generate a synthetic repository: N tests across languages, K plan cases cited by tests."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

PY_TEST = '''

class TestGroup{g}_{i}:
    """Group {g} of module {m}."""

    @pytest.mark.spec("{cid}")
    def test_case_{g}_{i}(self):
        assert compute({i}) == {i}

    @pytest.mark.parametrize("value", [1, 2, 3])
    def test_param_{g}_{i}(self, value):
        assert value > 0
'''

RS_TEST = '''
    #[test]
    fn case_{g}_{i}() {{
        // spec: {cid}
        assert_eq!(compute({i}), {i});
    }}

    #[tokio::test]
    async fn async_case_{g}_{i}() {{
        assert!(ready().await);
    }}
'''

TS_TEST = '''
  // spec: {cid}
  it("handles case {g}.{i}", () => {{
    expect(compute({i})).toBe({i});
  }});
  it.skip("flaky case {g}.{i}", () => {{}});
'''


def generate(root: Path, tests: int, cases: int, seed: int = 7,
             languages: tuple[str, ...] = ("python", "rust", "ts"),
             tests_per_file: int = 20) -> dict:
    """Write the tree; return what it holds, so a runner can check counts."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    case_ids = [f"{a}.{b}.{c}" for a in range(1, 100) for b in range(1, 20) for c in range(1, 20)]
    case_ids = case_ids[:cases]
    _plan(root, case_ids)
    # Each generated "unit" below makes 2 test functions.
    units = max(1, tests // 2)
    per_file = max(1, tests_per_file // 2)
    counts = {lang: 0 for lang in languages}
    written = 0
    file_index = 0
    while written < units:
        lang = languages[file_index % len(languages)]
        n = min(per_file, units - written)
        body = []
        for i in range(n):
            cid = rng.choice(case_ids)
            template = {"python": PY_TEST, "rust": RS_TEST, "ts": TS_TEST}[lang]
            body.append(template.format(g=file_index, i=i, m=file_index, cid=cid))
        _write_file(root, lang, file_index, body)
        counts[lang] += 2 * n
        written += n
        file_index += 1
    (root / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\ntestpaths = ['tests']\nmarkers = ['spec(*ids): plan case']\n")
    (root / "spectrace.yaml").write_text(
        "title: Synthetic\nspecs: [{path: specs/plan.md, kind: testing-plan}]\n")
    return {"tests": sum(counts.values()), "by_language": counts, "files": file_index,
            "cases": len(case_ids)}


def _plan(root: Path, case_ids: list[str]) -> None:
    lines = ["# Synthetic testing plan", ""]
    current_area = current_sub = None
    for cid in case_ids:
        area, sub, _ = cid.split(".")
        if area != current_area:
            lines += ["", f"## {area}. Area {area}", ""]
            current_area, current_sub = area, None
        if sub != current_sub:
            lines += ["", f"### {area}.{sub} Feature {area}.{sub}", "",
                      "| Case | Expectation |", "|---|---|"]
            current_sub = sub
        lines.append(f"| {cid} Behaviour {cid} | works |")
    (root / "specs").mkdir()
    (root / "specs" / "plan.md").write_text("\n".join(lines) + "\n")


def _write_file(root: Path, lang: str, index: int, body: list[str]) -> None:
    if lang == "python":
        path = root / "tests" / f"pkg{index % 50}" / f"test_mod{index}.py"
        text = "import pytest\n\n\ndef compute(x):\n    return x\n" + "".join(body)
        init = path.parent / "__init__.py"
    elif lang == "rust":
        path = root / "crates" / f"c{index % 20}" / "src" / f"m{index}.rs"
        text = ("pub fn compute(x: u32) -> u32 { x }\nasync fn ready() -> bool { true }\n\n"
                "#[cfg(test)]\nmod tests {\n    use super::*;\n" + "".join(body) + "}\n")
        init = None
    else:
        path = root / "web" / f"p{index % 20}" / f"m{index}.test.ts"
        text = ("import { compute } from './m';\n\ndescribe('module " + str(index) + "', () => {\n"
                + "".join(body) + "});\n")
        init = None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if init is not None and not init.exists():
        init.write_text("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--tests", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--languages", default="python,rust,ts")
    args = parser.parse_args()
    print(generate(args.root, args.tests, args.cases,
                   languages=tuple(args.languages.split(","))))


if __name__ == "__main__":
    main()
