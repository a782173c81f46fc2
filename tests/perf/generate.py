"""Write a synthetic partnerkb portal for benchmarks.

    python tests/perf/generate.py OUT --pages N [--languages en,de,ja] [--regions 1] [--seed S]

OUT gets partners/program.yml, locales/<lang>.yml and theme/ (copied from the repository),
mkdocs.yml (the repository's, renamed) and content/ with N default-language pages of about 800
words each: headings, lists, a table, a code block, some `/// tier | gold` blocks and a few
`tier: gold` + `teaser: true` pages, in folders of 20 pages (one navigation section each), with
relative links between pages of a folder. About 30 % of the pages get a `page.<lang>.md`
translation for each language after the first.

Everything is derived from `random.Random` seeded per page (seed, file, language), so a page's
text does not depend on N: the first 100 pages of a 1000-page portal are the 100-page portal.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = ".partnerkb-perf-portal"  # OUT holds a generated portal and may be wiped
PAGES_PER_FOLDER = 20
TRANSLATED_SHARE = 0.30
TEASER_SHARE = 0.05
GATED_SHARE = 0.40
WORDS_PER_PAGE = (700, 900)

# Regions in the order `--regions K` takes them; every region builds all the chosen languages.
REGIONS = (
    ("eu", "EUR", "Europe/Berlin", "gdpr"),
    ("na", "USD", "America/New_York", "ccpa"),
    ("apac", "USD", "Asia/Tokyo", "apac_privacy"),
)

# --- vocabulary: invented for this generator -------------------------------------------------

EN_WORDS = [
    "account",
    "activation",
    "adoption",
    "agreement",
    "alliance",
    "analytics",
    "annual",
    "approval",
    "architecture",
    "archive",
    "audit",
    "backlog",
    "bandwidth",
    "baseline",
    "benchmark",
    "billing",
    "blueprint",
    "boundary",
    "briefing",
    "budget",
    "bundle",
    "campaign",
    "capacity",
    "catalog",
    "certificate",
    "channel",
    "checklist",
    "cluster",
    "cohort",
    "commission",
    "compliance",
    "configuration",
    "connector",
    "contract",
    "conversion",
    "coverage",
    "credential",
    "customer",
    "dashboard",
    "deadline",
    "deal",
    "default",
    "delivery",
    "deployment",
    "deposit",
    "discount",
    "dispatch",
    "document",
    "domain",
    "draft",
    "edition",
    "enablement",
    "endpoint",
    "enrollment",
    "entitlement",
    "escalation",
    "estimate",
    "evaluation",
    "event",
    "exception",
    "expansion",
    "export",
    "feature",
    "feedback",
    "filter",
    "forecast",
    "framework",
    "funnel",
    "gateway",
    "governance",
    "guideline",
    "handover",
    "identity",
    "incentive",
    "incident",
    "index",
    "insight",
    "installation",
    "integration",
    "inventory",
    "invoice",
    "keynote",
    "latency",
    "launch",
    "ledger",
    "license",
    "lifecycle",
    "listing",
    "margin",
    "marketplace",
    "milestone",
    "migration",
    "module",
    "monitor",
    "network",
    "notice",
    "onboarding",
    "operator",
    "opportunity",
    "outline",
    "package",
    "partner",
    "payout",
    "pipeline",
    "placement",
    "playbook",
    "policy",
    "portal",
    "pricing",
    "priority",
    "procedure",
    "profile",
    "program",
    "project",
    "promotion",
    "proposal",
    "protocol",
    "quota",
    "rebate",
    "record",
    "referral",
    "region",
    "registration",
    "release",
    "renewal",
    "replica",
    "report",
    "request",
    "reseller",
    "resource",
    "response",
    "retention",
    "revenue",
    "review",
    "roadmap",
    "rollout",
    "routine",
    "runbook",
    "schedule",
    "scorecard",
    "segment",
    "service",
    "session",
    "settlement",
    "signal",
    "sizing",
    "snapshot",
    "specialist",
    "sponsor",
    "stage",
    "storage",
    "subscription",
    "summary",
    "support",
    "survey",
    "tenant",
    "territory",
    "threshold",
    "ticket",
    "timeline",
    "token",
    "training",
    "transfer",
    "trial",
    "upgrade",
    "usage",
    "validation",
    "vendor",
    "version",
    "volume",
    "webinar",
    "window",
    "workflow",
    "workshop",
]
EN_GLUE = [
    "the",
    "the",
    "the",
    "a",
    "a",
    "an",
    "every",
    "each",
    "our",
    "your",
    "their",
    "this",
    "that",
    "these",
    "those",
    "its",
    "with",
    "with",
    "for",
    "for",
    "from",
    "into",
    "across",
    "under",
    "over",
    "between",
    "through",
    "during",
    "before",
    "after",
    "within",
    "and",
    "and",
    "and",
    "or",
    "but",
    "so",
    "while",
    "because",
    "although",
    "when",
    "once",
    "unless",
    "is",
    "is",
    "are",
    "was",
    "were",
    "can",
    "can",
    "should",
    "must",
    "may",
    "will",
    "might",
    "does",
    "do",
    "has",
    "have",
    "quickly",
    "carefully",
    "usually",
    "rarely",
    "often",
    "always",
    "never",
    "early",
    "later",
    "jointly",
    "directly",
    "fully",
    "new",
    "shared",
    "regional",
    "quarterly",
    "annual",
    "premium",
    "standard",
    "dedicated",
    "certified",
    "approved",
    "pending",
]

DE_WORDS = [
    "Abrechnung",
    "Angebot",
    "Anmeldung",
    "Antrag",
    "Architektur",
    "Auftrag",
    "Auswertung",
    "Bericht",
    "Berechtigung",
    "Bestand",
    "Betrieb",
    "Bewertung",
    "Budget",
    "Dienst",
    "Dokument",
    "Eskalation",
    "Fahrplan",
    "Freigabe",
    "Funktion",
    "Gebiet",
    "Gutschrift",
    "Handbuch",
    "Kampagne",
    "Kapazität",
    "Katalog",
    "Kennzahl",
    "Konfiguration",
    "Kunde",
    "Lizenz",
    "Marge",
    "Meilenstein",
    "Migration",
    "Modul",
    "Nachweis",
    "Netzwerk",
    "Partner",
    "Plattform",
    "Preisliste",
    "Prämie",
    "Profil",
    "Programm",
    "Projekt",
    "Protokoll",
    "Provision",
    "Prüfung",
    "Quote",
    "Rabatt",
    "Region",
    "Registrierung",
    "Richtlinie",
    "Schulung",
    "Schwelle",
    "Sitzung",
    "Speicher",
    "Stufe",
    "Umsatz",
    "Upgrade",
    "Verlängerung",
    "Vertrag",
    "Vertrieb",
    "Version",
    "Vorlage",
    "Vorgang",
    "Werkzeug",
    "Zeitplan",
    "Zertifikat",
    "Zugang",
]
DE_GLUE = [
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einen",
    "jeder",
    "unsere",
    "Ihre",
    "mit",
    "für",
    "aus",
    "in",
    "im",
    "über",
    "unter",
    "zwischen",
    "nach",
    "vor",
    "während",
    "und",
    "und",
    "oder",
    "aber",
    "weil",
    "wenn",
    "sobald",
    "ist",
    "sind",
    "wird",
    "werden",
    "kann",
    "muss",
    "soll",
    "darf",
    "hat",
    "haben",
    "schnell",
    "sorgfältig",
    "meist",
    "selten",
    "oft",
    "immer",
    "früh",
    "später",
    "gemeinsam",
    "direkt",
    "neue",
    "regionale",
    "jährliche",
    "geprüfte",
    "zertifizierte",
    "freigegebene",
]

JA_WORDS = [
    "パートナー",
    "契約",
    "更新",
    "価格",
    "割引",
    "地域",
    "案件",
    "登録",
    "承認",
    "請求",
    "売上",
    "顧客",
    "製品",
    "導入",
    "研修",
    "認定",
    "資料",
    "手順",
    "計画",
    "報告",
    "予算",
    "期限",
    "担当者",
    "窓口",
    "支援",
    "評価",
    "移行",
    "構成",
    "設定",
    "監査",
    "要件",
    "提案",
    "見積",
    "発注",
    "出荷",
    "保守",
    "障害",
    "対応",
    "権限",
    "方針",
    "実績",
    "四半期",
    "目標",
    "市場",
    "販促",
    "講習",
    "更改",
    "検証",
    "文書",
]
JA_PARTICLES = ["は", "を", "に", "の", "で", "と", "が", "も", "へ", "から", "まで"]
JA_ENDINGS = ["します。", "できます。", "してください。", "です。", "になります。", "を確認します。", "が必要です。"]

VI_WORDS = [
    "đối",
    "tác",
    "hợp",
    "đồng",
    "gia",
    "hạn",
    "giá",
    "chiết",
    "khấu",
    "khu",
    "vực",
    "giao",
    "dịch",
    "đăng",
    "ký",
    "phê",
    "duyệt",
    "hóa",
    "đơn",
    "doanh",
    "thu",
    "khách",
    "hàng",
    "sản",
    "phẩm",
    "triển",
    "khai",
    "đào",
    "tạo",
    "chứng",
    "nhận",
    "tài",
    "liệu",
    "quy",
    "trình",
    "kế",
    "hoạch",
    "báo",
    "cáo",
    "ngân",
    "sách",
    "thời",
    "hạn",
    "hỗ",
    "trợ",
    "đánh",
    "giá",
    "cấu",
    "hình",
    "kiểm",
    "toán",
    "yêu",
    "cầu",
    "đề",
    "xuất",
    "báo",
    "giá",
    "bảo",
    "trì",
    "sự",
    "cố",
    "quyền",
    "chính",
    "sách",
]
VI_GLUE = ["và", "của", "cho", "với", "trong", "khi", "các", "những", "được", "sẽ", "cần", "phải", "đã", "đang", "này"]

CODE_LANGUAGES = ("python", "yaml", "bash", "json")


@dataclass
class Language:
    """How one language makes sentences."""

    code: str
    words: list[str]
    glue: list[str]

    def sentence(self, rng: random.Random, low: int = 9, high: int = 17) -> str:
        count = rng.randint(low, high)
        if self.code == "ja":
            parts = []
            for _ in range(max(3, count // 3)):
                parts.append(rng.choice(self.words) + rng.choice(JA_PARTICLES))
                if rng.random() < 0.2:
                    parts.append("、")
            return "".join(parts) + rng.choice(self.words) + rng.choice(JA_ENDINGS)
        chosen = [rng.choice(self.words) if rng.random() < 0.55 else rng.choice(self.glue) for _ in range(count)]
        if count > 11 and rng.random() < 0.4:
            chosen[rng.randint(3, count - 4)] += ","
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, rng: random.Random, sentences: tuple[int, int] = (3, 6)) -> str:
        joiner = "" if self.code == "ja" else " "
        return joiner.join(self.sentence(rng) for _ in range(rng.randint(*sentences)))

    def title(self, rng: random.Random, words: int = 3) -> str:
        picked = [rng.choice(self.words) for _ in range(words)]
        if self.code == "ja":
            return "".join(picked[:-1]) + "の" + picked[-1]
        text = " ".join(picked)
        return text[0].upper() + text[1:]


LANGUAGES = {
    "en": Language("en", EN_WORDS, EN_GLUE),
    "de": Language("de", DE_WORDS, DE_GLUE),
    "ja": Language("ja", JA_WORDS, []),
    "vi": Language("vi", VI_WORDS, VI_GLUE),
}


def count_words(text: str, lang: str) -> int:
    """Words as a reader counts them (Japanese: about two characters a word)."""
    if lang == "ja":
        return sum(1 for c in text if not c.isspace() and not c.isascii()) // 2 + len([w for w in text.split() if w.isascii()])
    return len(text.split())


# --- pages ---------------------------------------------------------------------------------


@dataclass
class PagePlan:
    path: str  # relative to content/, default language
    number: int
    folder: str
    title: str
    teaser: bool
    translations: list[str] = field(default_factory=list)
    folder_index: bool = False


@dataclass
class Stats:
    pages: int = 0
    translations: dict[str, int] = field(default_factory=dict)
    teasers: int = 0
    gated_blocks: int = 0
    links: int = 0
    words_en: int = 0
    folders: int = 0


def _rng(seed: int, *key: object) -> random.Random:
    return random.Random(":".join(str(k) for k in (seed, *key)))


def plan_pages(pages: int, languages: list[str], seed: int) -> list[PagePlan]:
    """Paths, titles, teasers and translations of every page (decided before any text is written)."""
    en = LANGUAGES["en"]
    plans: list[PagePlan] = []
    plans.append(PagePlan("index.md", 0, "", "Synthetic partner portal", False, languages[1:]))
    folder = ""
    for number in range(1, pages):
        position = (number - 1) % PAGES_PER_FOLDER
        rng = _rng(seed, "page", number)
        if position == 0:
            folder_rng = _rng(seed, "folder", (number - 1) // PAGES_PER_FOLDER)
            folder = f"s{(number - 1) // PAGES_PER_FOLDER + 1:03d}-{folder_rng.choice(EN_WORDS)}"
            path = f"{folder}/index.md"
        else:
            path = f"{folder}/{rng.choice(EN_WORDS)}-{rng.choice(EN_WORDS)}-{number:04d}.md"
        title = en.title(rng)
        teaser = position != 0 and rng.random() < TEASER_SHARE
        translations = [lang for lang in languages[1:] if _rng(seed, "translate", number, lang).random() < TRANSLATED_SHARE]
        plans.append(PagePlan(path, number, folder, title, teaser, translations, folder_index=position == 0))
    return plans


def _link(target: PagePlan, source: PagePlan) -> str:
    """A relative link from `source` to `target` (same folder, or a folder index from the home page)."""
    if source.folder == target.folder:
        return target.path.rsplit("/", 1)[-1]
    return target.path


def _table(rng: random.Random, lang: Language, page: PagePlan) -> list[str]:
    headers = [lang.title(rng, 1), lang.title(rng, 2), lang.title(rng, 1), lang.title(rng, 1)]
    rows = ["| " + " | ".join(headers) + " |", "| --- | --- | ---: | --- |"]
    for row in range(rng.randint(4, 7)):
        cells = [
            f"`P{page.number:04d}-{row + 1:02d}`",
            lang.sentence(rng, 4, 7).rstrip("."),
            f"{rng.randint(1, 500) * 5}",
            rng.choice(lang.words),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _code(rng: random.Random, page: PagePlan) -> list[str]:
    kind = rng.choice(CODE_LANGUAGES)
    a, b, c = (rng.choice(EN_WORDS) for _ in range(3))
    ident = f"{a}_{b}_{page.number}"
    limit = rng.randint(10, 900)
    if kind == "python":
        body = [
            f"def sync_{ident}(client, region='eu', limit={limit}):",
            f'    """Fetch {a} {b} records for page {page.number} and keep the {c} ones."""',
            f"    records = client.fetch('{a}/{b}', region=region, limit=limit)",
            f"    kept = [r for r in records if r.{c}_score >= {rng.randint(1, 99)}]",
            f"    return {{'{ident}': len(kept), 'total': len(records)}}",
        ]
    elif kind == "yaml":
        body = [
            f"{ident}:",
            f"  region: {rng.choice(['eu', 'na', 'apac'])}",
            f"  {c}_limit: {limit}",
            f"  notify: [{a}, {b}]",
            f"  window_days: {rng.randint(5, 90)}",
        ]
    elif kind == "bash":
        body = [
            f"arvelle login --partner P{page.number:04d}",
            f"arvelle {a} export --{b} --limit {limit} > {ident}.csv",
            f"arvelle {c} import {ident}.csv --dry-run",
        ]
    else:
        body = ["{", f'  "{ident}": {{', f'    "{c}": {limit},', '    "regions": ["eu", "na"],', f'    "{a}": "{b}"', "  }", "}"]
    return [f"```{kind}", *body, "```"]


def page_text(page: PagePlan, lang_code: str, folder_pages: list[PagePlan], all_pages: list[PagePlan], seed: int, stats: Stats) -> str:
    """The Markdown of one page in one language, front matter included."""
    lang = LANGUAGES[lang_code]
    rng = _rng(seed, "text", page.path, lang_code)
    title = page.title if lang_code == "en" else lang.title(rng)
    summary = lang.sentence(rng, 8, 12)
    front = [f"title: {_yaml_str(title)}", f"summary: {_yaml_str(summary)}"]
    if page.teaser and lang_code == "en":
        front += ["tier: gold", "teaser: true"]
    lines = ["---", *front, "---", "", f"# {title}", "", lang.paragraph(rng), ""]
    target_words = rng.randint(*WORDS_PER_PAGE)
    sections = rng.randint(4, 6)
    extras = ["list", "table", "code", "numbered", "links", "admonition"]
    rng.shuffle(extras)
    gated = page.number != 0 and rng.random() < GATED_SHARE
    gated_section = rng.randrange(sections) if gated else -1
    others = [p for p in folder_pages if p.path != page.path]
    if page.number == 0:
        others = [p for p in all_pages if p.folder_index]
    for section in range(sections):
        lines += [f"## {section + 1}. {lang.title(rng, rng.randint(2, 4))}", "", lang.paragraph(rng), ""]
        kind = extras[section % len(extras)]
        if kind == "list":
            lines += [f"- {lang.sentence(rng, 8, 14)}" for _ in range(rng.randint(3, 6))] + [""]
        elif kind == "numbered":
            lines += [f"{n + 1}. {lang.sentence(rng, 8, 14)}" for n in range(rng.randint(3, 5))] + [""]
        elif kind == "table":
            lines += _table(rng, lang, page) + [""]
        elif kind == "code":
            lines += [lang.sentence(rng), "", *_code(rng, page), ""]
        elif kind == "admonition":
            lines += ["/// note | " + lang.title(rng, 2), lang.paragraph(rng, (1, 2)), "///", ""]
        elif kind == "links" and others:
            picked = rng.sample(others, min(len(others), rng.randint(2, 4) if page.number else len(others)))
            links = [f"[{p.title}]({_link(p, page)})" for p in picked]
            stats.links += len(links)
            if page.number == 0:
                lines += [f"- {link}" for link in links] + [""]
            else:
                lines += [lang.sentence(rng, 6, 9) + " " + ", ".join(links) + ".", ""]
        if section == gated_section:
            lines += ["/// tier | gold", lang.paragraph(rng, (2, 4)), "", lang.paragraph(rng, (2, 3)), "///", ""]
            stats.gated_blocks += 1
    body_words = count_words("\n".join(lines), lang_code)
    while body_words < target_words:
        paragraph = lang.paragraph(rng)
        lines += [paragraph, ""]
        body_words += count_words(paragraph, lang_code)
    if lang_code == "en":
        stats.words_en += body_words
    return "\n".join(lines).rstrip("\n") + "\n"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- project files -------------------------------------------------------------------------


def tiers_block() -> str:
    """The `tiers:` block of the repository's partners/program.yml, as written there."""
    lines = (REPO / "partners" / "program.yml").read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("tiers:"))
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i][0].isspace() and not lines[i].startswith("#")), len(lines)
    )
    return "\n".join(_without_certifications(lines[start:end])).rstrip() + "\n"


def _without_certifications(lines: list[str]) -> list[str]:
    """The tiers without their `certified:` requirements: the synthetic portal has no learning paths to name."""
    kept: list[str] = []
    dropping_below: int | None = None  # the indentation of a `certified:` key being left out
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if dropping_below is not None and (not line.strip() or indent > dropping_below):
            continue
        dropping_below = indent if line.strip().startswith("certified:") else None
        if dropping_below is None:
            kept.append(line)
    return kept


def program_yml(languages: list[str], regions: int) -> str:
    out = [
        f"# Synthetic portal for tests/perf: {regions} region(s), languages {', '.join(languages)}.",
        "default_language: en",
        "",
        tiers_block(),
        "regions:",
    ]
    for region_id, currency, zone, notice in REGIONS[:regions]:
        out += [
            f"  {region_id}:",
            f"    languages: [{', '.join(languages)}]",
            f"    currency: {currency}",
            f"    time_zones: [{zone}]",
            f"    notice: {notice}",
            f"    base_url: https://partners.example.com/{region_id}/",
        ]
    out += ["", "versions:", '  - name: "1.0"', '    title: "1.0 (current)"', "    source: worktree", "    aliases: [latest]", ""]
    return "\n".join(out)


def generate(out: Path, pages: int, languages: list[str], regions: int = 1, seed: int = 2026) -> Stats:
    """Write the portal into `out` (wiped first when it holds an earlier generated portal)."""
    if pages < 1:
        raise ValueError("--pages: at least 1")
    if not languages or languages[0] != "en":
        raise ValueError("--languages: the list must start with the default language 'en'")
    unknown = [lang for lang in languages if lang not in LANGUAGES or not (REPO / "locales" / f"{lang}.yml").is_file()]
    if unknown:
        raise ValueError(f"--languages: no vocabulary or locale file for {', '.join(unknown)} (known: {', '.join(LANGUAGES)})")
    if not 1 <= regions <= len(REGIONS):
        raise ValueError(f"--regions: 1 to {len(REGIONS)}")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise ValueError(f"{out} is not empty and was not made by this generator; refusing to wipe it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("generated by tests/perf/generate.py; wiped by the next run\n", encoding="utf-8")

    (out / "partners").mkdir()
    (out / "partners" / "program.yml").write_text(program_yml(languages, regions), encoding="utf-8")
    (out / "locales").mkdir()
    for lang in languages:
        shutil.copyfile(REPO / "locales" / f"{lang}.yml", out / "locales" / f"{lang}.yml")
    shutil.copytree(REPO / "theme", out / "theme")
    base = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (out / "mkdocs.yml").write_text(
        base.replace("site_name: Arvelle Partner Portal", "site_name: Synthetic Partner Portal (perf)"), encoding="utf-8"
    )

    stats = Stats(translations={lang: 0 for lang in languages[1:]})
    plans = plan_pages(pages, languages, seed)
    by_folder: dict[str, list[PagePlan]] = {}
    for plan in plans:
        by_folder.setdefault(plan.folder, []).append(plan)
    content = out / "content"
    for plan in plans:
        folder_pages = by_folder[plan.folder]
        target = content / plan.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_text(plan, "en", folder_pages, plans, seed, stats), encoding="utf-8")
        stats.pages += 1
        stats.teasers += plan.teaser
        for lang in plan.translations:
            target.with_name(f"{target.stem}.{lang}.md").write_text(
                page_text(plan, lang, folder_pages, plans, seed, stats), encoding="utf-8"
            )
            stats.translations[lang] += 1
    stats.folders = len([f for f in by_folder if f])
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the portal into (wiped when it holds an earlier generated portal)")
    parser.add_argument("--pages", type=int, required=True, help="default-language pages (the home page included)")
    parser.add_argument("--languages", default="en,de,ja", help="comma-separated, the default language 'en' first (default: en,de,ja)")
    parser.add_argument(
        "--regions",
        type=int,
        default=1,
        help=f"regions eu, na, apac in that order, 1 to {len(REGIONS)}; each builds every language (default: 1)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the pseudo-prose (default: 2026)")
    args = parser.parse_args(argv)
    try:
        stats = generate(
            args.out, args.pages, [lang.strip() for lang in args.languages.split(",") if lang.strip()], args.regions, args.seed
        )
    except ValueError as exc:
        parser.error(str(exc))
    translated = ", ".join(f"{lang}: {n}" for lang, n in stats.translations.items()) or "none"
    print(
        f"generated {args.out}: {stats.pages} pages in {stats.folders} folders, translations {translated}, "
        f"{stats.teasers} teaser pages, {stats.gated_blocks} gated blocks, {stats.links} links, "
        f"{stats.words_en / max(stats.pages, 1):.0f} words per English page",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
