"""The map of the code, enforced: which package may import which, MkDocs only in render/, no cycles."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from conftest import REPO

# Each package of builder/ and the packages of ours it may import (besides itself). The top-level
# modules (cli, build) may import anything. See "Map of the code" in the README.
MAY_IMPORT = {
    "core": set(),
    "features": {"core"},
    "plan": {"core", "features"},
    "render": {"core", "features", "plan"},
    "load": {"core", "features", "render"},
    # Never plan/: the audit's evidence must not come from the plan it checks.
    "release": {"core", "features", "load", "render"},
    # Runs on servers too (the search service): nothing of the build, never MkDocs.
    "search": {"core"},
    # The live preview drives one variant through the build's own stages.
    "preview": {"core", "features", "load", "plan", "render", "release"},
}
# A package that may import a top-level module: only the preview, which checks as the build checks.
MAY_IMPORT_TOP = {"preview": {"builder.build"}}
RENDERER = {"mkdocs", "material", "mkdocs_static_i18n"}


def imports(package_root: Path) -> dict[str, set[str]]:
    """Each module of the package (dotted) and what it imports, ours by dotted name, others by top name."""
    found: dict[str, set[str]] = {}
    for file in sorted(package_root.rglob("*.py")):
        parts = file.relative_to(package_root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = list(parts[:-1])
        targets = found.setdefault(module, set())
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level == 0:
                    targets.add(node.module or "")
                    continue
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def violations(package_root: Path) -> list[str]:
    graph = imports(package_root)
    ours = set(graph)
    problems = []
    for module, targets in sorted(graph.items()):
        parts = module.split(".")
        package = parts[1] if len(parts) > 1 and parts[1] in MAY_IMPORT else None  # None: a top-level module
        for target in sorted(targets):
            if target.split(".")[0] in RENDERER and package != "render":
                problems.append(f"{module} imports {target}: only render/ may import the renderer")
            if package is None or target not in ours:
                continue
            other = target.split(".")[1] if "." in target else None
            if other in MAY_IMPORT and other != package and other not in MAY_IMPORT[package]:
                problems.append(f"{module} imports {target}: {package}/ may import only {sorted(MAY_IMPORT[package]) or 'nothing of ours'}")
            elif other not in MAY_IMPORT and target != "builder" and target not in MAY_IMPORT_TOP.get(package, set()):
                problems.append(f"{module} imports {target}: a package may not import the top-level modules")
    problems += [
        f"import cycle: {' -> '.join(cycle)}" for cycle in cycles({m: {t for t in ts if t in ours and t != m} for m, ts in graph.items()})
    ]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that is on one (depth-first)."""
    found, state = [], dict.fromkeys(graph, 0)

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state[target] == 1:
                found.append([*path[path.index(target) :], target])
            elif state[target] == 0:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0:
            visit(node, [node])
    return found


def test_the_builder_keeps_its_map() -> None:
    assert violations(REPO / "builder") == []
    assert set(MAY_IMPORT) == {p.name for p in (REPO / "builder").iterdir() if (p / "__init__.py").is_file()}


def test_a_broken_rule_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "builder"
    shutil.copytree(REPO / "builder", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "core" / "models.py").open("a", encoding="utf-8") as file:
        file.write("\nfrom ..plan import stage\n")
    with (copy / "release" / "audit.py").open("a", encoding="utf-8") as file:
        file.write("\nfrom ..plan.stage import plan_variant\nimport mkdocs.config\n")
    found = violations(copy)
    assert "builder.core.models imports builder.plan.stage: core/ may import only nothing of ours" in found
    assert "builder.release.audit imports builder.plan.stage: release/ may import only ['core', 'features', 'load', 'render']" in found
    assert "builder.release.audit imports mkdocs.config: only render/ may import the renderer" in found
    assert any(p.startswith("import cycle: builder.core.models -> builder.plan.stage") for p in found)
