"""Each benchmark of tests/perf runs, at a tiny size: a benchmark that no longer runs is a bug."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, skip_or_fail

BENCHMARKS = [
    ("run.py", ["--pages", "20", "--large", "0", "--runs", "1"], "partnerkb's CPU / the hand-glued builds' CPU (4 × one mkdocs"),
    ("run.py", ["--pages", "4", "--profile"], "Render (worker side), own time per package"),
    ("catalog.py", ["--skus", "40", "--runs", "1"], "40 SKUs in"),
    ("kits.py", ["--partners", "2"], "kit audit"),
    ("search.py", ["--documents", "40", "--queries", "8"], "| 40 |"),
    ("service.py", ["--documents", "40", "--seconds", "1", "--connections", "2"], "| synthetic 40 | common words | 2 |"),
    (
        "nginx.py",
        [
            "--project",
            "tests/fixtures/tiny",
            "--dist",
            "tests/perf/out/nginx-tiny",
            "--page",
            "/eu/1.0/guide/",
            "--seconds",
            "1",
            "--connections",
            "2",
        ],
        "| with the sign-in's check |",
    ),
]


@pytest.mark.parametrize("script,args,expected", BENCHMARKS, ids=[f"{b[0]} {b[1][-1]}" if b[0] == "run.py" else b[0] for b in BENCHMARKS])
def test_the_benchmark_runs_at_a_tiny_size(script: str, args: list[str], expected: str) -> None:
    if script in ("service.py", "nginx.py") and shutil.which("wrk") is None:
        skip_or_fail("wrk is not installed (Debian: apt-get install wrk): the service and nginx benchmarks load with it")
    if script == "nginx.py" and shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        skip_or_fail("nginx is not installed (Debian: apt-get install nginx-light)")
    if script == "nginx.py":
        shutil.rmtree(REPO / "tests" / "perf" / "out" / "nginx-tiny", ignore_errors=True)  # built afresh by the benchmark
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, str(REPO / "tests" / "perf" / script), *args], capture_output=True, text=True, env=env, cwd=REPO)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert expected in done.stdout
