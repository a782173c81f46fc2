"""Training: courses, learning paths, live sessions and quizzes, read from one version's `training/`.

`content/training/courses.yml`, `paths.yml` and `sessions.yml` are data; a course's modules are
ordinary pages in `content/training/<course-id>/` (translated and gated like any page), each with an
optional `<module>.quiz.yml` beside it. Modules take the gating of their course on top of their own.
Everything is validated here, with located errors, before anything is written.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ..core.models import Gating, Page, Program, Region, Tier
from ..core.problems import Report, Reporter, did_you_mean
from ..core.schema import (
    NOTHING,
    STAMP_KEY,
    Entry,
    Field,
    Schema,
    check_stamps,
    describe,
    read_id,
    read_some_texts,
    read_texts,
    read_url,
    regions_field,
    texts_by_language,
    tier_field,
)
from ..core.yamlio import YamlList, YamlMap, load_file

FOLDER = "training"
ROLES = ("sales", "presales", "support", "engineering")
LEVELS = ("beginner", "intermediate", "advanced")
KINDS = ("webinar", "workshop")
QUESTION_KINDS = ("single", "multiple")
# URLs below training/ that the builder writes itself; no course may take them as its id.
RESERVED_IDS = ("paths", "sessions", "index")


def _read_minutes(entry: Entry, key: str, value: float) -> int:
    if not isinstance(value, int) or value <= 0:
        entry.error(key, "training-duration", f"expected minutes (more than 0), got {describe(value)}")
    return int(value)


def _read_objectives(entry: Entry, key: str, value: YamlMap) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    check_stamps(value, entry.label(key), entry.source, entry.program, entry.scope)
    for lang, texts in value.items():
        if lang == STAMP_KEY:
            continue
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            entry.error(f"{key}.{lang}", "schema-type", f"expected a list of strings, got {describe(texts)}", value.line_of(lang))
            continue
        found[lang] = tuple(texts)
    return found


def _read_start(entry: Entry, key: str, value: object) -> datetime.datetime | None:
    """A start time with its offset, in UTC."""
    start = value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            start = datetime.datetime.fromisoformat(value)
    if isinstance(start, datetime.datetime) and start.tzinfo is not None:
        return start.astimezone(datetime.UTC)
    entry.error(
        key,
        "session-time",
        f"expected an ISO 8601 date and time with its UTC offset (2026-12-03T16:00:00+00:00), got {describe(str(value))}",
    )
    return None


COURSE_FIELDS = Schema(
    "training",
    Field("id", str, "Identifier: the course's URL and its folder of modules, `content/training/<id>/`.", required=True),
    Field("title", dict, "Title per language (`en:` required; translatable).", required=True, read=read_texts, attr="titles"),
    Field("summary", dict, "One sentence per language (translatable).", required=True, read=read_texts, attr="summaries"),
    Field("roles", list, f"Audience: {', '.join(ROLES)}.", required=True, items=str, choices=ROLES),
    Field("level", str, f"One of {', '.join(LEVELS)}.", required=True, choices=LEVELS),
    Field("duration", int, "Time to complete, in minutes.", required=True, read=_read_minutes),
    Field("modules", list, "File names (without `.md`) of the module pages in the course folder, in order.", required=True, items=str),
    Field("objectives", dict, "What the partner will be able to do, a list per language (translatable).", read=_read_objectives),
    Field("prerequisites", list, "Ids of the courses to take first.", items=str),
    Field("products", list, "Ids of the catalog products the course covers.", items=str),
    tier_field("Minimum tier that sees the course and its modules; default: the lowest tier."),
    regions_field("Regions whose builds have the course; default: every region."),
    Field("teaser", bool, "Lower tiers see the course as a locked teaser (title, summary, tier) instead of nothing."),
)
PATH_FIELDS = Schema(
    "training",
    Field("id", str, "Identifier, used in URLs and in `partners/program.yml` (`requires.certified`).", required=True),
    Field("title", dict, "Title per language (translatable).", required=True, read=read_texts, attr="titles"),
    Field("summary", dict, "One sentence per language (translatable).", required=True, read=read_texts, attr="summaries"),
    Field(
        "certification",
        dict,
        "Name of the certification the path leads to, per language (translatable).",
        required=True,
        read=read_texts,
        attr="certifications",
    ),
    Field("role", str, f"The role it certifies: {', '.join(ROLES)}.", required=True, choices=ROLES),
    Field("courses", list, "Ids of its courses, in order.", required=True, items=str),
    tier_field("Minimum tier that sees the path; its courses must be open to that tier."),
    regions_field("Regions whose builds have the path; default: every region."),
)
SESSION_FIELDS = Schema(
    "training",
    Field("id", str, "Identifier, the name of its calendar file (`<id>.ics`).", required=True),
    Field("title", dict, "Title per language (translatable).", required=True, read=read_texts, attr="titles"),
    Field("summary", dict, "One sentence per language (translatable).", read=read_some_texts, attr="summaries"),
    Field("kind", str, f"One of {', '.join(KINDS)}.", required=True, choices=KINDS),
    Field(
        "start",
        datetime.datetime,
        "Start time, ISO 8601 with its UTC offset (`2026-12-03T16:00:00+00:00`).",
        required=True,
        read=_read_start,
    ),
    Field("duration", int, "Length in minutes.", required=True, read=_read_minutes),
    Field("course", str, "Id of the course it belongs to.", default=NOTHING),
    Field("join_url", str, "Where to join (an http(s) URL); shown while the session is upcoming.", read=read_url),
    Field("recording_url", str, "Where to watch it afterwards (an http(s) URL).", read=read_url),
    tier_field("Minimum tier that sees the session; default: the lowest tier."),
    regions_field("Regions whose builds list it; default: every region."),
)
QUESTION_FIELDS = Schema(
    "quiz",
    Field("question", dict, "The question per language (translatable).", required=True, read=read_texts, attr="texts"),
    Field("kind", str, "`single` (one answer) or `multiple` (several).", required=True, choices=QUESTION_KINDS),
    Field("choices", list, "The answers to choose from, each a text per language (translatable).", required=True),
    Field("correct", list, "Positions of the right answers in `choices`, counted from 0.", required=True, items=int),
    Field("explanation", dict, "Why the right answers are right, per language (translatable).", required=True, read=read_texts),
)
QUIZ_FIELDS = Schema("quiz", Field("questions", list, "The questions, in order.", required=True))


@dataclass(frozen=True)
class Question:
    texts: Mapping[str, str]
    kind: str
    choices: tuple[Mapping[str, str], ...]
    correct: tuple[int, ...]
    explanation: Mapping[str, str]


@dataclass(frozen=True)
class Quiz:
    source: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Module:
    id: str  # the file name without .md
    page: str  # its page path below content/ ("training/beacon-basics/01-intro.md")
    quiz: Quiz | None


@dataclass(frozen=True)
class Course:
    id: str
    source: str
    lines: Mapping[str, int]  # of each key, "" for the item itself
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    roles: tuple[str, ...]
    level: str
    duration: int
    modules: tuple[Module, ...]
    objectives: Mapping[str, tuple[str, ...]]
    prerequisites: tuple[str, ...]
    products: tuple[str, ...]
    gating: Gating
    teaser: bool

    def teased_to(self, region: Region, tier: Tier) -> bool:
        """True when the variant shows a locked teaser of the course instead of the course."""
        return replace(self.gating, teaser=self.teaser).teased_to(region, tier)


@dataclass(frozen=True)
class LearningPath:
    id: str
    source: str
    lines: Mapping[str, int]
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    certifications: Mapping[str, str]
    role: str
    courses: tuple[str, ...]
    gating: Gating


@dataclass(frozen=True)
class Session:
    id: str
    source: str
    lines: Mapping[str, int]
    titles: Mapping[str, str]
    summaries: Mapping[str, str]
    kind: str
    start: datetime.datetime  # in UTC
    duration: int
    course: str | None
    join_url: str
    recording_url: str
    gating: Gating

    @property
    def end(self) -> datetime.datetime:
        return self.start + datetime.timedelta(minutes=self.duration)


@dataclass(frozen=True)
class Training:
    """One version's training: what its pages are generated from."""

    courses: tuple[Course, ...] = ()
    paths: tuple[LearningPath, ...] = ()
    sessions: tuple[Session, ...] = ()

    def course(self, course_id: str) -> Course:
        return next(c for c in self.courses if c.id == course_id)

    @cached_property
    def _modules_by_page(self) -> dict[str, tuple[Course, int]]:
        return {module.page: (course, index) for course in self.courses for index, module in enumerate(course.modules)}

    def module_of(self, page_path: str) -> tuple[Course, int] | None:
        """The course a page is a module of, and its position; None for other pages."""
        return self._modules_by_page.get(page_path)


def is_data(relative: str) -> bool:
    """YAML under training/ is data the builder turns into pages: never copied as it is."""
    return relative.startswith(f"{FOLDER}/") and relative.endswith((".yml", ".yaml"))


# --- loading -----------------------------------------------------------------------------------


def load_training(
    content: Path, prefix: str, program: Program, pages: tuple[Page, ...], product_ids: set[str], report: Report
) -> tuple[Training, tuple[Page, ...]]:
    """Read one version's training; return it with the pages, module pages gated by their course too."""
    folder = content / FOLDER
    if not folder.is_dir():
        return Training(), pages
    read = _Reader(content, prefix, program, report)
    courses = tuple(c for c in map(read.course, read.entries("courses.yml", COURSE_FIELDS)) if c)
    paths = tuple(p for p in map(read.path, read.entries("paths.yml", PATH_FIELDS)) if p)
    sessions = tuple(s for s in map(read.session, read.entries("sessions.yml", SESSION_FIELDS)) if s)
    training = Training(courses, paths, sessions)
    declared = {item_id for name, item_id in read.seen if name == "courses.yml"}
    _check_references(training, declared, product_ids, report)
    _check_module_pages(training, pages, prefix, program.default_language, report)
    return _without_dangling(training), tuple(_gate_modules(training, pages))


class _Reader:
    """Reads the items of one version's training files, reporting at `prefix`-named files."""

    def __init__(self, content: Path, prefix: str, program: Program, report: Report) -> None:
        self.content, self.prefix, self.program, self.report = content, prefix, program, report
        self.seen: dict[tuple[str, str], int] = {}

    def source(self, name: str) -> str:
        return f"{self.prefix}{FOLDER}/{name}"

    def entries(self, name: str, schema: Schema) -> list[Entry]:
        """The items of a list file, read against `schema`, each with a plain and unique id."""
        path, source = self.content / FOLDER / name, self.source(name)
        if not path.is_file():
            return []
        data = load_file(path, source, self.report)
        if data is None:
            return []
        if not isinstance(data, YamlList):
            self.report.error(source, 1, "schema-type", f"expected a list, got {describe(data)}")
            return []
        found = []
        for index, item in enumerate(data):
            # An item's keys are named by themselves (its line says which item); its id by its position.
            entry = Entry(item, source, self.report, line=data.line_of(index), program=self.program)
            if not schema.read(entry):
                continue
            identity = entry.child(item, f"[{index}]", entry.line)
            read_id(identity, "id", item["id"])
            if not identity.ok:
                continue
            first = self.seen.setdefault((name, item["id"]), item.line_of("id"))
            if first != item.line_of("id"):
                entry.error("id", "duplicate-id", f"'{item['id']}' is already used at line {first}")
                continue
            found.append(entry)
        return found

    def course(self, entry: Entry) -> Course | None:
        values = entry.values
        if values["id"] in RESERVED_IDS:
            entry.error("id", "training-id", f"'{values['id']}' is a page the builder writes; choose another id")
        names = entry.data["modules"]
        values["modules"] = tuple(self.module(entry, name, names.line_of(index)) for index, name in enumerate(names))
        if not entry.ok:
            return None
        return Course(**_gated(values), source=entry.source, lines=_lines(entry))

    def module(self, course: Entry, name: str, line: int) -> Module | None:
        course_id = course.values["id"]
        if not name or "/" in name or "\\" in name or name.startswith("."):
            course.error(
                "modules",
                "schema-value",
                f"expected a file name in {self.prefix}{FOLDER}/{course_id}/ (without '.md'), got {describe(name)}",
                line,
            )
            return None
        relative = f"{FOLDER}/{course_id}/{name}.md"
        if not (self.content / relative).is_file():
            course.error("modules", "missing-file", f"no file '{self.prefix}{relative}'", line)
            return None
        quiz_file = f"{FOLDER}/{course_id}/{name}.quiz.yml"
        quiz = self.quiz(quiz_file, course.scope) if (self.content / quiz_file).is_file() else None
        return Module(name, relative, quiz)

    def quiz(self, relative: str, report: Reporter) -> Quiz | None:
        source = f"{self.prefix}{relative}"
        data = load_file(self.content / relative, source, report)
        entry = Entry(data, source, report, program=self.program)
        if data is None or not QUIZ_FIELDS.read(entry):
            return None
        items = data["questions"]
        questions = tuple(_question(entry.child(item, f"questions[{i}]", items.line_of(i))) for i, item in enumerate(items))
        if not entry.ok:
            return None
        return Quiz(source, tuple(q for q in questions if q))

    def path(self, entry: Entry) -> LearningPath | None:
        return LearningPath(**_gated(entry.values), source=entry.source, lines=_lines(entry)) if entry.ok else None

    def session(self, entry: Entry) -> Session | None:
        return Session(**_gated(entry.values), source=entry.source, lines=_lines(entry)) if entry.ok else None


def _question(entry: Entry) -> Question | None:
    if not QUESTION_FIELDS.read(entry):
        return None
    values, data = entry.values, entry.data
    choices, correct = data["choices"], data["correct"]
    if not correct:
        entry.error("correct", "quiz-no-answer", "the question has no correct answer")
    elif values["kind"] == "single" and len(correct) > 1:
        entry.error("correct", "quiz-single", f"a single-choice question has one correct answer, got {len(correct)}")
    for index, position in enumerate(correct):
        if not isinstance(position, int) or correct.count(position) > 1:
            entry.error(
                "correct",
                "quiz-answer",
                f"expected each position once, as a whole number, got {describe(position)}",
                correct.line_of(index),
            )
        elif not 0 <= position < len(choices):
            entry.error(
                "correct",
                "quiz-answer-range",
                f"answer {position} is out of range: there are {len(choices)} choices (0 to {len(choices) - 1})",
                correct.line_of(index),
            )
    texts = []
    for index, choice in enumerate(choices):
        label, line = entry.label(f"choices[{index}]"), choices.line_of(index)
        if not isinstance(choice, YamlMap):
            entry.error(f"choices[{index}]", "schema-type", f"expected a text per language, got {describe(choice)}", line)
            continue
        texts.append(texts_by_language(choice, label, line, entry.source, entry.program, entry.scope))
    values["choices"] = tuple(texts)
    return Question(**values) if entry.ok else None


def _gated(values: dict[str, Any]) -> dict[str, Any]:
    """The values of an item, with its `tier` and `regions` as one gating."""
    gating = Gating(values.pop("min_tier"), values.pop("regions"))
    return {**values, "gating": gating}


def _lines(entry: Entry) -> dict[str, int]:
    return {"": entry.line, **entry.data.key_lines}


def _check_references(training: Training, declared: set[str], product_ids: set[str], report: Report) -> None:
    """References to courses and products must resolve; a course that is declared but invalid is already reported."""
    course_ids = sorted(declared)
    loaded = {c.id for c in training.courses}
    for course in training.courses:
        for target in course.prerequisites:
            if target not in declared:
                report.error(
                    course.source,
                    course.lines["prerequisites"],
                    "training-reference",
                    f"prerequisites: no course '{target}'{did_you_mean(target, course_ids)}",
                )
        for product in course.products:
            if product not in product_ids:
                report.error(
                    course.source,
                    course.lines["products"],
                    "training-reference",
                    f"products: no catalog product '{product}'{did_you_mean(product, sorted(product_ids))}",
                )
    _check_cycles(training, report)
    for path in training.paths:
        for target in path.courses:
            if target not in declared:
                report.error(
                    path.source,
                    path.lines["courses"],
                    "training-reference",
                    f"courses: no course '{target}'{did_you_mean(target, course_ids)}",
                )
                continue
            if target not in loaded:
                continue
            course = training.course(target)
            limited, offered = course.gating.regions, path.gating.regions
            if limited is not None and (offered is None or not offered <= limited):
                report.error(
                    path.source, path.lines["courses"], "path-region",
                    f"courses: '{target}' is only in regions {', '.join(sorted(limited))}, but the path is offered in {', '.join(sorted(offered)) if offered else 'every region'}",
                )  # fmt: skip
            if not path.gating.min_tier.allows(course.gating.min_tier):
                report.error(
                    path.source, path.lines["courses"], "path-tier",
                    f"courses: '{target}' is for {course.gating.min_tier.id} and above, but the path is open from {path.gating.min_tier.id}",
                )  # fmt: skip
    for session in training.sessions:
        if session.course and session.course not in declared:
            report.error(
                session.source,
                session.lines["course"],
                "training-reference",
                f"course: no course '{session.course}'{did_you_mean(session.course, course_ids)}",
            )


def _without_dangling(training: Training) -> Training:
    """References to courses that failed to load dropped (already reported), so that `check` can go on to plan."""
    ids = {c.id for c in training.courses}
    courses = tuple(replace(c, prerequisites=tuple(p for p in c.prerequisites if p in ids)) for c in training.courses)
    paths = tuple(replace(p, courses=tuple(c for c in p.courses if c in ids)) for p in training.paths)
    sessions = tuple(replace(s, course=s.course if s.course in ids else None) for s in training.sessions)
    # A session of a course is for those who see the course (and whom the session itself names).
    sessions = tuple(replace(s, gating=s.gating.within(training.course(s.course).gating)) if s.course else s for s in sessions)
    return Training(courses, paths, sessions)


def _check_cycles(training: Training, report: Report) -> None:
    """Prerequisites must not lead back to a course; each cycle is named once, from its first course."""
    prerequisites = {c.id: [p for p in c.prerequisites if any(p == o.id for o in training.courses)] for c in training.courses}
    reported: set[frozenset[str]] = set()

    def visit(course_id: str, trail: list[str]) -> None:
        if course_id in trail:
            cycle = trail[trail.index(course_id) :] + [course_id]
            if frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                first = training.course(cycle[0])
                report.error(
                    first.source, first.lines["prerequisites"], "prerequisite-cycle", f"prerequisites form a cycle: {' → '.join(cycle)}"
                )
            return
        for target in prerequisites[course_id]:
            visit(target, [*trail, course_id])

    for course in training.courses:
        visit(course.id, [])


def _check_module_pages(training: Training, pages: tuple[Page, ...], prefix: str, default: str, report: Report) -> None:
    """A page in a course folder is a module of the course; one that the course does not list is a warning."""
    listed = {m.page for c in training.courses for m in c.modules}
    folders = {f"{FOLDER}/{c.id}/" for c in training.courses}
    for page in pages:
        folder = page.path.rsplit("/", 1)[0] + "/"
        if folder in folders and page.path.endswith("/index.md"):
            report.error(page.source, 1, "training-index", "the course page is written by the builder from courses.yml; rename this module")
        elif folder in folders and page.path not in listed and page.lang == default:
            course_id = folder[len(FOLDER) + 1 : -1]
            report.warn(
                page.source,
                1,
                "training-unlisted",
                f"not a module of course '{course_id}': add it to its `modules` in {prefix}{FOLDER}/courses.yml",
            )


def _gate_modules(training: Training, pages: tuple[Page, ...]) -> list[Page]:
    """A module is seen by whom both it and its course are; only the course page is ever a teaser."""
    gated = []
    for page in pages:
        found = training.module_of(page.path)
        if found is None:
            gated.append(page)
            continue
        gating = Gating(page.min_tier, page.regions).within(found[0].gating)
        gated.append(replace(page, min_tier=gating.min_tier, regions=gating.regions, teaser=False))
    return gated
