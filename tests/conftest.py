"""Shared fixtures: a tiny portal copied into a temporary folder, and its build."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "tests" / "fixtures" / "tiny"
GOLDEN = REPO / "tests" / "golden" / "tiny"
REGENERATE = os.environ.get("PARTNERKB_REGEN_GOLDEN") == "1"
REQUIRE_ALL = os.environ.get("PARTNERKB_REQUIRE_ALL") == "1"

# The fuzzer's run: a new seed each time unless one is given, printed in the header to repeat a run.
FUZZ_SEED = int(os.environ.get("PARTNERKB_FUZZ_SEED") or random.SystemRandom().randrange(1 << 32))
FUZZ_PAGES = int(os.environ.get("PARTNERKB_FUZZ_PAGES") or 240)
SUITES = ("fuzz", "browser", "nginx")
_suite_seconds: dict[str, float] = {}

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")


def skip_or_fail(reason: str) -> None:
    """Skip a test whose real dependency is missing; under PARTNERKB_REQUIRE_ALL=1 (CI) fail instead."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (PARTNERKB_REQUIRE_ALL=1: CI must run every test)")
    pytest.skip(reason)


def copy_portal(source: Path, target: Path) -> Path:
    """A writable copy of a portal, with the repository's theme when the portal has none."""
    shutil.copytree(source, target)
    if not (target / "theme").exists():
        shutil.copytree(REPO / "theme", target / "theme")
    return target


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A fresh, writable copy of the tiny fixture portal."""
    return copy_portal(TINY, tmp_path / "tiny")


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The tiny portal built once for the session: (project, dist). Tests must not modify it."""
    root = tmp_path_factory.mktemp("tiny-built")
    project = copy_portal(TINY, root / "tiny")
    dist = root / "dist"
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--out", str(dist), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return project, dist


@pytest.fixture(scope="session")
def example_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal's gold trees of eu and apac (English, German, Japanese, Vietnamese), built once."""
    root = tmp_path_factory.mktemp("example")
    dist = root / "dist"
    code, output = run("build", "--project", str(REPO), "--out", str(dist), "--tier", "gold", "--region", "eu", "--region", "apac")
    assert code == 0, output
    return dist


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/tiny/NAME; PARTNERKB_REGEN_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"{name} differs (regenerate: PARTNERKB_REGEN_GOLDEN=1 pytest)"


def edit(project: Path, relative: str, old: str, new: str) -> None:
    """Replace the first `old` in a project's file by `new`; `old` must be there (a test of bad input edits good input)."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def readable(path: Path) -> str:
    """A file's text, decoded here without the builder: gzip unpacked, JSON escapes read, PDF text extracted."""
    import pypdf

    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(b"%PDF"):
        return " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages).lower()
    text = data.decode("utf-8", errors="replace")
    if path.suffix == ".json":
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return text.lower()


def run(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; return (exit code, stdout + stderr)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def pytest_report_header() -> str:
    return f"fuzz: seed {FUZZ_SEED}, {FUZZ_PAGES} pages (PARTNERKB_FUZZ_SEED, PARTNERKB_FUZZ_PAGES)"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    suite = next((name for name in SUITES if name in report.keywords), "other")
    _suite_seconds[suite] = _suite_seconds.get(suite, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The time of each suite (fuzzer, browser, nginx, the rest), for CI's budget."""
    times = ", ".join(f"{suite} {seconds:.0f} s" for suite, seconds in sorted(_suite_seconds.items()))
    terminalreporter.write_line(f"suite times: {times}")
