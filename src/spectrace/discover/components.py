"""Components from build manifests: Cargo crates, Python packages, npm packages, Go and JVM modules."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from spectrace.discover.files import read_text
from spectrace.model import Component, Language, Problem, ProblemKind

MANIFEST_NAMES = frozenset({
    "Cargo.toml", "pyproject.toml", "setup.cfg", "setup.py", "package.json",
    "pnpm-workspace.yaml", "go.mod", "pom.xml", "build.gradle", "build.gradle.kts",
    "settings.gradle", "settings.gradle.kts",
})

# Languages that share one kind of manifest: the modules inside decide which one it is.
FAMILIES: dict[Language, frozenset[Language]] = {
    Language.JAVASCRIPT: frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    Language.TYPESCRIPT: frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    Language.JAVA: frozenset({Language.JAVA, Language.KOTLIN}),
    Language.KOTLIN: frozenset({Language.JAVA, Language.KOTLIN}),
}


def family(language: Language) -> frozenset[Language]:
    return FAMILIES.get(language, frozenset({language}))


def folder_of(path: str) -> str:
    head = posixpath.dirname(path)
    return head or "."


def is_manifest(path: str) -> bool:
    return posixpath.basename(path) in MANIFEST_NAMES


def read_manifests(root: Path, paths: Iterable[str],
                   max_bytes: int) -> tuple[dict[str, str], list[Problem]]:
    """The text of every manifest among `paths`; unreadable ones become problems."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for path in paths:
        if not is_manifest(path):
            continue
        read = read_text(root, path, max_bytes)
        if read.text is None:
            problems.append(read.problem)
        else:
            texts[path] = read.text
    return texts, problems


def find_components(manifests: Mapping[str, str],
                    paths: Iterable[str] = ()) -> tuple[list[Component], list[Problem]]:
    """Components declared by `manifests` (path → text), sorted by path then name.

    Pure. `paths` (every file of the repository) answers "is there code under this
    folder" for Gradle roots. Workspace roots that only list members (a virtual Cargo
    workspace, a package.json with `workspaces`, a Maven `pom` aggregator) are not
    components themselves; their members are. A member a workspace names but that has no
    manifest is a problem, as the build tool would say.
    """
    found = _Found(manifests, frozenset(paths))
    found.cargo()
    found.python()
    found.npm()
    found.go()
    found.maven()
    found.gradle()
    unique = {(c.path, c.language, c.kind): c for c in found.components}
    components = sorted(unique.values(), key=lambda c: (c.path, c.kind, c.name))
    return components, sorted(found.problems, key=lambda p: (p.path or "", p.line or 0))


class _Found:
    def __init__(self, manifests: Mapping[str, str], paths: frozenset[str]) -> None:
        self.manifests = manifests
        self.paths = paths | frozenset(manifests)
        self.components: list[Component] = []
        self.problems: list[Problem] = []

    def named(self, name: str) -> list[str]:
        return sorted(p for p in self.manifests if posixpath.basename(p) == name)

    def add(self, name: str, manifest: str, language: Language, kind: str) -> None:
        self.components.append(Component(name, folder_of(manifest), language, kind, manifest))

    def problem(self, message: str, path: str, line: int | None = None,
                kind: ProblemKind = ProblemKind.PARSE_ERROR) -> None:
        self.problems.append(Problem(kind, message, path, line))

    def missing_members(self, manifest: str, patterns: Iterable[str], wanted: str,
                        what: str) -> None:
        """Report workspace members (literal or glob) that match no folder holding `wanted`."""
        base = folder_of(manifest)
        holders = {folder_of(p) for p in self.named(wanted)}
        for pattern in patterns:
            if pattern.startswith("!"):
                continue
            full = posixpath.normpath(posixpath.join(base, pattern.rstrip("/")))
            if not any(fnmatch.fnmatchcase(h, full) for h in holders):
                self.problem(f"{what} member {pattern!r} has no {wanted}", manifest,
                             _line_of(self.manifests[manifest], pattern),
                             ProblemKind.DANGLING_LINK)

    # --- Rust ------------------------------------------------------------------------

    def cargo(self) -> None:
        for manifest in self.named("Cargo.toml"):
            data = self.toml(manifest)
            if data is None:
                continue
            package = data.get("package")
            if isinstance(package, dict) and isinstance(package.get("name"), str):
                self.add(package["name"], manifest, Language.RUST, "crate")
            workspace = data.get("workspace")
            if isinstance(workspace, dict):
                members = [m for m in workspace.get("members", []) if isinstance(m, str)]
                self.missing_members(manifest, members, "Cargo.toml", "workspace")

    def toml(self, manifest: str) -> dict | None:
        import tomllib

        text = self.manifests[manifest]
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\(at line (\d+)", str(exc))
            line = int(match.group(1)) if match else text.count("\n") + 1
            message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
            self.problem(f"malformed TOML: {message}", manifest, line)
            return None

    # --- Python ----------------------------------------------------------------------

    def python(self) -> None:
        # One component per folder: pyproject.toml wins over setup.cfg over setup.py.
        folders = sorted({folder_of(p) for name in ("pyproject.toml", "setup.cfg", "setup.py")
                          for p in self.named(name)})
        for folder in folders:
            for name, reader in (("pyproject.toml", self.pyproject_name),
                                 ("setup.cfg", self.setup_cfg_name),
                                 ("setup.py", self.setup_py_name)):
                manifest = name if folder == "." else f"{folder}/{name}"
                if manifest not in self.manifests:
                    continue
                package = reader(manifest)
                if package:
                    self.add(package, manifest, Language.PYTHON, "python-package")
                    break

    def pyproject_name(self, manifest: str) -> str | None:
        data = self.toml(manifest)
        if data is None:
            return None
        for table in (data.get("project"), data.get("tool", {}).get("poetry")):
            if isinstance(table, dict) and isinstance(table.get("name"), str):
                return table["name"]
        return None  # a pyproject.toml holding only tool settings declares no package

    def setup_cfg_name(self, manifest: str) -> str | None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(self.manifests[manifest], source=manifest)
        except configparser.Error as exc:
            self.problem(f"malformed setup.cfg: {str(exc).splitlines()[0]}", manifest,
                         getattr(exc, "lineno", None))
            return None
        name = parser.get("metadata", "name", fallback="").strip()
        return name or None

    def setup_py_name(self, manifest: str) -> str | None:
        text = self.manifests[manifest]
        try:
            tree = ast.parse(text, manifest)
        except SyntaxError as exc:
            self.problem(f"syntax error: {exc.msg}", manifest, exc.lineno)
            return None
        constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)
                     and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _call_name(node.func) == "setup"):
                continue
            for kw in node.keywords:
                if kw.arg != "name":
                    continue
                if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    return kw.value.value
                if isinstance(kw.value, ast.Name) and kw.value.id in constants:
                    return constants[kw.value.id]
            # setup() without a literal name: the folder names the package.
            folder = folder_of(manifest)
            return posixpath.basename(folder) if folder != "." else None
        return None

    # --- JavaScript / TypeScript -----------------------------------------------------

    def npm(self) -> None:
        pnpm_roots = set()
        for manifest in self.named("pnpm-workspace.yaml"):
            members = self.pnpm_members(manifest)
            if members is None:
                continue
            pnpm_roots.add(folder_of(manifest))
            self.missing_members(manifest, members, "package.json", "pnpm workspace")
        for manifest in self.named("package.json"):
            try:
                data = json.loads(self.manifests[manifest])
            except json.JSONDecodeError as exc:
                self.problem(f"malformed JSON: {exc.msg}", manifest, exc.lineno)
                continue
            if not isinstance(data, dict):
                self.problem("package.json is not a JSON object", manifest, 1)
                continue
            workspaces = data.get("workspaces")
            if isinstance(workspaces, dict):  # yarn classic: {"packages": [...], "nohoist": [...]}
                workspaces = workspaces.get("packages")
            if isinstance(workspaces, list):
                members = [m for m in workspaces if isinstance(m, str)]
                self.missing_members(manifest, members, "package.json", "workspace")
                continue
            if folder_of(manifest) in pnpm_roots:
                continue
            name = data.get("name")
            folder = folder_of(manifest)
            if not isinstance(name, str) or not name:
                # Apps that are never published often have no name: the folder names them.
                name = posixpath.basename(folder) if folder != "." else "root"
            self.add(name, manifest, _npm_language(data), "npm-package")

    def pnpm_members(self, manifest: str) -> list[str] | None:
        from spectrace.yamlfile import load_yaml
        from spectrace.errors import SpectraceError

        try:
            data = load_yaml(self.manifests[manifest], manifest)
        except SpectraceError as exc:
            self.problem(exc.message, manifest, exc.line)
            return None
        packages = data.get("packages") if isinstance(data, dict) else None
        return [p for p in packages if isinstance(p, str)] if isinstance(packages, list) else []

    # --- Go --------------------------------------------------------------------------

    def go(self) -> None:
        for manifest in self.named("go.mod"):
            match = re.search(r'^\s*module\s+"?([^\s"]+)"?', self.manifests[manifest],
                              re.MULTILINE)
            if match is None:
                self.problem("go.mod has no module line", manifest, 1)
                continue
            self.add(match.group(1), manifest, Language.GO, "go-module")

    # --- Maven and Gradle ------------------------------------------------------------

    def maven(self) -> None:
        import xml.etree.ElementTree as ET

        for manifest in self.named("pom.xml"):
            try:
                project = ET.fromstring(self.manifests[manifest])
            except ET.ParseError as exc:
                self.problem(f"malformed XML: {exc.msg if hasattr(exc, 'msg') else exc}",
                             manifest, exc.position[0])
                continue
            ns = project.tag[:project.tag.index("}") + 1] if project.tag.startswith("{") else ""
            artifact = project.findtext(f"{ns}artifactId")
            packaging = (project.findtext(f"{ns}packaging") or "jar").strip()
            modules = [m.text.strip() for m in project.iterfind(f"{ns}modules/{ns}module")
                       if m.text and m.text.strip()]
            self.missing_members(manifest, modules, "pom.xml", "Maven")
            if packaging == "pom":
                continue  # an aggregator: its modules hold the code
            if not artifact:
                self.problem("pom.xml has no artifactId", manifest, 1)
                continue
            self.add(artifact.strip(), manifest, Language.JAVA, "maven-module")

    def gradle(self) -> None:
        projects: dict[str, tuple[str, str]] = {}  # folder → (project name, settings file)
        aggregators: set[str] = set()
        for name in ("settings.gradle", "settings.gradle.kts"):
            for manifest in self.named(name):
                root_name, includes = _gradle_settings(self.manifests[manifest])
                root = folder_of(manifest)
                if includes and not self.has_files_under(_join(root, "src")):
                    aggregators.add(root)  # a root that only configures its subprojects
                else:
                    projects[root] = (root_name or _basename(root), manifest)
                for include in includes:
                    path = include.strip(":").replace(":", "/")
                    projects[_join(root, path)] = (include.strip(":").split(":")[-1], manifest)
        built = set()
        for name in ("build.gradle", "build.gradle.kts"):
            for manifest in self.named(name):
                folder = folder_of(manifest)
                if folder in aggregators or folder in built:
                    continue
                built.add(folder)
                project = projects.get(folder, (_basename(folder), manifest))[0]
                self.add(project, manifest, Language.JAVA, "gradle-project")
        for folder, (project, settings) in sorted(projects.items()):
            # Gradle needs no build file in a project that settings include.
            if folder not in built and self.has_files_under(folder):
                self.components.append(Component(project, folder, Language.JAVA,
                                                 "gradle-project", settings))

    def has_files_under(self, folder: str) -> bool:
        prefix = "" if folder == "." else folder + "/"
        return any(p.startswith(prefix) for p in self.paths)


def _gradle_settings(text: str) -> tuple[str | None, list[str]]:
    """rootProject.name and the included project paths of a settings.gradle(.kts)."""
    code = _strip_c_comments(text)
    root = re.search(r"rootProject\.name\s*=\s*['\"]([^'\"]+)['\"]", code)
    includes: list[str] = []
    for call in re.finditer(r"\binclude\s*\(?((?:\s*['\"][^'\"]+['\"]\s*,?)+)\)?", code):
        includes += re.findall(r"['\"]([^'\"]+)['\"]", call.group(1))
    return (root.group(1) if root else None), includes


def _strip_c_comments(text: str) -> str:
    out = re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*//.*$|\s//[^'\"\n]*$", "", out)


def _npm_language(data: dict) -> Language:
    deps = {}
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        if isinstance(data.get(key), dict):
            deps.update(data[key])
    if "typescript" in deps or any(isinstance(data.get(k), str) and data[k].endswith(".ts")
                                   for k in ("types", "typings", "main", "module")):
        return Language.TYPESCRIPT
    return Language.JAVASCRIPT


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def _join(folder: str, rel: str) -> str:
    return posixpath.normpath(rel if folder == "." else f"{folder}/{rel}")


def _basename(folder: str) -> str:
    return posixpath.basename(folder) if folder != "." else "root"


# --- which component holds a file ---------------------------------------------------


class ComponentIndex:
    """Answers "which component holds this file": the deepest one whose folder contains it.

    When two components share a folder (a maturin crate with a pyproject.toml beside its
    Cargo.toml), the one of the file's own language family wins.
    """

    def __init__(self, components: Iterable[Component]) -> None:
        self.by_folder: dict[str, list[Component]] = {}
        for component in components:
            self.by_folder.setdefault(component.path, []).append(component)

    def owner(self, path: str, language: Language | None = None) -> Component | None:
        folder = folder_of(path)
        fallback = None
        while True:
            here = self.by_folder.get(folder, [])
            same = [c for c in here if language is not None and language in family(c.language)]
            if same:
                return same[0]
            if here and fallback is None:
                fallback = here[0]
            if folder == ".":
                return fallback
            folder = folder_of(folder)


def refine_languages(components: Iterable[Component],
                     lines_by_language: Mapping[tuple[str, Language], int]) -> list[Component]:
    """Pick TypeScript or JavaScript (Java or Kotlin) by the lines each holds in the component.

    `lines_by_language` maps (component path, language) to physical lines of its modules.
    A component without modules keeps what its manifest said.
    """
    out = []
    for component in components:
        options = family(component.language)
        if len(options) == 1:
            out.append(component)
            continue
        counted = {lang: lines_by_language.get((component.path, lang), 0) for lang in options}
        best = max(sorted(options), key=lambda lang: counted[lang])
        out.append(replace(component, language=best) if counted[best] else component)
    return out


def cargo_lib_name(text: str) -> str | None:
    """The name a crate is imported under (`[lib] name`, else the package name, `-` → `_`)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    lib = data.get("lib")
    if isinstance(lib, dict) and isinstance(lib.get("name"), str):
        return lib["name"]
    package = data.get("package")
    if isinstance(package, dict) and isinstance(package.get("name"), str):
        return package["name"].replace("-", "_")
    return None


def cargo_dependencies(text: str) -> dict[str, str]:
    """Dependency key (as code names it, before `-` → `_`) → package name, of every kind
    (normal, dev, build, per target)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    tables = [data]
    targets = data.get("target")
    if isinstance(targets, dict):
        tables += [t for t in targets.values() if isinstance(t, dict)]
    found = {}
    for table in tables:
        for section in ("dependencies", "dev-dependencies", "build-dependencies"):
            deps = table.get(section)
            if not isinstance(deps, dict):
                continue
            for key, spec in deps.items():
                package = spec.get("package") if isinstance(spec, dict) else None
                found[key] = package if isinstance(package, str) else key
    return found
