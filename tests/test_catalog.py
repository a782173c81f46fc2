"""The product catalog: prices by Babel per language and tier, gating, price lists, located errors."""

from __future__ import annotations

import csv
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import format_currency

from conftest import golden, run

pytestmark = pytest.mark.slow


def text_of(page: Path) -> str:
    import html

    match = re.search(r"<article[^>]*>(.*?)</article>", page.read_text(encoding="utf-8"), re.S)
    assert match, page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.mark.parametrize("tier,discount", [("silver", 20), ("gold", 30)])
@pytest.mark.parametrize("lang,folder", [("en", ""), ("de", "de/")])
def test_product_page_prices_in_the_readers_language_at_its_tier(
    tiny_built: tuple[Path, Path], tier: str, discount: int, lang: str, folder: str
) -> None:
    _, dist = tiny_built
    text = text_of(dist / f"eu/{tier}/1.0/{folder}catalog/widget/index.html")
    list_price = Decimal("1234.5")
    partner = (list_price * (100 - discount) / 100).quantize(Decimal("0.01"))
    expected = f"WDG-STD-1Y {'Widget Cloud Standard, 1 year' if lang == 'en' else 'Widget Cloud Standard, 1 Jahr'} {format_currency(list_price, 'EUR', locale=lang)} {format_currency(partner, 'EUR', locale=lang)}"
    assert " ".join(expected.split()) in text  # Babel's no-break spaces read as spaces here


@pytest.mark.parametrize("tier", ["silver", "gold"])
@pytest.mark.parametrize("lang,folder", [("en", ""), ("de", "de/")])
def test_product_page_golden_html(tiny_built: tuple[Path, Path], tier: str, lang: str, folder: str) -> None:
    """The whole article of one product page: exact prices, names, notice and links per language and tier."""
    _, dist = tiny_built
    page = (dist / f"eu/{tier}/1.0/{folder}catalog/widget/index.html").read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*?)</article>", page, re.S)
    assert match
    golden(f"catalog/widget-eu-{tier}-{lang}.html", match.group(1).strip() + "\n")


def test_partly_translated_product_says_so(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    german = (dist / "eu/silver/1.0/de/catalog/widget/index.html").read_text(encoding="utf-8")
    english = (dist / "eu/silver/1.0/catalog/widget/index.html").read_text(encoding="utf-8")
    assert 'class="pkb-fallback"' in german and "Teile dieses Produkts liegen noch nicht auf Deutsch vor" in german
    assert 'class="pkb-fallback"' not in english


def test_gated_products_and_skus_are_absent_below_their_tier(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    silver, gold = dist / "eu/silver/1.0", dist / "eu/gold/1.0"
    assert not (silver / "catalog/gadget").exists() and (gold / "catalog/gadget/index.html").exists()
    for path in silver.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv"):
            data = path.read_text(encoding="utf-8-sig")
            assert "Gadget Secret Engine" not in data and "WDG-NFR-LAB" not in data, path
    assert "WDG-NFR-LAB" in (gold / "catalog/price-list.csv").read_text(encoding="utf-8-sig")
    # The end-of-sale product is priced with its own Gold discount (35 %), not the tier's 30 %.
    assert " ".join(format_currency(Decimal("2990.00"), "EUR", locale="en").split()) in text_of(gold / "catalog/gadget/index.html")


def test_price_list_opens_in_a_spreadsheet_and_neutralises_formulas(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    data = (dist / "na/silver/1.0/catalog/price-list.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["SKU", "Product", "Name", "Currency", "List price", "Partner price", "Discount %"],
        ["WDG-STD-1Y", "Widget Cloud", "Widget Cloud Standard, 1 year", "USD", "1234.5", "987.60", "20.0"],
        ["'=WDG-FORMULA", "Widget Cloud", "'@Widget formula-looking edition", "USD", "100", "80.00", "20.0"],
    ]
    german = list(csv.reader(io.StringIO((dist / "eu/silver/1.0/de/catalog/price-list.csv").read_text(encoding="utf-8-sig"))))
    assert german[0][0] == "Artikelnummer" and german[1][3] == "EUR"


def test_leaked_gated_product_is_caught(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    project, dist = tiny_built
    shutil.copytree(dist, tmp_path / "dist")
    shutil.copytree(tmp_path / "dist/eu/gold/1.0/catalog/gadget", tmp_path / "dist/eu/silver/1.0/catalog/gadget")
    code, output = run("audit", str(tmp_path / "dist"), "--project", str(project))
    assert code == 1 and "leak: text of 'content/catalog/gadget.yml' hidden from tier 'silver' of region 'eu'" in output


def test_leaked_bare_sku_code_is_caught(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    """An order code is short, but it alone proves a leak of a gated SKU."""
    project, dist = tiny_built
    shutil.copytree(dist, tmp_path / "dist")
    page = tmp_path / "dist/eu/silver/1.0/catalog/widget/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", "<p>Order WDG-NFR-LAB today</p></article>"), encoding="utf-8")
    code, output = run("audit", str(tmp_path / "dist"), "--project", str(project))
    assert code == 1 and "hidden from tier 'silver' of region 'eu': \"wdg nfr lab\"" in output


PRODUCT = """id: bad
line: observability
name: {en: Bad product}
summary: {en: Bad.}
deployment: saas
status: end-of-life
ga_date: 2025-01-01
end_of_sale: 2024-06-30
end_of_life: 2026-01-01
discounts: {gold: 120}
skus:
  - sku: BAD-1
    name: {en: One}
    prices: {USD: -5, EUR: 10}
  - sku: BAD-2
    name: {en: Two}
    prices: {USD: 10, EUX: 10}
  - sku: BAD-3
    name: {en: Four}
    prices: {USD: ten, EUR: 10}
  - sku: WDG-STD-1Y
    name: {en: Three}
    prices: {USD: 10}
"""


def test_bad_catalog_input_is_located(tiny: Path) -> None:
    (tiny / "content/catalog/bad.yml").write_text(PRODUCT, encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    lines = output.splitlines()
    for expected in (
        "content/catalog/bad.yml:8: end_of_sale: 2024-06-30 is before ga_date 2025-01-01",
        "content/catalog/bad.yml:10: discounts.gold: expected a percentage from 0 to 100, got 120",
        "content/catalog/bad.yml:14: skus[0].prices.USD: expected a price of zero or more, got -5",
        "content/catalog/bad.yml:17: skus[1].prices: unknown currency 'EUX' (expected an ISO 4217 code such as 'EUR')",
        "content/catalog/bad.yml:20: skus[2].prices.USD: expected a price of zero or more, got 'ten'",
        "content/catalog/bad.yml:23: skus[3].prices: no EUR price, which region 'eu' needs",
    ):
        assert expected in lines, output


def test_missing_translation_is_a_warning_and_an_error_under_strict(tiny: Path) -> None:
    product = "id: solo\nline: data\nname: {en: Solo}\nsummary: {en: Solo.}\ndeployment: saas\nstatus: beta\n"
    product += "skus:\n  - sku: SOLO-1\n    name: {en: Solo one}\n    prices: {USD: 1, EUR: 1}\n"
    (tiny / "content/catalog/solo.yml").write_text(product, encoding="utf-8")
    message = "content/catalog/solo.yml:3: warning: name: no 'de' translation; readers in de see the 'en' name"
    code, output = run("check", "--project", str(tiny))
    assert code == 0 and message in output.splitlines(), output
    code, output = run("check", "--strict", "--project", str(tiny))
    assert code == 1 and message in output.splitlines(), output


def test_bad_catalog_references_are_located(tiny: Path) -> None:
    product = (
        "id: extra\nline: data\nname: {en: Extra, de: Extra}\nsummary: {en: Extra.}\ndeployment: saas\nstatus: beta\naddons: [gizmo]\n"
    )
    product += "skus:\n  - sku: WDG-STD-1Y\n    name: {en: Dup}\n    prices: {USD: 1, EUR: 1}\n"
    (tiny / "content/catalog/extra.yml").write_text(product, encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1
    assert "content/catalog/extra.yml:7: addons: no product 'gizmo' (expected one of: extra, gadget, widget)" in output.splitlines()
    assert "content/catalog/widget.yml:18: SKU 'WDG-STD-1Y' is also defined in 'content/catalog/extra.yml'" in output.splitlines()


def test_partner_price_keeps_the_currencys_minor_unit(tiny: Path) -> None:
    from builder.core.problems import Report
    from builder.features.catalog import partner_price
    from builder.load.project import load_project

    project = load_project(tiny, Report())
    widget = next(p for p in project.catalog if p.id == "widget")
    gold = project.program.tier("gold")
    assert partner_price(widget, Decimal("1234.5"), gold, "EUR") == Decimal("864.15")
    assert str(partner_price(widget, Decimal("18000000"), gold, "JPY")) == "12600000"
