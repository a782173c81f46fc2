"""Differential fuzzing of gating through the real build, and of the audit through planted leaks.

Generated pages put a canary word (`kqz…`) inside a gate in every Markdown container, with LF, CRLF
or CR line endings, and are built by real MkDocs in a few batches of many pages. The oracle is a
plain search of every output file, independent of the builder's plan and of its audit:

- in a container where gates work, a gated canary is in every tree allowed to see it, and in no other
  tree or kit;
- in a container where a gate cannot work, the build refuses the page at the gate's line;
- inside code, the gate is text and the canary is public: in every tree.

Then leaks of single canary words are planted in the output (an HTML page, a search index written
with `\\u` escapes, a kit's PDF) and `partnerkb audit` must name each file.

`PARTNERKB_FUZZ_SEED` repeats a run, `PARTNERKB_FUZZ_PAGES` sets its size (default 240).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FUZZ_PAGES as PAGES
from conftest import FUZZ_SEED as SEED
from conftest import TINY, copy_portal, readable, run

pytestmark = [pytest.mark.slow, pytest.mark.fuzz]

BATCH = 120  # pages per successful build
TIERS = ("registered", "silver", "gold")
REGIONS = ("na", "eu")
ENDINGS = ("\n", "\r\n", "\r")
EXTENSIONS = """markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.blocks.details
  - pymdownx.blocks.admonition
  - pymdownx.blocks.tab
"""


@dataclass(frozen=True)
class Gate:
    kind: str  # "tier" or "region"
    value: str

    def opening(self) -> str:
        return f"/// {self.kind} | {self.value}"

    def allows(self, region: str, tier: str) -> bool:
        if self.kind == "tier":
            return TIERS.index(tier) >= TIERS.index(self.value)
        return region in self.value.split(", ")


def gated_block(gates: list[Gate], body: list[str]) -> tuple[list[str], int]:
    """`body` inside nested gates; the lines, and the index of the innermost opening."""
    lines = [g.opening() for g in gates]
    return [*lines, *body, *["///"] * len(gates)], len(gates) - 1


def indented(lines: list[str], prefix: str = "    ") -> list[str]:
    return [f"{prefix}{line}" if line else "" for line in lines]


# Each container: how it wraps a gated block, and what a canary in it must do.
# A wrapper takes (block lines, index of the innermost opening in them) and returns (lines, opening's index).
Wrapper = Callable[[list[str], int], tuple[list[str], int]]


def _around(before: list[str], after: list[str], prefix: str = "") -> Wrapper:
    def wrap(block: list[str], opening: int) -> tuple[list[str], int]:
        inner = indented(block, prefix) if prefix else block
        return [*before, *inner, *after], len(before) + opening

    return wrap


def _body(block: list[str]) -> list[str]:
    """The lines of a gated block without its fences."""
    return [line for line in block if not line.startswith("///")]


def _quoted(block: list[str], opening: int) -> tuple[list[str], int]:
    return ["> A quote.", ">", *[f"> {line}" for line in block], ">", "> Still quoted."], 2 + opening


CONTAINERS: dict[str, tuple[Wrapper, str]] = {
    "top level": (_around(["A paragraph."], []), "gated"),
    "blockquote": (_quoted, "gated"),
    "list item": (_around(["- A list item.", ""], ["", "- Another item."], "    "), "gated"),
    "ordered list item": (_around(["1. First step.", ""], [""], "    "), "gated"),
    "admonition": (_around(['!!! note "Heads up"', ""], [""], "    "), "gated"),
    "details": (_around(['??? info "More"', ""], [""], "    "), "gated"),
    "tabs": (_around(['=== "One"', ""], ["", '=== "Two"', "", "    Other tab."], "    "), "gated"),
    "block admonition": (_around(["/// note | Heads up", ""], ["", "///"]), "gated"),
    "block details": (_around(["/// details | More", ""], ["", "///"]), "gated"),
    "block tab": (_around(["/// tab | One", ""], ["", "///"]), "gated"),
    "md_in_html": (_around(["<div markdown>", ""], ["", "</div>"]), "gated"),
    "footnote": (_around(["Text with a note.[^n]", "", "[^n]: The note.", ""], [""], "    "), "refused"),
    "definition": (_around(["Term", ":   A definition.", ""], [""], "    "), "refused"),
    "html block": (_around(['<div class="box">'], ["</div>"]), "refused"),
    "html comment": (_around(["<!--"], ["-->"]), "refused"),
    "table cell": (lambda block, opening: (["| a | b |", "|---|---|", f"| x {block[opening]} | y |", "", *_body(block)], 2), "refused"),
    "fenced code": (_around(["```text"], ["```"]), "public"),
    "tilde code": (_around(["~~~"], ["~~~"]), "public"),
    "indented code": (_around(["A paragraph.", ""], [""], "    "), "public"),
}


# Where a gated canary sits inside its gate: a plain line, or one of the constructs gated text holds.
def _canary_lines(rng: random.Random, canary: str) -> list[str]:
    return rng.choice(
        [
            [f"Partners read the {canary} plan here."],
            [f"- A point about {canary}.", "- Another point."],
            [f"| Plan | {canary} |", "|---|---|", "| a | b |"],
            ["See [the plan][ref].", "", f"[ref]: https://example.com/{canary}/"],
            [f"The {canary.upper()[:6]} rule applies.", "", f"*[{canary.upper()[:6]}]: {canary} abbreviation"],
            [f"Text with a gated note.[^{canary}]", "", f"[^{canary}]: The {canary} note."],
            [f"![{canary} diagram](https://example.com/{canary}.png)"],
            [f'<p class="note">HTML about {canary}.</p>'],
        ]
    )


@dataclass(frozen=True)
class Case:
    name: str  # the page, in content/
    container: str
    outcome: str  # "gated", "refused" or "public"
    canary: str
    gates: tuple[Gate, ...]
    line: int  # 1-based, of the innermost gate's opening
    ending: str
    text: str

    def allowed(self, region: str, tier: str) -> bool:
        return self.outcome == "public" or all(g.allows(region, tier) for g in self.gates)


def _gates(rng: random.Random) -> list[Gate]:
    choices = [Gate("tier", "silver"), Gate("tier", "gold"), Gate("region", "eu"), Gate("region", "na"), Gate("region", "na, eu")]
    return rng.sample(choices, rng.choice([1, 1, 1, 2]))


def make_case(rng: random.Random, number: int) -> Case:
    container = sorted(CONTAINERS)[number % len(CONTAINERS)] if number < len(CONTAINERS) else rng.choice(sorted(CONTAINERS))
    wrap, outcome = CONTAINERS[container]
    canary = "kqz" + "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7))
    gates = _gates(rng)
    body = _canary_lines(rng, canary) if outcome == "gated" else [f"Partners read the {canary} plan here."]
    block, opening = gated_block(gates, body)
    lines, opening = wrap(block, opening)
    head = [f"# Fuzz page {number}", "", rng.choice(["Opening words.", "Every partner reads this.", ""]), ""]
    tail = ["", rng.choice(["Closing words.", "", "Public text after the gate."]), ""]
    ending = rng.choice(ENDINGS)
    text = ending.join([*head, *lines, *tail])
    line = len(head) + opening + 1
    return Case(f"fuzz/page-{number:04d}.md", container, outcome, canary, tuple(gates), line, ending, text)


CANARY = re.compile(r"kqz[a-z]{7}")


def canaries_by_place(dist: Path) -> dict[str, set[str]]:
    """For each tree (`region/tier`) and kit, the canaries found anywhere in its files."""
    places = {f"{r}/{t}": dist / r / t for r in REGIONS for t in TIERS}
    places |= {f"{kit.parent.parent.name}/kit/{kit.name}": kit for kit in dist.glob("*/partners/*") if kit.is_dir()}
    found: dict[str, set[str]] = {}
    for place, folder in places.items():
        found[place] = {word for path in folder.rglob("*") if path.is_file() for word in CANARY.findall(readable(path))}
    return found


def portal(tmp_path: Path, cases: list[Case], name: str) -> Path:
    project = copy_portal(TINY, tmp_path / name)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("markdown_extensions:")] + EXTENSIONS, encoding="utf-8")
    for case in cases:
        target = project / "content" / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.text.encode())
    return project


def seeded(message: str) -> str:
    return f"{message}\n(seed {SEED}: repeat with PARTNERKB_FUZZ_SEED={SEED} PARTNERKB_FUZZ_PAGES={PAGES})"


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    rng = random.Random(SEED)
    return [make_case(rng, number) for number in range(PAGES)]


@pytest.fixture(scope="module")
def built(cases: list[Case], tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path, list[Case]]]:
    """The cases whose pages must build, in batches, each built by real MkDocs: (project, dist, cases)."""
    good = [c for c in cases if c.outcome != "refused"]
    batches = []
    for start in range(0, len(good), BATCH):
        root = tmp_path_factory.mktemp("fuzz")
        batch = good[start : start + BATCH]
        project = portal(root, batch, "portal")
        dist = root / "dist"
        code, output = run("build", "--project", str(project), "--out", str(dist), "--jobs", "2")
        assert code == 0, seeded(output)
        batches.append((project, dist, batch))
    return batches


def test_gated_canaries_reach_exactly_the_trees_allowed_and_code_is_public(built: list[tuple[Path, Path, list[Case]]]) -> None:
    wrong = []
    for _, dist, batch in built:
        found = canaries_by_place(dist)
        for case in batch:
            for place, words in found.items():
                region, _, tier = place.partition("/")
                expected = "/kit/" not in place and case.allowed(region, tier)
                if (case.canary in words) != expected:
                    where = "missing from" if expected else "leaked into"
                    wrong.append(f"{case.name} ({case.container}, {case.outcome}, {[g.opening() for g in case.gates]}): {where} {place}")
    assert not wrong, seeded("\n".join(wrong[:40]))


def test_gates_where_no_gate_can_be_are_refused_at_their_line(cases: list[Case], tmp_path: Path) -> None:
    refused = [c for c in cases if c.outcome == "refused"]
    assert refused, seeded("no case of a container that refuses gates was generated")
    project = portal(tmp_path, refused, "portal")
    dist = tmp_path / "dist"
    code, output = run("build", "--project", str(project), "--out", str(dist), "--jobs", "2")
    assert code == 1 and not dist.exists(), seeded(output)
    missing = [f"{c.name}:{c.line} ({c.container})" for c in refused if f"content/{c.name}:{c.line}: " not in output]
    assert not missing, seeded("not refused at the gate's line:\n" + "\n".join(missing) + "\n\n" + output[-3000:])


def _escaped(word: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in word)


def test_planted_single_word_leaks_are_caught_by_the_audit(built: list[tuple[Path, Path, list[Case]]], tmp_path: Path) -> None:
    project, dist, batch = built[0]
    gold_only = [c.canary for c in batch if c.outcome == "gated" and c.gates == (Gate("tier", "gold"),)]
    assert len(gold_only) >= 3, seeded("too few gold-only canaries to plant")
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    page = copy / "eu/silver/1.0/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"<p>{gold_only[0]}</p></article>"), encoding="utf-8")
    index = copy / "na/registered/1.0/search/search_index.json"
    docs = index.read_text(encoding="utf-8").replace(
        '"docs":[', '"docs":[{"location":"x/","title":"x","text":"' + _escaped(gold_only[1]) + '"},', 1
    )
    index.write_text(docs, encoding="utf-8")
    pdf = copy / "na/partners/northwind/one-pager.pdf"  # a silver partner's kit
    from weasyprint import HTML

    pdf.write_bytes(HTML(string=f"<p>Brochure {gold_only[2]}</p>").write_pdf())
    code, output = run("audit", str(copy), "--project", str(project))
    assert code == 1, seeded(output)
    for path, word in ((page, gold_only[0]), (index, gold_only[1]), (pdf, gold_only[2])):
        assert any(line.startswith(f"{path}:1: leak:") and word in line for line in output.splitlines()), seeded(
            f"{path}: {word}\n{output}"
        )
