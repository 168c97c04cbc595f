"""Components from manifests (Cargo, Python, npm/pnpm/yarn, Go, Maven, Gradle) and who owns a file."""

from __future__ import annotations

import pytest
from monorepo import monorepo_scan

from spectrace.discover.components import (
    ComponentIndex,
    cargo_dependencies,
    cargo_lib_name,
    find_components,
    refine_languages,
)
from spectrace.model import Component, Language, ProblemKind


def _found(manifests: dict[str, str], paths: tuple[str, ...] = ()):
    components, problems = find_components(manifests, paths)
    return {(c.name, c.path, c.language.value, c.kind, c.manifest) for c in components}, problems


@pytest.mark.spec("2.7.1")
def test_cargo_workspace_members_with_globs_and_a_single_crate():
    found, problems = _found({
        "Cargo.toml": '[workspace]\nmembers = ["crates/*", "tools/gen", "gone/*"]\n',
        "crates/a/Cargo.toml": '[package]\nname = "a-core"\n',
        "crates/b/Cargo.toml": '[package]\nname = "b"\n[lib]\nname = "bee"\n',
        "tools/gen/Cargo.toml": '[package]\nname = "gen"\n',
        "standalone/Cargo.toml": '[package]\nname = "alone"\nversion = "0.1.0"\n',
    })
    # The virtual workspace root is not a component; every crate is, member or not.
    assert found == {
        ("a-core", "crates/a", "rust", "crate", "crates/a/Cargo.toml"),
        ("b", "crates/b", "rust", "crate", "crates/b/Cargo.toml"),
        ("gen", "tools/gen", "rust", "crate", "tools/gen/Cargo.toml"),
        ("alone", "standalone", "rust", "crate", "standalone/Cargo.toml"),
    }
    assert [(p.kind, p.path, p.line, p.message) for p in problems] == [
        (ProblemKind.DANGLING_LINK, "Cargo.toml", 2, "workspace member 'gone/*' has no Cargo.toml")]


@pytest.mark.spec("2.7.1")
def test_a_root_crate_that_is_also_a_workspace_is_a_component():
    found, _ = _found({"Cargo.toml": '[package]\nname = "top"\n[workspace]\nmembers = []\n'})
    assert found == {("top", ".", "rust", "crate", "Cargo.toml")}


@pytest.mark.spec("2.7.1")
def test_python_packages_from_pyproject_setup_cfg_and_setup_py():
    found, problems = _found({
        "pep621/pyproject.toml": '[project]\nname = "pep621-pkg"\n',
        "poetry/pyproject.toml": '[tool.poetry]\nname = "poetry-pkg"\n',
        "cfg/setup.cfg": "[metadata]\nname = cfg-pkg\n",
        "cfg/setup.py": "from setuptools import setup\nsetup()\n",
        "literal/setup.py": "import setuptools\nsetuptools.setup(name='literal-pkg')\n",
        "constant/setup.py": "NAME = 'const-pkg'\nfrom setuptools import setup\nsetup(name=NAME)\n",
        "dynamic/setup.py": "from setuptools import setup\nsetup(name=compute())\n",
        # A pyproject holding only tool settings declares nothing; setup.py beside it does.
        "tooled/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "tooled/setup.py": "from setuptools import setup\nsetup(name='tooled-pkg')\n",
        "bare/pyproject.toml": "[tool.black]\n",
    })
    assert found == {
        ("pep621-pkg", "pep621", "python", "python-package", "pep621/pyproject.toml"),
        ("poetry-pkg", "poetry", "python", "python-package", "poetry/pyproject.toml"),
        ("cfg-pkg", "cfg", "python", "python-package", "cfg/setup.cfg"),
        ("literal-pkg", "literal", "python", "python-package", "literal/setup.py"),
        ("const-pkg", "constant", "python", "python-package", "constant/setup.py"),
        ("dynamic", "dynamic", "python", "python-package", "dynamic/setup.py"),
        ("tooled-pkg", "tooled", "python", "python-package", "tooled/setup.py"),
    }
    assert problems == []


@pytest.mark.spec("2.7.1")
@pytest.mark.parametrize("root", [
    {"package.json": '{"private": true, "workspaces": ["packages/*", "apps/web", "missing"]}'},
    {"package.json": '{"private": true, "workspaces": {"packages": ["packages/*", "apps/web", '
                     '"missing"], "nohoist": []}}'},
    {"package.json": '{"name": "monorepo", "private": true}',
     "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - apps/web\n  - missing\n"},
], ids=["npm", "yarn-object", "pnpm"])
def test_npm_yarn_and_pnpm_workspaces(root):
    found, problems = _found({
        **root,
        "packages/ui/package.json": '{"name": "@acme/ui", "devDependencies": {"typescript": "5"}}',
        "packages/utils/package.json": '{"name": "@acme/utils", "main": "index.js"}',
        "apps/web/package.json": '{"private": true}',
    })
    # The workspace root lists members and is not one; a nameless app is named by its folder.
    assert found == {
        ("@acme/ui", "packages/ui", "typescript", "npm-package", "packages/ui/package.json"),
        ("@acme/utils", "packages/utils", "javascript", "npm-package",
         "packages/utils/package.json"),
        ("web", "apps/web", "javascript", "npm-package", "apps/web/package.json"),
    }
    assert [p.message for p in problems] == [
        "pnpm workspace member 'missing' has no package.json" if "pnpm-workspace.yaml" in root
        else "workspace member 'missing' has no package.json"]


@pytest.mark.spec("2.7.1")
def test_go_modules():
    found, problems = _found({
        "svc/go.mod": "// the router\nmodule example.com/acme/router\n\ngo 1.22\n",
        "quoted/go.mod": 'module "example.com/quoted"\n',
        "broken/go.mod": "go 1.22\n",
    })
    assert found == {
        ("example.com/acme/router", "svc", "go", "go-module", "svc/go.mod"),
        ("example.com/quoted", "quoted", "go", "go-module", "quoted/go.mod"),
    }
    assert [(p.path, p.message) for p in problems] == [("broken/go.mod", "go.mod has no module line")]


POM = """<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><artifactId>parent-not-me</artifactId></parent>
  <artifactId>{artifact}</artifactId>
  <packaging>{packaging}</packaging>
  {modules}
</project>
"""


@pytest.mark.spec("2.7.1")
def test_maven_modules_and_aggregators():
    found, problems = _found({
        "pom.xml": POM.format(artifact="root", packaging="pom",
                              modules="<modules><module>billing</module>"
                                      "<module>ghost</module></modules>"),
        "billing/pom.xml": POM.format(artifact="billing", packaging="jar", modules=""),
    })
    assert found == {("billing", "billing", "java", "maven-module", "billing/pom.xml")}
    assert [p.message for p in problems] == ["Maven member 'ghost' has no pom.xml"]


@pytest.mark.spec("2.7.1")
def test_gradle_projects_from_settings_includes():
    manifests = {
        "settings.gradle.kts": 'rootProject.name = "shop"\n// include(":old")\n'
                               'include(":app", ":libs:core")\ninclude \'tools\'\n',
        "build.gradle.kts": "plugins { java }\n",
        "app/build.gradle.kts": "plugins { application }\n",
        "libs/core/build.gradle": "apply plugin: 'java'\n",
    }
    paths = ("tools/src/main/java/T.java", "app/src/main/java/A.java")
    found, _ = _found(manifests, paths)
    # The root only configures its subprojects (no src/ of its own); `tools` has no build
    # file, which Gradle allows, so the settings file stands for it.
    assert found == {
        ("app", "app", "java", "gradle-project", "app/build.gradle.kts"),
        ("core", "libs/core", "java", "gradle-project", "libs/core/build.gradle"),
        ("tools", "tools", "java", "gradle-project", "settings.gradle.kts"),
    }
    single, _ = _found({"settings.gradle": "rootProject.name = 'solo'\n",
                        "build.gradle": "apply plugin: 'java'\n"})
    assert single == {("solo", ".", "java", "gradle-project", "build.gradle")}


@pytest.mark.spec("2.7.1", "2.7.4")
def test_malformed_manifests_are_parse_errors_with_lines():
    found, problems = _found({
        "a/Cargo.toml": '[package]\nname = "a"\nversion = \n',
        "b/package.json": '{\n  "name": "b",\n}\n',
        "c/pom.xml": "<project>\n<artifactId>c</artifactId>\n",
        "d/setup.py": "setup(name='d'\n",
        "e/pyproject.toml": '[project]\nname = "fine"\n',
    })
    assert found == {("fine", "e", "python", "python-package", "e/pyproject.toml")}
    assert {(p.kind, p.path, p.line) for p in problems} == {
        (ProblemKind.PARSE_ERROR, "a/Cargo.toml", 3),
        (ProblemKind.PARSE_ERROR, "b/package.json", 3),
        (ProblemKind.PARSE_ERROR, "c/pom.xml", 3),
        (ProblemKind.PARSE_ERROR, "d/setup.py", 1),
    }


@pytest.mark.spec("2.7.1")
def test_a_file_belongs_to_the_deepest_component_of_its_language_family():
    crate = Component("native", "py/native", Language.RUST, "crate", "py/native/Cargo.toml")
    wheel = Component("native-py", "py/native", Language.PYTHON, "python-package",
                      "py/native/pyproject.toml")
    outer = Component("py", "py", Language.PYTHON, "python-package", "py/pyproject.toml")
    web = Component("web", "web", Language.TYPESCRIPT, "npm-package", "web/package.json")
    index = ComponentIndex([outer, crate, wheel, web])
    assert index.owner("py/native/src/lib.rs", Language.RUST) == crate
    assert index.owner("py/native/native/__init__.py", Language.PYTHON) == wheel
    assert index.owner("py/other/x.py", Language.PYTHON) == outer
    assert index.owner("web/src/a.js", Language.JAVASCRIPT) == web  # JS in a TS package
    assert index.owner("web/tools/gen.py", Language.PYTHON) == web  # no Python one above
    assert index.owner("scripts/x.py", Language.PYTHON) is None


@pytest.mark.spec("2.7.1")
def test_typescript_or_javascript_is_decided_by_the_lines_inside():
    js = Component("ui", "ui", Language.JAVASCRIPT, "npm-package", "ui/package.json")
    jvm = Component("svc", "svc", Language.JAVA, "maven-module", "svc/pom.xml")
    empty = Component("e", "e", Language.JAVASCRIPT, "npm-package", "e/package.json")
    refined = refine_languages([js, jvm, empty], {
        ("ui", Language.TYPESCRIPT): 300, ("ui", Language.JAVASCRIPT): 20,
        ("svc", Language.KOTLIN): 10})
    assert [c.language for c in refined] == [Language.TYPESCRIPT, Language.KOTLIN,
                                             Language.JAVASCRIPT]


def test_cargo_names_as_code_writes_them():
    assert cargo_lib_name('[package]\nname = "my-crate"\n') == "my_crate"
    assert cargo_lib_name('[package]\nname = "x"\n[lib]\nname = "y"\n') == "y"
    assert cargo_dependencies(
        '[dependencies]\nserde = "1"\nmine = { path = "../m", package = "my-crate" }\n'
        '[dev-dependencies]\ncommon = { path = "../common" }\n'
        '[target.\'cfg(unix)\'.dependencies]\nnix = "0.1"\n'
    ) == {"serde": "serde", "mine": "my-crate", "common": "common", "nix": "nix"}


@pytest.mark.spec("2.7.1")
def test_fixture_monorepo_components():
    scanned = monorepo_scan()
    found = {(c.name, c.path, c.language.value, c.kind) for c in scanned.components}
    assert {
        ("common", "crates/common", "rust", "crate"),
        ("hermesllm", "crates/hermesllm", "rust", "crate"),
        ("llm_gateway", "crates/llm_gateway", "rust", "crate"),
        ("brightstaff", "crates/brightstaff", "rust", "crate"),
        ("relay-cli", "cli", "python", "python-package"),
        ("www", "apps/www", "typescript", "npm-package"),
        ("@acme/ui", "packages/ui", "typescript", "npm-package"),
        ("@acme/shared-utils", "packages/shared-utils", "typescript", "npm-package"),
        ("example.com/router", "services/go-router", "go", "go-module"),
        ("billing", "services/billing", "java", "maven-module"),
    } <= found
    # The Cargo workspace root and the pnpm/npm workspace root are not components.
    assert "." not in {c.path for c in scanned.components}
    modules = {m.path: m.component for m in scanned.modules}
    assert modules["crates/common/src/ratelimit.rs"] == "common"
    assert modules["cli/relaycli/targets/docker.py"] == "relay-cli"
