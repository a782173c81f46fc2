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
from dataclasses import dataclass, field
from pathlib import Path

from ..core.models import Program, Region, Tier
from ..core.problems import Report, Reporter, did_you_mean
from ..core.schema import ID_PATTERN, Entry, Field, Schema, describe, read_region, read_tier, read_url
from ..core.yamlio import YamlList, YamlMap, load_file

FOLDER = "partners"
PROGRAM_NAME = "program.yml"
TYPES = ("reseller", "distributor", "referral", "technology")
LOGO_TYPES = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4096
_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    metrics: Metrics


@dataclass(frozen=True)
class Metrics:
    """A partner's figures from the CRM, for its dashboard."""

    figures: Mapping[str, float] = field(default_factory=dict)  # sourced_revenue, registered_deals, csat, points
    certified: Mapping[str, int] = field(default_factory=dict)  # people per learning path
    revenue_by_quarter: tuple[tuple[str, float], ...] = ()


def _read_colors(entry: Entry, key: str, value: YamlMap) -> dict[str, str]:
    colors = {}
    for name in ("primary", "secondary"):
        colour = value.get(name)
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            line = value.line_of(name) if name in value else entry.line_of(key)
            entry.error(f"{key}.{name}", "partner-colour", f"expected a colour such as '#1a4d8f', got {describe(colour)}", line)
        else:
            colors[name] = colour.lower()
    return colors


def _read_email(entry: Entry, key: str, value: str) -> str:
    if not _EMAIL.match(value):
        entry.error(key, "partner-email", f"expected an e-mail address, got {describe(value)}")
    return value


def _read_phone(entry: Entry, key: str, value: str) -> str:
    if not _PHONE.match(value):
        entry.error(key, "partner-phone", f"expected a phone number such as '+1 555 0100', got {describe(value)}")
    return value


def _read_contacts(entry: Entry, key: str, value: YamlList) -> tuple[Contact | None, ...]:
    return tuple(_contact(entry.child(item, f"{key}[{i}]", value.line_of(i)), CONTACT_FIELDS) for i, item in enumerate(value))


def _read_manager(entry: Entry, key: str, value: YamlMap) -> Contact | None:
    return _contact(entry.child(value, key, entry.line_of(key)), MANAGER_FIELDS)


def _contact(entry: Entry, schema: Schema) -> Contact | None:
    if not schema.read(entry) or not entry.ok:
        return None
    return Contact(**{"role": "", **entry.values})


def _read_metrics(entry: Entry, key: str, value: YamlMap) -> Metrics | None:
    metrics = entry.child(value, key, entry.line_of(key))
    if not METRIC_FIELDS.read(metrics):
        return None
    values = metrics.values
    figures = {name: float(figure) for name in FIGURES if (figure := values.pop(name)) is not None}
    for name, figure in figures.items():
        if not math.isfinite(figure) or figure < 0 or (name == "csat" and not 1 <= figure <= 5):
            bounds = "from 1 to 5" if name == "csat" else "of zero or more"
            metrics.error(name, "partner-metric", f"expected a number {bounds}, got {describe(value[name])}")
    return Metrics(figures, **values)


def _read_certified(entry: Entry, key: str, value: YamlMap) -> dict[str, int]:
    certified = {}
    for path_id, count in value.items():
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            certified[str(path_id)] = count
        else:
            entry.error(f"{key}.{path_id}", "partner-metric", f"expected a number of people, got {describe(count)}", value.line_of(path_id))
    return certified


def _read_quarters(entry: Entry, key: str, value: YamlMap) -> tuple[tuple[str, float], ...]:
    quarters = []
    for quarter, revenue in value.items():
        if (
            not re.match(r"^[0-9]{4}-Q[1-4]$", str(quarter))
            or isinstance(revenue, bool)
            or not isinstance(revenue, (int, float))
            or not 0 <= revenue < math.inf
        ):
            entry.error(key, "partner-metric", f"expected '2026-Q1: <USD>', got '{quarter}: {revenue}'", value.line_of(quarter))
        else:
            quarters.append((str(quarter), float(revenue)))
    return tuple(sorted(quarters))


CONTACT_FIELDS = Schema(
    "partner",
    Field("name", str, "Full name.", required=True),
    Field("role", str, "Job title.", required=True),
    Field("email", str, "E-mail address.", required=True, read=_read_email),
    Field("phone", str, "Phone number, international format (`+1 555 0100`).", read=_read_phone),
)
MANAGER_FIELDS = CONTACT_FIELDS.without("role")
FIGURES = ("sourced_revenue", "registered_deals", "csat", "points")
METRIC_FIELDS = Schema(
    "partner",
    Field("sourced_revenue", int, "Partner-sourced revenue over the last 12 months, in USD."),
    Field("registered_deals", int, "Deals registered over the last 12 months."),
    Field("csat", int, "Customer satisfaction, 1 to 5."),
    Field("points", int, "Programme points over the last 12 months."),
    Field("certified", dict, "People certified per learning path id.", read=_read_certified),
    Field(
        "revenue_by_quarter",
        dict,
        "Sourced revenue per quarter (`2026-Q1: 120000`), for the dashboard's chart.",
        read=_read_quarters,
        default=(),
    ),
)
PARTNER_FIELDS = Schema(
    "partner",
    Field("name", str, "The partner's trading name, shown on its kit.", required=True),
    Field("legal_name", str, "Registered company name, for the legal line of collateral.", required=True),
    Field("type", str, f"Partner type: {', '.join(TYPES)}.", required=True, choices=TYPES),
    Field("tier", str, "Its tier (an id from partners/program.yml).", required=True, read=read_tier),
    Field("region", str, "The region whose portal it uses; its kit is published there only.", required=True, read=read_region),
    Field("language", str, "Preferred language: one the region builds.", required=True),
    Field("website", str, "Home page, http(s) only.", required=True, read=read_url),
    Field("logo", str, "Logo file in `partners/<partner-id>/` (SVG, PNG or JPEG, at most 512 KiB and 4096 px).", required=True),
    Field("colors", dict, "Brand colours: `primary` and `secondary`, as `#rrggbb`.", required=True, read=_read_colors),
    Field("co_branding", bool, "Whether its agreement allows co-branded collateral.", required=True),
    Field("contacts", list, "People at the partner: `name`, `role`, `email`, `phone` each.", required=True, read=_read_contacts),
    Field(
        "partner_manager",
        dict,
        "Its partner manager at the vendor: `name`, `email`, `phone`.",
        required=True,
        read=_read_manager,
        attr="manager",
    ),
    Field(
        "metrics",
        dict,
        "From the CRM: `sourced_revenue`, `registered_deals`, `csat`, `points`, `certified`, `revenue_by_quarter`.",
        read=_read_metrics,
    ),
)


def partner_files(folder: Path) -> list[Path]:
    """The partner files of a folder: every `*.yml` but the program."""
    return sorted(p for p in folder.glob("*.yml") if p.name != PROGRAM_NAME)


def load_partners(folder: Path, shown: str, program: Program, report: Report) -> tuple[Partner, ...]:
    """Read every partner file of `folder` (named `shown` in messages, e.g. `partners/`)."""
    partners = []
    for path in partner_files(folder):
        source = f"{shown}{path.name}"
        data = load_file(path, source, report)
        partner = _partner(Entry(data, source, report, program=program), path) if data is not None else None
        if partner is not None:
            partners.append(partner)
    return tuple(partners)


def _partner(entry: Entry, path: Path) -> Partner | None:
    partner_id = path.stem
    if not ID_PATTERN.match(partner_id):
        entry.error("", "partner-id", f"the file name '{partner_id}' is the partner's id: lower-case letters, digits and '-'", 1)
    if not PARTNER_FIELDS.read(entry):
        return None
    values = entry.values
    region, language = values["region"], values["language"]
    if region is not None and language not in region.languages:
        entry.error("language", "partner-language", f"unknown language {describe(language)}{did_you_mean(language, region.languages)}")
    check_logo(path.parent / partner_id, values["logo"], entry.source, entry.line_of("logo"), entry.scope)
    values["contacts"] = tuple(c for c in values["contacts"] if c)
    values["metrics"] = values["metrics"] or Metrics()
    if not entry.ok:
        return None
    return Partner(**values, id=partner_id, source=entry.source, folder=path.parent / partner_id)


# --- logos -------------------------------------------------------------------------------------

# Elements that run code, embed other documents or (animations) can rewrite a link after the checks.
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
_SVG_FORBIDDEN |= {"set", "animate", "animateMotion", "animateTransform", "discard"}
_SIGNATURES = {"PNG": b"\x89PNG\r\n\x1a\n", "JPEG": b"\xff\xd8\xff"}
# CSS that can load anything: url() to something other than a fragment, image-set(), @import, and
# backslash escapes (which could spell either in disguise).
_CSS_LOADS = re.compile(r"url\(\s*['\"]?\s*(?!#)|image-set|@import|\\", re.I)


def check_logo(folder: Path, name: str, source: str, line: int, report: Reporter) -> bool:
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
