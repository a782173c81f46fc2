"""Benchmark: partner kits for N synthetic partners, HTML and PDF timed separately.

    python tests/perf/kits.py --partners 1000 [--jobs 2] [--profile]

Generates N partners (half in na, half in eu, English and German, all allowed to co-brand) beside
the tiny fixture portal's collateral, then times, in one process: loading and validating them (logos
included); the kits without PDFs (dashboard, kit index, co-branded HTML); the kits with PDFs; and the
kit audit over the written kits. `--jobs` adds a run over a process pool, as `partnerkb build` does.
`--profile` prints where the PDF time goes (cProfile, top functions by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import pstats
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder.core.problems import Report  # noqa: E402
from builder.features.kits import kit_files  # noqa: E402
from builder.load.project import load_project  # noqa: E402
from builder.release.audit import Auditor  # noqa: E402

MOMENT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def write_partners(folder: Path, count: int) -> None:
    template = (REPO / "tests/fixtures/tiny/partners/northwind.yml").read_text(encoding="utf-8")
    logo = (REPO / "tests/fixtures/tiny/partners/northwind/logo.svg").read_bytes()
    for old in folder.glob("*.yml"):
        if old.name != "program.yml":
            old.unlink()
    for number in range(count):
        partner_id = f"p{number:05d}"
        eu = number % 2
        text = (
            template.replace("Northwind Canary Systems", f"Synthetic Partner {number:05d}")
            .replace("northwind-canary", f"partner-{number:05d}")
            .replace("Ada Canaryfield", f"Person {number:05d}")
            .replace("ada.canaryfield", f"person.{number:05d}")
            .replace("+1 555 0142", f"+1 555 {number:05d}")
            .replace("region: na", "region: eu" if eu else "region: na")
            .replace("language: en", "language: de" if eu else "language: en")
        )
        (folder / f"{partner_id}.yml").write_text(text, encoding="utf-8")
        (folder / partner_id).mkdir(exist_ok=True)
        (folder / partner_id / "logo.svg").write_bytes(logo)


def make_kits(project, partners, pdf: bool):  # type: ignore[no-untyped-def]
    return [kit_files(p, project.collateral, project.program, project.locales[p.language], {}, MOMENT, pdf) for p in partners]


def one_kit(args):  # type: ignore[no-untyped-def]
    project, partner = args
    return kit_files(partner, project.collateral, project.program, project.locales[partner.language], {}, MOMENT, True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project_dir = Path(tmp) / "portal"
        shutil.copytree(REPO / "tests/fixtures/tiny", project_dir)
        shutil.copytree(REPO / "theme", project_dir / "theme")
        write_partners(project_dir / "partners", args.partners)
        started = time.perf_counter()
        report = Report()
        project = load_project(project_dir, report, MOMENT)
        assert not report.failed(), report.as_text()[:2000]
        print(f"load and validate {len(project.partners)} partners: {time.perf_counter() - started:.2f} s")
        partners = list(project.partners)

        started = time.perf_counter()
        make_kits(project, partners, pdf=False)
        html_seconds = time.perf_counter() - started
        print(
            f"kits without PDF (dashboard, index, co-branded HTML): {html_seconds:.2f} s, {html_seconds / len(partners) * 1000:.1f} ms per partner"
        )

        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        kits = make_kits(project, partners, pdf=True)
        if profiler:
            profiler.disable()
        full_seconds = time.perf_counter() - started
        pdfs = sum(1 for kit in kits for name, _ in kit if name.endswith(".pdf"))
        pdf_seconds = full_seconds - html_seconds
        print(
            f"kits with PDF: {full_seconds:.2f} s; the {pdfs} PDFs alone: {pdf_seconds:.2f} s, {pdf_seconds / max(pdfs, 1) * 1000:.0f} ms per PDF"
        )

        out = Path(tmp) / "dist"
        for partner, kit in zip(partners, kits, strict=True):
            folder = out / partner.region.id / "partners" / partner.id
            folder.mkdir(parents=True)
            for name, data in kit:
                (folder / name).write_bytes(data)
        started = time.perf_counter()
        audits = Auditor(project).audit_kits(out, Path("dist"), ["na", "eu"])
        leaks = sum(len(audited.problems) for audited in audits)
        print(f"kit audit (evidence read and PDF text included): {time.perf_counter() - started:.2f} s, {leaks} leaks")

        if args.jobs:
            started = time.perf_counter()
            with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                list(pool.map(one_kit, [(project, p) for p in partners], chunksize=16))
            print(f"kits with PDF over {args.jobs} processes: {time.perf_counter() - started:.2f} s")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()
