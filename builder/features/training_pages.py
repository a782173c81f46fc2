"""Training pages for one variant and language: the training catalog, course and path pages, live
sessions with calendar files, and the header, quiz and footer added to each module page.

Pure functions from the loaded `Training` to Markdown (with escaped HTML where Markdown cannot say
it). Dates, times and durations are formatted by Babel for the reader's language; whether a session
is upcoming or a recording depends on the build's `as_of` time, an input like any other.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel.dates import format_skeleton, format_time, get_timezone_name
from babel.lists import format_list
from babel.units import format_unit

from ..core.models import GeneratedPage, Locale, Program, Variant, babel_locale, pick
from ..core.paths import localized
from .training import FOLDER, Course, LearningPath, Module, Question, Session, Training


def duration(minutes: int, lang: str) -> str:
    """90 → "90 min", 135 → "2 hr, 15 min", as CLDR writes units and lists of them in `lang`."""
    locale = babel_locale(lang)
    if minutes < 120:
        return format_unit(minutes, "duration-minute", length="short", locale=locale)
    hours, rest = divmod(minutes, 60)
    parts = [format_unit(hours, "duration-hour", length="short", locale=locale)]
    parts += [format_unit(rest, "duration-minute", length="short", locale=locale)] if rest else []
    return format_list(parts, style="unit-short", locale=locale)


def local_time(moment: datetime.datetime, zone: str, lang: str) -> str:
    """A moment in a time zone, for `lang`: "Thu, Dec 3, 2026, 5:00 PM (Central European Time)".

    The zone's generic name, not its location ("Germany (Berlin) Time"), which would nest brackets."""
    tz = ZoneInfo(zone)
    locale = babel_locale(lang)
    day = format_skeleton("yMMMEd", moment, tzinfo=tz, locale=locale)
    clock = format_time(moment, "short", tzinfo=tz, locale=locale)
    joined = BabelLocale.parse(locale).datetime_formats["medium"].format(clock, day)
    return f"{joined} ({get_timezone_name(tz, width='long', locale=locale)})"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class Words:
    """A variant's texts in one language: labels from locales/, data texts with the default as fallback.

    `module_titles` holds the title of each module page (by page path) in this language.
    """

    def __init__(self, program: Program, variant: Variant, lang: str, locale: Locale, module_titles: Mapping[str, str]) -> None:
        self.program, self.variant, self.lang, self.locale = program, variant, lang, locale
        self.default = program.default_language
        self.module_titles = module_titles

    def module_title(self, module: Module) -> str:
        return self.module_titles.get(module.page, module.id)

    def t(self, key: str, **values: str) -> str:
        return self.locale.t(key, **values)

    def of(self, texts: Mapping[str, str]) -> str:
        return pick(texts, self.lang, self.default)

    def missing(self, *texts: Mapping[str, object]) -> bool:
        return self.lang != self.default and any(t and self.lang not in t for t in texts)

    def notice(self) -> list[str]:
        language, default = self.t(f"languages.{self.lang}"), self.t(f"languages.{self.default}")
        return [f'<p class="pkb-fallback">{_e(self.t("training.untranslated", language=language, default=default))}</p>', ""]

    def sees(self, item: Course | LearningPath | Session) -> bool:
        return item.gating.visible_to(self.variant.region, self.variant.tier)


def _module_tokens(course: Course, modules: Mapping[str, tuple[Module, ...]]) -> str:
    return " ".join(f"{course.id}/{m.id}" for m in modules.get(course.id, ()))


def _progress(tokens: str, words: Words) -> str:
    """A progress bar the training script fills from the browser's storage (hidden without script)."""
    total = len(tokens.split())
    label = words.t("training.progress", done="{done}", total="{total}")
    return (
        f'<div class="pkb-progress" data-modules="{_e(tokens)}" data-label="{_e(label)}" hidden>'
        f'<progress max="{total}" value="0"></progress> <span class="pkb-progress__label"></span></div>'
    )


# --- pages -------------------------------------------------------------------------------------


def training_pages(
    training: Training, modules: Mapping[str, tuple[Module, ...]], words: Words, as_of: datetime.datetime, product_names: Mapping[str, str]
) -> list[GeneratedPage]:
    """Every training page a variant shows in `words.lang`; `modules` are the visible modules of each course.

    `product_names` holds the catalog products the variant sees (id → name in the language), to link to.
    """
    variant = words.variant
    courses = [c for c in training.courses if words.sees(c)]
    teasers = [c for c in training.courses if c.teased_to(variant.region, variant.tier)]
    paths = [p for p in training.paths if words.sees(p)]
    sessions = [s for s in training.sessions if words.sees(s)]
    if not (courses or teasers or paths or sessions):
        return []
    pages = [_index_page(training, courses, teasers, paths, sessions, modules, words, product_names)]
    pages += [_course_page(c, training, courses, modules, words, product_names) for c in courses]
    pages += [_course_teaser(c, words) for c in teasers]
    pages += [_path_page(p, training, modules, words) for p in paths]
    if sessions:
        pages.append(_sessions_page(sessions, training, courses, words, as_of))
    return pages


def _index_page(
    training: Training,
    courses: list[Course],
    teasers: list[Course],
    paths: list[LearningPath],
    sessions: list[Session],
    modules: Mapping[str, tuple[Module, ...]],
    words: Words,
    product_names: Mapping[str, str],
) -> GeneratedPage:
    title = words.t("training.title")
    lines = [f"# {_e(title)}", "", _e(words.t("training.intro")), ""]
    if sessions:
        lines += [f"[{_e(words.t('training.sessions'))}](sessions.md)", ""]
    if paths:
        lines += [f"## {_e(words.t('training.paths'))}", ""]
        for path in paths:
            certification = words.of(path.certifications)
            lines.append(f"- [{_e(words.of(path.titles))}](paths/{path.id}.md): {_e(certification)}")
        lines.append("")
    lines += [f"## {_e(words.t('training.courses'))}", "", _filter_form(courses + teasers, words, product_names), ""]
    listed = [c for c in training.courses if c in courses or c in teasers]  # in the order of courses.yml
    lines += [_course_table(listed, {c.id for c in teasers}, modules, words, product_names), ""]
    source = next((c.source for c in courses + teasers), f"content/{FOLDER}/courses.yml")
    return GeneratedPage(f"{FOLDER}/index.md", source, title, words.t("training.intro"), "\n".join(lines))


def _filter_form(courses: list[Course], words: Words, product_names: Mapping[str, str]) -> str:
    """Filters run in the browser by theme/'s training script: each select matches a row's data attribute."""

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        choices = "".join(f'<option value="{_e(value)}">{_e(text)}</option>' for value, text in options)
        return f'<label>{_e(label)} <select name="{name}"><option value="">{_e(words.t("training.all"))}</option>{choices}</select></label>'

    roles = [(r, words.t(f"training.roles.{r}")) for r in dict.fromkeys(r for c in courses for r in c.roles)]
    levels = [(level, words.t(f"training.levels.{level}")) for level in dict.fromkeys(c.level for c in courses)]
    products = sorted({(product_names[p], p) for c in courses for p in c.products if p in product_names})
    products = [(p, name) for name, p in products]
    fields = select("role", words.t("training.role"), sorted(roles)) + select("level", words.t("training.level"), levels)
    if products:
        fields += select("product", words.t("training.product"), products)
    return f'<form class="pkb-filter" data-filter="pkb-courses">{fields}</form>'


def _course_table(
    courses: list[Course], teased: set[str], modules: Mapping[str, tuple[Module, ...]], words: Words, product_names: Mapping[str, str]
) -> str:
    head = "".join(
        f"<th>{_e(words.t(key))}</th>" for key in ("training.course", "training.roles_label", "training.level", "training.duration")
    )
    rows = []
    for course in courses:
        link = f'<a href="{course.id}/">{_e(words.of(course.titles))}</a>'
        if course.id in teased:
            tier = words.t(f"tiers.{course.gating.min_tier.id}")
            link += f' <span class="pkb-required pkb-required--{_e(course.gating.min_tier.id)}">{_e(words.t("tier.required", tier=tier))}</span>'
        else:
            link += " " + _progress(_module_tokens(course, modules), words)
        roles = ", ".join(words.t(f"training.roles.{r}") for r in course.roles)
        products = " ".join(p for p in course.products if p in product_names)
        rows.append(
            f'<tr data-role="{_e(" ".join(course.roles))}" data-level="{_e(course.level)}" data-product="{_e(products)}">'
            f"<td>{link}</td><td>{_e(roles)}</td><td>{_e(words.t(f'training.levels.{course.level}'))}</td>"
            f"<td>{_e(duration(course.duration, words.lang))}</td></tr>"
        )
    return f'<table id="pkb-courses" class="pkb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _course_page(
    course: Course,
    training: Training,
    visible: list[Course],
    modules: Mapping[str, tuple[Module, ...]],
    words: Words,
    product_names: Mapping[str, str],
) -> GeneratedPage:
    title, summary = words.of(course.titles), words.of(course.summaries)
    shown = modules.get(course.id, ())
    lines = [f"# {_e(title)}", ""]
    if words.missing(course.titles, course.summaries, course.objectives):
        lines += words.notice()
    lines += [_e(summary), "", _progress(_module_tokens(course, modules), words), ""]
    visible_ids = {c.id for c in visible}
    # Prerequisites the reader may see are linked; a teased one is named; any other stays unnamed.
    prerequisites = [
        f"[{_e(words.of(training.course(p).titles))}](../{p}/index.md)" if p in visible_ids else _e(words.of(training.course(p).titles))
        for p in course.prerequisites
        if p in visible_ids or training.course(p).teased_to(words.variant.region, words.variant.tier)
    ]
    products = [f"[{_e(product_names[p])}](../../catalog/{p}.md)" for p in course.products if p in product_names]
    facts = [
        ("training.roles_label", ", ".join(_e(words.t(f"training.roles.{r}")) for r in course.roles)),
        ("training.level", _e(words.t(f"training.levels.{course.level}"))),
        ("training.duration", _e(duration(course.duration, words.lang))),
        ("training.prerequisites", ", ".join(prerequisites)),
        ("training.products", ", ".join(products)),
    ]
    lines += [f"- **{_e(words.t(key))}:** {value}" for key, value in facts if value] + [""]
    objectives = course.objectives.get(words.lang) or course.objectives.get(words.default, ())
    if objectives:
        lines += [f"## {_e(words.t('training.objectives'))}", "", *(f"- {_e(o)}" for o in objectives), ""]
    lines += [f"## {_e(words.t('training.modules'))}", ""]
    done = _e(words.t("training.done"))
    for number, module in enumerate(shown, 1):
        quiz = f" · {_e(words.t('training.quiz'))}" if module.quiz else ""
        lines.append(
            f'{number}. <span class="pkb-module-item" data-module="{course.id}/{module.id}" data-done="{done}"></span>'
            f"[{_e(words.module_title(module))}]({module.id}.md){quiz}"
        )
    if shown:
        lines += ["", f"[{_e(words.t('training.start'))}]({shown[0].id}.md){{ .md-button .md-button--primary }}"]
    return GeneratedPage(f"{FOLDER}/{course.id}/index.md", course.source, title, summary, "\n".join(lines) + "\n")


def _course_teaser(course: Course, words: Words) -> GeneratedPage:
    title, summary = words.of(course.titles), words.of(course.summaries)
    tier = course.gating.min_tier
    return GeneratedPage(f"{FOLDER}/{course.id}/index.md", course.source, title, summary, "", teaser_tier=tier)


def _path_page(path: LearningPath, training: Training, modules: Mapping[str, tuple[Module, ...]], words: Words) -> GeneratedPage:
    title, summary = words.of(path.titles), words.of(path.summaries)
    courses = [training.course(c) for c in path.courses]
    lines = [f"# {_e(title)}", ""]
    if words.missing(path.titles, path.summaries, path.certifications):
        lines += words.notice()
    tokens = " ".join(_module_tokens(c, modules) for c in courses)
    total = sum(c.duration for c in courses)
    lines += [_e(summary), "", _progress(tokens, words), ""]
    lines += [
        f"- **{_e(words.t('training.certification'))}:** {_e(words.of(path.certifications))}",
        f"- **{_e(words.t('training.role'))}:** {_e(words.t(f'training.roles.{path.role}'))}",
        f"- **{_e(words.t('training.duration'))}:** {_e(duration(total, words.lang))}",
    ]
    counts = [(t, n) for t in words.program.tiers for p, n in t.certified if p == path.id]
    for tier, count in counts:
        requirement = words.t("training.counts_toward", tier=words.t(f"tiers.{tier.id}"), count=str(count))
        lines.append(f"- **{_e(words.t('training.requirement'))}:** {_e(requirement)}")
    lines += ["", f"## {_e(words.t('training.courses'))}", ""]
    for number, course in enumerate(courses, 1):
        lines.append(f"{number}. [{_e(words.of(course.titles))}](../{course.id}/index.md) ({_e(duration(course.duration, words.lang))})")
    return GeneratedPage(f"{FOLDER}/paths/{path.id}.md", path.source, title, summary, "\n".join(lines) + "\n")


def _sessions_page(
    sessions: list[Session], training: Training, courses: list[Course], words: Words, as_of: datetime.datetime
) -> GeneratedPage:
    title = words.t("training.sessions")
    upcoming = sorted((s for s in sessions if s.end > as_of), key=lambda s: (s.start, s.id))
    past = sorted((s for s in sessions if s.end <= as_of), key=lambda s: (s.start, s.id), reverse=True)
    lines = [f"# {_e(title)}", ""]
    if words.missing(*(s.titles for s in sessions), *(s.summaries for s in sessions)):
        lines += words.notice()
    lines += [f"## {_e(words.t('training.upcoming'))}", ""]
    if not upcoming:
        lines += [_e(words.t("training.no_sessions")), ""]
    course_ids = {c.id for c in courses}
    for session in upcoming:
        lines += _session_block(session, training, course_ids, words)
        lines += [f"[{_e(words.t('training.add_to_calendar'))}](sessions/{session.id}.ics)", ""]
    lines += [f"## {_e(words.t('training.recordings'))}", ""]
    for session in past:
        lines += _session_block(session, training, course_ids, words, past=True)
    return GeneratedPage(f"{FOLDER}/sessions.md", sessions[0].source, title, words.t("training.intro"), "\n".join(lines))


def _session_block(session: Session, training: Training, course_ids: set[str], words: Words, past: bool = False) -> list[str]:
    kind = words.t(f"training.kinds.{session.kind}")
    lines = [f"### {_e(words.of(session.titles))}", "", f"{_e(kind)} · {_e(duration(session.duration, words.lang))}", ""]
    if session.summaries:
        lines += [_e(words.of(session.summaries)), ""]
    if session.course is not None and session.course in course_ids:
        lines += [
            f"{_e(words.t('training.course'))}: [{_e(words.of(training.course(session.course).titles))}]({session.course}/index.md)",
            "",
        ]
    times = [f"<li>{_e(local_time(session.start, zone, words.lang))}</li>" for zone in words.variant.region.time_zones]
    utc = session.start.strftime("%Y-%m-%dT%H:%M:%SZ")
    label = words.t("training.your_time", time="{time}")
    lines += [
        f'<ul class="pkb-session__times">{"".join(times)}'
        f'<li><time class="pkb-local-time" datetime="{utc}" data-label="{_e(label)}" hidden></time></li></ul>',
        "",
    ]
    if past and session.recording_url:
        lines += [f'<a href="{_e(session.recording_url)}">{_e(words.t("training.recording"))}</a>', ""]
    elif past:
        lines += [_e(words.t("training.no_recording")), ""]
    elif session.join_url:
        lines += [f'<a href="{_e(session.join_url)}">{_e(words.t("training.join"))}</a>', ""]
    return lines


# --- modules -----------------------------------------------------------------------------------


def decorate_module(text: str, body_start: int, course: Course, module: Module, shown: tuple[Module, ...], words: Words) -> tuple[str, int]:
    """A module page with its course header and progress above the text, and its quiz and navigation below;
    and the number of lines of the header."""
    lines = text.split("\n")
    index = shown.index(module)
    header = [
        f"[{_e(words.of(course.titles))}](index.md) · {_e(words.t('training.module_of', number=str(index + 1), total=str(len(shown))))}",
        "{: .pkb-module-header }",
        "",
        _progress(_module_tokens(course, {course.id: shown}), words),
        "",
    ]
    footer = ["", _quiz(course, module, words) if module.quiz else _complete_button(course, module, words), ""]
    previous = shown[index - 1] if index else None
    following = shown[index + 1] if index + 1 < len(shown) else None
    nav = []
    if previous:
        nav.append(f"[← {_e(words.module_title(previous))}]({previous.id}.md){{ .md-button }}")
    nav.append(f"[{_e(words.t('training.back'))}](index.md){{ .md-button }}")
    if following:
        nav.append(f"[{_e(words.module_title(following))} →]({following.id}.md){{ .md-button .md-button--primary }}")
    footer += [" ".join(nav), ""]
    header = "\n".join(header).split("\n")  # a line of the list may hold several
    return "\n".join(lines[:body_start] + header + lines[body_start:] + footer), len(header)


def _complete_button(course: Course, module: Module, words: Words) -> str:
    return (
        f'<p class="pkb-complete" data-module="{course.id}/{module.id}" data-done="{_e(words.t("training.completed"))}">'
        f'<button type="button" class="md-button">{_e(words.t("training.complete"))}</button></p>'
    )


def _quiz(course: Course, module: Module, words: Words) -> str:
    """A knowledge check graded in the browser; passing it marks the module done in the browser's storage."""
    assert module.quiz is not None
    questions = "".join(_question(q, i, words) for i, q in enumerate(module.quiz.questions))
    data = {
        "module": f"{course.id}/{module.id}",
        "result": words.t("training.result", correct="{correct}", total="{total}"),
        "passed": words.t("training.passed"),
        "retry": words.t("training.retry"),
    }
    attributes = " ".join(f'data-{key}="{_e(value)}"' for key, value in data.items())
    return (
        f'<form class="pkb-quiz" {attributes}>'
        f'<h2>{_e(words.t("training.quiz"))}</h2><p class="pkb-quiz__note">{_e(words.t("training.quiz_note"))}</p>'
        f'{questions}<p><button type="submit" class="md-button md-button--primary">{_e(words.t("training.check"))}</button></p>'
        f'<p class="pkb-quiz__result" role="status" aria-live="polite"></p></form>'
    )


def _question(question: Question, index: int, words: Words) -> str:
    kind = "radio" if question.kind == "single" else "checkbox"
    choices = "".join(
        f'<label class="pkb-quiz__choice"><input type="{kind}" name="q{index}" value="{position}"> {_e(words.of(choice))}</label>'
        for position, choice in enumerate(question.choices)
    )
    correct = " ".join(str(c) for c in question.correct)
    return (
        f'<fieldset class="pkb-quiz__question" data-correct="{correct}"><legend>{index + 1}. {_e(words.of(question.texts))}</legend>'
        f'{choices}<p class="pkb-quiz__explanation" hidden>{_e(words.of(question.explanation))}</p></fieldset>'
    )


# --- calendar files ----------------------------------------------------------------------------


def _ics_text(value: str) -> str:
    text = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines of at most 75 octets, continued on lines that start with a space; never inside a character."""
    parts, current, limit = [], "", 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current, limit = " ", 75
        current += char
    return [*parts, current]


def session_ics(session: Session, words: Words, as_of: datetime.datetime) -> bytes:
    """An iCalendar file for one session: UTC times, a stable UID, DTSTAMP from the build time (deterministic)."""
    stamp = "%Y%m%dT%H%M%SZ"
    host = urlsplit(words.variant.region.base_url).hostname or "partnerkb.invalid"
    description = " ".join(t for t in (words.of(session.summaries), session.join_url) if t)
    fields = [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", f"-//partnerkb//{host}//{words.lang.upper()}"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("BEGIN", "VEVENT"),
        ("UID", f"{session.id}.{words.variant.region.id}@{host}"),
        ("DTSTAMP", as_of.astimezone(datetime.UTC).strftime(stamp)),
        ("DTSTART", session.start.strftime(stamp)),
        ("DTEND", session.end.strftime(stamp)),
        ("SUMMARY", _ics_text(words.of(session.titles))),
        ("DESCRIPTION", _ics_text(description)),
        *([("URL", session.join_url)] if session.join_url else []),
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    lines = [part for name, value in fields for part in _fold(f"{name}:{value}")]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def session_files(training: Training, words: Words, as_of: datetime.datetime) -> list[tuple[str, bytes]]:
    """The calendar file of each upcoming session the variant sees, named for the language's folder."""
    return [
        (localized(f"{FOLDER}/sessions/{s.id}.ics", words.lang, words.default), session_ics(s, words, as_of))
        for s in training.sessions
        if words.sees(s) and s.end > as_of
    ]
