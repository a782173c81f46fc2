"""The audit's own reading of a project: what each tree may show, and the evidence of what it must not.

The build decides with its plan what every variant shows. If the audit took its evidence from the
same plan, a mistake of the plan would pass its own check. So nothing here comes from the plan or
from the models' gating rules: the sources are read again from their files, and every piece of
text is filed under the *condition* that lets a reader see it (a minimum tier, a set of regions, a
partner) as the renderer and a plain YAML reader see it:

- a page's front matter as MkDocs itself reads it (`render.meta`);
- a page's gated blocks as the renderer's own Markdown parser sees them (`/// tier` and `/// region`
  registered as real blocks), text outside any gate included;
- data files (catalog, training, collateral) with a plain YAML load: a mapping with `tier:` or
  `regions:` gates everything under it; a quiz is gated by its module page and its course;
- partner files: their partner's kit only.

The evidence for one tree is then text in its gated parts that it cannot see elsewhere:

- **rare words**: words of gated text that occur nowhere in what the tree may see, nor in the shared
  inputs (locales, theme, mkdocs.yml, the program, Material's and the other renderers' packages);
- **phrases**: gated sentences (16 characters and more, 8 in CJK scripts) whose word pairs the tree
  does not show elsewhere, and identifiers (SKU codes) however short;
- **assets**: the content hash of every file that only text hidden from the tree names.

Words are compared after `fold` (NFKC, lower case, diacritics folded, `đ` → `d`); scripts written
without spaces (Japanese, Chinese) are compared by runs of two characters.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

import yaml

from ..core.paths import PACKAGE
from ..core.reader import GATE_ATTRIBUTE, Parser
from ..render.meta import mkdocs_metadata
from .decode import strings

Atom = tuple[str, str]  # ("tier", "gold"), ("region", "apac,eu"), ("partner", "nordhafen-digital")
Condition = frozenset[Atom]
PUBLIC: Condition = frozenset()

# Scripts written without spaces: their words are compared as runs of two characters. Hiragana
# (particles and endings) joins the words of a sentence and of text the builder puts side by side,
# so pairs are taken from runs of kanji, katakana and hangul only.
_SPACELESS = "\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CONTENT_RUN = re.compile("[\u3005\u30a0-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]{2,}")
_WORD = re.compile(rf"[^\W_{_SPACELESS}]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_PHRASE_WORD = re.compile(r"[^\W_]+")
_MARKED = re.compile("[\u00c0-\u024f\u0370-\u03ff\u1e00-\u1eff]")
_COMBINING = re.compile("[\u0300-\u036f]+")
# Letters that Unicode does not decompose into a base letter and a mark.
_FOLD = {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"}
# An identifier such as a SKU code: letters and digits in parts, significant however short.
_IDENTIFIER = re.compile(r"[A-Z0-9]+(?:[-_.][A-Z0-9]+)+")
_SENTENCE_END = re.compile(r"\n|(?<=[.!?])\s+|(?<=[。！？])")
_MIN_PHRASE = 16
_MIN_PHRASE_CJK = 8
_MIN_WORD = 3
_TIER_KEYS = ("tier",)
_REGION_KEYS = ("regions",)
_TEASED_KEYS = ("id", "title", "name", "summary")  # a teased item's id is in its URL
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
DATA_FOLDERS = ("catalog", "collateral")
TRAINING = "training"
PROGRAM = "program.yml"


def fold(text: str) -> str:
    """Text as the audit compares it: NFKC, lower case, diacritics and `đ` folded."""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    for letter, plain in _FOLD.items():
        if letter in text:
            text = text.replace(letter, plain)
    text = _MARKED.sub(_unmarked, text)
    return _COMBINING.sub("", text) if _COMBINING.search(text) else text


def _unmarked(match: re.Match[str]) -> str:
    return _base_letters(match.group(0))


@functools.cache
def _base_letters(letter: str) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFD", letter))


def tokens(folded: str) -> list[str]:
    """The words of folded text, in order (a run of CJK text is one word here)."""
    return _ASCII_WORD.findall(folded) if folded.isascii() else _PHRASE_WORD.findall(folded)


def words_in(found: Iterable[str]) -> set[str]:
    """The words to compare among `tokens`: CJK runs taken apart into pairs of characters."""
    words = set()
    for token in found:
        if token.isascii():
            words.add(token)
            continue
        words.update(_WORD.findall(token))
        for run in _CONTENT_RUN.findall(token):
            words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words


def words_of(text: str) -> set[str]:
    """The words of `text` (folded), and every pair of characters of its CJK words."""
    return words_in(tokens(fold(text)))


def phrase_of(text: str) -> str:
    """`text` folded, its words separated by single spaces: what survives Markdown, HTML and JSON alike."""
    return " ".join(tokens(fold(text)))


def _pairs(phrase: str) -> Iterator[tuple[str, str]]:
    words = phrase.split(" ")
    return zip(words, words[1:], strict=False)


def _evidential(word: str) -> bool:
    """A word that can prove a leak: a CJK pair, or three characters and more with a letter."""
    if _CONTENT_RUN.fullmatch(word):
        return True
    return len(word) >= _MIN_WORD and not word.isdigit()


def _long_enough(phrase: str) -> bool:
    return len(phrase) >= (_MIN_PHRASE_CJK if _CONTENT_RUN.search(phrase) else _MIN_PHRASE)


@dataclass
class _Part:
    """All text of one condition: its words and phrases, each with the first file that has it."""

    words: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    pairs: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Corpus:
    """Text and files filed by the condition under which they may be seen."""

    parts: dict[Condition, _Part] = field(default_factory=dict)
    shared_words: set[str] = field(default_factory=set)
    shared_pairs: set[tuple[str, str]] = field(default_factory=set)
    assets: dict[str, tuple[str, set[Condition]]] = field(default_factory=dict)  # sha256 → (source, conditions that name it)
    segments: list[tuple[Condition, str]] = field(default_factory=list)  # text as written, to find the assets it names
    partners: dict[str, tuple[str, str]] = field(default_factory=dict)  # partner id → (region, tier), as its file says
    partner_sources: dict[str, str] = field(default_factory=dict)  # a partner file, as named in messages → its partner

    def add(self, condition: Condition, text: str, source: str, prose: bool = True) -> None:
        """File `text` under `condition`; markup and code that is not prose (a template) gives words, not phrases."""
        if not text or not text.strip():
            return
        part = self.parts.setdefault(condition, _Part())
        self.segments.append((condition, text))
        for word in words_of(text):
            part.words.setdefault(word, source)
        phrase = phrase_of(text)
        part.pairs.update(_pairs(phrase))
        if not prose:
            return
        # Each line and sentence on its own: a leak of one is a leak, whatever surrounds it.
        for piece in _SENTENCE_END.split(text):
            sentence = phrase_of(piece)
            if _long_enough(sentence):
                part.phrases.setdefault(sentence, source)
        identifier = text.strip()
        if _IDENTIFIER.fullmatch(identifier) and any(c.isalpha() for c in identifier):
            part.phrases.setdefault(phrase, source)

    def share(self, text: str) -> None:
        """Text every tree may show (locales, theme, mkdocs.yml, the program)."""
        self.shared_words |= words_of(text)
        self.shared_pairs.update(_pairs(phrase_of(text)))


@dataclass(frozen=True)
class Reader:
    """Who reads a tree: a region, a tier (by rank) and, for a kit, a partner."""

    region: str
    tier: str
    ranks: Mapping[str, int]
    partner: str | None = None

    def sees(self, condition: Condition) -> bool:
        return all(self._sees(atom) for atom in condition)

    def _sees(self, atom: Atom) -> bool:
        kind, value = atom
        if kind == "tier":
            # A tier the program does not define lets nobody through.
            return value in self.ranks and self.ranks.get(self.tier, -1) >= self.ranks[value]
        if kind == "region":
            return self.region in value.split(",")
        if kind == "partner":
            return self.partner == value
        return False

    def __str__(self) -> str:
        who = f"tier '{self.tier}' of region '{self.region}'"
        return f"the kit of partner '{self.partner}' ({who})" if self.partner else who


@dataclass(frozen=True)
class Evidence:
    """What one tree must not contain, each piece with the source it comes from."""

    reader: Reader
    words: Mapping[str, str]  # rare word → source
    phrases: Mapping[str, str]  # phrase → source
    assets: Mapping[str, str]  # sha256 → source


def evidence_for(corpus: Corpus, reader: Reader, also_shown: Iterable[str] = ()) -> Evidence:
    """The rare words, phrases and assets of text hidden from `reader`: linear in the corpus."""
    seen = [part for condition, part in corpus.parts.items() if reader.sees(condition)]
    hidden = [part for condition, part in corpus.parts.items() if not reader.sees(condition)]
    visible_words = set(corpus.shared_words)
    visible_pairs = set(corpus.shared_pairs)
    for part in seen:
        visible_words.update(part.words)
        visible_pairs |= part.pairs
    for text in also_shown:
        visible_words |= words_of(text)
        visible_pairs.update(_pairs(phrase_of(text)))
    words: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for part in hidden:
        for word, source in part.words.items():
            if word not in visible_words and _evidential(word):
                words.setdefault(word, source)
        for phrase, source in part.phrases.items():
            if phrase not in phrases and not all(pair in visible_pairs for pair in _pairs(phrase)):
                phrases[phrase] = source
    assets = {
        digest: source
        for digest, (source, conditions) in corpus.assets.items()
        if conditions and not any(reader.sees(c) for c in conditions)
    }
    return Evidence(reader, words, phrases, assets)


# --- reading the sources --------------------------------------------------------------------------


def _atoms(mapping: Mapping[Any, Any]) -> Condition:
    """The gating a front matter or data mapping declares, read literally."""
    atoms: set[Atom] = set()
    for key in _TIER_KEYS:
        if key in mapping and mapping[key] is not None:
            atoms.add(("tier", str(mapping[key])))
    for key in _REGION_KEYS:
        if key in mapping and mapping[key] is not None:
            value = mapping[key]
            regions = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else [repr(value)]
            atoms.add(("region", ",".join(sorted(str(r) for r in regions))))
    return frozenset(atoms)


def _regions_only(condition: Condition) -> Condition:
    return frozenset(atom for atom in condition if atom[0] != "tier")


def _walk_data(corpus: Corpus, node: Any, condition: Condition, source: str, courses: Mapping[str, Condition]) -> None:
    """Every string of a data file under the condition of the mappings around it.

    A teased item (`teaser: true`) shows its id, title, name and summary to the region's lower tiers; an
    item of a course (a session) is seen only by whom the course is.
    """
    if isinstance(node, dict):
        own = condition | _atoms(node) | courses.get(str(node.get("course")), PUBLIC)
        if node.get("teaser") is True:
            teased = condition | _regions_only(_atoms(node))
            for key in _TEASED_KEYS:
                for text in strings(node.get(key), keys=False):
                    corpus.add(teased, text, source)
        for value in node.values():
            _walk_data(corpus, value, own, source, courses)
    elif isinstance(node, list):
        for item in node:
            _walk_data(corpus, item, condition, source, courses)
    elif node is not None:
        corpus.add(condition, str(node), source)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def _load_yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


class _GatedText(HTMLParser):
    """Rendered HTML of a page, cut into pieces of text, each with the gates the parser put it in."""

    def __init__(self, condition: Condition) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, Condition]] = [("", condition)]
        self.buffer: list[str] = []
        self.pieces: list[tuple[Condition, str]] = []

    @property
    def condition(self) -> Condition:
        return self.stack[-1][1]

    def _flush(self) -> None:
        if self.buffer:
            self.pieces.append((self.condition, "".join(self.buffer)))
            self.buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        gate = values.pop(GATE_ATTRIBUTE, None)
        if tag in _BLOCK_TAGS or gate:
            self._flush()
        condition = self.condition
        if gate:
            kind, _, argument = gate.partition("|")
            regions = ",".join(sorted(v.strip() for v in argument.split(",") if v.strip()))
            condition = condition | {(kind, regions if kind == "region" else argument.strip())}
        # Attributes (a link's target, an image's name and alt text) are in the output as they are.
        self.pieces.extend((condition, value) for value in values.values() if value)
        if tag not in _VOID:
            self.stack.append((tag, condition))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                if tag in _BLOCK_TAGS or self.stack[index][1] != self.stack[index - 1][1]:
                    self._flush()
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.buffer.append(data)

    def handle_comment(self, data: str) -> None:
        self.pieces.append((self.condition, data))

    def close(self) -> None:
        super().close()
        self._flush()


# A footnote's definition, after blockquote markers and indentation: `[^label]:`.
_FOOTNOTE_DEFINITION = re.compile(r"^((?:[ \t]*>)*[ \t]*\[\^[^\]\n]+\]):", re.MULTILINE)


def _footnotes_in_place(body: str) -> str:
    """The page with each footnote definition read as a paragraph where it stands.

    The renderer moves definitions to the end of the page, out of the gate they were written in,
    yet shows each one exactly when the text around its definition is shown (referenced or not):
    read in place, its words keep the gates of its place. `[^1] :` is no definition.
    """
    return _FOOTNOTE_DEFINITION.sub(r"\1 :", body)


def _page_condition(meta: Mapping[str, Any], starts_with_front_matter: bool) -> Condition:
    if starts_with_front_matter and not meta:
        # Front matter that MkDocs cannot read: nobody may be assumed to see the page.
        return frozenset({("tier", "")})
    return _atoms(meta)


class _Sources:
    """Reads one project's files into a corpus for one version."""

    def __init__(self, root: Path, content: Path, partners: Path, parser: Parser) -> None:
        self.root = root
        self.content = content
        self.partners = partners
        self.parser = parser
        self.corpus = Corpus()
        self.page_conditions: dict[str, Condition] = {}
        self.asset_files: list[tuple[Path, str, Condition | None]] = []  # file, source, its own condition
        self.courses: dict[str, Condition] = {}

    def label(self, path: Path) -> str:
        """A file as messages name it: relative to the project, or below the partner folder given."""
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        if path.is_relative_to(self.partners):
            return f"{self.partners.as_posix().rstrip('/')}/{path.relative_to(self.partners).as_posix()}"
        return path.as_posix()

    def read_pages(self) -> None:
        for path in sorted(self.content.rglob("*.md")):
            relative = path.relative_to(self.content).as_posix()
            if relative.split("/", 1)[0] in DATA_FOLDERS or not path.is_file():
                continue
            text = _read(path)
            body, meta = mkdocs_metadata(text)
            condition = _page_condition(meta, text.startswith("---")) | self._course_of(relative)
            self.page_conditions[relative] = condition
            source = self.label(path)
            if meta.get("teaser") is True:
                teased = _regions_only(condition)
                title = meta.get("title") or self.parser.first_heading(body) or ""
                for shown in (str(title), str(meta.get("summary") or ""), relative):
                    self.corpus.add(teased, shown, source)
            self.corpus.add(condition, relative, source)
            for value in strings(meta, keys=False):
                self.corpus.add(condition, value, source)
            # Inside a gated page, a gate of a higher tier narrows its condition further.
            reading = _GatedText(condition)
            reading.feed(self.parser.html(_footnotes_in_place(body)))
            reading.close()
            for piece_condition, piece in reading.pieces:
                self.corpus.add(piece_condition, piece, source)

    def read_courses(self) -> None:
        """The gating of each course: its module pages, quizzes and sessions are seen only by whom it is."""
        path = self.content / TRAINING / "courses.yml"
        data = _load_yaml(_read(path)) if path.is_file() else None
        if isinstance(data, list):
            self.courses = {str(c.get("id")): _atoms(c) for c in data if isinstance(c, dict)}

    def _course_of(self, relative: str) -> Condition:
        """A module page (`training/<course>/<module>.md`) is seen only by whom its course is."""
        parts = relative.split("/")
        return self.courses.get(parts[1], PUBLIC) if len(parts) == 3 and parts[0] == TRAINING else PUBLIC

    def read_training(self) -> None:
        folder = self.content / TRAINING
        data_files = sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()) if folder.is_dir() else []
        for path in data_files:
            condition = PUBLIC
            if path.parent != folder:
                # A quiz belongs to its module page (and so to its course).
                page = path.relative_to(self.content).as_posix().split(".", 1)[0] + ".md"
                condition = self.page_conditions.get(page, PUBLIC) | self.courses.get(path.parent.name, PUBLIC)
            self._read_data(path, _load_yaml(_read(path)), condition)

    def _read_data(self, path: Path, data: Any, condition: Condition) -> None:
        if data is None and path.stat().st_size:
            # Data the audit cannot read: every word of it is evidence for every tree.
            self.corpus.add(frozenset({("tier", "")}), _read(path), self.label(path))
            return
        _walk_data(self.corpus, data, condition, self.label(path), self.courses)

    def read_data_folders(self) -> None:
        catalog = self.root / "content" / "catalog"
        for path in sorted(catalog.rglob("*")) if catalog.is_dir() else []:
            if path.is_file():
                self._read_data(path, _load_yaml(_read(path)), PUBLIC)
        collateral = self.root / "content" / "collateral"
        for item in sorted(collateral.iterdir()) if collateral.is_dir() else []:
            described = _load_yaml(_read(item / "collateral.yml")) if (item / "collateral.yml").is_file() else None
            condition = _atoms(described) if isinstance(described, dict) else frozenset({("tier", "")})
            for path in sorted(item.rglob("*")) if item.is_dir() else []:
                if path.is_file():
                    self._read_file(path, condition)

    def _read_file(self, path: Path, condition: Condition) -> None:
        """A file of a gated folder: its text, or, when it is not text, its hash."""
        data = path.read_bytes()
        if path.suffix in (".yml", ".yaml"):
            self._read_data(path, _load_yaml(_read(path)), condition)
        elif b"\0" in data:
            self.asset_files.append((path, self.label(path), condition))
        else:
            self.corpus.add(condition, data.decode("utf-8", errors="replace"), self.label(path), prose=False)
            if path.suffix in (".svg", ".html"):
                self.asset_files.append((path, self.label(path), condition))

    def read_partners(self) -> None:
        for path in sorted(self.partners.glob("*.yml")):
            if path.name == PROGRAM:
                continue
            condition = frozenset({("partner", path.stem)})
            data = _load_yaml(_read(path))
            self._read_data(path, data, condition)
            if isinstance(data, dict):
                self.corpus.partners[path.stem] = (str(data.get("region")), str(data.get("tier")))
            self.corpus.partner_sources[self.label(path)] = path.stem
            folder = self.partners / path.stem
            for file in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if file.is_file():
                    self._read_file(file, condition)

    def read_assets(self, languages: tuple[str, ...]) -> None:
        """Every other file of the content folder, hidden from a tree when only text it cannot see names it."""
        for path in sorted(self.content.rglob("*")):
            relative = path.relative_to(self.content).as_posix()
            if not path.is_file() or path.suffix in (".md", ".yml", ".yaml") or relative.split("/", 1)[0] in DATA_FOLDERS:
                continue
            self.asset_files.append((path, self.label(path), None))
        names = {}
        for path, _, _ in self.asset_files:
            names[path] = {path.name, _without_language(path.name, languages)}
        spellings = sorted({name for found in names.values() for name in found}, key=len, reverse=True)
        mentioned: dict[str, set[Condition]] = {}
        if spellings:
            pattern = re.compile("|".join(re.escape(s) for s in spellings))
            for condition, text in self.corpus.segments:
                readable = text if "%" not in text and "&" not in text else f"{text}\n{unquote(html.unescape(text))}"
                for found in set(pattern.findall(readable)):
                    mentioned.setdefault(found, set()).add(condition)
        public: set[str] = set()
        for path, source, own in self.asset_files:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            conditions = {own} if own is not None else {c for name in names[path] for c in mentioned.get(name, set())}
            # Named by text every reader sees, or by nothing at all: the asset is public.
            if PUBLIC in conditions or not conditions:
                public.add(digest)
                continue
            self.corpus.assets.setdefault(digest, (source, set()))[1].update(conditions)
        for digest in public:  # the same bytes, published in the open elsewhere
            self.corpus.assets.pop(digest, None)


def _without_language(name: str, languages: tuple[str, ...]) -> str:
    path = PurePosixPath(name)
    stem = PurePosixPath(path.stem)
    if stem.suffix[1:] in languages and path.suffix:
        return f"{stem.stem}{path.suffix}"
    return name


def read_corpus(root: Path, content: Path, partners: Path, parser: Parser, languages: tuple[str, ...]) -> Corpus:
    """The corpus of one version: its pages and training from `content`, the shared data, partners and vocabulary."""
    sources = _Sources(root, content, partners, parser)
    sources.read_courses()
    sources.read_pages()
    sources.read_training()
    sources.read_data_folders()
    sources.read_partners()
    corpus = sources.corpus
    for shared in _project_shared_files(root, partners):
        text = shared.read_bytes().decode("utf-8", errors="replace")
        corpus.share(text)
        corpus.segments.append((PUBLIC, text))
    sources.read_assets(languages)
    corpus.segments = []
    corpus.shared_words |= renderer_vocabulary(languages)
    return corpus


def _project_shared_files(root: Path, partners: Path) -> Iterator[Path]:
    """The project's files that every tree may show: UI strings, the theme, the site configuration, the program."""
    for folder in ("locales", "theme"):
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if path.is_file() and b"\0" not in path.read_bytes()[:4096]:
                yield path
    for path in (root / "mkdocs.yml", partners / PROGRAM, root / "partners" / PROGRAM):
        if path.is_file():
            yield path


# The renderer's own packages and what they write into every page (their templates, scripts,
# class names, language files), and this package's templates and labels.
_RENDERER_FOLDERS = (
    ("material", "templates"),
    ("pymdownx", ""),
    ("mkdocs", "contrib"),
    ("mkdocs", "templates"),
    ("mkdocs", "structure"),
    ("mkdocs_static_i18n", ""),
)


@functools.cache
def renderer_vocabulary(languages: tuple[str, ...]) -> frozenset[str]:
    """Words of the files the renderer brings into every tree; read once per process."""
    import importlib.util

    import babel
    import babel.dates
    from pygments.token import STANDARD_TYPES

    found: set[str] = set()
    folders = [PACKAGE]
    for package, sub in _RENDERER_FOLDERS:
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None:
            folders.append(Path(spec.origin).parent / sub)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix in (".pyc", ".svg") or ".icons" in path.parts:
                continue
            data = path.read_bytes()
            if b"\0" not in data:
                found |= words_of(data.decode("utf-8", errors="replace"))
    found.update(STANDARD_TYPES.values())
    for language in languages:
        try:
            locale = babel.Locale.parse(language)
        except (ValueError, babel.UnknownLocaleError):
            continue
        for width in ("wide", "abbreviated"):
            for names in (babel.dates.get_month_names(width, locale=locale), babel.dates.get_day_names(width, locale=locale)):
                for name in names.values():
                    found |= words_of(name)
    return frozenset(found)
