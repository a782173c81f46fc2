"""Benchmark: the search service under load, as the portal's search box loads it.

    python tests/perf/service.py [--documents 10000] [--seconds 15] [--connections 10] [--example dist/apac]

Starts `partnerkb search-service` (its default 2 workers) on loopback over a synthetic region whose
one tree is the index of `search.py`'s N documents, and loads it with wrk (`wrk -t2 -cC -dS`) for
each query mix: words of the vocabulary (as `search.py` draws them) and the portal's own words
only (each in thousands of documents, the costliest). Every request is a different query, so no
answer is ever known in advance; a warm-up of other queries from the same mix comes first, as a
running service has read its common terms. With `--example`, also loads a built region's gold
tree with the questions of the relevance set for that region (`tests/search/relevance.yml`). Prints requests per
second, p50 and p95 (wrk's), and the requests that failed or did not answer 200.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(REPO / "tests"))

from search import LANGUAGES, documents, queries, vocabulary  # noqa: E402
from servers import free_port  # noqa: E402

from builder.core.paths import search_index  # noqa: E402
from builder.search.backend import Query  # noqa: E402
from builder.search.whoosh_index import WhooshBackend  # noqa: E402

TIER, VERSION = "gold", "2026.2"
DISTINCT = 6000  # queries per mix: more than a run sends, so each is asked once

# wrk's script: each thread walks its own share of the queries, with the tier header the access layer sets.
LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads = 0
function setup(thread) thread:set("offset", threads * math.floor(#paths / 2)); threads = threads + 1 end
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[((offset or 0) + i) %% #paths + 1], {["X-Partner-Tier"] = "%(tier)s"})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%.2f %%.1f %%.1f %%d\\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def synthetic_region(folder: Path, count: int, rng: random.Random) -> dict[str, list[Query]]:
    """A region's folder with one tree's index of `count` documents, and the query mixes for it."""
    vocabularies = {lang: vocabulary(lang, rng) for lang in LANGUAGES}
    index = search_index(folder, TIER, VERSION)
    index.mkdir(parents=True)
    WhooshBackend().build(documents(count, vocabularies, rng), LANGUAGES, index, b"benchmark")
    (folder / TIER).mkdir()
    (folder / TIER / "versions.json").write_text(json.dumps([{"version": VERSION, "title": VERSION, "aliases": []}]), encoding="utf-8")
    return {
        "vocabulary": queries(2 * DISTINCT, vocabularies, rng),
        "common words": queries(2 * DISTINCT, vocabularies, rng, common=True),
    }


def relevance_questions(region: str) -> list[Query]:
    cases = yaml.safe_load((REPO / "tests" / "search" / "relevance.yml").read_text(encoding="utf-8"))
    return [Query(case["q"], (case["lang"],), None, case["lang"], 10) for case in cases if case["region"] == region]


def start_service(root: Path, port: int) -> subprocess.Popen[bytes]:
    service = subprocess.Popen(
        [sys.executable, "-m", "builder", "search-service", "--region", "bench", "--root", str(root), "--listen", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1).read()
            return service
        except OSError:
            time.sleep(0.1)
    service.kill()
    raise SystemExit("the search service did not start")


def load(port: int, asked: list[Query], seconds: int, connections: int, folder: Path) -> tuple[int, float, float, float, int]:
    """wrk's figures over `asked`: requests, requests per second, p50 and p95 in ms, failed requests."""
    paths = folder / "paths.txt"
    lines = []
    for query in asked:
        given = {"q": query.text, **({"lang": query.language} if query.language else {})}
        lines.append(f"/api/search?{urlencode(given)}")
    paths.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = folder / "load.lua"
    script.write_text(LUA % {"paths": paths, "tier": TIER}, encoding="utf-8")
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    fields = next(line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return int(fields[0]), float(fields[1]), float(fields[2]), float(fields[3]), int(fields[4])


def measure(root: Path, mixes: dict[str, list[Query]], seconds: int, connections: int, label: str, folder: Path) -> list[str]:
    port = free_port()
    service = start_service(root, port)
    rows = []
    try:
        for mix, asked in mixes.items():
            half = len(asked) // 2
            load(port, asked[half:], max(1, seconds // 3), connections, folder)  # warm-up, other queries
            requests, rate, p50, p95, failed = load(port, asked[:half], seconds, connections, folder)
            rows.append(f"| {label} | {mix} | {connections} | {requests} | {rate:.0f} | {p50:.1f} ms | {p95:.1f} ms | {failed} |")
            print(rows[-1], file=sys.stderr, flush=True)
    finally:
        service.terminate()
        service.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument(
        "--example", type=Path, help="A built region's folder (dist/apac): its gold tree, loaded with the relevance set's questions."
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        region = folder / "bench"
        mixes = synthetic_region(region, args.documents, random.Random(20261203))
        rows += measure(region, mixes, args.seconds, args.connections, f"synthetic {args.documents}", folder)
        if args.example:
            questions = relevance_questions(args.example.name)
            rows += measure(args.example, {"relevance questions": questions * 2}, args.seconds, args.connections, str(args.example), folder)
    print("| index | queries | clients | requests | req/s | p50 | p95 | failed |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
