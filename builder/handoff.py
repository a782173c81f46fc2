"""`partnerkb i18n export` and `import`: the portal's UI labels and data texts handed to translators and back.

An export is a gettext PO file (read and written with Babel) or an XLIFF 1.2 file, one entry per
text: its context names where the text lives (`locales/en.yml:tier.badge`,
`content/catalog/x.yml:skus[0].name`), its location the file and line of the source. A stale
translation goes out marked for review (`#, fuzzy`; XLIFF `needs-review-translation`). An import
writes each translated entry into the language's locale file or the data file, in place (comments
and order kept), and stamps the data texts whose source it translated. It refuses an entry whose
placeholders (`{name}`, a Markdown link's target, inline code, an autolink) were dropped or altered,
and writes nothing when it refuses anything. Pages are not exported: translators edit `page.<lang>.md`.
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from .core.problems import Report
from .core.schema import STAMP_KEY
from .core.yamledit import EditError, KeyPath, Value, dotted, set_value
from .features.data_texts import DataText, data_texts, ordered_stamps, text_hash
from .features.project import Project
from .features.translations import State
from .load.locales import read_labels, required_labels
from .load.sources import source_epoch

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
FORMATS = ("po", "xliff")
EXPORT_NAME = "partner-portal"  # the project an export names: not the checkout's folder, which differs between clones


@dataclass(frozen=True)
class Entry:
    """One text to translate: where it lives, its source text and the translation there is."""

    context: str
    source: str
    target: str
    file: str
    line: int
    fuzzy: bool = False  # the translation there is stale: to review
    braces: bool = False  # a label with `{placeholders}` the builder fills in

    @property
    def label(self) -> str | None:
        """The locale key of a UI label; None for a data text."""
        file, _, key = self.context.partition(":")
        return key if file.startswith("locales/") else None


def entries(project: Project, lang: str, texts: list[DataText]) -> list[Entry]:
    """What an export of `lang` holds: every UI label of the default language, then every data text
    of `texts` (the project's, from `data_texts`)."""
    program = project.program
    default = program.default_language
    labels = read_labels(project.root, default, Report())  # the default's problems are check's to report
    placeholders = required_labels(program)
    own = project.locales[lang].own
    found = [
        Entry(
            f"{labels.path}:{key}",
            text,
            project.locales[lang].strings[key] if key in own else "",
            labels.path,
            labels.lines[key],
            False,
            bool(placeholders.get(key)),
        )
        for key, text in labels.strings.items()
        if text  # an empty msgid is a PO file's header
    ]
    for field in texts:
        if not field.texts.get(default):
            continue
        state = field.state(lang)
        found.append(
            Entry(
                field.where,
                field.texts[default],
                field.texts.get(lang, ""),
                field.file,
                field.line,
                state in (State.CHANGED, State.UNSTAMPED),
            )
        )
    return found


def export(project: Project, lang: str, form: str) -> bytes:
    """The export of `lang` as a PO or XLIFF file; the same inputs give the same bytes."""
    program = project.program
    found = entries(project, lang, data_texts(project.root, program.languages, program.default_language))
    return _po(project, lang, found) if form == "po" else _xliff(project, lang, found)


def _po(project: Project, lang: str, found: list[Entry]) -> bytes:
    # Not the clock: an export of the same inputs is the same file.
    moment = datetime.datetime.fromtimestamp(source_epoch(project.root, project.program.versions[0]), datetime.UTC)
    catalog = Catalog(locale=lang, project=EXPORT_NAME, creation_date=moment, revision_date=moment, fuzzy=False)
    for entry in found:
        flags = [flag for flag, on in (("fuzzy", entry.fuzzy and entry.target), ("python-brace-format", entry.braces)) if on]
        message = catalog.add(entry.source, entry.target, locations=[(entry.file, entry.line)], flags=flags, context=entry.context)
        message.flags.discard("python-format")  # Babel's guess from a "%" in the text: no text here is %-formatted
    out = io.BytesIO()
    write_po(out, catalog, width=0)
    return out.getvalue()


def _xliff(project: Project, lang: str, found: list[Entry]) -> bytes:
    ET.register_namespace("", XLIFF)
    root = ET.Element(f"{{{XLIFF}}}xliff", version="1.2")
    file = ET.SubElement(
        root,
        f"{{{XLIFF}}}file",
        original=EXPORT_NAME,
        datatype="plaintext",
        attrib={"source-language": project.program.default_language, "target-language": lang},
    )
    body = ET.SubElement(file, f"{{{XLIFF}}}body")
    for entry in found:
        unit = ET.SubElement(body, f"{{{XLIFF}}}trans-unit", id=entry.context, resname=entry.context)
        unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        ET.SubElement(unit, f"{{{XLIFF}}}source").text = entry.source
        if entry.target:
            state = "needs-review-translation" if entry.fuzzy else "translated"
            ET.SubElement(unit, f"{{{XLIFF}}}target", state=state).text = entry.target
        group = ET.SubElement(unit, f"{{{XLIFF}}}context-group", purpose="location")
        ET.SubElement(group, f"{{{XLIFF}}}context", attrib={"context-type": "sourcefile"}).text = entry.file
        ET.SubElement(group, f"{{{XLIFF}}}context", attrib={"context-type": "linenumber"}).text = str(entry.line)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8")) + b"\n"


@dataclass(frozen=True)
class Translated:
    """An entry of a file a translator sends back."""

    context: str
    source: str
    target: str
    line: int  # in that file
    reviewed: bool  # not fuzzy / needs review


def read_translations(path: Path, shown: str, report: Report) -> tuple[str, list[Translated]] | None:
    """The language and entries of a PO or XLIFF file; None (reported) when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(shown, 1, "import-unreadable", f"cannot read the file: {exc.strerror}")
        return None
    if path.suffix == ".po":
        return _read_po(data, shown, report)
    if path.suffix in (".xlf", ".xliff"):
        return _read_xliff(data, shown, report)
    report.error(shown, 1, "import-format", "expected a .po, .xlf or .xliff file")
    return None


def _read_po(data: bytes, shown: str, report: Report) -> tuple[str, list[Translated]] | None:
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        report.error(shown, line, "import-format", f"not a readable PO file: {str(exc).split(' on ')[0]}")
        return None
    if catalog.locale is None:
        report.error(shown, 1, "import-language", "the PO header names no Language")
        return None
    found = [
        Translated(message.context or "", str(message.id), str(message.string or ""), message.lineno or 1, not message.fuzzy)
        for message in catalog
        if message.id
    ]
    return str(catalog.locale), found


def _read_xliff(data: bytes, shown: str, report: Report) -> tuple[str, list[Translated]] | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        report.error(shown, exc.position[0], "import-format", f"not well-formed XML: {exc}")
        return None
    file = root.find(f"{{{XLIFF}}}file")
    if root.tag != f"{{{XLIFF}}}xliff" or file is None or not file.get("target-language"):
        report.error(shown, 1, "import-format", "expected an XLIFF 1.2 file with a target-language")
        return None
    text = data.decode("utf-8", errors="replace")
    found = []
    for unit in file.iter(f"{{{XLIFF}}}trans-unit"):
        context = unit.get("resname") or unit.get("id") or ""
        target = unit.find(f"{{{XLIFF}}}target")
        at = text.find(f'id="{escape(unit.get("id") or "", {chr(34): "&quot;"})}"')
        state = target.get("state", "translated") if target is not None else "new"
        found.append(
            Translated(
                context,
                unit.findtext(f"{{{XLIFF}}}source") or "",
                (target.text or "") if target is not None else "",
                text.count("\n", 0, at) + 1 if at >= 0 else 1,
                state in ("translated", "final", "signed-off"),
            )
        )
    return str(file.get("target-language")), found


# What a translation must keep exactly as its source has it: builder placeholders, link targets,
# inline code and autolinks.
_KEPT = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|\]\([^)\s]*\)|`[^`\n]+`|<https?://[^>\s]+>")


def kept_parts(text: str) -> Counter[str]:
    return Counter(_KEPT.findall(text))


@dataclass(frozen=True)
class Change:
    file: str
    what: str  # the label's key or the data text's place
    added: bool  # there was no translation before


def import_translations(project: Project, path: Path, shown: str, report: Report) -> list[Change] | None:
    """Merge a translated PO or XLIFF file into the locale and data files; the changes made, or None
    (reported) when anything is refused: then nothing is written."""
    read = read_translations(path, shown, report)
    if read is None:
        return None
    lang, received = read
    program = project.program
    if lang not in program.languages or lang == program.default_language:
        report.error(shown, 1, "import-language", f"'{lang}' is not a translated language of the program")
        return None
    texts = data_texts(project.root, program.languages, program.default_language)
    known = {entry.context: entry for entry in entries(project, lang, texts)}
    fields = {field.where: field for field in texts}
    edits: dict[str, str] = {}
    changes: list[Change] = []
    vouched: dict[tuple[str, KeyPath], set[KeyPath]] = {}  # the data texts of each field translated from today's source
    for item in received:
        entry = known.get(item.context)
        if entry is None:
            report.error(shown, item.line, "import-unknown", f"'{item.context}': no such label or data text in the portal")
            continue
        if not item.target.strip() or not item.reviewed or not _placeholders_kept(item, entry, shown, report):
            continue
        where, key_path = _destination(entry, fields, lang)
        if item.target.strip() != entry.target:
            _edit(project, edits, where, key_path, item.target, item.line, shown, report)
            changes.append(Change(where, entry.label or dotted(key_path), not entry.target))
        if entry.label is None:
            if item.source.strip() != entry.source:
                report.warn(
                    shown,
                    item.line,
                    "import-source-changed",
                    f"'{item.context}': its source changed since the export; imported, still stale",
                )
                continue
            field = fields[entry.context]
            vouched.setdefault((field.file, field.path), set()).add(field.suffix)
    for (file, field_path), suffixes in vouched.items():
        group = [f for f in fields.values() if f.file == file and f.path == field_path and f.texts.get(program.default_language)]
        if suffixes != {f.suffix for f in group}:
            continue  # a field whose language holds several texts is stamped once all of them are translated
        field = group[0]
        stamps = {**field.stamps, lang: text_hash(field.source)}
        if stamps != field.stamps:
            _edit(project, edits, file, (*field_path, STAMP_KEY), ordered_stamps(stamps, program.languages), 1, shown, report)
    if report.failed(strict=False):
        return None
    for file, text in sorted(edits.items()):
        (project.root / file).write_text(text, encoding="utf-8")
    return changes


def _placeholders_kept(item: Translated, entry: Entry, shown: str, report: Report) -> bool:
    wanted, given = kept_parts(entry.source), kept_parts(item.target)
    if wanted == given:
        return True
    dropped, added = sorted((wanted - given).elements()), sorted((given - wanted).elements())
    what = "; ".join(
        part for part in (f"dropped {', '.join(dropped)}" if dropped else "", f"added {', '.join(added)}" if added else "") if part
    )
    report.error(
        shown,
        item.line,
        "import-placeholder",
        f"'{item.context}' ({entry.file}:{entry.line}): the translation must keep the source's placeholders, links and code: {what}",
    )
    return False


def _destination(entry: Entry, fields: dict[str, DataText], lang: str) -> tuple[str, KeyPath]:
    """The file and place a translation is written to."""
    if entry.label is not None:
        return f"locales/{lang}.yml", tuple(entry.label.split("."))
    field = fields[entry.context]
    return field.file, field.location(lang)


def _edit(project: Project, edits: dict[str, str], file: str, path: KeyPath, value: Value, line: int, shown: str, report: Report) -> None:
    """Set one value of a file in `edits` (the files' new texts, written once nothing is refused)."""
    try:
        text = edits.get(file) or (project.root / file).read_text(encoding="utf-8")
        edits[file] = set_value(text, path, value, before=STAMP_KEY)
    except OSError as exc:
        report.error(shown, line, "import-write", f"{file}: {exc.strerror}")
    except EditError as exc:
        report.error(shown, line, "import-write", f"{file}: {exc}")
