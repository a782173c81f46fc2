"""Benchmark `partnerkb build` against plain MkDocs on a synthetic portal.

    python tests/perf/run.py --pages 100 [--runs 3] [--languages en,de,ja] [--tiers T ...] [--regions 1]
    python tests/perf/run.py --pages 1000 --profile

Generates the portal (tests/perf/generate.py) into tests/perf/out/, then times, as whole
processes (wall clock, `time.perf_counter` around `subprocess.run`):

* `partnerkb build --project P --out D --jobs 2` (all tiers, or only `--tiers`);
* `mkdocs build` of the same English pages with a plain mkdocs.yml (Material with the portal's
  theme options, search, the portal's markdown_extensions), gated-block fences removed;
* the same plus mkdocs-static-i18n (suffix structure, the same languages and translations).

Each run builds all three, one after the other; the table gives the median. `--profile` instead
profiles one variant (`--region eu --tier gold`, `--jobs 1`) with cProfile: the main process via
`python -m cProfile -m builder build ...`, and the rendering, which runs in a worker process that
cProfile does not follow, by calling `builder.render.render` in-process on a staged job.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

PERF = Path(__file__).resolve().parent
REPO = PERF.parents[1]
OUT = PERF / "out"
sys.path.insert(0, str(PERF))

import generate  # noqa: E402  (the generator beside this file)

JOBS = 2
EPOCH = "1767225600"  # SOURCE_DATE_EPOCH for every build: no `git log` lookup, same sitemaps


# --- measuring -----------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["SOURCE_DATE_EPOCH"] = EPOCH
    return env


def tool(name: str) -> str:
    """The console script of the running interpreter's environment (the venv), else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (/proc/stat); 0 where unknown."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def memory_limit_bytes() -> int:
    """Address-space cap of every timed process: 75 % of the machine's memory (others share it)."""
    try:
        total_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().split("\n") if line.startswith("MemTotal:"))
    except (OSError, StopIteration):
        return resource.RLIM_INFINITY
    return int(total_kb * 1024 * MEMORY_SHARE)


MEMORY_SHARE = 0.75


def _limit_memory() -> None:
    limit = memory_limit_bytes()
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass
class Sample:
    wall: float  # seconds, perf_counter around the process
    cpu: float  # user + system seconds of the process and all its (waited-for) children
    others: float  # CPU seconds used meanwhile by processes that are not ours (noise)
    failed: str = ""  # why the command failed; empty when it succeeded
    peak_rss: float = 0.0  # MiB: the most the process and its workers held at once (sampled)
    largest_rss: float = 0.0  # MiB: the largest single process (getrusage ru_maxrss)
    both_busy: float = 0.0  # share of the wall time in which the build used more than 1.5 cores (sampled)


def _descendants(root: int) -> list[int]:
    """`root` and every process below it, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _usage(pid: int) -> tuple[float, float]:
    """(resident MiB, CPU seconds) of a process, from /proc; zeros once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    return int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Sampler(threading.Thread):
    """The memory and cores a process tree uses, every SAMPLE_SECONDS."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.peak = 0.0
        self.busy = self.intervals = 0
        self.seen: dict[int, float] = {}  # CPU seconds of each process at its last sample

    def run(self) -> None:
        last = time.perf_counter()
        while not self.done.wait(SAMPLE_SECONDS):
            usage = {pid: _usage(pid) for pid in _descendants(self.pid)}
            self.peak = max(self.peak, sum(rss for rss, _ in usage.values()))
            used = sum(cpu - self.seen.get(pid, 0.0) for pid, (_, cpu) in usage.items())
            self.seen.update((pid, cpu) for pid, (_, cpu) in usage.items())
            now = time.perf_counter()
            self.intervals += 1
            self.busy += used / (now - last) > 1.5
            last = now


SAMPLE_SECONDS = 0.25


def timed(cmd: list[str], cwd: Path | None = None) -> Sample:
    busy = machine_busy_seconds()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(cmd, cwd=cwd, env=child_env(), stdout=output, stderr=subprocess.STDOUT, preexec_fn=_limit_memory)
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    busy = machine_busy_seconds() - busy
    cpu = usage.ru_utime + usage.ru_stime
    sample = Sample(wall, cpu, max(0.0, busy - cpu) if busy else float("nan"))
    sample.peak_rss, sample.largest_rss = sampler.peak, usage.ru_maxrss / 1024
    sample.both_busy = sampler.busy / sampler.intervals if sampler.intervals else 0.0
    if proc.returncode != 0:
        last = text.strip().split("\n")[-1:]
        sample.failed = f"exit {proc.returncode}" + (f": {last[0][:200]}" if last and last[0] else "")
        print(f"run.py: command failed ({sample.failed}): {' '.join(cmd)}\n{text[-2000:]}", file=sys.stderr)
    return sample


@dataclass
class Bench:
    name: str
    cmd: list[str]
    clean: list[Path]  # output folders removed before each run (outside the timing)
    variants: int
    languages: int
    pages: int
    samples: list[Sample] = field(default_factory=list)

    @property
    def renders(self) -> int:
        return self.variants * self.languages * self.pages

    def median(self, attribute: str) -> float:
        good = [s for s in self.samples if not s.failed] or self.samples
        return statistics.median(getattr(s, attribute) for s in good)


# --- plain MkDocs baselines ----------------------------------------------------------------


def plain_docs(portal: Path, docs: Path, languages: list[str]) -> int:
    """Copy content/ with only `languages` (the default's files unsuffixed) and no gate fences; return the page count."""
    from builder.core import gate
    from builder.core.paths import split_language

    shutil.rmtree(docs, ignore_errors=True)
    content = portal / "content"
    count = 0
    for file in sorted(content.rglob("*")):
        if not file.is_file():
            continue
        relative = file.relative_to(content).as_posix()
        target = docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if file.suffix != ".md":
            shutil.copyfile(file, target)
            continue
        located = split_language(relative, tuple(languages), languages[0])
        if located is None:
            continue
        lines = file.read_text(encoding="utf-8").split("\n")
        gates, _ = gate.scan(lines, first=gate.body_start(lines))
        for found in gates:
            lines[found.start] = lines[found.end] = ""
        target.write_text("\n".join(lines), encoding="utf-8")
        count += 1
    return count


def plain_config(portal: Path, folder: Path, languages: list[str]) -> Path:
    """mkdocs.yml for a baseline: the portal's theme, search and markdown_extensions; i18n when several languages."""
    with open(portal / "mkdocs.yml", encoding="utf-8") as handle:
        base = yaml.safe_load(handle)
    config = {
        "site_name": base["site_name"],
        "use_directory_urls": base.get("use_directory_urls", True),
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": base["theme"],
        "plugins": ["search"],
        "markdown_extensions": base.get("markdown_extensions", []),
    }
    if len(languages) > 1:
        names = {lang: yaml.safe_load((portal / "locales" / "en.yml").read_text(encoding="utf-8"))["languages"][lang] for lang in languages}
        config["plugins"].append(
            {
                "i18n": {
                    "docs_structure": "suffix",
                    "fallback_to_default": True,
                    "reconfigure_material": True,
                    "reconfigure_search": True,
                    "languages": [
                        {"locale": lang, "name": names[lang], "default": lang == languages[0], "build": True} for lang in languages
                    ],
                }
            }
        )
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- the benchmark -------------------------------------------------------------------------


def prepare(args: argparse.Namespace, pages: int) -> Path:
    portal = OUT / f"portal-{pages}"
    started = time.perf_counter()
    stats = generate.generate(portal, pages, args.languages, args.regions, args.seed)
    translated = ", ".join(f"{lang} {n}" for lang, n in stats.translations.items()) or "none"
    print(
        f"portal: {portal.relative_to(REPO)}: {stats.pages} pages in {stats.folders} folders, translations {translated}, "
        f"{stats.teasers} teaser pages, {stats.gated_blocks} gated blocks, {stats.words_en / stats.pages:.0f} words/page "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    return portal


def measure(args: argparse.Namespace, pages: int) -> list[Bench]:
    """Generate the portal of `pages` pages and time its builds, `--runs` times each, one after the other."""
    portal = prepare(args, pages)
    program = yaml.safe_load((portal / "partners" / "program.yml").read_text(encoding="utf-8"))
    tiers = args.tiers or [t["id"] for t in program["tiers"]]
    variants = len(program["regions"]) * len(tiers) * len(program["versions"])
    languages = len(args.languages)

    dist = OUT / f"dist-{pages}"
    cmd = [tool("partnerkb"), "build", "--project", str(portal), "--out", str(dist), "--jobs", str(JOBS)]
    for tier in args.tiers or ():
        cmd += ["--tier", tier]
    # A cold build every run: the trees a build keeps for the next one (.partnerkb-cache) go too.
    benches = (
        [Bench("partnerkb build", cmd, [dist, portal / ".partnerkb-cache"], variants, languages, pages)] if "partnerkb" in args.only else []
    )
    for key, label, langs in (("mkdocs", "mkdocs (en only)", args.languages[:1]), ("i18n", "mkdocs + i18n", args.languages)):
        if key not in args.only or (key == "i18n" and len(langs) == 1):
            continue
        folder = OUT / f"plain-{pages}-{'-'.join(langs)}"
        folder.mkdir(parents=True, exist_ok=True)
        count = plain_docs(portal, folder / "docs", langs)
        config = plain_config(portal, folder, langs)
        benches.append(Bench(label, [tool("mkdocs"), "build", "-q", "-f", str(config)], [folder / "site"], 1, len(langs), pages))
        print(f"{label}: {folder.relative_to(REPO)}/docs: {count} Markdown files")

    print(
        f"\nload average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs; memory cap per process {memory_limit_bytes() / 2**30:.1f} GiB"
    )
    for run in range(args.runs):
        for bench in benches:
            for path in bench.clean:
                shutil.rmtree(path, ignore_errors=True)
            sample = timed(bench.cmd)
            bench.samples.append(sample)
            print(
                f"  run {run + 1}/{args.runs} {bench.name}: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, "
                f"peak {sample.peak_rss:.0f} MiB, {sample.others:.2f} s CPU of other processes"
                + (f"; FAILED ({sample.failed})" if sample.failed else ""),
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    return benches


def benchmark(args: argparse.Namespace) -> None:
    tier_ids = [t["id"] for t in yaml.safe_load(generate.tiers_block())["tiers"]]
    unknown = [t for t in args.tiers or () if t not in tier_ids]
    if unknown:
        sys.exit(f"run.py: --tiers: unknown {', '.join(unknown)} (expected: {', '.join(tier_ids)})")
    sizes = [args.pages] + ([args.large] if args.large else [])
    measured = {pages: measure(args, pages) for pages in sizes}
    for pages, benches in measured.items():
        table(args, pages, benches)
    ratios(args, measured)
    results = {
        "languages": args.languages,
        "regions": args.regions,
        "tiers": args.tiers or tier_ids,
        "runs": args.runs,
        "sizes": {
            pages: [
                {
                    "name": b.name,
                    "cmd": b.cmd,
                    "variants": b.variants,
                    "languages": b.languages,
                    "pages": b.pages,
                    "samples": [asdict(s) for s in b.samples],
                }
                for b in benches
            ]
            for pages, benches in measured.items()
        },
    }
    (OUT / f"results-{args.pages}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if any(s.failed for benches in measured.values() for b in benches for s in b.samples):
        sys.exit("run.py: a build failed: its figures are not a measurement")


def table(args: argparse.Namespace, pages: int, benches: list[Bench]) -> None:
    print("Commands (NO_MKDOCS_2_WARNING=1, SOURCE_DATE_EPOCH=" + EPOCH + "):\n")
    for bench in benches:
        print(f"    {bench.name}: {' '.join(os.path.relpath(c, REPO) if c.startswith('/') else c for c in bench.cmd)}")
    print()
    print(f"{pages} pages, languages {','.join(args.languages)}, {args.runs} run(s), median (min-max):\n")
    print(
        "| build | variants × languages × pages | wall s | ms / page-render | CPU s | CPU ms / page-render | cores busy | peak MiB | other procs' CPU s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for b in benches:
        failures = [s.failed for s in b.samples if s.failed]
        if len(failures) == len(b.samples):
            print(
                f"| {b.name} | {b.variants} × {b.languages} × {b.pages} = {b.renders} | failed after {b.median('wall'):.0f} s ({failures[0]}) | | {b.median('cpu'):.1f} | | | | {b.median('others'):.1f} |"
            )
            continue
        wall, cpu, others = b.median("wall"), b.median("cpu"), b.median("others")
        spread = f" ({min(s.wall for s in b.samples):.1f}–{max(s.wall for s in b.samples):.1f})" if len(b.samples) > 1 else ""
        print(
            f"| {b.name} | {b.variants} × {b.languages} × {b.pages} = {b.renders} | {wall:.1f}{spread} | "
            f"{1000 * wall / b.renders:.2f} | {cpu:.1f} | {1000 * cpu / b.renders:.2f} | {cpu / wall:.2f} | {b.median('peak_rss'):.0f} | {others:.1f} |"
        )
    print("page-render = one page in one language of one variant (mkdocs-static-i18n renders every page in every language, with fallback).")
    print(
        "CPU s = user + system time of the build and its worker processes; cores busy = CPU s / wall s; peak MiB = the most "
        "the build's processes held at once (sampled every 0.25 s); other procs' CPU s = what the rest of the machine used meanwhile (noise).\n"
    )


def _spread(values: list[float], unit: str = "") -> str:
    return (
        f"{statistics.median(values):.2f}{unit} (min {min(values):.2f}, max {max(values):.2f})"
        if len(values) > 1
        else f"{values[0]:.2f}{unit}"
    )


def ratios(args: argparse.Namespace, measured: dict[int, list[Bench]]) -> None:
    """The goals' figures: partnerkb against the hand-glued builds, linearity in pages, cores and memory."""
    print("Ratios (each run's partnerkb build against the same run's hand-glued builds):\n")
    per_page: dict[int, float] = {}
    for pages, benches in measured.items():
        ours = next((b for b in benches if b.name == "partnerkb build"), None)
        glued = next((b for b in benches if b.name == "mkdocs + i18n"), None)
        if ours is None:
            continue
        good = [s for s in ours.samples if not s.failed]
        if not good:
            print(f"- {pages} pages: the partnerkb build failed")
            continue
        per_page[pages] = statistics.median(1000 * s.cpu / ours.renders for s in good)
        if glued is not None:
            pairs = [(o, g) for o, g in zip(ours.samples, glued.samples, strict=True) if not o.failed and not g.failed]
            cpu = [o.cpu / (ours.variants * g.cpu) for o, g in pairs]
            wall = [o.wall / (ours.variants * g.wall) for o, g in pairs]
            print(
                f"- {pages} pages: partnerkb's CPU / the hand-glued builds' CPU ({ours.variants} × one mkdocs + i18n build, "
                f"one per variant): **{_spread(cpu, '×')}**; wall: {_spread(wall, '×')}"
            )
        busy = [s.both_busy for s in good]
        print(
            f"- {pages} pages: cores busy (CPU s / wall s) {_spread([s.cpu / s.wall for s in good])}; "
            f"share of the build with both cores busy {_spread(busy)}; "
            f"peak memory {max(s.peak_rss for s in good):.0f} MiB in all, {max(s.largest_rss for s in good):.0f} MiB in the largest process"
        )
    if len(per_page) == 2:
        small, large = sorted(per_page)
        print(
            f"- linear in pages: CPU ms per page-render {per_page[large]:.2f} at {large} pages / {per_page[small]:.2f} at {small} = "
            f"**{per_page[large] / per_page[small]:.2f}×** (goal ≤ 1.2×)"
        )
    print()


# --- profiling -----------------------------------------------------------------------------

# (file name ending, function, label): cumulative time of these calls is printed as "phases".
MAIN_PHASES = (
    ("builder/build.py", "check_project", "check_project: load + plan every variant + links"),
    ("builder/load/project.py", "load_project", "  load: read and validate"),
    ("builder/plan/check.py", "check_links", "  check_links (plans every variant)"),
    ("builder/build.py", "_start_renders", "stage (and start the renders)"),
    ("builder/plan/stage.py", "write_variant", "  stage: write docs_dir"),
    ("builder/build.py", "_finish_renders", "render (main process waits for the worker)"),
    ("builder/release/install.py", "write_tier_roots", "tier roots"),
    ("builder/release/audit.py", "__init__", "audit: set-up (evidence read from the sources)"),
    ("builder/release/audit.py", "audit_trees", "audit: trees (worker processes)"),
    ("builder/release/audit.py", "audit_kits", "audit: kits"),
    ("builder/release/decode.py", "decode", "  decode output files"),
    ("builder/release/audit.py", "found_in", "  phrase lookups"),
    ("builder/release/install.py", "install", "install into dist/ (+ manifest)"),
    ("builder/plan/stage.py", "plan_variant", "plan_variant (all calls: check, stage, audit)"),
)
WORKER_PHASES = (
    ("builder/render/run.py", "render", "builder.render.run.render (whole variant)"),
    ("mkdocs/config/base.py", "load_config", "  mkdocs load_config"),
    ("mkdocs/commands/build.py", "build", "  mkdocs build (every language: mkdocs-static-i18n re-runs it per language)"),
    ("mkdocs/structure/files.py", "get_files", "    collect docs files"),
    ("mkdocs_static_i18n/plugin.py", "on_files", "    i18n on_files (per-language file lists)"),
    ("mkdocs/structure/files.py", "add_files_from_theme", "    add theme files"),
    ("mkdocs/structure/nav.py", "get_navigation", "    navigation"),
    ("mkdocs/commands/build.py", "_populate_page", "    Markdown -> HTML (all pages, all languages)"),
    ("pymdownx/highlight.py", "highlight", "      code highlighting (Pygments)"),
    ("mkdocs/commands/build.py", "_build_page", "    page templates + page plugins (all pages, all languages)"),
    ("material/templates/base.html", "block_site_nav", "      Material nav sidebar"),
    ("material/plugins/search/plugin.py", "on_page_context", "      search: index each page"),
    ("jinja2/environment.py", "compile", "    Jinja template compilation"),
    ("mkdocs/commands/build.py", "_build_theme_template", "    404 + sitemap"),
    ("material/plugins/search/plugin.py", "on_post_build", "    search: write index"),
    ("mkdocs/structure/files.py", "copy_static_files", "    copy static files"),
    ("builder/render/run.py", "split_search_index", "  split_search_index"),
)


def _phases(path: Path, phases: tuple[tuple[str, str, str], ...]) -> str:
    stats = pstats.Stats(str(path))
    found = []
    for suffix, function, label in phases:
        entries = [
            (cc, nc, ct)
            for (filename, _line, name), (cc, nc, _tt, ct, _callers) in stats.stats.items()
            if name == function and Path(filename).as_posix().endswith(suffix)
        ]  # type: ignore[attr-defined]
        if entries:
            cumulative = sum(ct for _, _, ct in entries)
            calls = sum(cc for cc, _, _ in entries)
            found.append(f"    {cumulative:8.2f} s {calls:7d} call(s)  {label}")
    return "\n".join(found)


def _top(path: Path, sort: str, limit: int = 15) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    lines = buffer.getvalue().split("\n")
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start:]).rstrip()


def _by_package(path: Path, limit: int = 12) -> str:
    """Own time (tottime) summed per top-level package: which library the time is spent in."""
    stats = pstats.Stats(str(path))
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename, name)] = totals.get(_package(filename, name), 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    rows = sorted(totals.items(), key=lambda kv: -kv[1])[:limit]
    return "\n".join(f"    {seconds:8.2f} s {100 * seconds / whole:5.1f} %  {package}" for package, seconds in rows)


def _package(filename: str, name: str) -> str:
    if filename == "~":
        return f"builtins ({name.strip('<>').split(' of ')[0]})" if "method" in name else "builtins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "builder" in parts:
        return "builder (partnerkb)"
    if "/lib/python" in filename:
        return "stdlib " + Path(filename).stem
    return Path(filename).name


def profile(args: argparse.Namespace) -> None:
    portal = prepare(args, args.pages)
    dist = OUT / f"dist-profile-{args.pages}"
    shutil.rmtree(dist, ignore_errors=True)
    main_prof = OUT / f"profile-main-{args.pages}.prof"
    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(main_prof),
        "-m",
        "builder",
        "build",
        "--project",
        str(portal),
        "--out",
        str(dist),
        "--region",
        "eu",
        "--tier",
        "gold",
        "--jobs",
        "1",
    ]
    print(f"\n$ {' '.join(os.path.relpath(c, REPO) if c.startswith('/') else c for c in cmd)}")
    sample = timed(cmd, cwd=REPO)
    print(
        f"  {sample.wall:.1f} s wall, {sample.cpu:.1f} s CPU (main and worker), {sample.others:.1f} s CPU of other processes"
        + (f"; FAILED ({sample.failed})" if sample.failed else "")
    )
    if not main_prof.exists():
        sys.exit("run.py: no main-process profile was written")
    print(f"\nMain process, phases (cumulative; nested phases are indented):\n{_phases(main_prof, MAIN_PHASES)}")
    print(f"\nMain process, top 15 by cumulative time ({main_prof.relative_to(REPO)}):\n{_top(main_prof, 'cumulative')}")
    print(f"\nMain process, own time per package:\n{_by_package(main_prof)}")

    worker_prof = OUT / f"profile-render-{args.pages}.prof"
    stage = OUT / f"stage-profile-{args.pages}"
    worker_cmd = [sys.executable, str(Path(__file__).resolve()), "--render-worker", str(portal), str(stage), str(worker_prof)]
    print(
        f"\n$ {' '.join(os.path.relpath(c, REPO) if c.startswith('/') else c for c in worker_cmd)}   # builder.render.render(job) under cProfile, in-process"
    )
    sample = timed(worker_cmd, cwd=REPO)
    print(f"  {sample.wall:.1f} s wall (staging included), {sample.cpu:.1f} s CPU, {sample.others:.1f} s CPU of other processes")
    print(f"\nRender (worker side), phases (cumulative; nested phases are indented):\n{_phases(worker_prof, WORKER_PHASES)}")
    print(f"\nRender (worker side), top 15 by cumulative time ({worker_prof.relative_to(REPO)}):\n{_top(worker_prof, 'cumulative')}")
    print(f"\nRender (worker side), top 15 by own time:\n{_top(worker_prof, 'tottime')}")
    print(f"\nRender (worker side), own time per package:\n{_by_package(worker_prof)}")
    print("\n(cProfile adds overhead to every Python call: the proportions matter, not the absolute seconds.)")


def render_worker(portal: Path, stage: Path, prof: Path) -> None:
    """Stage eu/gold as the build does, then profile `builder.render.render` on it in this process."""
    import cProfile

    from builder.build import Selection, select_variants
    from builder.core.problems import Report
    from builder.load.project import load_project
    from builder.plan.stage import plan_variant, write_variant
    from builder.render.run import RenderJob, read_base_config, render, variant_overrides

    project = load_project(portal.resolve(), Report())
    (variant,) = select_variants(project, Selection(("eu",), ("gold",), ()))
    shutil.rmtree(stage, ignore_errors=True)
    docs_dir, site_dir = stage / "_docs" / variant.id, stage / variant.id
    plan = plan_variant(project, variant)
    write_variant(project, plan, docs_dir)
    overrides = variant_overrides(project, variant, read_base_config(project), docs_dir, site_dir)
    translated = {lang: plan.urls_in(lang) for lang in variant.region.languages[1:]}
    job = RenderJob(
        variant.id, str(project.root / "mkdocs.yml"), overrides, str(site_dir), variant.region.languages, int(EPOCH), translated
    )
    profiler = cProfile.Profile()
    profiler.enable()
    result = render(job)
    profiler.disable()
    profiler.dump_stats(str(prof))
    if result.error:
        sys.exit(f"render failed: {result.error}")
    print(f"rendered {result.variant_id} in {result.seconds:.1f} s under cProfile, {len(result.warnings)} warning(s)", file=sys.stderr)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--render-worker":
        render_worker(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="See tests/perf/README.md.")
    parser.add_argument("--pages", type=int, default=300, help="default-language pages of the synthetic portal (default: 300)")
    parser.add_argument(
        "--large", type=int, default=1000, help="a second, larger portal, to compare CPU per page-render with (default: 1000; 0: none)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each build; the tables show the median (default: 3)")
    parser.add_argument("--languages", default="en,de,ja", help="comma-separated, 'en' first (default: en,de,ja)")
    parser.add_argument("--tiers", nargs="+", metavar="T", help="build only these tiers (default: all four)")
    parser.add_argument("--regions", type=int, default=1, help="regions of the synthetic portal, 1 to 3 (default: 1, eu)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic text (default: 2026)")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["partnerkb", "mkdocs", "i18n"],
        default=["partnerkb", "mkdocs", "i18n"],
        help="time only these builds (default: all three)",
    )
    parser.add_argument("--profile", action="store_true", help="profile one variant (eu/gold, --jobs 1) instead of timing")
    args = parser.parse_args()
    args.languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    if args.runs < 1 or args.pages < 1 or args.large < 0:
        parser.error("--runs and --pages: at least 1")
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        (profile if args.profile else benchmark)(args)
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    main()
