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
    wall: float  # seconds, perf_counter around subprocess.run
    cpu: float  # user + system seconds of the process and all its (waited-for) children
    others: float  # CPU seconds used meanwhile by processes that are not ours (noise)
    failed: str = ""  # why the command failed; empty when it succeeded


def timed(cmd: list[str], cwd: Path | None = None) -> Sample:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = machine_busy_seconds()
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=child_env(), capture_output=True, text=True, preexec_fn=_limit_memory)
    wall = time.perf_counter() - started
    busy = machine_busy_seconds() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sample = Sample(wall, cpu, max(0.0, busy - cpu) if busy else float("nan"))
    if proc.returncode != 0:
        last = (proc.stderr.strip() or proc.stdout.strip()).split("\n")[-1:]
        sample.failed = f"exit {proc.returncode}" + (f": {last[0][:200]}" if last and last[0] else "")
        print(f"run.py: command failed ({sample.failed}): {' '.join(cmd)}\n{proc.stderr[-2000:]}", file=sys.stderr)
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


def prepare(args: argparse.Namespace) -> Path:
    portal = OUT / f"portal-{args.pages}"
    started = time.perf_counter()
    stats = generate.generate(portal, args.pages, args.languages, args.regions, args.seed)
    translated = ", ".join(f"{lang} {n}" for lang, n in stats.translations.items()) or "none"
    print(
        f"portal: {portal.relative_to(REPO)}: {stats.pages} pages in {stats.folders} folders, translations {translated}, "
        f"{stats.teasers} teaser pages, {stats.gated_blocks} gated blocks, {stats.words_en / stats.pages:.0f} words/page "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    return portal


def benchmark(args: argparse.Namespace) -> None:
    tier_ids = [t["id"] for t in yaml.safe_load(generate.tiers_block())["tiers"]]
    unknown = [t for t in args.tiers or () if t not in tier_ids]
    if unknown:
        sys.exit(f"run.py: --tiers: unknown {', '.join(unknown)} (expected: {', '.join(tier_ids)})")
    portal = prepare(args)
    program = yaml.safe_load((portal / "partners" / "program.yml").read_text(encoding="utf-8"))
    tiers = args.tiers or tier_ids
    variants = len(program["regions"]) * len(tiers) * len(program["versions"])
    languages = len(args.languages)

    dist = OUT / f"dist-{args.pages}"
    cmd = [tool("partnerkb"), "build", "--project", str(portal), "--out", str(dist), "--jobs", str(JOBS)]
    for tier in args.tiers or ():
        cmd += ["--tier", tier]
    benches = [Bench("partnerkb build", cmd, [dist], variants, languages, args.pages)] if "partnerkb" in args.only else []
    for key, label, langs in (("mkdocs", "mkdocs (en only)", args.languages[:1]), ("i18n", "mkdocs + i18n", args.languages)):
        if key not in args.only or (key == "i18n" and len(langs) == 1):
            continue
        folder = OUT / f"plain-{args.pages}-{'-'.join(langs)}"
        folder.mkdir(parents=True, exist_ok=True)
        pages = plain_docs(portal, folder / "docs", langs)
        config = plain_config(portal, folder, langs)
        benches.append(Bench(label, [tool("mkdocs"), "build", "-q", "-f", str(config)], [folder / "site"], 1, len(langs), args.pages))
        print(f"{label}: {folder.relative_to(REPO)}/docs: {pages} Markdown files")

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
                f"  run {run + 1}/{args.runs} {bench.name}: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, {sample.others:.2f} s CPU of other processes"
                + (f"; FAILED ({sample.failed})" if sample.failed else ""),
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")

    report(args, benches)
    results = {
        "pages": args.pages,
        "languages": args.languages,
        "regions": args.regions,
        "tiers": tiers,
        "runs": args.runs,
        "benches": [
            {
                "name": b.name,
                "cmd": b.cmd,
                "variants": b.variants,
                "languages": b.languages,
                "pages": b.pages,
                "samples": [asdict(s) for s in b.samples],
            }
            for b in benches
        ],
    }
    (OUT / f"results-{args.pages}.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if any(s.failed for b in benches for s in b.samples):
        sys.exit("run.py: a build failed: its figures are not a measurement")


def report(args: argparse.Namespace, benches: list[Bench]) -> None:
    print("Commands (NO_MKDOCS_2_WARNING=1, SOURCE_DATE_EPOCH=" + EPOCH + "):\n")
    for bench in benches:
        print(f"    {bench.name}: {' '.join(os.path.relpath(c, REPO) if c.startswith('/') else c for c in bench.cmd)}")
    print()
    print(f"{args.pages} pages, languages {','.join(args.languages)}, {args.runs} run(s), median (min-max):\n")
    print(
        "| build | variants × languages × pages | wall s | s / variant | ms / page-render | CPU s | CPU ms / page-render | other procs' CPU s |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for b in benches:
        failures = [s.failed for s in b.samples if s.failed]
        if len(failures) == len(b.samples):
            print(
                f"| {b.name} | {b.variants} × {b.languages} × {b.pages} = {b.renders} | failed after {b.median('wall'):.0f} s ({failures[0]}) | | | {b.median('cpu'):.1f} | | {b.median('others'):.1f} |"
            )
            continue
        wall, cpu, others = b.median("wall"), b.median("cpu"), b.median("others")
        spread = f" ({min(s.wall for s in b.samples):.1f}–{max(s.wall for s in b.samples):.1f})" if len(b.samples) > 1 else ""
        print(
            f"| {b.name} | {b.variants} × {b.languages} × {b.pages} = {b.renders} | {wall:.1f}{spread} | {wall / b.variants:.2f} | "
            f"{1000 * wall / b.renders:.2f} | {cpu:.1f} | {1000 * cpu / b.renders:.2f} | {others:.1f} |"
        )
    ours = next((b for b in benches if b.name == "partnerkb build" and not all(s.failed for s in b.samples)), None)
    i18n = next((b for b in benches if b.name == "mkdocs + i18n"), None) or benches[-1]
    if ours is not None and i18n is not ours:
        cpu_ratio = (ours.median("cpu") / ours.variants) / i18n.median("cpu")
        print(
            f"\npartnerkb per variant vs {i18n.name}: {cpu_ratio:.2f}× the CPU "
            f"({ours.median('cpu') / ours.variants:.1f} s vs {i18n.median('cpu'):.1f} s); "
            f"wall per variant {ours.median('wall') / ours.variants:.1f} s with --jobs {JOBS} vs {i18n.median('wall'):.1f} s"
        )
    print("page-render = one page in one language of one variant (mkdocs-static-i18n renders every page in every language, with fallback).")
    print(
        "CPU s = user + system time of the build and its worker processes; other procs' CPU s = what the rest of the machine used meanwhile (noise)."
    )


# --- profiling -----------------------------------------------------------------------------

# (file name ending, function, label): cumulative time of these calls is printed as "phases".
MAIN_PHASES = (
    ("builder/build.py", "check_project", "check_project: load + plan every variant + links"),
    ("builder/load/project.py", "load_project", "  load: read and validate"),
    ("builder/plan/check.py", "check_links", "  check_links (plans every variant)"),
    ("builder/build.py", "_render_all", "stage + render (main process waits for the worker)"),
    ("builder/plan/stage.py", "write_variant", "  stage: write docs_dir"),
    ("builder/release/install.py", "write_tier_roots", "tier roots"),
    ("builder/release/audit.py", "__init__", "audit: set-up (evidence read from the sources)"),
    ("builder/release/audit.py", "audit_tree", "audit: trees (worker processes)"),
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
    portal = prepare(args)
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
    parser.add_argument("--pages", type=int, default=100, help="default-language pages of the synthetic portal (default: 100)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each build; the table shows the median (default: 3)")
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
    if args.runs < 1 or args.pages < 1:
        parser.error("--runs and --pages: at least 1")
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        (profile if args.profile else benchmark)(args)
    except ValueError as exc:
        parser.error(str(exc))


if __name__ == "__main__":
    main()
