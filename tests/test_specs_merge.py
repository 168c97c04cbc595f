"""Reading spec files and merging plans into models: one tree, parents first, ids unique."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from spectrace.errors import SpecError
from spectrace.model import DocKind, NodeKind, Spec
from spectrace.specs import load_specs
from spectrace.specs.ids import IdMatcher

ROOT = Path(__file__).parent.parent
SPECS = Path(__file__).parent / "fixtures" / "specs"
IDS = IdMatcher()


def load(*files: tuple[Path, str, DocKind | None]) -> Spec:
    return load_specs(list(files), IDS)


def write(folder: Path, name: str, text: str) -> tuple[Path, str, None]:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path, name, None


def parents(spec: Spec) -> dict[str, str | None]:
    return {n.id: n.parent for n in spec.nodes}


def assert_well_formed(spec: Spec) -> None:
    seen: set[str] = set()
    for node in spec.nodes:
        assert node.id not in seen, f"{node.id} twice"
        assert node.parent is None or node.parent in seen, f"{node.id} before its parent"
        seen.add(node.id)


@pytest.fixture(scope="module")
def gateway() -> Spec:
    # The plan comes first on purpose: models are attached to first whatever the order.
    return load((SPECS / "gateway-plan.md", "specs/gateway-plan.md", None),
                (SPECS / "gateway-model.md", "specs/gateway-model.md", None))


@pytest.mark.spec("1.2.2")
def test_plan_areas_attach_to_model_areas_and_features(gateway):
    assert_well_formed(gateway)
    nodes = {n.id: n for n in gateway.nodes}
    # By number: the plan's 3 and 3.1 are the model's area 3 and feature 3.1.
    assert (str(nodes["3"].kind), nodes["3"].path) == ("area", "specs/gateway-model.md")
    assert [n.id for n in gateway.nodes if n.parent == "3.1"] == ["3.1.1", "3.1.2", "3.1.3"]
    assert str(nodes["3.1"].kind) == "feature"
    # By title: the plan's "3.2 Messages" is the model's unnumbered "Messages".
    assert "3.2" not in nodes
    assert [n.id for n in gateway.nodes if n.parent == "3/messages"] == ["3.2.1", "3.2.2"]
    # Plan sections the model does not have stay top-level areas, after the model's.
    assert [n.id for n in gateway.nodes if n.parent is None] == [
        "1", "2", "3", "4", "5", "billing", "25", "conceptual-model-checks"]
    assert parents(gateway)["25.1"] == "25"


@pytest.mark.spec("1.2.2")
def test_merged_tree_keeps_model_order_then_plan_cases(gateway):
    assert [n.id for n in gateway.nodes][:12] == [
        "1", "1/liveness", "1/readiness", "1.1", "1.2", "1.3", "1.4",
        "2", "2.1", "2.2", "2.3", "2.4"]
    assert [(n.id, str(n.doc_kind)) for n in gateway.nodes if n.parent == "3"] == [
        ("3.1", "conceptual-model"), ("3/messages", "conceptual-model"),
        ("3.3", "conceptual-model")]
    assert sum(n.kind is NodeKind.CASE for n in gateway.nodes) == 28
    assert sum(n.parent == "5.2" for n in gateway.nodes) == 7
    # The plan's own problems come through, with nothing added by the merge.
    assert [(str(p.kind), p.line) for p in gateway.problems] == [
        ("count-mismatch", 11), ("bad-id", 34), ("duplicate-id", 65)]


@pytest.mark.spec("1.2.2")
def test_sub_areas_match_by_title_or_number_or_stay_below_the_matched_section(tmp_path):
    model = write(tmp_path, "model.md", """
        # Model
        ## 3. Inference
        ### Streaming
        ### 3.2 Messages
        ## 4. Billing
        """)
    plan = write(tmp_path, "plan.md", """
        # Plan
        ## Inference
        ### Streaming
        - 3.1.1 Frames in order
        ### Embeddings
        - 3.9.1 Vectors
        ## 7. Billing
        - 7.1 Credits
        """)
    spec = load(model, plan)
    assert_well_formed(spec)
    assert [(str(n.kind), n.id, n.parent, n.path) for n in spec.nodes] == [
        ("area", "3", None, "model.md"),
        ("feature", "3/streaming", "3", "model.md"),
        ("case", "3.1.1", "3/streaming", "plan.md"),
        ("feature", "3.2", "3", "model.md"),
        # Unmatched, it stays where the plan put it, its slug id following its parent.
        ("area", "3/embeddings", "3", "plan.md"),
        ("case", "3.9.1", "3/embeddings", "plan.md"),
        ("area", "4", None, "model.md"),
        # 7 and 4 are two sections, even with one title.
        ("area", "7", None, "plan.md"),
        ("case", "7.1", "7", "plan.md"),
    ]


@pytest.mark.spec("1.1.8", "1.2.2")
def test_an_id_defined_in_two_documents_is_a_duplicate_at_the_second(tmp_path):
    model = write(tmp_path, "model.md", "## 1. Chat\n### 1.1 Plain\n")
    first = write(tmp_path, "plan-a.md", "## 1. Chat\n- 1.2 Stream\n")
    second = write(tmp_path, "plan-b.md", "## 1. Chat\n\n- 1.2 Stream again\n- 1.1 Plain\n")
    spec = load(model, first, second)
    assert [(n.id, n.parent, n.path) for n in spec.nodes] == [
        ("1", None, "model.md"), ("1.1", "1", "model.md"), ("1.2", "1", "plan-a.md")]
    assert [(str(p.kind), p.path, p.line, p.message) for p in spec.problems] == [
        ("duplicate-id", "plan-b.md", 3, "duplicate id 1.2: first defined at plan-a.md:2"),
        ("duplicate-id", "plan-b.md", 4, "duplicate id 1.1: first defined at model.md:2"),
    ]


@pytest.mark.spec("1.2.2", "1.3.1")
def test_a_yaml_plan_attaches_like_a_markdown_one(tmp_path):
    model = write(tmp_path, "model.md", "## 3. Inference\n### Routers\n")
    spec = load(model, (SPECS / "gateway-plan.yaml", "plan.yaml", None))
    assert_well_formed(spec)
    assert parents(spec) == {
        "3": None, "3/routers": "3", "3.1": "3", "3.1.1": "3.1", "3.1.10": "3.1",
        "3.4.1": "3/routers", "3.4.2": "3/routers", "3.4.3": "3/routers", "3.4.4": "3/routers",
        "3.10": "3", "guardrails": None, "guardrails/pii-detection": "guardrails",
        "guardrails/prompt-injection-defense": "guardrails"}


@pytest.mark.spec("1.2.2")
def test_our_own_plan_attaches_to_our_own_model():
    spec = load((ROOT / "specs" / "conceptual-model.md", "specs/conceptual-model.md", None),
                (ROOT / "specs" / "testing-plan.md", "specs/testing-plan.md", None))
    assert_well_formed(spec)
    nodes = {n.id: n for n in spec.nodes}
    assert [n.id for n in spec.nodes if n.parent is None] == [str(i) for i in range(1, 10)]
    assert all(n.doc_kind is DocKind.CONCEPTUAL_MODEL for n in spec.nodes
               if n.kind is not NodeKind.CASE)
    assert nodes["1.1.1"].parent == "1.1" and str(nodes["1.1"].kind) == "feature"
    assert nodes["3.1"].parent == "3"
    assert [n.id for n in spec.nodes if n.parent == "3"][-1] == "3.7"
    plan_alone = load((ROOT / "specs" / "testing-plan.md", "specs/testing-plan.md", None))
    # Merging keeps every case of the plan (the count itself is checked on the plan alone).
    assert sum(n.kind is NodeKind.CASE for n in spec.nodes) == sum(
        n.kind is NodeKind.CASE for n in plan_alone.nodes)
    assert spec.problems == ()


# --- reading files -------------------------------------------------------------------


@pytest.mark.spec("1.3.2")
@pytest.mark.parametrize(("name", "content", "line", "message"), [
    ("plan.md", b"", 1, "empty spec file"),
    ("plan.md", b"  \n\n", 1, "empty spec file"),
    ("plan.md", b"# Plan\n\n\x00\x01\x02", 3, "binary file"),
    ("plan.md", b"# Plan\n- 1.1 caf\xe9\n", 2, "not UTF-8 text (byte 0xe9)"),
    ("plan.yaml", b"areas:\n  - id: '1'\n   title: bad indent\n", 3, "malformed YAML"),
    ("plan.md", b"---\nkind: [x\n---\n# Plan\n", 3, "malformed YAML"),
    ("plan.txt", b"# Plan\n", None, "not a spec document"),
])
def test_bad_spec_files_raise_with_path_and_line(tmp_path, name, content, line, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load((tmp_path / name, f"docs/{name}", None))
    assert (caught.value.path, caught.value.line) == (f"docs/{name}", line)
    assert message in caught.value.message


@pytest.mark.spec("1.3.2")
def test_missing_and_directory_spec_files(tmp_path):
    with pytest.raises(SpecError, match="spec file not found") as caught:
        load((tmp_path / "nope.md", "nope.md", None))
    assert caught.value.path == "nope.md"
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(SpecError, match="is a directory"):
        load((tmp_path / "dir.md", "dir.md", None))


@pytest.mark.spec("1.3.2")
@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_spec_file(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# Plan\n")
    path.chmod(0)
    try:
        with pytest.raises(SpecError, match="cannot read spec file"):
            load((path, "plan.md", None))
    finally:
        path.chmod(0o644)


@pytest.mark.spec("1.3.2")
def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes("\ufeff---\r\nkind: testing-plan\r\n---\r\n## 1. Chat\r\n- 1.1 Plain\r\n"
                     .encode("utf-8"))
    spec = load((path, "plan.md", None))
    assert [(n.id, n.line, str(n.doc_kind)) for n in spec.nodes] == [
        ("1", 4, "testing-plan"), ("1.1", 5, "testing-plan")]
