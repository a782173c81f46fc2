"""`partnerkb i18n export` and `import`: PO and XLIFF files for translators, merged back in place."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from conftest import run, skip_or_fail

WIDGET = "content/catalog/widget.yml"
GERMAN = "locales/de.yml"
DESCRIPTION = f"{WIDGET}:description"
BADGE = "locales/en.yml:tier.badge"


def _export(project: Path, form: str = "po", lang: str = "de") -> bytes:
    out = project / f"export.{form}"
    code, output = run("i18n", "export", "--project", str(project), "--locale", lang, "--format", form, "--out", str(out))
    assert code == 0, output
    return out.read_bytes()


def _translated(po: bytes, translations: dict[str, str]) -> bytes:
    """The PO file with the entries of these contexts translated, as a translator's tool would save it."""
    catalog = read_po(io.BytesIO(po))
    for message in catalog:
        if message.context in translations:
            message.string = translations.pop(message.context)
            message.flags.discard("fuzzy")
    assert not translations, f"not in the export: {translations}"
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def _files(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*.yml"))}


def test_the_po_export_passes_msgfmt_check_and_names_each_source(tiny: Path) -> None:
    if shutil.which("msgfmt") is None:
        skip_or_fail("msgfmt (Debian's gettext) is not installed")
    po = _export(tiny)
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(tiny / "export.po")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    catalog = read_po(io.BytesIO(po))
    assert str(catalog.locale) == "de"
    badge = next(m for m in catalog if m.context == BADGE)
    assert (badge.id, badge.string, badge.locations, "python-brace-format" in badge.flags) == (
        "{tier} partner",
        "{tier}-Partner",
        [("locales/en.yml", 2)],
        True,
    )
    description = next(m for m in catalog if m.context == DESCRIPTION)
    assert (description.id, description.string, description.locations) == (
        "Widget Cloud measures everything your customers run.",
        "",
        [(WIDGET, 10)],
    )
    assert _export(tiny) == po  # the same inputs, the same bytes


def test_the_xliff_export_reads_in_a_real_xliff_reader(tiny: Path) -> None:
    from translate.storage import xliff  # translate-toolkit: a test dependency only

    _export(tiny, "xliff")
    store = xliff.xlifffile.parsefile(str(tiny / "export.xliff"))
    units = {unit.getid().split("\x04")[-1]: unit for unit in store.units}  # the toolkit puts the file's name before the id
    catalog = read_po(io.BytesIO(_export(tiny)))
    assert set(units) == {m.context for m in catalog if m.id}
    badge = units[BADGE]
    assert (badge.source, badge.target, badge.getlocations()) == ("{tier} partner", "{tier}-Partner", ["locales/en.yml:2"])
    assert store.gettargetlanguage() == "de" and store.getsourcelanguage() == "en"


def test_a_stale_data_translation_is_exported_for_review(tiny: Path) -> None:
    assert run("i18n", "stamp", "--project", str(tiny), WIDGET)[0] == 0
    assert not next(m for m in read_po(io.BytesIO(_export(tiny))) if m.context == f"{WIDGET}:summary").fuzzy
    text = (tiny / WIDGET).read_text(encoding="utf-8")
    (tiny / WIDGET).write_text(
        text.replace("Hosted widgets for every team.", "Hosted widgets for every team, everywhere."), encoding="utf-8"
    )
    catalog = read_po(io.BytesIO(_export(tiny)))
    summary = next(m for m in catalog if m.context == f"{WIDGET}:summary")
    assert summary.fuzzy and summary.string == "Gehostete Widgets für jedes Team."


def test_po_round_trip_writes_in_place_and_stamps(tiny: Path) -> None:
    assert run("i18n", "stamp", "--project", str(tiny), WIDGET)[0] == 0
    before = _files(tiny)
    po = _translated(
        _export(tiny),
        {
            DESCRIPTION: "Widget Cloud misst alles, was Ihre Kunden betreiben.",
            BADGE: "{tier}-Partnerunternehmen",
            f"{WIDGET}:skus[1].name": "@Widget-Edition, die nach Formel aussieht",
        },
    )
    (tiny / "back.po").write_bytes(po)
    code, output = run("i18n", "import", "--project", str(tiny), str(tiny / "back.po"))
    assert code == 0, output
    assert "updated locales/de.yml: tier.badge" in output and f"added {WIDGET}: description.de" in output, output
    assert "3 translation(s) imported" in output
    after = _files(tiny)
    assert {name for name in after if after[name] != before[name]} == {WIDGET, GERMAN}
    assert after[GERMAN].decode() == before[GERMAN].decode().replace("badge: '{tier}-Partner'", "badge: '{tier}-Partnerunternehmen'")
    digest = hashlib.sha256(b"Widget Cloud measures everything your customers run.").hexdigest()
    assert f"""description:
  en: |
    Widget Cloud measures everything your customers run.
  de: Widget Cloud misst alles, was Ihre Kunden betreiben.
  source_hash: {{de: {digest}}}
deployment: saas""" in after[WIDGET].decode()
    # Imported, the translations are current, and a new export carries them.
    code, output = run("i18n", "--project", str(tiny), "--locale", "de", "--strict")
    assert "content/catalog/widget.yml" not in output, output
    catalog = read_po(io.BytesIO(_export(tiny)))
    assert next(m for m in catalog if m.context == DESCRIPTION).string == "Widget Cloud misst alles, was Ihre Kunden betreiben."
    assert run("check", "--project", str(tiny))[0] == 0


def test_xliff_round_trip(tiny: Path) -> None:
    xml = _export(tiny, "xliff").decode()
    unit = xml.index(f'id="{DESCRIPTION}"')
    source = "<source>Widget Cloud measures everything your customers run.</source>"
    at = xml.index(source, unit) + len(source)
    xml = xml[:at] + '\n        <target state="translated">Widget Cloud misst alles.</target>' + xml[at:]
    (tiny / "back.xlf").write_text(xml, encoding="utf-8")
    code, output = run("i18n", "import", "--project", str(tiny), str(tiny / "back.xlf"))
    assert code == 0 and "1 translation(s) imported" in output, output
    assert "  de: Widget Cloud misst alles.\n" in (tiny / WIDGET).read_text(encoding="utf-8")


def test_an_entry_whose_placeholders_changed_is_refused_and_nothing_is_written(tiny: Path) -> None:
    before = _files(tiny)
    po = _translated(
        _export(tiny),
        {
            DESCRIPTION: "Widget Cloud misst alles.",  # fine on its own, but not written: another entry is refused
            BADGE: "Partner der Stufe",  # {tier} dropped
        },
    )
    (tiny / "back.po").write_bytes(po)
    line = next(i for i, text in enumerate(po.decode().split("\n"), 1) if text == f'msgctxt "{BADGE}"') + 1  # its msgid
    code, output = run("i18n", "import", "--project", str(tiny), str(tiny / "back.po"))
    assert code == 1, output
    assert (
        f"back.po:{line}: '{BADGE}' (locales/en.yml:2): the translation must keep the source's placeholders, links and code: dropped {{tier}}"
        in output
    ), output
    assert _files(tiny) == before


def test_a_changed_link_target_or_code_is_refused(tiny: Path) -> None:
    text = (tiny / WIDGET).read_text(encoding="utf-8")
    source = "Widget Cloud measures everything your customers run."
    (tiny / WIDGET).write_text(text.replace(source, "Read [the guide](../guide.md) and run `widget init`."), encoding="utf-8")
    po = _translated(_export(tiny), {DESCRIPTION: "Lesen Sie [die Anleitung](../anleitung.md) und führen Sie `widget start` aus."})
    (tiny / "back.po").write_bytes(po)
    code, output = run("i18n", "import", "--project", str(tiny), str(tiny / "back.po"))
    assert code == 1 and "dropped ](../guide.md), `widget init`; added ](../anleitung.md), `widget start`" in output, output


def test_an_unknown_entry_is_refused(tiny: Path) -> None:
    po = _export(tiny).decode().replace(f'msgctxt "{BADGE}"', 'msgctxt "locales/en.yml:tier.gone"')
    (tiny / "back.po").write_text(po, encoding="utf-8")
    code, output = run("i18n", "import", "--project", str(tiny), str(tiny / "back.po"))
    assert code == 1 and "'locales/en.yml:tier.gone': no such label or data text in the portal" in output, output
