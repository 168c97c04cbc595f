"""Which modules a test file exercises: imports, same-file tests and naming conventions, per language."""

from __future__ import annotations

import pytest
from monorepo import monorepo_inventory, monorepo_uses

from spectrace.discover.modules import is_module_path, language_of
from spectrace.discover.usage import find_uses
from spectrace.model import Component, Language, Module, Scan, Test, TestFile, TestKind


def _uses(sources: dict[str, str], tests: list[str], components: tuple[Component, ...] = ()):
    """find_uses over a hand-built tree: `tests` are the test files among `sources`."""
    modules = tuple(Module(p, language_of(p), t.count("\n"), 1) for p, t in sources.items()
                    if is_module_path(p, p in tests))
    files = tuple(TestFile(p, language_of(p), TestKind.UNIT, (Test("t", "t", 1),)) for p in tests)
    scan = Scan("/repo", files, modules, components, paths=frozenset(sources))
    return {(u.test_file, u.module, u.rule) for u in find_uses(scan, sources.get)}


def _pairs(uses):
    return {(test, module) for test, module, _ in uses}


@pytest.mark.spec("2.7.3")
def test_python_imports_absolute_relative_and_from_packages():
    sources = {
        "src/shop/__init__.py": "",
        "src/shop/cart.py": "",
        "src/shop/pay/__init__.py": "from .card import charge\n",
        "src/shop/pay/card.py": "",
        "src/shop/pay/bank.py": "",
        "src/shop/tax.py": "",
        "src/shop/unused.py": "",
        "tests/__init__.py": "",
        "tests/helpers.py": "from shop import tax\n",
        "tests/conftest.py": "from shop import unused\n",
        "tests/test_cart.py": "import shop.cart\nfrom shop.pay import card\n",
        "tests/test_pay.py": "from shop.pay import charge\nimport shop\nshop.pay.bank.wire()\n",
        "tests/test_helpers.py": "from .helpers import make\nimport json\n",
        "src/shop/inner_test.py": "from . import cart\nfrom .pay.card import charge\n",
    }
    tests = ["tests/test_cart.py", "tests/test_pay.py", "tests/test_helpers.py",
             "src/shop/inner_test.py"]
    assert _pairs(_uses(sources, tests)) == {
        ("tests/test_cart.py", "src/shop/cart.py"),
        ("tests/test_cart.py", "src/shop/pay/card.py"),
        # `from shop.pay import charge`: a name, so the package, and card.py where the
        # package got it from; `shop.pay.bank.wire()` after `import shop` reaches bank;
        # `import shop` itself the package root.
        ("tests/test_pay.py", "src/shop/pay/__init__.py"),
        ("tests/test_pay.py", "src/shop/pay/card.py"),
        ("tests/test_pay.py", "src/shop/pay/bank.py"),
        ("tests/test_pay.py", "src/shop/__init__.py"),
        # Through the helpers it imports; conftest.py fixtures are not followed.
        ("tests/test_helpers.py", "src/shop/tax.py"),
        ("src/shop/inner_test.py", "src/shop/cart.py"),
        ("src/shop/inner_test.py", "src/shop/pay/card.py"),
    }


@pytest.mark.spec("2.7.3")
def test_python_names_a_package_or_module_only_re_exports_lead_to_their_module():
    sources = {
        "src/kit/__init__.py": "from .parse import parse_doc as parse\nfrom kit.io import load\n"
                               "VERSION = 1\n",
        "src/kit/parse.py": "from kit.lex.tokens import tokenize\ndef parse_doc(): ...\n",
        "src/kit/io.py": "def load(): ...\n",
        "src/kit/lex/__init__.py": "",
        "src/kit/lex/tokens.py": "def tokenize(): ...\n",
        "src/kit/unrelated.py": "",
        "tests/test_kit.py": "from kit import parse, VERSION\nfrom kit.parse import tokenize\n",
    }
    assert _pairs(_uses(sources, ["tests/test_kit.py"])) == {
        ("tests/test_kit.py", "src/kit/__init__.py"),
        ("tests/test_kit.py", "src/kit/parse.py"),  # `parse` is parse_doc from .parse
        ("tests/test_kit.py", "src/kit/lex/tokens.py"),  # tokenize, through kit.parse
    }


@pytest.mark.spec("2.7.3")
def test_python_name_clash_goes_to_the_nearest_module():
    sources = {
        "a/util.py": "", "b/util.py": "",
        "a/test_x.py": "import util\n", "b/test_y.py": "import util\n",
    }
    assert _pairs(_uses(sources, ["a/test_x.py", "b/test_y.py"])) == {
        ("a/test_x.py", "a/util.py"), ("b/test_y.py", "b/util.py")}


CRATES = (
    Component("core-lib", "crates/core", Language.RUST, "crate", "crates/core/Cargo.toml"),
    Component("common", "crates/common", Language.RUST, "crate", "crates/common/Cargo.toml"),
    Component("app", "crates/app", Language.RUST, "crate", "crates/app/Cargo.toml"),
)


@pytest.mark.spec("2.7.3")
def test_rust_same_file_mod_tests_files_and_integration_tests_naming_the_crate():
    sources = {
        "crates/core/Cargo.toml": '[package]\nname = "core-lib"\n',
        "crates/core/src/lib.rs": "pub mod parse;\npub mod net;\n",
        "crates/core/src/parse.rs": "#[cfg(test)]\nmod tests;\n",
        "crates/core/src/parse/tests.rs": "#[test] fn t() {}\n",
        "crates/core/src/net/mod.rs": "pub mod tcp;\n",
        "crates/core/src/net/tcp.rs": "",
        "crates/core/src/net/udp.rs": "",
        "crates/core/src/frame.rs": "#[tokio::test] async fn t() {}\n",
        "crates/core/tests/it.rs": (
            "mod common;\n"
            "use core_lib::{net::{tcp, udp as u}, parse::*};\n"
            "// core_lib::frame in a comment\n"
            'const S: &str = "core_lib::frame";\n'
            "#[test] fn t() { assert_eq!(core_lib::net::tcp::port(), 1); common::setup(); }\n"),
        "crates/common/Cargo.toml": '[package]\nname = "common"\n',
        "crates/common/src/lib.rs": "",
        "crates/app/Cargo.toml": '[package]\nname = "app"\n[dev-dependencies]\n'
                                 'core-lib = { path = "../core" }\n',
        "crates/app/src/main.rs": "",
        "crates/app/tests/uses_core.rs": "use core_lib::parse::parse;\nuse common::x;\n",
    }
    tests = ["crates/core/src/parse/tests.rs", "crates/core/src/frame.rs",
             "crates/core/tests/it.rs", "crates/app/tests/uses_core.rs"]
    assert _uses(sources, tests, CRATES) == {
        ("crates/core/src/parse/tests.rs", "crates/core/src/parse.rs", "test-module"),
        ("crates/core/src/frame.rs", "crates/core/src/frame.rs", "same-file"),
        ("crates/core/tests/it.rs", "crates/core/src/net/tcp.rs", "crate-import"),
        ("crates/core/tests/it.rs", "crates/core/src/net/udp.rs", "crate-import"),
        ("crates/core/tests/it.rs", "crates/core/src/parse.rs", "crate-import"),
        # `mod common;` is the test's own helper, not the `common` crate; a path inside a
        # comment or a string names nothing. `app` depends on core-lib, not on common.
        ("crates/app/tests/uses_core.rs", "crates/core/src/parse.rs", "crate-import"),
    }


@pytest.mark.spec("2.7.3")
def test_js_namesakes_relative_imports_packages_barrels_and_aliases():
    ui = Component("@acme/ui", "packages/ui", Language.TYPESCRIPT, "npm-package",
                   "packages/ui/package.json")
    web = Component("web", "apps/web", Language.TYPESCRIPT, "npm-package", "apps/web/package.json")
    sources = {
        "packages/ui/package.json": '{"name": "@acme/ui", "main": "./src/index.ts"}',
        "packages/ui/src/index.ts": 'export { Button } from "./Button";\n'
                                    'export { Dialog as Modal } from "./Dialog";\n'
                                    'export * from "./icons";\n'
                                    'export type { Theme } from "./theme";\n',
        "packages/ui/src/Button.tsx": "", "packages/ui/src/Dialog.tsx": "",
        "packages/ui/src/icons/index.ts": "", "packages/ui/src/theme.ts": "",
        "packages/ui/src/Navbar.tsx": "",
        "packages/ui/src/Navbar.test.tsx": "it('renders', () => {});\n",
        "packages/ui/src/__tests__/Dialog.spec.tsx": "",
        "apps/web/package.json": '{"name": "web"}',
        "apps/web/tsconfig.json": '{\n  // Next.js style\n  "compilerOptions": {"baseUrl": ".", '
                                  '"paths": {"@/*": ["./src/*"],},},\n}\n',
        "apps/web/src/lib/format.ts": "", "apps/web/src/lib/esm.ts": "",
        "apps/web/src/page.tsx": "",
        "apps/web/tests/page.test.tsx": (
            'import { Button, Modal } from "@acme/ui";\n'
            'import type { Theme } from "@acme/ui";\n'
            'import { fmt } from "@/lib/format";\n'
            'const esm = await import("../src/lib/esm.js");\n'
            'const react = require("react");\n'),
    }
    tests = ["packages/ui/src/Navbar.test.tsx", "packages/ui/src/__tests__/Dialog.spec.tsx",
             "apps/web/tests/page.test.tsx"]
    assert _uses(sources, tests, (ui, web)) == {
        ("packages/ui/src/Navbar.test.tsx", "packages/ui/src/Navbar.tsx", "name"),
        ("packages/ui/src/__tests__/Dialog.spec.tsx", "packages/ui/src/Dialog.tsx", "name"),
        ("apps/web/tests/page.test.tsx", "apps/web/src/page.tsx", "name"),  # tests/ ↔ src/
        ("apps/web/tests/page.test.tsx", "packages/ui/src/index.ts", "import"),
        # Through the barrel: only what is imported (Button, Modal), and `export *` for
        # names no named re-export gave; a type-only import brings nothing at run time.
        ("apps/web/tests/page.test.tsx", "packages/ui/src/Button.tsx", "re-export"),
        ("apps/web/tests/page.test.tsx", "packages/ui/src/Dialog.tsx", "re-export"),
        ("apps/web/tests/page.test.tsx", "apps/web/src/lib/format.ts", "import"),
        ("apps/web/tests/page.test.tsx", "apps/web/src/lib/esm.ts", "import"),
    }


@pytest.mark.spec("2.7.3")
def test_go_tests_exercise_the_files_of_their_package_that_declare_what_they_use():
    sources = {
        "svc/router.go": "package svc\n\nfunc NewRouter() *Router { return nil }\n"
                         "type Router struct{}\nfunc (r *Router) Error() string { return \"\" }\n",
        "svc/limits.go": "package svc\n\nconst MaxBody = 10\n",
        "svc/unused.go": "package svc\n\nfunc helper() {}\nfunc (r *Router) Close() {}\n",
        "svc/router_test.go": "package svc\n\nimport \"testing\"\n\n"
                              "func TestRouter(t *testing.T) {\n\tr := NewRouter()\n"
                              "\t_ = r.Error()\n\t_ = r.Close\n\t_ = \"MaxBody helper\"\n}\n",
        "svc/sub/other.go": "package sub\n\nfunc NewRouter() {}\n",
    }
    assert _pairs(_uses(sources, ["svc/router_test.go"])) == {
        ("svc/router_test.go", "svc/router.go")}


@pytest.mark.spec("2.7.3")
def test_java_and_kotlin_test_classes_exercise_their_namesakes_and_what_they_use():
    svc = Component("billing", "billing", Language.JAVA, "maven-module", "billing/pom.xml")
    main = "billing/src/main/java/com/acme/billing"
    test = "billing/src/test/java/com/acme/billing"
    sources = {
        f"{main}/Invoice.java": "", f"{main}/Money.java": "", f"{main}/Unused.java": "",
        f"{main}/export/Csv.java": "", f"{main}/export/Pdf.java": "",
        "billing/src/main/kotlin/com/acme/billing/Notifier.kt": "",
        f"{test}/InvoiceTest.java": "package com.acme.billing;\nimport com.acme.billing.export.Csv;\n"
                                    "class InvoiceTest { Money m; Csv c; String pdf = \"Pdf\"; }\n",
        "billing/src/test/kotlin/com/acme/billing/NotifierTests.kt":
            "package com.acme.billing\n\nclass NotifierTests\n",
    }
    tests = [f"{test}/InvoiceTest.java",
             "billing/src/test/kotlin/com/acme/billing/NotifierTests.kt"]
    assert _uses(sources, tests, (svc,)) == {
        (f"{test}/InvoiceTest.java", f"{main}/Invoice.java", "name"),
        (f"{test}/InvoiceTest.java", f"{main}/Money.java", "import"),  # same package
        (f"{test}/InvoiceTest.java", f"{main}/export/Csv.java", "import"),
        ("billing/src/test/kotlin/com/acme/billing/NotifierTests.kt",
         "billing/src/main/kotlin/com/acme/billing/Notifier.kt", "name"),
    }


@pytest.mark.spec("2.7.3")
def test_fixture_monorepo_tokio_only_crate_is_tested_and_untested_modules_are_named():
    uses = {(u.test_file, u.module) for u in monorepo_uses()}
    rows = {m.path: m for m in monorepo_inventory().modules}
    # brightstaff's unit tests are all #[tokio::test]: the hand-written report missed them.
    router = rows["crates/brightstaff/src/handlers/router_chat.rs"]
    assert (router.tests.tests, router.status.value) == (6, "tested")
    assert ("crates/hermesllm/tests/transform_roundtrip.rs",
            "crates/hermesllm/src/transforms/sse.rs") in uses
    untested = {p for p, m in rows.items() if m.status.value == "untested"}
    assert {"cli/relaycli/logs.py", "cli/relaycli/telemetry.py",
            "crates/llm_gateway/src/stream_context.rs", "apps/www/src/utils/asciiBuilder.ts",
            "services/go-router/middleware/logging.go"} <= untested
    assert {"cli/relaycli/config.py", "cli/relaycli/targets/docker.py",
            "packages/shared-utils/src/math.ts", "services/go-router/router.go",
            "services/billing/src/main/java/com/example/billing/TaxCalculator.java"}.isdisjoint(
                untested)
