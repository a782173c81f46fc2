"""Training: course and module pages, paths, live sessions and calendar files, located errors, leaks."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_time, get_timezone_name

from builder.core.models import Variant
from builder.core.problems import Report
from builder.load.project import load_project
from builder.plan.stage import plan_variant
from conftest import edit, golden, run

pytestmark = pytest.mark.slow

TRAINING = "content/training"


def article(page: Path) -> str:
    match = re.search(r"<article[^>]*>(.*?)</article>", page.read_text(encoding="utf-8"), re.S)
    assert match, page
    return match.group(1).strip() + "\n"


@pytest.mark.parametrize("lang,folder", [("en", ""), ("de", "de/")])
def test_course_page_golden(tiny_built: tuple[Path, Path], lang: str, folder: str) -> None:
    _, dist = tiny_built
    golden(f"training/course-eu-silver-{lang}.html", article(dist / f"eu/silver/1.0/{folder}training/widget-basics/index.html"))


@pytest.mark.parametrize("module", ["01-intro", "02-selling"])
def test_module_navigation_golden(tiny_built: tuple[Path, Path], module: str) -> None:
    """Header (course, "Module n of N", progress), the quiz or completion button, previous/next links."""
    _, dist = tiny_built
    golden(f"training/module-{module}-eu-silver.html", article(dist / f"eu/silver/1.0/training/widget-basics/{module}/index.html"))


def test_gated_courses_are_absent_or_teased_below_their_tier(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    registered, silver, gold = (dist / f"eu/{tier}/1.0/training" for tier in ("registered", "silver", "gold"))
    assert not (registered / "widget-deploy").exists() and (silver / "widget-deploy/01-install/index.html").exists()
    assert not (registered / "paths/widget-engineer").exists() and (silver / "paths/widget-engineer/index.html").exists()
    teaser = (silver / "gadget-secrets/index.html").read_text(encoding="utf-8")
    assert "Available from Gold" in teaser and "crimson" not in teaser
    assert not (silver / "gadget-secrets/01-vault").exists() and (gold / "gadget-secrets/01-vault/index.html").exists()
    index = (registered / "index.html").read_text(encoding="utf-8")
    assert "Deploying widgets" not in index and "Gadget engine internals" in index and "Gold and above" in index


def test_path_counts_toward_the_tier_requirement(tiny_built: tuple[Path, Path]) -> None:
    _, dist = tiny_built
    text = article(dist / "eu/silver/1.0/training/paths/widget-seller/index.html")
    assert "People with this certification needed for Gold: 2" in text and "Certified Widget Seller" in text


@pytest.mark.parametrize("region,zone", [("na", "America/New_York"), ("eu", "Europe/Berlin")])
def test_session_times_in_the_regions_time_zone(tiny_built: tuple[Path, Path], region: str, zone: str) -> None:
    _, dist = tiny_built
    text = article(dist / f"{region}/silver/1.0/training/sessions/index.html")
    start = datetime.datetime(2026, 2, 10, 14, 30, tzinfo=datetime.UTC)
    tz = ZoneInfo(zone)
    assert f"{format_time(start, 'short', tzinfo=tz, locale='en')} ({get_timezone_name(tz, width='long', locale='en')})" in text
    assert 'datetime="2026-02-10T14:30:00Z"' in text  # for the reader's own time zone, in the browser


def test_calendar_file_is_valid_icalendar_with_utc_times(tiny_built: tuple[Path, Path]) -> None:
    import icalendar

    _, dist = tiny_built
    data = (dist / "eu/silver/1.0/de/training/sessions/widget-deploy-workshop.ics").read_bytes()
    assert all(len(line) <= 75 for line in data.split(b"\r\n")) and data.endswith(b"\r\n")
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime.datetime(2026, 2, 10, 14, 30, tzinfo=datetime.UTC)
    assert event.decoded("DTEND") == datetime.datetime(2026, 2, 10, 16, 30, tzinfo=datetime.UTC)
    assert str(event["SUMMARY"]) == "Hands-on: deploying widgets, step by step"
    assert str(event["UID"]) == "widget-deploy-workshop.eu@partners.example.com"
    assert event.decoded("DTSTAMP") == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # the build's time, not the clock


def test_sessions_become_recordings_as_of_the_build_date(tiny: Path) -> None:
    def plan(as_of: datetime.datetime):  # type: ignore[no-untyped-def]
        project = load_project(tiny, Report(), as_of)
        program = project.program
        return plan_variant(project, Variant(program.region("eu"), program.tier("silver"), program.versions[0]))

    before = plan(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    after = plan(datetime.datetime(2026, 2, 11, tzinfo=datetime.UTC))
    assert "training/sessions/widget-deploy-workshop.ics" in dict(before.files)
    assert not any(name.endswith(".ics") for name, _ in after.files)
    sessions = next(s.text for s in after.pages if s.name == "training/sessions.md")
    upcoming, recordings = sessions.split("## Recordings")
    assert "No sessions are scheduled" in upcoming and "deploying widgets" in recordings and "No recording is available." in recordings


def test_leaked_gated_quiz_and_session_are_caught(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    project, dist = tiny_built
    shutil.copytree(dist, tmp_path / "dist")
    page = tmp_path / "dist/eu/silver/1.0/training/index.html"
    planted = "<p>Only the crimson gadget override silences the vault during upgrades.</p><a href='https://meet.example.com/gadget-briefing-7f3a9c'>x</a>"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", planted + "</article>"), encoding="utf-8")
    code, output = run("audit", str(tmp_path / "dist"), "--project", str(project))
    assert code == 1
    assert "leak: text of 'content/training/gadget-secrets/01-vault.quiz.yml' hidden from tier 'silver' of region 'eu'" in output
    assert (
        "leak: text of 'content/training/sessions.yml' hidden from tier 'silver' of region 'eu': \"https meet example com gadget briefing 7f3a9c\""
        in output
    )


BAD = {
    "missing prerequisite": (
        f"{TRAINING}/courses.yml",
        "prerequisites: [widget-basics]",
        "prerequisites: [widget-basic]",
        "content/training/courses.yml:19: prerequisites: no course 'widget-basic' (did you mean 'widget-basics'?)",
    ),
    "prerequisite cycle": (
        f"{TRAINING}/courses.yml",
        "  modules: [01-intro, 02-selling]",
        "  prerequisites: [widget-deploy]\n  modules: [01-intro, 02-selling]",
        "content/training/courses.yml:12: prerequisites form a cycle: widget-basics → widget-deploy → widget-basics",
    ),
    "path requires a course gated above it": (
        f"{TRAINING}/paths.yml",
        "  courses: [widget-basics]",
        "  courses: [widget-basics, widget-deploy]",
        "content/training/paths.yml:6: courses: 'widget-deploy' is for silver and above, but the path is open from registered",
    ),
    "duplicate course id": (
        f"{TRAINING}/courses.yml",
        "- id: widget-deploy",
        "- id: widget-basics",
        "content/training/courses.yml:13: id: 'widget-basics' is already used at line 2",
    ),
    "quiz without a correct answer": (
        f"{TRAINING}/widget-basics/01-intro.quiz.yml",
        "correct: [1]",
        "correct: []",
        "content/training/widget-basics/01-intro.quiz.yml:8: questions[0].correct: the question has no correct answer",
    ),
    "quiz answer out of range": (
        f"{TRAINING}/widget-basics/01-intro.quiz.yml",
        "correct: [0, 1]",
        "correct: [0, 3]",
        "content/training/widget-basics/01-intro.quiz.yml:16: questions[1].correct: answer 3 is out of range: there are 3 choices (0 to 2)",
    ),
    "session time without offset": (
        f"{TRAINING}/sessions.yml",
        "start: 2026-03-02T09:00:00Z",
        "start: 2026-03-02 09:00",
        "content/training/sessions.yml:19: start: expected an ISO 8601 date and time with its UTC offset (2026-12-03T16:00:00+00:00), got '2026-03-02 09:00'",
    ),
    "missing module file": (
        f"{TRAINING}/courses.yml",
        "modules: [01-install]",
        "modules: [01-install, 02-tuning]",
        "content/training/courses.yml:22: modules: no file 'content/training/widget-deploy/02-tuning.md'",
    ),
    "unsafe join URL": (
        f"{TRAINING}/sessions.yml",
        "join_url: https://meet.example.com/widget-deploy",
        "join_url: javascript:alert(1)",
        "content/training/sessions.yml:15: join_url: expected an http(s) URL, got 'javascript:alert(1)'",
    ),
    "id that climbs out of its folder": (
        f"{TRAINING}/sessions.yml",
        "- id: gadget-briefing",
        "- id: ../../../../pwned",
        "content/training/sessions.yml:16: [2].id: expected lower-case letters, digits and '-' (it names files and URLs), got '../../../../pwned'",
    ),
    "join URL that injects calendar lines": (
        f"{TRAINING}/sessions.yml",
        "join_url: https://meet.example.com/widget-deploy",
        'join_url: "https://meet.example.com/x\\r\\nBEGIN:VALARM"',
        "content/training/sessions.yml:15: join_url: expected an http(s) URL, got 'https://meet.example.com/x\\r\\nBEGIN:VALARM'",
    ),
    "path offered where its course is not": (
        f"{TRAINING}/courses.yml",
        "  tier: silver\n  modules: [01-install]",
        "  tier: silver\n  regions: [na]\n  modules: [01-install]",
        "content/training/paths.yml:13: courses: 'widget-deploy' is only in regions na, but the path is offered in every region",
    ),
    "quiz answer that is not a whole number": (
        f"{TRAINING}/widget-basics/01-intro.quiz.yml",
        "correct: [1]",
        "correct: [1.5]",
        "content/training/widget-basics/01-intro.quiz.yml:8: questions[0].correct: expected each position once, as a whole number, got 1.5",
    ),
    "unknown role": (
        f"{TRAINING}/courses.yml",
        "roles: [engineering]\n  level: intermediate",
        "roles: [enginering]\n  level: intermediate",
        "content/training/courses.yml:16: roles: unknown role 'enginering' (expected one of sales, presales, support, engineering) (did you mean 'engineering'?)",
    ),
    "tier requires an unknown certification": (
        "partners/program.yml",
        "widget-seller: 2",
        "widget-sellers: 2",
        "partners/program.yml:9: tiers: 'gold' requires certification 'widget-sellers', but no learning path has that id (did you mean 'widget-seller'?)",
    ),
    "unknown time zone": (
        "partners/program.yml",
        "time_zones: [Europe/Berlin]",
        "time_zones: [Europe/Berlinn]",
        "partners/program.yml:23: regions.eu.time_zones: unknown time zone 'Europe/Berlinn' (expected an IANA name such as 'Europe/Berlin')",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_training_input_is_located(tiny: Path, name: str) -> None:
    relative, old, new, expected = BAD[name]
    edit(tiny, relative, old, new)
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and expected in output.splitlines(), output
    assert "Traceback" not in output


def test_data_titles_are_text_and_unseen_courses_stay_unnamed(tiny: Path, tmp_path: Path) -> None:
    """A course title with markup shows as text; a gated course without a teaser is named nowhere below its tier,
    not even as another course's prerequisite or in the navigation."""
    courses = f"{TRAINING}/courses.yml"
    edit(tiny, courses, '{en: "Gadget engine internals"}', '{en: "Gadget <img src=x onerror=alert(1)> internals"}')
    edit(tiny, courses, "  prerequisites: [widget-basics]\n", "")
    edit(tiny, courses, "  modules: [01-intro, 02-selling]", "  prerequisites: [widget-deploy]\n  modules: [01-intro, 02-selling]")
    out = tmp_path / "dist"
    code, output = run("build", "--project", str(tiny), "--out", str(out), "--region", "eu", "--tier", "registered")
    assert code == 0, output
    files = [p for p in (out / "eu/registered").rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml")]
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    assert not [p for p, text in texts.items() if "<img src=x" in text]
    assert any("Gadget &lt;img src=x onerror=alert(1)&gt; internals" in text for text in texts.values())
    assert not [p for p, text in texts.items() if "Deploying widgets" in text]


def test_an_empty_data_file_is_an_error(tiny: Path) -> None:
    (tiny / f"{TRAINING}/widget-deploy/01-install.quiz.yml").write_text("\n", encoding="utf-8")
    code, output = run("check", "--project", str(tiny))
    assert code == 1 and "content/training/widget-deploy/01-install.quiz.yml:1: the file is empty" in output.splitlines(), output


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "(Central European Time)"),
        ("de", "(Mitteleuropäische Zeit)"),
        ("ja", "(中央ヨーロッパ時間)"),
    ],
)
def test_a_session_time_names_its_zone_without_nested_brackets(lang: str, expected: str) -> None:
    from builder.features.training_pages import local_time

    shown = local_time(datetime.datetime(2026, 12, 3, 16, 0, tzinfo=datetime.UTC), "Europe/Berlin", lang)
    assert shown.endswith(expected) and not re.search(r"\([^()]*\(", shown), shown
