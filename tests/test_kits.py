"""Partner kits: layout and ownership, co-branded HTML and PDF, the dashboard, safety, data residency."""

from __future__ import annotations

import datetime
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.numbers import format_compact_currency

from builder.core.problems import Report
from builder.load.project import load_project
from conftest import REPO, edit, golden, run

pytestmark = pytest.mark.slow

MOMENT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def test_kits_are_private_folders_in_their_region_with_owners_in_the_manifest(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    kit = dist / "na/partners/northwind"
    assert sorted(p.name for p in kit.iterdir()) == ["dashboard.html", "index.html", "logo.svg", "one-pager.html", "one-pager.pdf"]
    assert not (dist / "eu/partners/northwind").exists() and not (dist / "na/partners/rheinwerk").exists()
    # No co-branding rights: a kit with the dashboard and a word on why there is nothing to download.
    assert sorted(p.name for p in (dist / "eu/partners/kleinsoft").iterdir()) == ["dashboard.html", "index.html", "logo.svg"]
    assert "does not include co-branding" in (dist / "eu/partners/kleinsoft/index.html").read_text(encoding="utf-8")
    manifest = json.loads((dist / "na/manifest.json").read_text(encoding="utf-8"))
    owned = {f["path"]: f.get("partner") for f in manifest["files"] if f["path"].startswith("partners/")}
    assert owned == {
        f"partners/northwind/{name}": "northwind"
        for name in ("dashboard.html", "index.html", "logo.svg", "one-pager.html", "one-pager.pdf")
    }
    assert all("partner" not in f for f in manifest["files"] if not f["path"].startswith("partners/"))


def test_co_branded_one_pager_golden(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    golden("kits/rheinwerk-one-pager.html", (dist / "eu/partners/rheinwerk/one-pager.html").read_text(encoding="utf-8"))


def test_pdf_opens_with_the_partners_name_and_language(tiny_built: tuple[Path, Path]) -> None:
    import pypdf

    _, dist = tiny_built
    reader = pypdf.PdfReader(dist / "eu/partners/rheinwerk/one-pager.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Rheinwerk Kanarien GmbH" in text and "Jede Anfrage im Blick" in text
    assert reader.metadata.creation_date == MOMENT  # the build's time, not the clock


def test_japanese_pdf_embeds_fonts_that_cover_it() -> None:
    """An example partner whose language is Japanese gets a PDF whose Japanese text can be extracted."""
    import pypdf

    from builder.features.kits import kit_files

    project = load_project(REPO, Report(), MOMENT)
    partner = next(p for p in project.partners if p.language == "ja" and p.co_branding)
    files = dict(kit_files(partner, project.collateral, project.program, project.locales["ja"], {}, MOMENT))
    pdf = next(data for name, data in files.items() if name.endswith(".pdf"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert partner.name in text and re.search(r"[\u3040-\u30ff\u4e00-\u9fff]{4}", text), text[:300]
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].get_object().values()}
    assert any("CJK" in font for font in fonts), fonts


def test_dashboard_shows_the_next_tier_the_chart_and_the_manager(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    page = (dist / "na/partners/northwind/dashboard.html").read_text(encoding="utf-8")
    assert "What Gold requires, and where you stand:" in page
    assert "Certified Widget Seller" in page and "1 of 2" in page and "Certified Widget Engineer" in page and "0 of 1" in page
    revenue = f"{format_compact_currency(120000, 'USD', locale='en', fraction_digits=1)} of {format_compact_currency(250000, 'USD', locale='en', fraction_digits=1)}"
    assert revenue in page and 'aria-valuenow="48"' in page  # 120,000 of 250,000
    assert "4.1 of 4.3" in page
    assert page.count("<rect ") == 4 and "2025-Q4" in page and "<script" not in page
    assert "sam.vendorly@vendor.example.com" in page


def kit_of(project_dir: Path, partner_id: str) -> dict[str, bytes]:
    from builder.features.kits import kit_files

    project = load_project(project_dir, Report(), MOMENT)
    partner = next(p for p in project.partners if p.id == partner_id)
    return dict(kit_files(partner, project.collateral, project.program, project.locales[partner.language], {}, MOMENT, pdf=False))


def test_partner_strings_are_data_not_markup(tiny: Path) -> None:
    path = tiny / "partners/northwind.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: Northwind Canary Systems", "name: <img src=x onerror=alert(1)>"), encoding="utf-8"
    )
    for name, data in kit_of(tiny, "northwind").items():
        if name.endswith(".html"):
            text = data.decode("utf-8")
            assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text, name


SVG = "partners/northwind/logo.svg"
BAD = {
    "javascript: website": (
        "partners/northwind.yml",
        "website: https://northwind-canary.example.com",
        "website: javascript:alert(1)",
        "partners/northwind.yml:8: website: expected an http(s) URL, got 'javascript:alert(1)'",
    ),
    "data: website": (
        "partners/northwind.yml",
        "website: https://northwind-canary.example.com",
        "website: 'data:text/html,<b>x</b>'",
        "partners/northwind.yml:8: website: expected an http(s) URL, got 'data:text/html,<b>x</b>'",
    ),
    "bad e-mail": (
        "partners/northwind.yml",
        "email: ada.canaryfield@",
        "email: ada.canaryfield-at-",
        "partners/northwind.yml:13: contacts[0].email: expected an e-mail address, got 'ada.canaryfield-at-northwind-canary.example.com'",
    ),
    "unknown tier": (
        "partners/northwind.yml",
        "tier: silver",
        "tier: silverr",
        "partners/northwind.yml:5: tier: unknown tier 'silverr' (did you mean 'silver'?)",
    ),
    "language the region does not build": (
        "partners/northwind.yml",
        "language: en",
        "language: de",
        "partners/northwind.yml:7: language: unknown language 'de' (expected one of: en)",
    ),
    "bad colour": (
        "partners/northwind.yml",
        '"#1a4d8f"',
        '"blue; background: url(x)"',
        "partners/northwind.yml:10: colors.primary: expected a colour such as '#1a4d8f', got 'blue; background: url(x)'",
    ),
    "svg with a script": (
        SVG,
        "<rect",
        "<script>alert(1)</script><rect",
        "partners/northwind/logo.svg:1: an SVG logo must not contain <script>",
    ),
    "svg with an event handler": (
        SVG,
        "<rect",
        '<rect onclick="alert(1)"/><rect',
        "partners/northwind/logo.svg:1: an SVG logo must not have event handlers (onclick on <rect>)",
    ),
    "svg with an external reference": (
        SVG,
        "<rect",
        '<image href="https://evil.example.com/x.png"/><rect',
        'partners/northwind/logo.svg:1: an SVG logo must not refer to other files or URLs (href="https://evil.example.com/x.png" on <image>)',
    ),
    "svg with foreignObject": (
        SVG,
        "<rect",
        "<foreignObject><div>x</div></foreignObject><rect",
        "partners/northwind/logo.svg:1: an SVG logo must not contain <foreignObject>",
    ),
    "svg with entities": (
        SVG,
        "<svg",
        '<!DOCTYPE svg [<!ENTITY x "y">]>\n<svg',
        "partners/northwind/logo.svg:1: an SVG logo must not declare a DOCTYPE or entities",
    ),
    "svg animation rewriting a link": (
        SVG,
        "<rect",
        '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a><rect',
        "partners/northwind/logo.svg:1: an SVG logo must not contain <set>",
    ),
    "svg style sheet instruction": (
        SVG,
        "<svg",
        '<?xml-stylesheet href="https://evil.example.com/x.css"?>\n<svg',
        "partners/northwind/logo.svg:1: an SVG logo must not load a style sheet",
    ),
    "svg style importing": (
        SVG,
        "<rect",
        "<style><desc/>@import url(https://evil.example.com/x.css);</style><rect",
        "partners/northwind/logo.svg:1: an SVG logo's styles must not load anything",
    ),
    "svg css escape": (
        SVG,
        "<rect",
        '<rect style="fill:u\\72l(https://evil.example.com/p)"/><rect',
        "partners/northwind/logo.svg:1: an SVG logo must not load anything (style on <rect>)",
    ),
    "not a finite metric": (
        "partners/northwind.yml",
        "sourced_revenue: 120000",
        "sourced_revenue: .nan",
        "partners/northwind.yml:16: metrics.sourced_revenue: expected a number of zero or more, got nan",
    ),
    "template failing at run time": (
        "content/collateral/one-pager/template.html",
        "<h1>{{ text.headline }}</h1>",
        "<h1>{{ text.headline }}{{ 1 // 0 }}</h1>",
        "content/collateral/one-pager/template.html:14: template (en): ZeroDivisionError: integer division or modulo by zero",
    ),
    "sandbox escape in a template": (
        "content/collateral/one-pager/template.html",
        "<h1>{{ text.headline }}</h1>",
        "<h1>{{ text.__class__.__mro__[1].__subclasses__() }}</h1>",
        "content/collateral/one-pager/template.html:14: template (en): not allowed in the sandbox: access to attribute '__class__' of 'dict' object is unsafe.",
    ),
    "template reading outside its folder": (
        "content/collateral/one-pager/template.html",
        "<h1>",
        "{% include '../../../partners/northwind.yml' %}<h1>",
        "content/collateral/one-pager/template.html:1: template (en): '../../../partners/northwind.yml' is not a file of this collateral's folder (a template reads its own folder only)",
    ),
    "template syntax error": (
        "content/collateral/one-pager/template.html",
        "<h1>{{ text.headline }}</h1>",
        "<h1>{{ text.headline </h1>",
        "content/collateral/one-pager/template.html:14: template (en): unexpected '/'",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_unsafe_partner_data_and_templates_are_refused(tiny: Path, name: str) -> None:
    relative, old, new, expected = BAD[name]
    edit(tiny, relative, old, new)
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and expected in output.splitlines(), output
    assert "Traceback" not in output


def test_a_template_that_fails_for_one_real_partner_is_found_by_check(tiny: Path) -> None:
    edit(tiny, "content/collateral/one-pager/template.html", "<h1>{{ text.headline }}</h1>", "<h1>{{ partner.contacts[0].name }}</h1>")
    path = tiny / "partners/northwind.yml"
    text = path.read_text(encoding="utf-8")
    contact = next(line for line in text.splitlines() if "Ada Canaryfield" in line)
    path.write_text(text.replace("contacts:\n" + contact, "contacts: []"), encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    expected = "content/collateral/one-pager/template.html:14: template, with partner 'northwind' (partners/northwind.yml): UndefinedError: list object has no element 0"
    assert code == 1 and expected in output.splitlines(), output


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"\xff\xd8\xff\xe0 not a png", "partners/rheinwerk/logo.png:1: the logo is named as PNG but its content is JPEG"),
        (b"<svg></svg>", "partners/rheinwerk/logo.png:1: the logo is named as PNG but its content is not an image"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x27\x10\x00\x00\x00\x10",
            "partners/rheinwerk/logo.png:1: the logo is 10000×16 pixels; at most 4096 on each side",
        ),
    ],
)
def test_raster_logos_are_what_they_claim_and_bounded(tiny: Path, content: bytes, expected: str) -> None:
    (tiny / "partners/rheinwerk/logo.png").write_bytes(content)
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and expected in output.splitlines(), output


def test_partner_data_leaks_are_caught(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    project, dist = tiny_built
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    kit = out / "eu/partners/rheinwerk/index.html"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("</main>", "<p>ada.canaryfield@northwind-canary.example.com</p></main>"), encoding="utf-8"
    )
    page = out / "eu/gold/1.0/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>Call Greta Kanarienvogel</p></article>"), encoding="utf-8")
    shutil.copytree(out / "eu/partners/kleinsoft", out / "na/partners/kleinsoft")
    code, output = run("audit", str(out), "--project", str(project))
    assert code == 1
    lines = output.splitlines()
    assert any(
        "eu/partners/rheinwerk/index.html:1: leak: data of partner 'northwind' in the kit of 'rheinwerk'" in line for line in lines
    ), output
    assert any(
        "eu/gold/1.0/index.html:1: leak: text of 'partners/rheinwerk.yml' hidden from tier 'gold' of region 'eu'" in line for line in lines
    ), output
    assert any("na/partners/kleinsoft:1: leak: a kit of partner 'kleinsoft' of region 'eu' is in region 'na'" in line for line in lines), (
        output
    )


def test_partner_data_can_come_from_outside_the_repository(tiny: Path, tmp_path: Path) -> None:
    export = tmp_path / "crm-export"
    export.mkdir()
    for item in (tiny / "partners").iterdir():
        if item.name != "program.yml":
            shutil.move(str(item), export / item.name)
    edit(export.parent / "crm-export", "northwind.yml", "tier: silver", "tier: silverr")
    code, output = run("check", "--project", str(tiny), "--partners", str(export))
    assert (
        code == 1 and f"{export.as_posix()}/northwind.yml:5: tier: unknown tier 'silverr' (did you mean 'silver'?)" in output.splitlines()
    )
    edit(export.parent / "crm-export", "northwind.yml", "tier: silverr", "tier: silver")
    out = tmp_path / "dist"
    code, output = run("build", "--project", str(tiny), "--partners", str(export), "--out", str(out), "--region", "na")
    assert code == 0, output
    assert (out / "na/partners/northwind/one-pager.pdf").exists()
