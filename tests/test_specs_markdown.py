"""Markdown testing plans and conceptual models → areas, features and cases."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from spectrace.errors import SpecError
from spectrace.model import DocKind, NodeKind, Problem, ProblemKind, Spec
from spectrace.specs import parse_markdown
from spectrace.specs.ids import IdMatcher

ROOT = Path(__file__).parent.parent
SPECS = Path(__file__).parent / "fixtures" / "specs"
PLAN = DocKind.TESTING_PLAN
MODEL = DocKind.CONCEPTUAL_MODEL
IDS = IdMatcher()


def md(text: str, kind: DocKind | None = PLAN, ids: IdMatcher = IDS,
       path: str = "plan.md") -> Spec:
    return parse_markdown(textwrap.dedent(text).lstrip("\n"), path, kind, ids)


def rows(spec: Spec) -> list[tuple[str, str, str, str | None, int]]:
    return [(str(n.kind), n.id, n.title, n.parent, n.line) for n in spec.nodes]


def problems(spec: Spec) -> list[tuple[str, int | None, str]]:
    return [(str(p.kind), p.line, p.message) for p in spec.problems]


@pytest.fixture(scope="module")
def gateway() -> Spec:
    path = "tests/fixtures/specs/gateway-plan.md"
    return parse_markdown((SPECS / "gateway-plan.md").read_text(), path, None, IDS)


def nodes_by_id(spec: Spec):
    return {n.id: n for n in spec.nodes}


# --- 1.1.1 numbered headings ---------------------------------------------------------


@pytest.mark.spec("1.1.1")
def test_numbered_headings_make_areas_and_sub_areas(gateway):
    areas = [(n.id, n.title, n.parent, n.line, n.numbered)
             for n in gateway.nodes if n.kind is NodeKind.AREA]
    assert areas == [
        ("1", "Health", None, 16, True),
        ("2", "Authentication", None, 27, True),
        ("3", "Inference", None, 37, True),
        ("3.1", "Chat Completions", "3", 39, True),
        ("3.2", "Messages", "3", 47, True),
        ("3.3", "Routers", "3", 57, True),
        ("4", "Notifications", None, 67, True),
        ("25", "E2E Verification", None, 73, True),
        ("conceptual-model-checks", "Conceptual model checks", None, 82, False),
    ]
    # The document title, "Summary" and "Notes" hold no cases: they are not nodes.
    assert not {"gateway-testing-plan", "summary", "notes"} & set(nodes_by_id(gateway))


@pytest.mark.spec("1.1.1")
def test_heading_numbers_with_and_without_dots_and_prefixed_ids():
    spec = md("""
        ## 3. Inference
        ### 3.1. Chat
        - 3.1.1 Plain
        ## CM-2 Auth
        - CM-2.1 Login
        ## 10) Tenth
        - 10.1 One
        """)
    assert rows(spec) == [
        ("area", "3", "Inference", None, 1),
        ("area", "3.1", "Chat", "3", 2),
        ("case", "3.1.1", "Plain", "3.1", 3),
        ("area", "CM-2", "Auth", None, 4),
        ("case", "CM-2.1", "Login", "CM-2", 5),
        ("area", "10", "Tenth", None, 6),
        ("case", "10.1", "One", "10", 7),
    ]


@pytest.mark.spec("1.1.1")
def test_numbers_nest_even_when_heading_levels_are_flat():
    spec = md("""
        ## 3. Inference
        ## 3.1 Chat
        - 3.1.1 Plain
        ## 3.2 Messages
        - 3.2.1 Plain
        ## 4. Billing
        - 4.1 Credits
        """)
    assert [(n.id, n.parent) for n in spec.nodes] == [
        ("3", None), ("3.1", "3"), ("3.1.1", "3.1"), ("3.2", "3"), ("3.2.1", "3.2"),
        ("4", None), ("4.1", "4")]


@pytest.mark.spec("1.1.1")
def test_unnumbered_headings_are_areas_only_when_they_hold_cases():
    spec = md("""
        # Plan

        ## Smoke tests

        ### Login
        - 1.1 Login works

        ## Background

        Prose only.

        ## Login
        - 1.2 Login again
        """)
    assert rows(spec) == [
        ("area", "smoke-tests", "Smoke tests", None, 3),
        ("area", "smoke-tests/login", "Login", "smoke-tests", 5),
        ("case", "1.1", "Login works", "smoke-tests/login", 6),
        ("area", "login", "Login", None, 12),
        ("case", "1.2", "Login again", "login", 13),
    ]
    assert [n.slug for n in spec.nodes[:2]] == ["smoke-tests", "login"]
    assert [n.numbered for n in spec.nodes[:3]] == [False, False, True]


@pytest.mark.spec("1.1.1")
def test_cases_before_any_section_go_under_the_document_title_or_file_stem():
    titled = md("""
        # Gateway Plan

        | Case | Expected |
        |---|---|
        | 1.1 Root | 200 |

        ## 2. Auth
        - 2.1 Login
        """)
    assert rows(titled) == [
        ("area", "gateway-plan", "Gateway Plan", None, 1),
        ("case", "1.1", "Root", "gateway-plan", 5),
        ("area", "2", "Auth", None, 7),
        ("case", "2.1", "Login", "2", 8),
    ]
    untitled = md("- 1.1 Root\n- 1.2 Ping\n", path="docs/smoke-plan.md")
    assert rows(untitled) == [
        ("area", "smoke-plan", "smoke-plan", None, 1),
        ("case", "1.1", "Root", "smoke-plan", 1),
        ("case", "1.2", "Ping", "smoke-plan", 2),
    ]


# --- 1.1.2 id in the first cell ------------------------------------------------------


@pytest.mark.spec("1.1.2")
def test_rows_whose_first_cell_starts_with_an_id_are_cases(gateway):
    by_id = nodes_by_id(gateway)
    assert [(n.id, n.title, n.parent, n.line) for n in gateway.nodes if n.parent == "1"] == [
        ("1.1", "Root endpoint", "1", 20),
        ("1.2", "Ping with uptime", "1", 21),
        ("1.3", "Ping stats", "1", 22),
        ("1.4", "Velocity mode status", "1", 23),
    ]
    assert by_id["3.1.2"].title == "Streaming (SSE)"
    assert all(by_id[i].kind is NodeKind.CASE and by_id[i].doc_kind is PLAN
               for i in ("1.1", "3.1.1", "25.4"))


@pytest.mark.spec("1.1.2")
def test_cell_text_resolves_escapes_keeps_code_and_drops_markup():
    spec = md(r"""
        ## 1. Chat

        | Case | Notes |
        |---|---|
        | 1.1 Invalid \| expired *token* `Bearer x` | a \| b |
        | **1.2** Streaming [SSE](https://example.com) ![icon](i.png) | |
        | 1.3: Colon | |
        | 1.4 — Dash | |
        | Additional coverage: temp e-mail | not a case |
        """)
    assert [(n.id, n.title) for n in spec.nodes[1:]] == [
        ("1.1", "Invalid | expired token Bearer x"),
        ("1.2", "Streaming SSE icon"),
        ("1.3", "Colon"),
        ("1.4", "Dash"),
    ]
    assert spec.problems == ()


# --- 1.1.3 separate id column --------------------------------------------------------


@pytest.mark.spec("1.1.3")
def test_hash_column_takes_the_title_from_a_plain_test_column(gateway):
    cases = [(n.id, n.title, n.line) for n in gateway.nodes if n.parent == "25"]
    assert cases == [
        ("25.1", "OpenAI SDK drop-in", 77),
        ("25.2", "Anthropic SDK drop-in", 78),
        ("25.3", "Failover on failure", 79),
        ("25.4", "400 no failover", 80),
    ]
    assert all(n.expected_tests == () for n in gateway.nodes if n.parent == "25")


@pytest.mark.spec("1.1.3")
def test_id_column_title_skips_test_name_status_and_file_columns(gateway):
    cases = [(n.id, n.title, n.expected_tests) for n in gateway.nodes
             if n.parent == "conceptual-model-checks"]
    assert cases == [
        ("CM-1.1", "Login works", ("test_login_works",)),
        ("CM-1.2", "Logout ends every session", ("test_logout", "test_logout_all_sessions")),
    ]


@pytest.mark.spec("1.1.3")
def test_a_first_column_of_exact_ids_is_an_id_column_whatever_its_header():
    spec = md("""
        ## 1. Auth

        | Case | Status | Test File | Scenario |
        |---|---|---|---|
        | 1.1 | ✅ | tests/test_auth.py | Login works |
        | 1.2 | ❌ | | Logout |
        """)
    assert [(n.id, n.title, n.line) for n in spec.nodes[1:]] == [
        ("1.1", "Login works", 5), ("1.2", "Logout", 6)]


@pytest.mark.spec("1.1.3")
def test_an_id_column_need_not_be_the_first():
    spec = md("""
        ## 1. Auth

        | Area | Case ID | Title |
        |---|---|---|
        | Login | 1.1 | Password login |
        | Login | 1.2 | Token login |
        """)
    assert [(n.id, n.title) for n in spec.nodes[1:]] == [
        ("1.1", "Password login"), ("1.2", "Token login")]


# --- 1.1.4 heading and list-item cases -----------------------------------------------


@pytest.mark.spec("1.1.4")
def test_leaf_headings_below_the_top_level_sections_are_cases(gateway):
    assert [(n.id, n.title, str(n.kind), n.parent, n.line) for n in gateway.nodes
            if n.parent == "3.2"] == [
        ("3.2.1", "Non-streaming messages", "case", "3.2", 49),
        ("3.2.2", "Streaming messages", "case", "3.2", 53),
    ]


@pytest.mark.spec("1.1.4")
def test_list_items_with_ids_are_cases(gateway):
    assert [(n.id, n.title, n.parent, n.line) for n in gateway.nodes if n.parent == "4"] == [
        ("4.1", "Preferences saved and read back", "4", 69),
        ("4.2", "Weekly usage report", "4", 70),
        ("4.3", "Test notification", "4", 71),
    ]


@pytest.mark.spec("1.1.4")
def test_which_headings_are_cases_and_which_are_areas():
    spec = md("""
        # Plan
        ## 4. Notifications
        ### 4.1 Preferences
        Saved and read back.
        #### Steps
        Open the page.
        ### 4.2 Usage report
        ## 5. Guardrails
        Not implemented.
        """)
    # 4.1 and 4.2 hold no cases: they are cases; 5 is a top-level section: an area.
    assert rows(spec) == [
        ("area", "4", "Notifications", None, 2),
        ("case", "4.1", "Preferences", "4", 3),
        ("case", "4.2", "Usage report", "4", 7),
        ("area", "5", "Guardrails", None, 8),
    ]


@pytest.mark.spec("1.1.4")
def test_nested_list_items_and_items_without_ids():
    spec = md("""
        ## 3. Routers
        - Overview of the routers
          - 3.1 General router
            - 3.1.1 Fast mode
            - 3.1.2 Cheap mode
          - 3.2 Code router
        1. 3.3 Ordered items count too
        """)
    assert rows(spec) == [
        ("area", "3", "Routers", None, 1),
        ("area", "3.1", "General router", "3", 3),
        ("case", "3.1.1", "Fast mode", "3.1", 4),
        ("case", "3.1.2", "Cheap mode", "3.1", 5),
        ("case", "3.2", "Code router", "3", 6),
        ("case", "3.3", "Ordered items count too", "3", 7),
    ]


# --- 1.1.5 ranges --------------------------------------------------------------------


@pytest.mark.spec("1.1.5")
def test_an_en_dash_range_in_a_table_row_makes_every_case(gateway):
    routers = [(n.id, n.title, n.line) for n in gateway.nodes if n.parent == "3.3"]
    assert routers == [
        ("3.3.1", "General router modes", 61),
        ("3.3.2", "General router modes", 61),
        ("3.3.3", "General router modes", 61),
        ("3.3.4", "General router modes", 61),
        ("3.3.5", "Code router fallback", 63),
        ("3.3.6", "Code router pricing", 64),
    ]


@pytest.mark.spec("1.1.5")
def test_ranges_in_every_id_position():
    spec = md("""
        ## 3. Routers

        | # | Title |
        |---|---|
        | 3.1-3.2 | Hyphen in an id column |

        - 3.3 – 3.4 Spaced en dash in an item
        - 3.5, 3.6 Listed ids

        ### 3.7—3.8 Em dash in a heading
        """)
    assert [(n.id, n.title, n.line) for n in spec.nodes[1:]] == [
        ("3.1", "Hyphen in an id column", 5),
        ("3.2", "Hyphen in an id column", 5),
        ("3.3", "Spaced en dash in an item", 7),
        ("3.4", "Spaced en dash in an item", 7),
        ("3.5", "Listed ids", 8),
        ("3.6", "Listed ids", 8),
        ("3.7", "Em dash in a heading", 10),
        ("3.8", "Em dash in a heading", 10),
    ]


# --- 1.1.6 expected test names -------------------------------------------------------


@pytest.mark.spec("1.1.6")
def test_backticked_names_in_a_test_name_column_are_expected_tests(gateway):
    expected = {n.id: n.expected_tests for n in gateway.nodes if n.parent == "2"}
    assert expected == {
        "2.1": ("test_login_with_privy_token",),
        "2.2": ("test_new_user_created",
                "tests/routes/test_auth.py::TestSignup::test_trial_credit"),
        "2.3": ("test_login_rate_limited",),
        "2.4": ("test_invalid_token_rejected",),
    }
    # "Test" is plain text beside "Test Name": it is the title.
    assert nodes_by_id(gateway)["2.4"].title == "Invalid | expired token rejected"


@pytest.mark.spec("1.1.6")
def test_which_columns_hold_test_names():
    spec = md("""
        ## 1. Chat

        | Case | Automated Test File | Automated Test | Notes |
        |---|---|---|---|
        | 1.1 Plain | `tests/test_chat.py` | `test_plain` `test_plain[gpt-4]` | `not a name` |
        | 1.2 Stream | `tests/test_stream.py` | run it by hand | |

        | Case | Test Function | Steps |
        |---|---|---|
        | 1.3 Tools | `TestTools::test_call`, `GET /v1/chat` | `curl x` |
        """)
    assert {n.id: n.expected_tests for n in spec.nodes[1:]} == {
        "1.1": ("test_plain", "test_plain[gpt-4]"),
        "1.2": (),
        "1.3": ("TestTools::test_call",),
    }


# --- 1.1.7 summary tables and stated totals ------------------------------------------


@pytest.mark.spec("1.1.7")
def test_a_summary_table_is_not_cases_and_one_wrong_total_is_reported(gateway):
    assert [p for p in gateway.problems if p.kind is ProblemKind.COUNT_MISMATCH] == [
        Problem(
            ProblemKind.COUNT_MISMATCH, "summary says 12 cases for 3 Inference; the plan lists 11",
            "tests/fixtures/specs/gateway-plan.md", 11, "3"),
    ]
    # "1. Health", "Notifications" (by title) and "**Total**" (28) agree with the rows.
    assert sum(n.kind is NodeKind.CASE for n in gateway.nodes) == 28
    assert all(n.line > 14 for n in gateway.nodes)  # the summary rows are lines 9-14


@pytest.mark.spec("1.1.7")
def test_count_columns_make_a_summary_anywhere_and_estimates_are_not_compared():
    spec = md("""
        ## 1. Chat
        - 1.1 Plain
        - 1.2 Stream

        | Section | Tests | #Cases |
        |---|---|---|
        | 1.1 Plain | 40 | 1 |
        | 1. Chat | 1,500+ | 3 |
        | 2. Billing | 7 | 4 |
        | Totals | 1,547 | ~9 |
        | Sum | 40 | 1 |
        """)
    assert [n.id for n in spec.nodes] == ["1", "1.1", "1.2"]
    assert problems(spec) == [
        ("count-mismatch", 8, "summary says 3 cases for 1 Chat; the plan lists 2"),
        ("count-mismatch", 9, "summary says 4 cases for 2. Billing; the plan has no section 2"),
        ("count-mismatch", 11, "summary says 1 case in total; the plan lists 2"),
    ]


@pytest.mark.spec("1.1.7")
def test_tables_under_a_statistics_heading_are_never_cases():
    spec = md("""
        ## 1. Chat
        - 1.1 Plain

        ## Statistics

        | Case | Owner |
        |---|---|
        | 1.2 Not a case | someone |
        """)
    assert [n.id for n in spec.nodes] == ["1", "1.1"]
    assert spec.problems == ()


# --- 1.1.8 duplicate and malformed ids -----------------------------------------------


@pytest.mark.spec("1.1.8")
def test_duplicate_ids_are_reported_at_the_second_occurrence(gateway):
    assert [(str(p.kind), p.line, p.message, p.target) for p in gateway.problems
            if p.kind is ProblemKind.DUPLICATE_ID] == [
        ("duplicate-id", 65,
         "duplicate id 3.1.2: first defined at tests/fixtures/specs/gateway-plan.md:44", "3.1.2"),
    ]
    assert [n.id for n in gateway.nodes].count("3.1.2") == 1
    assert nodes_by_id(gateway)["3.1.2"].title == "Streaming (SSE)"


@pytest.mark.spec("1.1.8")
def test_a_cell_in_an_id_column_the_patterns_reject_is_bad_id(gateway):
    assert [(str(p.kind), p.path, p.line, p.message) for p in gateway.problems
            if p.kind is ProblemKind.BAD_ID] == [
        ("bad-id", "tests/fixtures/specs/gateway-plan.md", 34,
         "'2.x' in the '#' column is not a case id"),
    ]
    assert "Register rate limit" not in {n.title for n in gateway.nodes}


@pytest.mark.spec("1.1.8")
def test_row_numbers_and_placeholders_are_not_bad_ids():
    spec = md("""
        ## 1. Chat

        | # | Step |
        |---|---|
        | 1 | Open the page |
        | 2 | Log in |

        | ID | Title |
        |---|---|
        | 1.1 | Plain |
        | — | Not numbered yet |
        | TBD | Later |
        | x1 | Typo |
        """)
    assert [n.id for n in spec.nodes] == ["1", "1.1"]
    assert problems(spec) == [("bad-id", 13, "'x1' in the 'ID' column is not a case id")]


@pytest.mark.spec("1.1.8")
def test_a_section_written_twice_is_one_area_and_a_duplicate():
    spec = md("""
        ## 1. Chat
        - 1.1 Plain
        ## 1. Chat again
        - 1.2 Stream
        """)
    assert [(n.id, n.parent) for n in spec.nodes] == [("1", None), ("1.1", "1"), ("1.2", "1")]
    assert problems(spec) == [("duplicate-id", 3, "duplicate id 1: first defined at plan.md:1")]


# --- 1.1.9 configurable id patterns --------------------------------------------------


@pytest.mark.spec("1.1.9")
def test_configured_patterns_replace_the_default_ones():
    ids = IdMatcher([r"TC-\d+"])
    spec = md("""
        ## 3. Inference

        | ID | Title |
        |---|---|
        | TC-7 | Plain chat |
        | TC-8–TC-9 | Router modes |
        | 3.1.1 | Dotted ids are no longer ids |

        - 3.1.2 Not a case either
        ### 3.2 Messages
        """, ids=ids)
    assert rows(spec) == [
        ("area", "3", "Inference", None, 1),
        ("case", "TC-7", "Plain chat", "3", 5),
        ("case", "TC-8", "Router modes", "3", 6),
        ("case", "TC-9", "Router modes", "3", 6),
        # A leaf heading whose number is no id under these patterns stays a section.
        ("area", "3.2", "Messages", "3", 10),
    ]
    assert problems(spec) == [
        ("bad-id", 7, "'3.1.1' in the 'ID' column is not a case id")]


# --- 1.2.1 conceptual models ---------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> Spec:
    path = "tests/fixtures/specs/gateway-model.md"
    return parse_markdown((SPECS / "gateway-model.md").read_text(), path, None, IDS)


@pytest.mark.spec("1.2.1")
def test_model_sections_are_areas_and_sub_headings_features(model):
    assert [(str(n.kind), n.id, n.title, n.parent, n.line, n.numbered, n.slug)
            for n in model.nodes if not (n.parent or "").startswith("5.2")] == [
        ("area", "1", "Health", None, 10, True, "health"),
        ("feature", "1/liveness", "Liveness", "1", 12, False, "liveness"),
        ("feature", "1/readiness", "Readiness", "1", 13, False, "readiness"),
        ("area", "2", "Authentication", None, 15, True, "authentication"),
        ("area", "3", "Inference", None, 19, True, "inference"),
        ("feature", "3.1", "Chat Completions", "3", 21, True, "chat-completions"),
        ("feature", "3/messages", "Messages", "3", 22, False, "messages"),
        ("feature", "3.3", "Routers", "3", 23, True, "routers"),
        ("area", "4", "Notifications", None, 25, True, "notifications"),
        ("area", "5", "Security", None, 31, True, "security"),
        ("feature", "5.1", "Encryption", "5", 33, True, "encryption"),
        ("feature", "5.2", "Guardrails", "5", 37, True, "guardrails"),
        ("area", "billing", "Billing", None, 51, False, "billing"),
        ("feature", "billing/credits", "Credits", "billing", 53, False, "credits"),
    ]
    assert all(n.doc_kind is MODEL for n in model.nodes)
    assert model.problems == ()


@pytest.mark.spec("1.2.1")
def test_a_guardrails_table_makes_seven_unnumbered_features(model):
    guardrails = [(str(n.kind), n.id, n.title, n.line, n.numbered)
                  for n in model.nodes if n.parent == "5.2"]
    assert guardrails == [
        ("feature", "5.2/pii-detection", "PII Detection", 43, False),
        ("feature", "5.2/prompt-injection-defense", "Prompt Injection Defense", 44, False),
        ("feature", "5.2/topic-restrictions", "Topic Restrictions", 45, False),
        ("feature", "5.2/content-moderation", "Content Moderation", 46, False),
        ("feature", "5.2/jailbreak-detection", "Jailbreak Detection", 47, False),
        ("feature", "5.2/output-filtering", "Output Filtering", 48, False),
        ("feature", "5.2/abuse-rate-limits", "Abuse Rate Limits", 49, False),
    ]


@pytest.mark.spec("1.2.1")
def test_model_prose_legends_and_summaries_are_not_features(model):
    ids = {n.id for n in model.nodes}
    assert not {"overview", "summary", "4/channels", "gateway-conceptual-model"} & ids


@pytest.mark.spec("1.2.1")
def test_colliding_slugs_get_numbered_and_id_rows_keep_their_ids():
    spec = md("""
        # Model
        ## Guardrails
        | Guardrail | Description |
        |---|---|
        | PII Detection | phones |
        | PII detection! | e-mails |
        | CM-4.1 Topic limits | per key |
        ## Guardrails
        ### Café Crème
        """, kind=MODEL)
    assert [(str(n.kind), n.id, n.slug, n.numbered) for n in spec.nodes] == [
        ("area", "guardrails", "guardrails", False),
        ("feature", "guardrails/pii-detection", "pii-detection", False),
        ("feature", "guardrails/pii-detection-2", "pii-detection", False),
        ("feature", "CM-4.1", "topic-limits", True),
        ("area", "guardrails-2", "guardrails", False),
        ("feature", "guardrails-2/cafe-creme", "cafe-creme", False),
    ]


@pytest.mark.spec("1.2.1")
def test_a_model_without_numbers_keeps_every_section():
    spec = md("""
        # Model
        Intro.
        ## Routing
        ## Billing
        Prose.
        """, kind=MODEL)
    assert [(str(n.kind), n.id) for n in spec.nodes] == [("area", "routing"), ("area", "billing")]


# --- 1.3.2 front matter and document kinds -------------------------------------------


@pytest.mark.spec("1.3.2")
def test_front_matter_sets_the_kind_and_keeps_line_numbers():
    text = "---\nkind: conceptual-model\nowner: qa\n---\n# Plan\n## 1. Chat\n### 1.1 Plain\n"
    spec = parse_markdown(text, "plan.md", None, IDS)
    assert rows(spec) == [("area", "1", "Chat", None, 6), ("feature", "1.1", "Plain", "1", 7)]
    # A kind given by the caller (`--spec PATH:KIND`) wins over the document's own.
    assert str(parse_markdown(text, "plan.md", PLAN, IDS).nodes[1].kind) == "case"


@pytest.mark.spec("1.3.2")
@pytest.mark.parametrize(("text", "line", "message"), [
    ("---\nkind: [unclosed\n---\n# T\n", 3, "malformed YAML"),
    ("---\nkind: plan\n---\n", 2, "kind must be one of testing-plan, conceptual-model"),
    ("---\nkind: testing-plans\n---\n", 2, "did you mean 'testing-plan'?"),
    ("---\n- a list\n---\n", 2, "front matter must be a YAML mapping"),
    ("---\nkind: testing-plan\n# no end\n", 1, "never closed"),
    ("---\nkind: testing-plan\nkind: testing-plan\n---\n", 3, "duplicate key 'kind'"),
])
def test_malformed_front_matter_is_an_error_with_its_line(text, line, message):
    with pytest.raises(SpecError) as caught:
        parse_markdown(text, "docs/plan.md", None, IDS)
    assert (caught.value.path, caught.value.line) == ("docs/plan.md", line)
    assert message in caught.value.message


@pytest.mark.spec("1.3.2")
def test_without_a_stated_kind_the_name_then_the_content_decides():
    plan_like = "## 1. Chat\n- 1.1 Plain\n"
    headings_only = "## 1. Chat\n### 1.1 Plain\n"
    deep_headings = "## 1. Chat\n### 1.1 Plain\n#### 1.1.1 Stream\n"
    kinds = {
        ("docs/plan.md", plan_like): PLAN,
        ("docs/conceptual-model.md", plan_like): MODEL,
        ("docs/DomainModel.md", plan_like): MODEL,
        ("docs/features.md", headings_only): MODEL,
        ("docs/features.md", deep_headings): PLAN,
    }
    for (path, text), kind in kinds.items():
        assert parse_markdown(text, path, None, IDS).nodes[0].doc_kind is kind, path


# --- our own testing plan ------------------------------------------------------------


@pytest.mark.spec("1.1.1", "1.1.2")
def test_our_own_testing_plan():
    text = (ROOT / "specs" / "testing-plan.md").read_text()
    spec = parse_markdown(text, "specs/testing-plan.md", None, IDS)
    nodes = nodes_by_id(spec)
    assert [n.id for n in spec.nodes if n.parent is None] == [str(i) for i in range(1, 10)]
    cases = [n for n in spec.nodes if n.kind is NodeKind.CASE]
    assert len(cases) == 97  # counted by hand: 14 + 36 + 7 + 4 + 10 + 10 + 6 + 6 + 4
    for case in cases:
        # Every case sits in the section its number names: 1.1.3 in 1.1, 3.4 in 3.
        assert case.parent == case.id.rsplit(".", 1)[0], case.id
        assert nodes[case.parent].kind is NodeKind.AREA
        assert case.title and text.splitlines()[case.line - 1].startswith(f"| {case.id} ")
    assert nodes["1.1.2"].title == "Id in the first cell"
    assert spec.problems == ()

