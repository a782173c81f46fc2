"""Incremental builds: what a build keeps between runs never changes what it writes.

Each kind of input is changed in a project that was built before (its caches warm), and the build
that follows must write exactly what a cold build of the changed project writes, byte for byte.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from builder.build import check_project
from builder.core.inputs import PROJECT_INPUTS
from builder.core.paths import CACHE
from builder.core.problems import Report
from builder.features.kits import kit_files
from builder.release.audit import Auditor
from conftest import run

# Each change is (file below the project, text replaced, replacement): one kind of input each.
CHANGES = {
    "page": ("content/guide.md", "within five business days.", "within four business days."),
    "translation": ("content/index.de.md", "# Willkommen\n", "# Willkommen\n\nEin neuer Satz für die Partner.\n"),
    "gate": ("content/guide.md", "/// tier | gold\nGold partners may ask", "/// tier | silver\nGold partners may ask"),
    "catalog": ("content/catalog/widget.yml", "Hosted widgets for every team.", "Hosted widgets for every single team."),
    "locale": ("locales/de.yml", "'Region: {region}'", "'Gebiet: {region}'"),
    "theme": ("theme/main.html", "{% extends", "{#- a comment that changes no page -#}\n{% extends"),
    "mkdocs.yml": ("mkdocs.yml", "site_name: Tiny Portal", "site_name: Tiny Partner Portal"),
    "program": ("partners/program.yml", "discount: 30", "discount: 35"),
    "partner": ("partners/northwind.yml", "registered_deals: 9", "registered_deals: 11"),
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _change(project: Path, kind: str) -> None:
    name, old, new = CHANGES[kind]
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} no longer holds {old!r}: update the test's change"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _sources(project: Path, target: Path) -> Path:
    """A copy of the project without its cache: what a cold build reads."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(CACHE))
    return target


@pytest.mark.slow
def test_each_kind_of_change_builds_what_a_cold_build_does(tiny: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    code, output = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 0, output
    code, output = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 0 and "nothing changed since the last build" in output, output
    for kind in CHANGES:
        _change(tiny, kind)
        code, output = run("build", "--project", str(tiny), "--out", str(dist))
        assert code == 0, output
        assert "nothing changed" not in output, kind
        cold = _sources(tiny, tmp_path / f"cold-{kind}")
        code, output = run("build", "--project", str(cold), "--out", str(tmp_path / f"dist-{kind}"))
        assert code == 0, output
        incremental, expected = _files(dist), _files(tmp_path / f"dist-{kind}")
        assert incremental.keys() == expected.keys(), kind
        differing = [name for name in expected if incremental[name] != expected[name]]
        assert not differing, f"after a {kind} change the incremental build differs from a cold one in {differing[:5]}"


@pytest.mark.slow
def test_an_output_changed_by_hand_is_built_again(tiny: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert run("build", "--project", str(tiny), "--out", str(dist))[0] == 0
    built = _files(dist)
    page = dist / "na" / "gold" / "1.0" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>added by hand</p></body>"))
    (dist / "na" / "gold" / "1.0" / "extra.html").write_text("an extra file", encoding="utf-8")
    code, output = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 0 and "nothing changed" not in output, output
    assert _files(dist) == built


@pytest.mark.slow
def test_warnings_of_an_unchanged_build_are_reported_again(tiny: Path, tmp_path: Path) -> None:
    """The second build stops early, yet says what the first said, and fails under --strict as it would."""
    locale = tiny / "locales" / "de.yml"
    locale.write_text(locale.read_text(encoding="utf-8").replace("  badge: '{tier}-Partner'\n", ""), encoding="utf-8")
    dist = tmp_path / "dist"
    code, first = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 0 and "tier.badge" in first, first
    code, second = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 0 and "nothing changed" in second and "tier.badge" in second, second
    code, strict = run("build", "--project", str(tiny), "--out", str(dist), "--strict")
    assert code == 1 and "tier.badge" in strict, strict


def test_every_file_a_build_reads_is_an_input_the_key_holds(tiny: Path, tmp_path: Path) -> None:
    """The files opened below the project by every stage that reads it (load, check, plan, the audit's
    evidence, the kits) are all in PROJECT_INPUTS (or the cache and git): an input the build reads is
    never left out of the key that decides that nothing changed."""
    opened: list[Path] = []

    def trace(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and tracing and isinstance(args[0], str | Path):
            opened.append(Path(args[0]).absolute())

    tracing = False
    sys.addaudithook(trace)  # an audit hook stays for the process: it records only while `tracing`
    tracing = True
    try:
        report = Report()
        checked = check_project(tiny, report)
        assert checked is not None, report.as_text()
        project = checked.project
        Auditor(project)
        for partner in project.partners:
            kit_files(partner, project.collateral, project.program, project.locales[partner.language], {}, project.as_of, pdf=False)
    finally:
        tracing = False
    inside = {p.relative_to(tiny) for p in opened if p.is_relative_to(tiny)}
    assert inside, "the trace recorded nothing: the test no longer sees the build's reads"
    allowed = (*PROJECT_INPUTS, CACHE, ".git")
    outside = sorted(str(p) for p in inside if p.parts and p.parts[0] not in allowed)
    assert not outside, f"the build reads files that the inputs key leaves out: {outside}"


@pytest.mark.slow
def test_kits_are_made_again_only_when_their_inputs_change(tiny: Path, tmp_path: Path) -> None:
    """Two builds in two processes (each with its own string hashing): a page edit keeps every kit,
    a partner edit makes that partner's kit again."""
    import os
    import subprocess

    from builder.core.paths import KITS

    def build(seed: str) -> None:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "builder", "build", "--project", str(tiny), "--out", str(tmp_path / "dist")],
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stderr

    def kept() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in sorted((tiny / KITS).rglob("*.pickle"))}

    build("1")
    first = kept()
    assert first, "the build kept no kit"
    _change(tiny, "page")
    build("2")
    assert kept() == first
    _change(tiny, "partner")
    build("3")
    changed = {name for name, stamp in kept().items() if stamp != first[name]}
    assert changed == {"northwind.pickle"}
