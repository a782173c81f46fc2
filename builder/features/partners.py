"""Partner data: `partners/<partner-id>.yml` (or a CRM export folder given by `--partners DIR`).

A partner's strings are data, never markup: they are validated here (http(s) websites, e-mail
addresses, colours) and escaped wherever they are shown. Logos are checked before any kit uses them:
an SVG with scripts, event handlers, external references or `<foreignObject>` is refused, and a raster
logo must be the image type its name claims and of bounded size.
"""

from __future__ import annotations

import math
import re
import struct
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.models import Program, Region, Tier
from ..core.problems import Report, did_you_mean
from ..core.schema import ID_PATTERN, Field, check_mapping, check_url, describe
from ..core.yamlio import YamlMap, load_file

FOLDER = "partners"
PROGRAM_NAME = "program.yml"
TYPES = ("reseller", "distributor", "referral", "technology")
LOGO_TYPES = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4096
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

PARTNER_FIELDS = (
    Field("name", str, "The partner's trading name, shown on its kit.", required=True),
    Field("legal_name", str, "Registered company name, for the legal line of collateral.", required=True),
    Field("type", str, f"Partner type: {', '.join(TYPES)}.", required=True),
    Field("tier", str, "Its tier (an id from partners/program.yml).", required=True),
    Field("region", str, "The region whose portal it uses; its kit is published there only.", required=True),
    Field("language", str, "Preferred language: one the region builds.", required=True),
    Field("website", str, "Home page, http(s) only.", required=True),
    Field("logo", str, "Logo file in `partners/<partner-id>/` (SVG, PNG or JPEG, at most 512 KiB and 4096 px).", required=True),
    Field("colors", dict, "Brand colours: `primary` and `secondary`, as `#rrggbb`.", required=True),
    Field("co_branding", bool, "Whether its agreement allows co-branded collateral.", required=True),
    Field("contacts", list, "People at the partner: `name`, `role`, `email`, `phone` each.", required=True),
    Field("partner_manager", dict, "Its partner manager at the vendor: `name`, `email`, `phone`.", required=True),
    Field("metrics", dict, "From the CRM: `sourced_revenue`, `registered_deals`, `csat`, `points`, `certified`, `revenue_by_quarter`."),
)
CONTACT_FIELDS = (
    Field("name", str, "Full name.", required=True),
    Field("role", str, "Job title.", required=True),
    Field("email", str, "E-mail address.", required=True),
    Field("phone", str, "Phone number, international format (`+1 555 0100`)."),
)
METRIC_FIELDS = (
    Field("sourced_revenue", int, "Partner-sourced revenue over the last 12 months, in USD."),
    Field("registered_deals", int, "Deals registered over the last 12 months."),
    Field("csat", int, "Customer satisfaction, 1 to 5."),
    Field("points", int, "Programme points over the last 12 months."),
    Field("certified", dict, "People certified per learning path id."),
    Field("revenue_by_quarter", dict, "Sourced revenue per quarter (`2026-Q1: 120000`), for the dashboard's chart."),
)


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class Partner:
    id: str
    source: str  # its file, as messages name it
    folder: Path  # where its logo lives
    name: str
    legal_name: str
    type: str
    tier: Tier
    region: Region
    language: str
    website: str
    logo: str  # file name in `folder`
    colors: Mapping[str, str]
    co_branding: bool
    contacts: tuple[Contact, ...]
    manager: Contact
    metrics: Mapping[str, float]  # sourced_revenue, registered_deals, csat, points
    certified: Mapping[str, int]
    revenue_by_quarter: tuple[tuple[str, float], ...]


def partner_files(folder: Path) -> list[Path]:
    """The partner files of a folder: every `*.yml` but the program."""
    return sorted(p for p in folder.glob("*.yml") if p.name != PROGRAM_NAME)


def load_partners(folder: Path, shown: str, program: Program, report: Report) -> tuple[Partner, ...]:
    """Read every partner file of `folder` (named `shown` in messages, e.g. `partners/`)."""
    partners = []
    for path in partner_files(folder):
        source = f"{shown}{path.name}"
        data = load_file(path, source, report)
        if data is None or not check_mapping(data, PARTNER_FIELDS, source, report):
            continue
        partner = _partner(data, path, source, program, report)
        if partner is not None:
            partners.append(partner)
    return tuple(partners)


def _partner(data: YamlMap, path: Path, source: str, program: Program, report: Report) -> Partner | None:
    mark = report.mark()
    partner_id = path.stem
    if not ID_PATTERN.match(partner_id):
        report.error(source, 1, "partner-id", f"the file name '{partner_id}' is the partner's id: lower-case letters, digits and '-'")
    tier = _one_of(data, "tier", [t.id for t in program.tiers], source, report)
    region = _one_of(data, "region", [r.id for r in program.regions], source, report)
    _one_of(data, "type", list(TYPES), source, report)
    if region is not None:
        _one_of(data, "language", list(program.region(region).languages), source, report)
    check_url(data, "website", source, report)
    colors = _colors(data, source, report)
    contacts = tuple(
        c
        for c in (_contact(item, f"contacts[{i}]", data["contacts"].line_of(i), source, report) for i, item in enumerate(data["contacts"]))
        if c
    )
    manager = _contact(data["partner_manager"], "partner_manager", data.line_of("partner_manager"), source, report)
    metrics, certified, quarters = _metrics(data, source, report)
    check_logo(path.parent / partner_id, data["logo"], source, data.line_of("logo"), report)
    if report.errors_since(mark) or tier is None or region is None or manager is None:
        return None
    return Partner(
        partner_id, source, path.parent / partner_id, data["name"], data["legal_name"], data["type"], program.tier(tier),
        program.region(region), data["language"], data["website"], data["logo"], colors, data["co_branding"], contacts, manager,
        metrics, certified, quarters,
    )  # fmt: skip


def _one_of(data: YamlMap, key: str, allowed: list[str], source: str, report: Report) -> str | None:
    if data[key] in allowed:
        return str(data[key])
    report.error(
        source, data.line_of(key), f"partner-{key}", f"{key}: unknown {key} {describe(data[key])}{did_you_mean(str(data[key]), allowed)}"
    )
    return None


def _colors(data: YamlMap, source: str, report: Report) -> dict[str, str]:
    colors = {}
    for key in ("primary", "secondary"):
        value = data["colors"].get(key)
        if not isinstance(value, str) or not _COLOUR.match(value):
            line = data["colors"].line_of(key)
            report.error(source, line, "partner-colour", f"colors.{key}: expected a colour such as '#1a4d8f', got {describe(value)}")
        else:
            colors[key] = value.lower()
    return colors


def _contact(item: object, where: str, line: int, source: str, report: Report) -> Contact | None:
    fields = CONTACT_FIELDS if where != "partner_manager" else tuple(f for f in CONTACT_FIELDS if f.name != "role")
    if not check_mapping(item, fields, source, report, where, line):
        return None
    assert isinstance(item, YamlMap)
    ok = True
    if not _EMAIL.match(item["email"]):
        report.error(
            source, item.line_of("email"), "partner-email", f"{where}.email: expected an e-mail address, got {describe(item['email'])}"
        )
        ok = False
    phone = str(item.get("phone", ""))
    if phone and not _PHONE.match(phone):
        report.error(
            source,
            item.line_of("phone"),
            "partner-phone",
            f"{where}.phone: expected a phone number such as '+1 555 0100', got {describe(phone)}",
        )
        ok = False
    return Contact(item["name"], item.get("role", ""), item["email"], phone) if ok else None


def _metrics(data: YamlMap, source: str, report: Report) -> tuple[dict[str, float], dict[str, int], tuple[tuple[str, float], ...]]:
    metrics = data.get("metrics")
    if metrics is None:
        return {}, {}, ()
    if not check_mapping(metrics, METRIC_FIELDS, source, report, "metrics", data.line_of("metrics")):
        return {}, {}, ()
    values = {key: float(metrics[key]) for key in ("sourced_revenue", "registered_deals", "csat", "points") if key in metrics}
    for key, value in values.items():
        if not math.isfinite(value) or value < 0 or (key == "csat" and not 1 <= value <= 5):
            bounds = "from 1 to 5" if key == "csat" else "of zero or more"
            report.error(
                source, metrics.line_of(key), "partner-metric", f"metrics.{key}: expected a number {bounds}, got {describe(metrics[key])}"
            )
    certified = {
        str(k): v for k, v in (metrics.get("certified") or {}).items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0
    }
    for key, value in (metrics.get("certified") or {}).items():
        if str(key) not in certified:
            line = metrics["certified"].line_of(key)
            report.error(source, line, "partner-metric", f"metrics.certified.{key}: expected a number of people, got {describe(value)}")
    quarters = []
    for key, value in (metrics.get("revenue_by_quarter") or {}).items():
        if (
            not re.match(r"^[0-9]{4}-Q[1-4]$", str(key))
            or isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value < math.inf
        ):
            line = metrics["revenue_by_quarter"].line_of(key)
            report.error(source, line, "partner-metric", f"metrics.revenue_by_quarter: expected '2026-Q1: <USD>', got '{key}: {value}'")
        else:
            quarters.append((str(key), float(value)))
    return values, certified, tuple(sorted(quarters))


# --- logos -------------------------------------------------------------------------------------

# Elements that run code, embed other documents or (animations) can rewrite a link after the checks.
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_SVG_FORBIDDEN |= {"set", "animate", "animateMotion", "animateTransform", "discard"}
_SIGNATURES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}
# CSS that can load anything: url() to something other than a fragment, image-set(), @import, and
# backslash escapes (which could spell either in disguise).
_CSS_LOADS = re.compile(r"url\(\s*['\"]?\s*(?!#)|image-set|@import|\\", re.I)


def check_logo(folder: Path, name: str, source: str, line: int, report: Report) -> bool:
    """A logo must exist in the partner's folder, be what its name says, and be safe to show."""
    path = folder / name
    suffix = Path(name).suffix.lower()
    shown = f"{source[: -len('.yml')]}/{name}"
    if "/" in name or "\\" in name or name.startswith("."):
        report.error(source, line, "partner-logo", f"logo: a file name in {source[: -len('.yml')]}/, got {describe(name)}")
        return False
    if suffix not in LOGO_TYPES:
        report.error(source, line, "partner-logo", f"logo: expected an SVG, PNG or JPEG file, got {describe(name)}")
        return False
    if not path.is_file():
        report.error(source, line, "missing-file", f"logo: no file '{shown}'")
        return False
    data = path.read_bytes()
    if len(data) > MAX_LOGO_BYTES:
        report.error(shown, 1, "partner-logo", f"the logo is {len(data) // 1024} KiB; at most {MAX_LOGO_BYTES // 1024} KiB")
        return False
    problem = svg_problem(data) if LOGO_TYPES[suffix] == "SVG" else raster_problem(data, LOGO_TYPES[suffix])
    if problem:
        report.error(shown, problem[0], "unsafe-logo", problem[1])
        return False
    return True


def svg_problem(data: bytes) -> tuple[int, str] | None:
    """(line, why) when an SVG could run code or fetch anything; None when it is a plain drawing.

    Links may point inside the drawing only (`#id`); styles may load nothing.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return 1, "an SVG logo must be UTF-8 text"
    for pattern, why in ((r"<!DOCTYPE|<!ENTITY", "declare a DOCTYPE or entities"), (r"<\?xml-stylesheet", "load a style sheet")):
        found = re.search(pattern, text, re.I)
        if found:
            return _line_of(text, found), f"an SVG logo must not {why}"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return exc.position[0], f"the SVG logo is not well-formed XML: {exc}"
    if _local(root.tag) != "svg":
        return 1, f"expected an <svg> document, got <{_local(root.tag)}>"
    for element in root.iter():
        problem = _element_problem(element)
        if problem:
            tag = _local(element.tag)
            return _line_of(text, re.search(rf"<(\w+:)?{re.escape(tag)}\b", text)), problem
    return None


def _element_problem(element: ElementTree.Element) -> str | None:
    tag = _local(element.tag)
    if tag in _SVG_FORBIDDEN:
        return f"an SVG logo must not contain <{tag}>"
    for attribute, value in element.attrib.items():
        name = _local(attribute)
        if name.lower().startswith("on"):
            return f"an SVG logo must not have event handlers ({name} on <{tag}>)"
        if name in ("href", "src") and not value.strip().startswith("#"):
            return f'an SVG logo must not refer to other files or URLs ({name}="{value[:40]}" on <{tag}>)'
        if _CSS_LOADS.search(value) or "script:" in re.sub(r"[\s\x00-\x1f]", "", value).lower():
            return f"an SVG logo must not load anything ({name} on <{tag}>)"
    if tag == "style" and _CSS_LOADS.search("".join(element.itertext())):
        return "an SVG logo's styles must not load anything"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _line_of(text: str, match: re.Match[str] | None) -> int:
    return text.count("\n", 0, match.start()) + 1 if match else 1


def raster_problem(data: bytes, kind: str) -> tuple[int, str] | None:
    """(1, why) when a PNG or JPEG is not what it claims or is too large; None when it is fine."""
    if not data.startswith(_SIGNATURES[kind]):
        actual = next((k for k, sig in _SIGNATURES.items() if data.startswith(sig)), "not an image")
        return 1, f"the logo is named as {kind} but its content is {actual}"
    size = _png_size(data) if kind == "PNG" else _jpeg_size(data)
    if size is None:
        return 1, f"the {kind} logo is damaged: its size cannot be read"
    if max(size) > MAX_LOGO_PIXELS:
        return 1, f"the logo is {size[0]}×{size[1]} pixels; at most {MAX_LOGO_PIXELS} on each side"
    return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker, length = data[position + 1], struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    return None
