"""Translations that stay true: stamped sources, stale notices for readers, `partnerkb i18n` for authors."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.features.data_texts import data_files
from builder.features.translations import body_hash, stamped
from conftest import edit, run

GERMAN = "content/index.de.md"
SOURCE = "content/index.md"
NEW_LINE = "Partners now also find the price list here."


def _git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True)
    return done.stdout


def _commit_all(project: Path, message: str) -> None:
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=Author", "-c", "user.email=author@example.com", "commit", "-q", "-m", message)


@pytest.fixture
def repository(tiny: Path) -> Path:
    """The tiny portal as a git repository of its own, its translations stamped, then the English home
    page edited (the German one not): one stale translation."""
    _git(tiny, "init", "-q")
    assert run("i18n", "stamp", "--project", str(tiny), *(p.relative_to(tiny).as_posix() for p in data_files(tiny)))[0] == 0
    _commit_all(tiny, "The tiny portal")
    edit(tiny, SOURCE, "Welcome to the tiny portal", f"{NEW_LINE}\n\nWelcome to the tiny portal")
    _commit_all(tiny, "Home: the price list")
    return tiny


def _report(project: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["i18n", "--project", str(project), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_page_edited_after_its_translation_is_stale_with_the_diff(repository: Path) -> None:
    german = _report(repository)["languages"]["de"]
    assert [(s["page"], s["translation"], s["reason"]) for s in german["stale"]] == [(SOURCE, GERMAN, "changed")]
    stale = german["stale"][0]
    first_commit = _git(repository, "log", "--format=%h", "--reverse").split()[0]
    assert stale["since"]["commit"] == first_commit
    assert f"+{NEW_LINE}" in stale["diff"].splitlines()
    assert stale["diff"].startswith(f"--- {SOURCE}@{first_commit}\n+++ {SOURCE}\n")


def test_coverage_untranslated_and_labels_are_exact(repository: Path) -> None:
    german = _report(repository, "--locale", "de")["languages"]
    assert list(german) == ["de"]
    entry = german["de"]
    # Originals in eu: eu-only, guide, index, secret, vault and four training modules; translated: index and 01-intro.
    assert entry["coverage"]["eu"]["pages"] == {"translated": 2, "total": 9}
    assert set(entry["coverage"]) == {"eu"}
    ui = entry["coverage"]["eu"]["ui"]
    assert ui["translated"] == ui["total"] and entry["missing_keys"] == [] and entry["extra_keys"] == []
    pages = [p["page"] for p in entry["untranslated"]]
    assert pages[0] == "content/eu-only.md" and "content/training/widget-basics/01-intro.md" not in pages
    assert len(pages) == 7


def test_untranslated_pages_come_by_priority_then_in_navigation_order(tiny: Path) -> None:
    before = [p["page"] for p in _report(tiny, "--locale", "de")["languages"]["de"]["untranslated"]]
    edit(tiny, "content/vault.md", "---\n", "---\npriority: 5\n")
    after = _report(tiny, "--locale", "de")["languages"]["de"]["untranslated"]
    assert [p["page"] for p in after] == ["content/vault.md", *(page for page in before if page != "content/vault.md")]
    assert after[0]["priority"] == 5 and after[1]["priority"] == 0
    edit(tiny, "content/vault.md", "priority: 5", "priority: high")
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and "content/vault.md:2: priority: expected a number, got 'high'" in output, output


def test_missing_and_unknown_labels_are_named(repository: Path) -> None:
    edit(repository, "locales/de.yml", "  badge: '{tier}-Partner'\n", "  badge_old: 'Partner'\n")
    entry = _report(repository)["languages"]["de"]
    assert {"file": "locales/de.yml", "key": "tier.badge"} in entry["missing_keys"]
    assert entry["extra_keys"] == [{"file": "locales/de.yml", "key": "tier.badge_old"}]
    ui = entry["coverage"]["eu"]["ui"]
    assert ui["translated"] == ui["total"] - 1


def test_stale_translation_shows_readers_a_notice_until_stamped(repository: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert run("build", "--project", str(repository), "--out", str(dist), "--region", "eu", "--tier", "gold")[0] == 0
    german = (dist / "eu/gold/1.0/de/index.html").read_text(encoding="utf-8")
    changed = _git(repository, "log", "-1", "--format=%cs").strip()
    year, month, day = (int(part) for part in changed.split("-"))
    assert 'class="pkb-stale" lang="de"' in german
    assert f"wurde am {day}. " in german and str(year) in german  # the date in German (Babel's long format)
    assert 'href=".." hreflang="en">Zum Original (Englisch)</a>' in german  # the home in English, relative
    assert "pkb-stale" not in (dist / "eu/gold/1.0/index.html").read_text(encoding="utf-8")

    code, output = run("i18n", "stamp", str(repository / SOURCE), "--project", str(repository))
    assert code == 0 and f"stamped {GERMAN}" in output, output
    assert _report(repository)["languages"]["de"]["stale"] == []
    assert run("build", "--project", str(repository), "--out", str(dist), "--region", "eu", "--tier", "gold")[0] == 0
    assert "pkb-stale" not in (dist / "eu/gold/1.0/de/index.html").read_text(encoding="utf-8")


def test_strict_and_max_stale_fail_on_stale_translations(repository: Path) -> None:
    assert run("i18n", "--project", str(repository))[0] == 0
    code, output = run("i18n", "--project", str(repository), "--strict")
    assert code == 1 and "1 stale translation(s), 0 allowed" in output, output
    assert run("i18n", "--project", str(repository), "--max-stale", "1")[0] == 0
    assert run("i18n", "--project", str(repository), "--locale", "xx")[0] == 2
    edit(repository, "content/catalog/widget.yml", "Hosted widgets for every team.", "Hosted widgets for every team, everywhere.")
    code, output = run("i18n", "--project", str(repository), "--max-stale", "1")  # a stale data text counts too
    assert code == 1 and "2 stale translation(s), 1 allowed" in output, output


def test_outside_git_a_stale_translation_has_no_date_nor_diff(tiny: Path, tmp_path: Path) -> None:
    edit(tiny, SOURCE, "Welcome to the tiny portal", "Welcome, partners, to the tiny portal")
    stale = _report(tiny)["languages"]["de"]["stale"]
    assert [(s["reason"], s["since"], s["diff"]) for s in stale] == [("changed", None, None)]
    dist = tmp_path / "dist"
    assert run("build", "--project", str(tiny), "--out", str(dist), "--region", "eu", "--tier", "gold")[0] == 0
    assert "wurde seit dieser Übersetzung geändert" in (dist / "eu/gold/1.0/de/index.html").read_text(encoding="utf-8")


def test_a_translation_never_stamped_is_stale(tiny: Path) -> None:
    path = tiny / GERMAN
    path.write_text(
        "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if "source_hash" not in line), encoding="utf-8"
    )
    stale = _report(tiny)["languages"]["de"]["stale"]
    assert [(s["translation"], s["reason"]) for s in stale] == [(GERMAN, "unstamped")]
    assert "never stamped" in run("i18n", "--project", str(tiny))[1]


def test_stamp_writes_only_the_source_hash_line() -> None:
    digest = "ab" * 32
    text = "---\n# the page's title, as partners see it\ntitle: Willkommen\nsource_hash: 00\nsummary: Start\n---\n\n# Willkommen\n"
    assert stamped(text, digest) == text.replace("source_hash: 00", f"source_hash: {digest}")
    assert stamped("---\ntitle: A\n---\nBody\n", digest) == f"---\ntitle: A\nsource_hash: {digest}\n---\nBody\n"
    assert stamped("# Plain\n", digest) == f"---\nsource_hash: {digest}\n---\n# Plain\n"
    assert body_hash("---\ntitle: A\n---\nBody\n") == body_hash("---\ntitle: B\n---\nBody\n") != body_hash("Other\n")


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (GERMAN, "not-a-hash", "source_hash: expected the sha256 of the source's body"),
        (SOURCE, "ab" * 32, "source_hash: only a translation records the revision of its source"),
    ],
)
def test_a_bad_source_hash_is_located(tiny: Path, where: str, value: str, message: str) -> None:
    path = tiny / where
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [line for line in lines if not line.startswith("source_hash:")]
    lines.insert(1, f"source_hash: {value}")
    path.write_text("\n".join(lines), encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and f"{where}:2: {message}" in output, output


def test_stamp_refuses_a_file_that_is_not_a_page(tiny: Path) -> None:
    before = (tiny / GERMAN).read_text(encoding="utf-8")
    code, output = run("i18n", "stamp", str(tiny / GERMAN), str(tiny / "locales/de.yml"), "--project", str(tiny))
    assert code == 1 and "locales/de.yml:1: not a page (of content/ or a snapshot version) nor a data file" in output, output
    assert (tiny / GERMAN).read_text(encoding="utf-8") == before


GIZMO = "content/catalog/gizmo.yml"
GIZMO_TEXT = """# A product only the tests know.
id: gizmo
line: data
name:
  en: Gizmo   # the brand name
  de: Gizmo
summary: {en: "A gizmo for every desk.", de: "Ein Gizmo für jeden Schreibtisch."}
description:
  en: |
    The gizmo.

    It sits on desks.
deployment: saas
status: ga
ga_date: 2024-01-01
regions: [eu]
skus:
  - sku: GZM-1
    name:
      en: Gizmo, 1 year
    prices: {USD: 100, EUR: 90}
"""


def _data_coverage(project: Path) -> dict[str, dict[str, int]]:
    entry = _report(project, "--locale", "de")["languages"]["de"]
    return {region: figures["data"] for region, figures in entry["coverage"].items()}


def test_data_fields_count_in_coverage_and_go_stale_when_their_source_changes(tiny: Path) -> None:
    before = _data_coverage(tiny)
    (tiny / GIZMO).write_text(GIZMO_TEXT, encoding="utf-8")
    after = _data_coverage(tiny)
    # Four texts in an eu-only product (name, summary, description, the SKU's name), two translated.
    assert after["eu"] == {"translated": before["eu"]["translated"] + 2, "total": before["eu"]["total"] + 4}
    german = _report(tiny, "--locale", "de")["languages"]["de"]
    gizmo = [(s["field"], s["line"], s["reason"]) for s in german["stale_data"] if s["file"] == GIZMO]
    assert gizmo == [("name", 5, "unstamped"), ("summary", 7, "unstamped")]

    code, output = run("i18n", "stamp", GIZMO, "--project", str(tiny))
    assert code == 0, output
    name, summary = (hashlib.sha256(text.encode()).hexdigest() for text in ("Gizmo", "A gizmo for every desk."))
    expected = GIZMO_TEXT.replace("  de: Gizmo\n", f"  de: Gizmo\n  source_hash: {{de: {name}}}\n").replace(
        'Schreibtisch."}', f'Schreibtisch.", source_hash: {{de: {summary}}}}}'
    )
    assert (tiny / GIZMO).read_text(encoding="utf-8") == expected  # only the stamps added: comments, quotes and order kept
    assert [s for s in _report(tiny, "--locale", "de")["languages"]["de"]["stale_data"] if s["file"] == GIZMO] == []
    assert run("check", "--project", str(tiny))[0] == 0

    edit(tiny, GIZMO, "A gizmo for every desk.", "A gizmo for every desk and shelf.")
    german = _report(tiny, "--locale", "de")["languages"]["de"]
    assert [(s["field"], s["reason"]) for s in german["stale_data"] if s["file"] == GIZMO] == [("summary", "changed")]


def test_a_bad_data_source_hash_is_located(tiny: Path) -> None:
    (tiny / GIZMO).write_text(
        GIZMO_TEXT.replace("  de: Gizmo\n", "  de: Gizmo\n  source_hash: {de: 1234, xx: " + "ab" * 32 + "}\n"), encoding="utf-8"
    )
    code, output = run("check", "--project", str(tiny))
    assert code == 1, output
    assert f"{GIZMO}:7: name.source_hash: expected the sha256 written by 'partnerkb i18n stamp', got 1234" in output, output
    assert f"{GIZMO}:7: name.source_hash: 'xx' is not a translated language of the program" in output, output
