"""Every kind of bad input gives its located message and exit 1, and nothing is written to dist/."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run


def write(project: Path, relative: str, text: str) -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def page(front: str, body: str = "# Title\n\nBody text.\n") -> str:
    return f"---\n{front}---\n\n{body}"


PROGRAM = (Path(__file__).parent / "fixtures/tiny/partners/program.yml").read_text(encoding="utf-8")
EU_URL = "    base_url: https://partners.example.com/eu/\n"

GERMAN = (Path(__file__).parent / "fixtures/tiny/locales/de.yml").read_text(encoding="utf-8")
MKDOCS = (Path(__file__).parent / "fixtures/tiny/mkdocs.yml").read_text(encoding="utf-8")

CASES = {
    "unknown placeholder in a label": (
        "locales/de.yml",
        GERMAN.replace("'{tier}-Partner'", "'{tierr}-Partner'"),
        "locales/de.yml:2: tier.badge: unknown placeholder {tierr} (expected: {tier})",
    ),
    "stray brace in a label": (
        "locales/de.yml",
        GERMAN.replace("'{tier}-Partner'", "'{tier-Partner'"),
        "locales/de.yml:2: tier.badge: expected '}' before end of string (write '{{' and '}}' for literal braces)",
    ),
    "nav in mkdocs.yml": (
        "mkdocs.yml",
        MKDOCS + "nav:\n  - index.md\n",
        "mkdocs.yml:13: nav: partnerkb builds each variant's navigation from content/ (a fixed nav would name gated pages to every tier); remove it",
    ),
    "bad YAML in mkdocs.yml": (
        "mkdocs.yml",
        MKDOCS.replace("  name: material", "  name: [material"),
        "mkdocs.yml:4: invalid YAML: expected ',' or ']', but got ':'",
    ),
    "page with another Markdown suffix": (
        "content/notes.markdown",
        page("title: Notes\ntier: gold\n"),
        "content/notes.markdown:1: Markdown pages end in '.md': rename to 'notes.md'",
    ),
    "gate look-alike": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\n/// Tier | gold\nGold only.\n///\n"),
        "content/bad.md:7: '/// Tier' is not a gate; write '/// tier | gold' (lower case, values after '|')",
    ),
    "empty program.yml": (
        "partners/program.yml",
        "# nothing yet\n",
        "partners/program.yml:1: the file is empty: it declares default_language, tiers, regions and versions",
    ),
    "discount outside 0-100": (
        "partners/program.yml",
        PROGRAM.replace("discount: 30", "discount: 130"),
        "partners/program.yml:8: tiers[2].discount: expected a percentage from 0 to 100, got 130",
    ),
    "region without the default language": (
        "partners/program.yml",
        PROGRAM.replace("languages: [en, de]", "languages: [de]"),
        "partners/program.yml:21: regions.eu.languages: must start with the default language 'en'",
    ),
    "unsafe base_url": (
        "partners/program.yml",
        PROGRAM.replace("base_url: https://partners.example.com/eu/", "base_url: javascript:alert(1)"),
        "partners/program.yml:25: regions.eu.base_url: expected an http(s) URL, got 'javascript:alert(1)'",
    ),
    "front matter of the wrong type": (
        "content/bad.md",
        page("title: Bad\nregions: eu\n"),
        "content/bad.md:3: regions: expected a list, got 'eu'",
    ),
    "front matter not YAML": (
        "content/bad.md",
        page("title: Bad\nsummary: [unclosed\n"),
        "content/bad.md:3: invalid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    "unknown tier": (
        "content/bad.md",
        page("title: Bad\nsummary: x\ntier: golld\n"),
        "content/bad.md:4: tier: unknown tier 'golld' (did you mean 'gold'?)",
    ),
    "unknown region": (
        "content/bad.md",
        page("title: Bad\nsummary: x\nregions: [eu, mars]\n"),
        "content/bad.md:4: regions: unknown region 'mars' (expected one of: na, eu)",
    ),
    "unclosed tier block": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\nText.\n\n/// tier | gold\nGold only.\n"),
        "content/bad.md:9: '/// tier' block is never closed (add a line '///')",
    ),
    "tier block without tier": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\n/// tier\nGold only.\n///\n"),
        "content/bad.md:7: '/// tier' needs a value: '/// tier | gold'",
    ),
    "unknown tier in a block": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\n- item\n\n    /// tier | platinium\n    text\n    ///\n"),
        "content/bad.md:9: /// tier: unknown tier 'platinium' (expected one of: registered, silver, gold)",
    ),
    "duplicate keys in program.yml": (
        "partners/program.yml",
        (Path(__file__).parent / "fixtures/tiny/partners/program.yml")
        .read_text()
        .replace("default_language: en\n", "default_language: en\ndefault_language: de\n"),
        "partners/program.yml:2: duplicate key 'default_language'",
    ),
    "tabs in YAML": (
        "partners/program.yml",
        PROGRAM.replace("  - id: silver", "\t- id: silver"),
        "partners/program.yml:5: invalid YAML: found character '\\t' that cannot start any token (YAML does not allow tabs for indentation; use spaces)",
    ),
    "python tag": (
        "content/bad.md",
        page("title: !!python/object/apply:os.system ['true']\n"),
        "content/bad.md:2: invalid YAML: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system' (only plain YAML is allowed here: no Python or custom tags)",
    ),
    "two pages with the same URL": (
        "content/guide/index.md",
        page("title: Guide again\n"),
        "content/guide.md:1: 'content/guide.md' and 'content/guide/index.md' would both be published at '/guide/'",
    ),
    "link from silver to a gold page without teaser": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\nSee the [vault](vault.md).\n"),
        "content/bad.md:7: link to 'content/vault.md', which needs tier 'gold' and has no teaser; the eu/registered, eu/silver, na/registered, na/silver build would have a broken link (gate the link, or give the target 'teaser: true')",
    ),
    "link to a missing page": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\nSee [nothing](nothing.md).\n"),
        "content/bad.md:7: link to 'content/nothing.md', which does not exist",
    ),
    "translation declaring another tier": (
        "content/guide.de.md",
        page("title: Leitfaden\ntier: gold\n"),
        "content/guide.de.md:3: tier: a translation inherits 'tier' from 'content/guide.md'; remove it here or make it equal",
    ),
    "a serving URL nginx would read a variable in": (
        "partners/program.yml",
        PROGRAM.replace(EU_URL, f"{EU_URL}    serving:\n      auth_url: http://127.0.0.1:4180/$host\n"),
        "partners/program.yml:27: regions.eu.serving.auth_url: expected an http(s) URL of letters, digits and - . _ ~ : / ? & = % +, "
        "got 'http://127.0.0.1:4180/$host'",
    ),
    "a sign-in timeout out of range": (
        "partners/program.yml",
        PROGRAM.replace(EU_URL, f"{EU_URL}    serving:\n      auth_timeout: 0\n"),
        "partners/program.yml:27: regions.eu.serving.auth_timeout: expected 1 to 60 seconds, got 0",
    ),
    "a version alias named like the kit's URL": (
        "partners/program.yml",
        PROGRAM.replace("aliases: [latest]", "aliases: [kit]"),
        "partners/program.yml:30: versions[0].aliases: 'kit' is the portal's own name (its URLs: kit, api); choose another",
    ),
    "a tier id that is no folder name": (
        "partners/program.yml",
        PROGRAM.replace("  - id: silver", "  - id: silver tier"),
        "partners/program.yml:5: tiers[1].id: 'silver tier': expected letters, digits, '.', '_' or '-'",
    ),
    "stray closing fence": (
        "content/bad.md",
        page("title: Bad\n", "# Bad\n\n///\n"),
        "content/bad.md:7: '///' closes no open block",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_located_and_fails(tiny: Path, tmp_path: Path, name: str) -> None:
    relative, text, expected = CASES[name]
    write(tiny, relative, text)
    code, output = run("check", "--project", str(tiny))
    assert code == 1, output
    assert expected in output.splitlines(), output
    assert "Traceback" not in output
    dist = tmp_path / "dist"
    code, output = run("build", "--project", str(tiny), "--out", str(dist))
    assert code == 1 and expected in output.splitlines()
    assert not dist.exists()
    assert not list(tmp_path.glob(".dist*")), "a staging folder was left behind"


def test_every_problem_of_a_run_is_reported(tiny: Path) -> None:
    write(tiny, "content/a.md", page("title: A\ntier: golld\n"))
    write(tiny, "content/b.md", page("title: B\nregions: [mars]\n"))
    write(tiny, "content/c.md", page("title: C\n", "# C\n\n/// tier | gold\n"))
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    assert [line.split(":")[0] for line in output.splitlines() if line.startswith("content/")] == [
        "content/a.md",
        "content/b.md",
        "content/c.md",
    ]


def test_an_item_is_refused_for_an_error_the_report_already_holds() -> None:
    from builder.core.problems import Report, Scope

    report = Report()
    report.error("content/catalog/a.yml", 3, "unknown-tier", "tier: unknown tier 'golld'")
    item = Scope(report)
    item.warn("content/catalog/a.yml", 4, "unknown-key", "unknown key 'x'")
    assert not item.failed
    item.error("content/catalog/a.yml", 3, "unknown-tier", "tier: unknown tier 'golld'")  # kept once, yet it counts
    assert item.failed and len(report.problems) == 2
    nested = Scope(item)
    nested.error("content/catalog/a.yml", 5, "price", "a price")
    assert nested.failed and item.failed and len(report.problems) == 3


def test_missing_locale_key_is_a_warning_and_an_error_under_strict(tiny: Path) -> None:
    german = tiny / "locales/de.yml"
    german.write_text(german.read_text(encoding="utf-8").replace("  badge: '{tier}-Partner'\n", ""), encoding="utf-8")
    expected = "locales/de.yml:1: warning: missing label 'tier.badge'; 'locales/en.yml' is used instead"
    code, output = run("check", "--project", str(tiny))
    assert code == 0 and expected in output.splitlines(), output
    code, output = run("check", "--strict", "--project", str(tiny))
    assert code == 1 and expected in output.splitlines()


def test_unknown_front_matter_key_is_a_warning_with_a_hint(tiny: Path) -> None:
    write(tiny, "content/bad.md", page("title: Bad\nsumary: typo\n"))
    code, output = run("check", "--project", str(tiny))
    assert code == 0
    assert "content/bad.md:3: warning: unknown key 'sumary' (did you mean 'summary'?)" in output.splitlines()


def test_check_json_lists_problems(tiny: Path) -> None:
    import json

    write(tiny, "content/bad.md", page("title: Bad\ntier: golld\n"))
    code, output = run("check", "--format", "json", "--project", str(tiny))
    assert code == 1
    assert json.loads(output) == [
        {
            "file": "content/bad.md",
            "line": 3,
            "severity": "error",
            "code": "unknown-tier",
            "message": "tier: unknown tier 'golld' (did you mean 'gold'?)",
        }
    ]


def test_non_utf8_page_names_the_line_of_the_bad_byte(tiny: Path) -> None:
    (tiny / "content/latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    assert "content/latin1.md:2: not UTF-8 text: byte 0xe9 cannot be decoded (save the file as UTF-8)" in output.splitlines()


def test_byte_order_mark_does_not_hide_front_matter(tiny: Path) -> None:
    from builder.core.problems import Report
    from builder.load.project import load_project

    (tiny / "content/bom.md").write_bytes("\ufeff---\ntitle: BOM\ntier: gold\n---\n\n# BOM\n".encode())
    project = load_project(tiny, Report())
    assert next(p for p in project.content(project.program.versions[0]).pages if p.path == "bom.md").min_tier.id == "gold"


def test_strict_build_with_a_missing_label_writes_nothing(tiny: Path, tmp_path: Path) -> None:
    german = tiny / "locales/de.yml"
    german.write_text(german.read_text(encoding="utf-8").replace("  badge: '{tier}-Partner'\n", ""), encoding="utf-8")
    code, output = run("build", "--strict", "--project", str(tiny), "--out", str(tmp_path / "dist"))
    assert code == 1 and "locales/de.yml:1: warning: missing label 'tier.badge'; 'locales/en.yml' is used instead" in output
    assert not (tmp_path / "dist").exists()


def test_unknown_mkdocs_setting_is_a_warning_at_its_line(tiny: Path) -> None:
    write(tiny, "mkdocs.yml", MKDOCS + "site_nmae: typo\n")
    code, output = run("check", "--project", str(tiny))
    assert code == 0
    assert "mkdocs.yml:13: warning: Config value 'site_nmae': Unrecognised configuration name: site_nmae" in output.splitlines()
    code, _ = run("check", "--strict", "--project", str(tiny))
    assert code == 1
