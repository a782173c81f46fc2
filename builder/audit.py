"""The no-leak promise, verified on a built output against the project's sources.

For every variant tree, the plan of that variant (the same one the build used) names the text it
must not contain and the assets it must not carry. Every output file is decoded (HTML and XML
without tags and entities, JSON string by string with its escapes, `.gz` unpacked) and searched for
that text; hidden assets are found by content hash, whatever their name. Files are read one at a
time, so memory does not grow with the size of the output.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import io
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Project, Variant
from .problems import Problem, Report, Severity
from .stage import Plan, plan_variant

_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_NON_WORD = re.compile(r"[\W_]+")
# Shorter hidden lines ("Next steps", "Vault") are too common to prove a leak; Japanese and Chinese
# say as much in fewer characters.
_MIN_PHRASE = 16
_MIN_PHRASE_CJK = 8
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CACHED_BYTES = 1 << 20


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces: what survives Markdown, HTML and JSON alike."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def _markdown_words(line: str) -> str:
    return normalize(_TAG.sub(" ", _LINK_TARGET.sub("] ", line)))


@dataclass(frozen=True)
class Phrase:
    text: str  # normalized words, single spaces
    source: str

    @property
    def pairs(self) -> list[tuple[str, str]]:
        words = self.text.split(" ")
        return list(zip(words, words[1:], strict=False))


def forbidden_phrases(plan: Plan, skip: frozenset[str] | set[str] = frozenset(), also_shown: tuple[str, ...] = ()) -> list[Phrase]:
    """Hidden lines long enough to prove a leak, minus those the variant also shows legitimately.

    `skip` names sources whose hidden text is checked elsewhere; `also_shown` is text that the output
    checked shows on purpose besides the plan's pages.

    Generated pages count as shown too: their data (a product's description) may repeat a gated page's
    title on purpose. So the generators themselves must show only what a variant may see; the tests
    of catalog and training check their output directly.
    """
    shown = " \n ".join([*(_markdown_words(line) for page in plan.pages for line in page.text.split("\n")), *map(normalize, also_shown)])
    phrases: dict[str, Phrase] = {}
    for hidden in plan.hidden:
        if hidden.source in skip:
            continue
        words = _markdown_words(hidden.text)
        too_short = not hidden.code and len(words) < (_MIN_PHRASE_CJK if _CJK.search(words) else _MIN_PHRASE)
        if too_short or not words or words in shown:
            continue
        phrases.setdefault(words, Phrase(words, hidden.source))
    return list(phrases.values())


class _PhraseIndex:
    """Phrases filed under their rarest word, so that a file is compared only with phrases it may hold.

    A candidate is then checked against the file's pairs of adjacent words (a set lookup each)
    before the full text is searched for it: most candidates fail there, cheaply.
    """

    def __init__(self, phrases: list[Phrase]) -> None:
        frequency = Counter(word for phrase in phrases for word in set(phrase.text.split(" ")))
        self.by_word: dict[str, list[tuple[Phrase, list[tuple[str, str]]]]] = {}
        for phrase in phrases:
            rarest = min(phrase.text.split(" "), key=lambda word: (frequency[word], word))
            self.by_word.setdefault(rarest, []).append((phrase, phrase.pairs))
        self.words = frozenset(self.by_word)

    def found_in(self, words: str) -> list[Phrase]:
        """The phrases that `words` (normalized text) contains."""
        tokens = words.split(" ")
        candidates = self.words.intersection(tokens)
        if not candidates:
            return []
        pairs = set(zip(tokens, tokens[1:], strict=False))
        padded = f" {words} "
        return [
            phrase
            for word in sorted(candidates)
            for phrase, phrase_pairs in self.by_word[word]
            if all(pair in pairs for pair in phrase_pairs) and f" {phrase.text} " in padded
        ]


def _decode(path: Path, data: bytes) -> str | None:
    """The readable text of any output file (whatever its name), or None for binary files."""
    if data[:2] == b"\x1f\x8b":
        try:
            return _decode(path.with_suffix(""), gzip.decompress(data))
        except (OSError, EOFError):
            return None
    if data.startswith(b"%PDF"):
        return _pdf_text(data)
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".json":
        with contextlib.suppress(ValueError):
            text = " \n ".join(_strings(json.loads(text)))
    # Both readings: without tags (words split by inline markup) and raw (comments, attributes).
    return html.unescape(_TAG.sub(" ", text)) + " \n " + html.unescape(text)


def _pdf_text(data: bytes) -> str | None:
    """The text of every page of a PDF (fonts are subset, so the raw bytes would not show it)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return " \n ".join(page.extract_text() or "" for page in reader.pages) + " \n " + str(reader.metadata or "")
    except (pypdf.errors.PdfReadError, ValueError):
        return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class _Reader:
    """Normalized text of output files, kept by content hash for files that many trees share.

    Theme scripts and styles are the same bytes in every tree; pages differ. Memory stays bounded:
    only files up to `_CACHED_BYTES` are kept.
    """

    def __init__(self) -> None:
        self.cache: dict[str, str | None] = {}

    def words(self, path: Path, data: bytes, digest: str) -> str | None:
        if digest in self.cache:
            return self.cache[digest]
        decoded = _decode(path, data)
        words = normalize(decoded) if decoded is not None else None
        if len(data) <= _CACHED_BYTES:
            self.cache[digest] = words
        return words


def audit_tree(project: Project, plan: Plan, out: Path, shown_as: Path, reader: _Reader | None = None) -> list[Problem]:
    """Check one variant tree, and the files at its tier's root; return each leak, naming file and source."""
    reader = reader or _Reader()
    content = project.content(plan.variant.version)
    hidden_hashes = {_sha256((content.folder / a).read_bytes()): a for a in plan.hidden_assets}
    index = _PhraseIndex(forbidden_phrases(plan))
    tree = out / plan.variant.id
    aliases = [tree.parent / alias for alias in plan.variant.version.aliases]
    paths = [p for folder in (tree, *aliases) for p in sorted(folder.rglob("*")) if p.is_file()]
    paths += sorted(p for p in tree.parent.iterdir() if p.is_file())
    leaks: list[Problem] = []
    reported: set[str] = set()
    for path in paths:
        data = path.read_bytes()
        digest = _sha256(data)
        label = (shown_as / path.relative_to(out)).as_posix()
        if digest in hidden_hashes:
            message = f"leak: 'content/{hidden_hashes[digest]}' is used only by content hidden from {_who(plan.variant)}"
            leaks.append(Problem(label, 1, Severity.ERROR, "leak-asset", message))
        words = reader.words(path, data, digest) if index.words else None
        for phrase in index.found_in(words) if words else []:
            if phrase.text not in reported:  # once, in the first file that has it
                reported.add(phrase.text)
                message = f"leak: text of '{phrase.source}' hidden from {_who(plan.variant)}: \"{phrase.text[:80]}\""
                leaks.append(Problem(label, 1, Severity.ERROR, "leak-text", message))
    return leaks


def _who(variant: Variant) -> str:
    return f"tier '{variant.tier.id}' of region '{variant.region.id}'"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_kits(project: Project, out: Path, shown_as: Path, regions: list[str], plans: Mapping[str, Plan] | None = None) -> list[Problem]:
    """Each partner kit under `<region>/partners/` is in its partner's region, holds no other partner's data,
    and, like a tier tree, no content hidden from its partner's tier (the plans, by variant id, when
    they are made already)."""
    owners: dict[str, set[str]] = {}
    for partner in project.partners:
        for text in partner.identity():
            owners.setdefault(normalize(text), set()).add(partner.id)
    index = _PhraseIndex([Phrase(text, "") for text in owners if text])
    known = {p.id: p for p in project.partners}
    partner_sources = {p.source for p in project.partners}
    # A dashboard names the certifications the next tiers require, whoever may take their paths.
    paths = project.content(project.program.versions[0]).training.paths
    required = {path_id for tier in project.program.tiers for path_id, _ in tier.certified}
    certifications = tuple(name for path in paths if path.id in required for name in path.certifications.values())
    tier_indexes: dict[str, _PhraseIndex] = {}
    problems: list[Problem] = []
    reader = _Reader()
    for region in regions:
        folder = out / region / "partners"
        for kit in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
            label = (shown_as / kit.relative_to(out)).as_posix()
            owner = known.get(kit.name)
            if owner is None or owner.region.id != region:
                why = f"of partner '{owner.id}' of region '{owner.region.id}'" if owner else f"of no partner ('{kit.name}')"
                problems.append(Problem(label, 1, Severity.ERROR, "leak-kit", f"leak: a kit {why} is in region '{region}'"))
                continue
            variant = Variant(owner.region, owner.tier, project.program.versions[0])
            if variant.id not in tier_indexes:
                plan = plans[variant.id] if plans and variant.id in plans else plan_variant(project, variant)
                tier_indexes[variant.id] = _PhraseIndex(forbidden_phrases(plan, partner_sources, certifications))
            problems += _kit_leaks(kit, out, shown_as, owner.id, owners, index, reader)
            problems += _kit_tier_leaks(kit, out, shown_as, variant, tier_indexes[variant.id], reader)
    return problems


def _kit_leaks(
    kit: Path, out: Path, shown_as: Path, owner: str, owners: dict[str, set[str]], index: _PhraseIndex, reader: _Reader
) -> list[Problem]:
    leaks = []
    for path, words in _file_words(kit, reader):
        for phrase in index.found_in(words):
            if owner not in owners[phrase.text]:
                others = ", ".join(sorted(owners[phrase.text]))
                message = f"leak: data of partner '{others}' in the kit of '{owner}': \"{phrase.text[:80]}\""
                leaks.append(Problem((shown_as / path.relative_to(out)).as_posix(), 1, Severity.ERROR, "leak-partner", message))
    return leaks


def _file_words(folder: Path, reader: _Reader) -> Iterator[tuple[Path, str]]:
    """Each readable file below `folder` with its normalized words (decoded once, whoever asks)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        words = reader.words(path, data, _sha256(data))
        if words:
            yield path, words


def _kit_tier_leaks(kit: Path, out: Path, shown_as: Path, variant: Variant, index: _PhraseIndex, reader: _Reader) -> list[Problem]:
    leaks = []
    for path, words in _file_words(kit, reader):
        for phrase in index.found_in(words):
            message = f"leak: text of '{phrase.source}' hidden from {_who(variant)}, in a kit of that tier: \"{phrase.text[:80]}\""
            leaks.append(Problem((shown_as / path.relative_to(out)).as_posix(), 1, Severity.ERROR, "leak-text", message))
    return leaks


def audit_output(project: Project, out: Path, shown_as: Path, report: Report) -> int:
    """Audit every variant tree and every partner kit found under `out`; return the number of trees and kits."""
    plans = [plan_variant(project, v) for v in project.program.variants() if (out / v.id).is_dir()]
    reader = _Reader()
    for plan in plans:
        report.extend(audit_tree(project, plan, out, shown_as, reader))
    regions = sorted(p.parent.name for p in out.glob("*/partners") if p.is_dir())
    report.extend(audit_kits(project, out, shown_as, regions))
    return len(plans) + sum(1 for region in regions for kit in (out / region / "partners").iterdir() if kit.is_dir())
