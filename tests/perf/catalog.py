"""Benchmark: catalog pages and price lists for a synthetic catalog of N SKUs, per variant.

    python tests/perf/catalog.py --skus 10000

Times `stage.plan_variant` (which generates the catalog pages and CSV price lists of every
language of the variant) on the tiny fixture portal with a generated catalog; MkDocs is not run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder.core.problems import Report  # noqa: E402
from builder.load.project import load_project  # noqa: E402
from builder.plan.stage import plan_variant  # noqa: E402


def write_catalog(folder: Path, skus: int, per_product: int = 20) -> None:
    for number in range(skus // per_product):
        lines = [
            f"id: p{number:05d}",
            f"line: {('observability', 'security', 'data')[number % 3]}",
            f"name: {{en: Product {number}, de: Produkt {number}}}",
            f"summary: {{en: Summary of product {number}., de: Zusammenfassung {number}.}}",
            "deployment: saas",
            "status: ga",
            "ga_date: 2024-01-01",
            "skus:",
        ]
        for sku in range(per_product):
            lines += [
                f"  - sku: P{number:05d}-{sku:02d}",
                f"    name: {{en: Edition {sku} of product {number}}}",
                f"    prices: {{USD: {100 + sku}, EUR: {90 + sku}}}",
            ]
        (folder / f"p{number:05d}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project_dir = Path(tmp) / "portal"
        shutil.copytree(REPO / "tests/fixtures/tiny", project_dir)
        shutil.copytree(REPO / "theme", project_dir / "theme")
        # Beside the fixture's own products, which its training names.
        write_catalog(project_dir / "content/catalog", args.skus)
        started = time.perf_counter()
        report = Report()
        project = load_project(project_dir, report)
        load_seconds = time.perf_counter() - started
        assert not report.failed(), report.as_text()
        program = project.program
        variant = next(v for v in program.variants() if v.region.id == "eu" and v.tier.id == "gold")
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            plan = plan_variant(project, variant)
            times.append(time.perf_counter() - started)
        pages = sum(1 for p in plan.pages if p.page.path.startswith("catalog/"))
        print(
            f"{args.skus} SKUs in {len(project.catalog)} products: load {load_seconds:.2f} s; per variant (eu/gold, en+de: {pages} pages, {len(plan.files)} CSV files): median {statistics.median(times):.2f} s over {args.runs} runs"
        )


if __name__ == "__main__":
    main()
