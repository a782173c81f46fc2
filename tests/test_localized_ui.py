"""What de, vi and ja readers get is in their language: no label of locales/en.yml in the generated UI,
the right lang and dir on every page, kits and their PDFs in the partner's language, and a PDF in a
language no installed font covers refused."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from builder.features import collateral
from conftest import REPO, run, skip_or_fail

LANGUAGES = ("de", "vi", "ja")


def _labels(path: Path) -> dict[str, str]:
    def flat(data: dict, prefix: str) -> Iterator[tuple[str, str]]:  # type: ignore[type-arg]
        for key, value in data.items():
            if isinstance(value, dict):
                yield from flat(value, f"{prefix}{key}.")
            else:
                yield f"{prefix}{key}", str(value)

    return dict(flat(yaml.safe_load(path.read_text(encoding="utf-8")), ""))


def _english_only(lang: str) -> set[str]:
    """The English labels (and their fixed parts around placeholders) that the language says otherwise:
    phrases of two words or more, which no translated text uses by chance."""
    english, own = _labels(REPO / "locales/en.yml"), _labels(REPO / f"locales/{lang}.yml")
    phrases = set()
    for key, text in english.items():
        if own.get(key) == text:
            continue
        phrases.update(part.strip() for part in re.split(r"\{\w+\}", text) if len(part.split()) >= 2)
    return phrases


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _english_in(text: str, phrases: set[str]) -> list[str]:
    return sorted(p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text))


@pytest.mark.slow
def test_no_english_label_in_the_de_vi_ja_trees(example_dist: Path) -> None:
    checked = 0
    for lang in LANGUAGES:
        phrases = _english_only(lang)
        for page in sorted(example_dist.glob(f"*/gold/*/{lang}/**/*.html")):
            text = page.read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in text and re.search(r'<(html|body)\b[^>]*\bdir="ltr"', text), page
            if 'class="pkb-fallback"' in text:  # a page not yet translated: its text is the original's
                text = re.sub(r"<article\b.*?</article>", " ", text, flags=re.S)
            assert not _english_in(_visible(text), phrases), f"{page}: {_english_in(_visible(text), phrases)}"
            checked += 1
    assert checked > 500  # every page of the three languages' gold trees


@pytest.mark.slow
def test_kits_and_their_pdfs_are_in_the_partners_language(example_dist: Path) -> None:
    english_texts = {
        text
        for item in (REPO / "content/collateral").glob("*/collateral.yml")
        for text in yaml.safe_load(item.read_text(encoding="utf-8"))["texts"]["en"].values()
        if len(text.split()) >= 4 and "Arvelle" not in text  # sentences, not product names
    }
    kits = 0
    for kit in sorted(example_dist.glob("*/partners/*")):
        page = (kit / "index.html").read_text(encoding="utf-8")
        lang = re.search(r'<html lang="([^"]+)" dir="ltr"', page)
        assert lang, kit
        if lang.group(1) == "en":
            continue
        kits += 1
        for name in ("index.html", "dashboard.html"):
            text = _visible((kit / name).read_text(encoding="utf-8"))
            assert not _english_in(text, _english_only(lang.group(1))), f"{kit / name}"
        for pdf in sorted(kit.glob("*.pdf")):
            words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
            leaked = [text for text in english_texts if " ".join(text.split())[:40] in words]
            assert not leaked, f"{pdf}: {leaked[:2]}"
    assert kits >= 4  # the German, Vietnamese and Japanese partners of eu and apac


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core: Latin and Vietnamese, no Japanese


def test_a_pdf_in_a_language_no_installed_font_covers_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("fc-list") is None or not DEJAVU.is_dir():
        skip_or_fail("fc-list (fontconfig) or fonts-dejavu-core is not installed")
    # The machine as if fonts-noto-cjk were not installed: fontconfig knows DejaVu only.
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{DEJAVU}</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    collateral.font_problem.cache_clear()
    try:
        code, output = run("check", "--project", str(REPO))
    finally:
        collateral.font_problem.cache_clear()
    assert code == 1, output
    for item in ("arvelle-social-banner", "bastion-solution-brief", "beacon-one-pager"):  # the PDFs offered in ja
        source = f"content/collateral/{item}/collateral.yml"
        lines = (REPO / source).read_text(encoding="utf-8").split("\n")
        line = next(number for number, text in enumerate(lines, 1) if text.startswith("formats:"))
        assert (
            f"{source}:{line}: formats: pdf in 'ja': no installed font covers the language 'ja': "
            "its PDFs would show boxes for its letters; install fonts-noto-cjk" in output
        ), output
    assert "pdf in 'de'" not in output and "pdf in 'vi'" not in output  # DejaVu covers them


@pytest.mark.slow
def test_a_trees_404_page_is_in_its_regions_first_language(example_dist: Path) -> None:
    program = yaml.safe_load((REPO / "partners/program.yml").read_text(encoding="utf-8"))
    pages = sorted(example_dist.glob("*/gold/*/404.html"))
    assert len(pages) >= 4
    for page in pages:
        region = page.relative_to(example_dist).parts[0]
        first = program["regions"][region]["languages"][0]
        text = page.read_text(encoding="utf-8")
        assert f'<html lang="{first}"' in text, page  # not the language the last build of the tree wrote
        assert "..//" not in text, page  # the outdated banner's link, with the page's absolute base
