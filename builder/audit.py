"""The no-leak promise, verified on a built output against the project's sources.

For every variant tree, the plan of that variant (the same one the build used) names the text it
must not contain and the assets it must not carry. Every output file is decoded (HTML and XML
without tags and entities, JSON string by string with its escapes, `.gz` unpacked) and searched for
that text as runs of words; hidden assets are found by content hash, whatever their name.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Project, Variant
from .problems import Report
from .stage import Plan, plan_variant

_TAG = re.compile(r"<[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_NON_WORD = re.compile(r"[\W_]+")
# Shorter hidden lines ("Next steps", "Vault") are too common to prove a leak; Japanese and Chinese
# say as much in fewer characters.
_MIN_PHRASE = 16
_MIN_PHRASE_CJK = 8
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SHINGLE = 4  # words per run looked up in the output


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces: what survives Markdown, HTML and JSON alike."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def _markdown_words(line: str) -> str:
    return normalize(_TAG.sub(" ", _LINK_TARGET.sub("] ", line)))


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    source: str


def forbidden_phrases(plan: Plan) -> list[Phrase]:
    """Hidden lines long enough to prove a leak, minus those the variant also shows legitimately."""
    shown = " \n ".join(_markdown_words(line) for page in plan.pages for line in page.text.split("\n"))
    phrases: dict[tuple[str, ...], Phrase] = {}
    for hidden in plan.hidden:
        words = _markdown_words(hidden.text)
        if len(words) < (_MIN_PHRASE_CJK if _CJK.search(words) else _MIN_PHRASE) or words in shown:
            continue
        key = tuple(words.split(" "))
        phrases.setdefault(key, Phrase(key, hidden.source))
    return list(phrases.values())


def _decode(path: Path, data: bytes) -> str | None:
    """The readable text of any output file (whatever its name), or None for binary files."""
    if data[:2] == b"\x1f\x8b":
        try:
            return _decode(path.with_suffix(""), gzip.decompress(data))
        except (OSError, EOFError):
            return None
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


class _FileWords:
    """The words of one output file, and its runs of `_SHINGLE` words for fast lookups."""

    def __init__(self, text: str) -> None:
        self.words = f" {normalize(text)} "
        tokens = self.words.split()
        self.runs = frozenset(tuple(tokens[i : i + _SHINGLE]) for i in range(max(len(tokens) - _SHINGLE + 1, 0)))

    def contains(self, phrase: Phrase) -> bool:
        words = phrase.words
        if len(words) >= _SHINGLE and not all(words[i : i + _SHINGLE] in self.runs for i in range(0, len(words) - _SHINGLE + 1, _SHINGLE)):
            return False
        return f" {' '.join(words)} " in self.words


class _Reader:
    """Decodes output files once per content hash: trees of one build share most of their files."""

    def __init__(self) -> None:
        self.cache: dict[str, _FileWords | None] = {}

    def words(self, path: Path, data: bytes, digest: str) -> _FileWords | None:
        if digest not in self.cache:
            decoded = _decode(path, data)
            self.cache[digest] = _FileWords(decoded) if decoded is not None else None
        return self.cache[digest]


def audit_tree(project: Project, plan: Plan, out: Path, shown_as: Path, report: Report, reader: _Reader) -> None:
    """Check one variant tree, and the files at its tier's root; report each leak (file and source)."""
    hidden_hashes = {_sha256((project.root / "content" / a).read_bytes()): a for a in plan.hidden_assets}
    tree = out / plan.variant.id
    tier_root = tree.parent
    paths = sorted(p for p in tree.rglob("*") if p.is_file()) + sorted(p for p in tier_root.iterdir() if p.is_file())
    files: list[tuple[str, _FileWords]] = []
    for path in paths:
        data = path.read_bytes()
        digest = _sha256(data)
        label = (shown_as / path.relative_to(out)).as_posix()
        if digest in hidden_hashes:
            report.error(
                label, 1, "leak-asset", f"leak: 'content/{hidden_hashes[digest]}' is used only by content hidden from {_who(plan.variant)}"
            )
        words = reader.words(path, data, digest)
        if words is not None:
            files.append((label, words))
    for phrase in forbidden_phrases(plan):
        found = next((label for label, words in files if words.contains(phrase)), None)
        if found is not None:
            report.error(
                found,
                1,
                "leak-text",
                f"leak: text of '{phrase.source}' hidden from {_who(plan.variant)}: \"{' '.join(phrase.words)[:80]}\"",
            )


def _who(variant: Variant) -> str:
    return f"tier '{variant.tier.id}' of region '{variant.region.id}'"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_output(project: Project, out: Path, shown_as: Path, report: Report, plans: list[Plan] | None = None) -> int:
    """Audit every variant tree found under `out` (or those of `plans`); return the number of trees."""
    if plans is None:
        plans = [plan_variant(project, v) for v in project.program.variants() if (out / v.id).is_dir()]
    reader = _Reader()
    for plan in plans:
        audit_tree(project, plan, out, shown_as, report, reader)
    return len(plans)
