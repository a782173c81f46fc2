"""The no-leak promise, verified on a built output with evidence independent of the build's plan.

`evidence` reads the sources again, its own way, and says for each tree what it must not contain:
rare words, phrases and asset hashes of everything hidden from it. Here every file of the tree is
decoded (`decode`: whatever its name, nothing unread) and compared with that evidence, word by word
and phrase by phrase after the same folding. A file the audit cannot read is reported as
unchecked, which fails the audit under `--strict`. Files are read one at a time; the text of files
that many trees share (theme scripts and styles) is kept by content hash, within a bound.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.inputs import builder_digest, file_digest
from ..core.models import Variant
from ..core.paths import search_index
from ..core.problems import Problem, Severity
from ..features.project import Project
from ..load.project import markdown_parser
from .decode import BREAK_LINE, Decoded, decode, read_search_index
from .evidence import Corpus, Evidence, Reader, evidence_for, fold, read_corpus, tokens, words_in

_CACHED_BLOCK_USES = 4_000_000  # the files kept hold this many blocks in all (each block is kept once)
_CACHED_BLOCKS = 400_000
_WORDS_SHOWN = 5


class _PhraseIndex:
    """Phrases filed under their rarest word, so that a file is compared only with phrases it may hold.

    A phrase lies within one block of a file (see `_Block`), and most blocks of a tree's pages are
    the same (the navigation): which phrases a block holds is found once per block and kept.
    A candidate is checked against the words (a set lookup each) before the text is searched for it:
    most candidates fail there, cheaply.
    """

    def __init__(self, phrases: Mapping[str, str]) -> None:
        frequency = Counter(word for phrase in phrases for word in set(phrase.split(" ")))
        self.by_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for phrase in phrases:
            words = frozenset(phrase.split(" "))
            rarest = min(words, key=lambda word: (frequency[word], word))
            self.by_word.setdefault(rarest, []).append((phrase, words))
        self.in_block: dict[_Block, frozenset[str]] = {}

    def found_in(self, text: _Text) -> list[str]:
        """The phrases that a file's text contains."""
        candidates = self._candidates(text.words)
        if not candidates:
            return []
        found = frozenset().union(*map(self._in, text.blocks))
        return [phrase for phrase in candidates if phrase in found]

    def _candidates(self, words: frozenset[str]) -> list[str]:
        return [phrase for word in sorted(self.by_word.keys() & words) for phrase, needed in self.by_word[word] if needed <= words]

    def _in(self, block: _Block) -> frozenset[str]:
        if block not in self.in_block:
            padded = f" {block.phrase} "
            self.in_block[block] = frozenset(phrase for phrase in self._candidates(block.words) if f" {phrase} " in padded)
        return self.in_block[block]


@dataclass(frozen=True, eq=False)  # compared by identity: a reader keeps one of each
class _Block:
    """A run of a file's text between two blocks of its markup: its folded words, as a set and in order."""

    words: frozenset[str]
    phrase: str


@dataclass(frozen=True)
class _Text:
    """A file as the audit compares it: its kind, its folded words, and its distinct blocks."""

    kind: str
    words: frozenset[str]
    blocks: tuple[_Block, ...]
    checked: bool


# A token of `tokens` that has a letter outside ASCII.
_NON_ASCII_TOKEN = re.compile(r"[^\W_]*[^\W_\x00-\x7f][^\W_]*")


class FileReader:
    """Decoded output files, kept by content hash (within a bound) for files that many trees share.

    The pages of a tree repeat most of their text (the navigation): each distinct block is folded
    and split into words once.
    """

    def __init__(self) -> None:
        self.cache: OrderedDict[str, _Text] = OrderedDict()
        self.size = 0
        self.blocks: dict[str, _Block] = {}

    def read(self, data: bytes, digest: str) -> _Text:
        if digest in self.cache:
            self.cache.move_to_end(digest)
            return self.cache[digest]
        return self.read_decoded(decode(data), digest)

    def read_decoded(self, decoded: Decoded, digest: str) -> _Text:
        # Lines join (a sentence wraps in text and PDF), but not across a block of the markup. decode
        # puts each block break on a line of its own; at the start or end of the text one would part
        # no words, so splitting at the break with its line ends is splitting at every break line.
        raw = set((decoded.text or "").split(BREAK_LINE))
        if len(self.blocks) > _CACHED_BLOCKS:
            self.blocks.clear()
        for block in raw.difference(self.blocks):
            self.blocks[block] = self._learn(block)
        blocks = tuple(map(self.blocks.__getitem__, raw))
        read = _Text(decoded.kind, frozenset().union(*(block.words for block in blocks)), blocks, decoded.text is not None)
        self.cache[digest] = read
        self.size += len(blocks)
        while self.size > _CACHED_BLOCK_USES and len(self.cache) > 1:
            _, dropped = self.cache.popitem(last=False)
            self.size -= len(dropped.blocks)
        return read

    @staticmethod
    def _learn(block: str) -> _Block:
        """Fold a block not seen before: its words to compare, and its words in order (across its lines)."""
        folded = fold(block)
        in_order = tokens(folded)
        words = set(in_order)
        if not folded.isascii():
            # ASCII words are compared as they are; words of other scripts are taken apart (words_in).
            other = set(_NON_ASCII_TOKEN.findall(folded))
            words = (words - other) | words_in(other)
        return _Block(frozenset(words), " ".join(in_order))


@dataclass(frozen=True)
class TreeAudit:
    """The problems found in one tree or kit, and how long the audit of it took."""

    name: str
    problems: list[Problem]
    seconds: float


def audit_files(
    evidence: Evidence,
    paths: list[Path],
    out: Path,
    shown_as: Path,
    reader: FileReader,
    owners: Mapping[str, str],
    verdicts: Verdicts | None = None,
) -> list[Problem]:
    """Compare every file in `paths` with `evidence`; each leak named with file, evidence and source.

    A search index (a folder) is read as a whole, through its engine's reader. `owners` maps the
    sources of partner files to their partner, so that a partner's data is named as such. A file
    that `verdicts` knows to be clean against this evidence is not compared again.
    """
    compare = _Comparison(evidence, owners)
    verdicts = verdicts or Verdicts(None, "", evidence)
    for path in paths:
        label = (shown_as / path.relative_to(out)).as_posix()
        data = None if path.is_dir() else path.read_bytes()
        digest = file_digest(path) if data is None else hashlib.sha256(data).hexdigest()
        if verdicts.known_clean(digest):
            continue
        asset = evidence.assets.get(digest)
        if asset is not None:
            message = f"leak: '{asset}' is used only by content hidden from {evidence.reader}"
            compare.problems.append(Problem(label, 1, Severity.ERROR, "leak-asset", message))
        text = reader.read_decoded(read_search_index(path), f"index:{digest}") if data is None else reader.read(data, digest)
        if compare.file(label, text) and asset is None:
            verdicts.clean(digest)
    verdicts.save()
    return compare.problems


class Verdicts:
    """The files of one tree (or kit) found clean against its evidence, by content digest, kept between
    builds in the project's cache: a file that did not change is not compared again with evidence that
    did not change. The key holds every word, phrase and asset of the evidence and the builder's own
    code; the files are still read and hashed, so the whole tree is proven, file by file."""

    def __init__(self, folder: Path | None, name: str, evidence: Evidence) -> None:
        self.path = folder / f"{name.replace('/', '__')}.json" if folder is not None else None
        self.known: set[str] = set()
        self.found: set[str] = set()
        self.key = ""
        if self.path is None:
            return
        digest = hashlib.sha256(builder_digest())
        for part in (evidence.words, evidence.phrases, evidence.assets):
            digest.update(json.dumps(sorted(part), ensure_ascii=False).encode() + b"\0")
        self.key = digest.hexdigest()
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(kept, dict) and kept.get("evidence") == self.key and isinstance(kept.get("clean"), list):
            self.known = set(kept["clean"])

    def known_clean(self, digest: str) -> bool:
        if digest in self.known:
            self.found.add(digest)
            return True
        return False

    def clean(self, digest: str) -> None:
        self.found.add(digest)

    def save(self) -> None:
        """Keep the clean files of this audit (only they: a file that left the tree is forgotten)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps({"evidence": self.key, "clean": sorted(self.found)}), encoding="utf-8")
        partial.replace(self.path)


class _Comparison:
    """The words and phrases of each file compared with the evidence; a leak is reported where it is first found."""

    def __init__(self, evidence: Evidence, owners: Mapping[str, str]) -> None:
        self.evidence, self.owners = evidence, owners
        self.index = _PhraseIndex(evidence.phrases)
        self.problems: list[Problem] = []
        self.reported: set[str] = set()

    def file(self, label: str, text: _Text) -> bool:
        """Compare one file; True when it holds nothing of the evidence (and could be read)."""
        evidence = self.evidence
        if not text.checked:
            message = f"unchecked: a {text.kind} file, which the audit cannot read"
            self.problems.append(Problem(label, 1, Severity.WARNING, "audit-unchecked", message))
            return False
        in_phrases: set[str] = set()
        phrases = self.index.found_in(text)
        for phrase in phrases:
            in_phrases.update(phrase.split(" "))
            if phrase not in self.reported:  # once, in the first file that has it
                self.reported.add(phrase)
                self.problems.append(_phrase_leak(label, phrase, evidence.phrases[phrase], evidence.reader, self.owners))
        found = sorted(w for w in text.words if w in evidence.words and w not in in_phrases)
        words = [w for w in found if w not in self.reported]
        if words:
            self.reported.update(words)
            self.problems.append(_word_leak(label, words, evidence))
        return not phrases and not found


def _phrase_leak(label: str, phrase: str, source: str, reader: Reader, owners: Mapping[str, str]) -> Problem:
    owner = owners.get(source)
    if reader.partner and owner and owner != reader.partner:
        message = f"leak: data of partner '{owner}' in the kit of '{reader.partner}': \"{phrase[:80]}\""
        return Problem(label, 1, Severity.ERROR, "leak-partner", message)
    return Problem(label, 1, Severity.ERROR, "leak-text", f"leak: text of '{source}' hidden from {reader}: \"{phrase[:80]}\"")


def _word_leak(label: str, words: list[str], evidence: Evidence) -> Problem:
    named = ", ".join(f"'{word}' (from '{evidence.words[word]}')" for word in words[:_WORDS_SHOWN])
    more = f" and {len(words) - _WORDS_SHOWN} more" if len(words) > _WORDS_SHOWN else ""
    plural = "s" if len(words) > 1 else ""
    message = f"leak: the word{plural} {named}{more}, found only in content hidden from {evidence.reader}"
    return Problem(label, 1, Severity.ERROR, "leak-word", message)


def tree_files(out: Path, variant: Variant) -> list[Path]:
    """The files of a variant tree: its folder, its version aliases, the files at its tier's root, and
    its search index (a folder, read as one)."""
    tree = out / variant.id
    aliases = [tree.parent / alias for alias in variant.version.aliases]
    paths = [p for folder in (tree, *aliases) for p in sorted(folder.rglob("*")) if p.is_file()]
    index = search_index(out / variant.region.id, variant.tier.id, variant.version.name)
    return paths + sorted(p for p in tree.parent.iterdir() if p.is_file()) + ([index] if index.is_dir() else [])


class Auditor:
    """The evidence of a project, read once, and the audit of its trees and kits against it."""

    def __init__(self, project: Project, partners_dir: Path | None = None) -> None:
        self.project = project
        program = project.program
        self.partners = partners_dir or project.root / "partners"
        self.ranks = {tier.id: tier.rank for tier in program.tiers}
        parser = markdown_parser(project.root)
        self.corpora: dict[str, Corpus] = {
            version.name: read_corpus(project.root, project.content(version).folder, self.partners, parser, program.languages)
            for version in program.versions
        }
        latest = self.corpora[program.versions[0].name]
        self.owners = latest.partner_sources
        # A dashboard names the certifications the next tiers require, whoever may take their paths.
        paths = project.content(program.versions[0]).training.paths
        required = {path_id for tier in program.tiers for path_id, _ in tier.certified}
        self.certifications = tuple(name for path in paths if path.id in required for name in path.certifications.values())

    def tree_evidence(self, variant: Variant) -> Evidence:
        reader = Reader(variant.region.id, variant.tier.id, self.ranks)
        return evidence_for(self.corpora[variant.version.name], reader)

    def kit_evidence(self, partner_id: str) -> Evidence | None:
        """A kit's evidence, as a tree of its partner's tier in the current version; None for a kit of no partner."""
        corpus = self.corpora[self.project.program.versions[0].name]
        if partner_id not in corpus.partners:
            return None
        region, tier = corpus.partners[partner_id]
        return evidence_for(corpus, Reader(region, tier, self.ranks, partner_id), self.certifications)

    def audit_kits(
        self, out: Path, shown_as: Path, regions: list[str], reader: FileReader | None = None, verdicts: Path | None = None
    ) -> list[TreeAudit]:
        """Every kit folder under `<region>/partners/`: in its partner's region, and holding only what its partner may see
        (`verdicts`: the folder of the files found clean before, see `Verdicts`)."""
        reader = reader or FileReader()
        audits = []
        for region in regions:
            folder = out / region / "partners"
            for kit in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
                started = time.monotonic()
                problems = self._audit_kit(region, kit, out, shown_as, reader, verdicts)
                audits.append(TreeAudit(f"{region}/partners/{kit.name}", problems, time.monotonic() - started))
        return audits

    def _audit_kit(self, region: str, kit: Path, out: Path, shown_as: Path, reader: FileReader, verdicts: Path | None) -> list[Problem]:
        evidence = self.kit_evidence(kit.name)
        label = (shown_as / kit.relative_to(out)).as_posix()
        if evidence is None or evidence.reader.region != region:
            why = f"of partner '{kit.name}' of region '{evidence.reader.region}'" if evidence else f"of no partner ('{kit.name}')"
            return [Problem(label, 1, Severity.ERROR, "leak-kit", f"leak: a kit {why} is in region '{region}'")]
        paths = sorted(p for p in kit.rglob("*") if p.is_file())
        known = Verdicts(verdicts, f"{region}/partners/{kit.name}", evidence)
        return audit_files(evidence, paths, out, shown_as, reader, self.owners, known)


def audit_trees(
    trees: list[tuple[Evidence, Variant]], out: Path, shown_as: Path, owners: Mapping[str, str], verdicts: Path | None = None
) -> list[TreeAudit]:
    """Audit variant trees one after the other (in a worker process: everything it needs comes as
    arguments), with one reader: the blocks that the trees' pages share are folded once. `verdicts`:
    the folder of the files found clean before (see `Verdicts`)."""
    reader = FileReader()
    audits = []
    for evidence, variant in trees:
        started = time.monotonic()
        known = Verdicts(verdicts, variant.id, evidence)
        problems = audit_files(evidence, tree_files(out, variant), out, shown_as, reader, owners, known)
        audits.append(TreeAudit(variant.id, problems, time.monotonic() - started))
    return audits


def audit_output(
    project: Project, out: Path, shown_as: Path, partners_dir: Path | None = None, regions: tuple[str, ...] = ()
) -> list[TreeAudit]:
    """Audit every variant tree and every partner kit found under `out` (of `regions` only, when given)."""
    auditor = Auditor(project, partners_dir)
    reader = FileReader()
    audits = []
    for variant in project.program.variants():
        if (out / variant.id).is_dir() and (not regions or variant.region.id in regions):
            started = time.monotonic()
            problems = audit_files(auditor.tree_evidence(variant), tree_files(out, variant), out, shown_as, reader, auditor.owners)
            audits.append(TreeAudit(variant.id, problems, time.monotonic() - started))
    kit_regions = sorted(p.parent.name for p in out.glob("*/partners") if p.is_dir() and (not regions or p.parent.name in regions))
    return audits + auditor.audit_kits(out, shown_as, kit_regions, reader)
