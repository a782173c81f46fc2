"""Benchmark: a portal page through nginx, with and without the sign-in's check of every request.

    python tests/perf/nginx.py [--dist dist] [--region eu] [--page /eu/2026.2/program/tiers/] [--seconds 15] [--connections 10]

Writes the region's configuration with `partnerkb nginx` and runs Debian's nginx on loopback with it,
in front of a sign-in that costs nothing (a second nginx server answering every check with 200 and
the gold tier), so that the figures are nginx's own: the page served to a signed-in gold partner
(one auth subrequest per request), and the same file served by a plain `root` server (none). Loads
each with wrk (`wrk -t2 -cC -dS`) after a warm-up, and prints requests per second, p50 and p95 (wrk's).
A real sign-in adds its own latency to every request (oauth2-proxy checks a cookie in memory).
When `--dist` has no built region, builds the gold tree of (a copy of) `--project` there first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from servers import Nginx, free_port  # noqa: E402

from conftest import copy_portal  # noqa: E402

TIER = "gold"

# A sign-in that answers at once: nginx itself. The region's server asks it about every request.
SIGN_IN = """
    server {{
        listen 127.0.0.1:{port};
        location = /check {{
            add_header X-Partner-Tier {tier};
            add_header X-Partner-Id benchmark;
            return 200;
        }}
    }}
    server {{
        listen 127.0.0.1:{plain};
        root {tree};
    }}
"""


# wrk's summary as one line: requests, requests per second, p50 and p95 in ms, errors and non-2xx answers.
LUA = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.2f %.3f %.3f %d\\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk(url: str, seconds: int, connections: int, script: Path) -> tuple[int, float, float, float, int]:
    """wrk's figures for one URL: requests, requests per second, p50 and p95 in ms, failed requests."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    fields = next(line.split()[1:] for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return int(fields[0]), float(fields[1]), float(fields[2]), float(fields[3]), int(fields[4])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    parser.add_argument("--region", default="eu")
    parser.add_argument("--page", default="/eu/2026.2/program/tiers/", help="The URL path of the page loaded.")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        dist, project = args.dist.absolute(), args.project.absolute()
        if not (dist / args.region / "manifest.json").is_file():
            project = copy_portal(project, folder / "project")  # a copy: the build writes its cache beside the sources
            build = ["build", "--project", str(project), "--out", str(dist), "--region", args.region, "--tier", TIER]
            subprocess.run([sys.executable, "-m", "builder", *build], check=True, cwd=REPO, capture_output=True)
        region_port, sign_in_port, plain_port = free_port(), free_port(), free_port()
        config = folder / "region.conf"
        command = [
            "nginx", "--region", args.region, "--project", str(project), "--dist", str(dist),
            "--listen", f"127.0.0.1:{region_port}", "--auth-url", f"http://127.0.0.1:{sign_in_port}/check", "--out", str(config),
        ]  # fmt: skip
        subprocess.run([sys.executable, "-m", "builder", *command], check=True, cwd=REPO, capture_output=True)
        extra = SIGN_IN.format(port=sign_in_port, tier=TIER, plain=plain_port, tree=dist / args.region / TIER)
        nginx = Nginx(folder / "nginx", config, extra=extra)
        version_path = args.page.split("/", 2)[2]  # the page below the region's path: <version>/…
        targets = {
            "with the sign-in's check": f"http://127.0.0.1:{region_port}{args.page}",
            "plain root, no check": f"http://127.0.0.1:{plain_port}/{version_path}",
        }
        script = folder / "summary.lua"
        script.write_text(LUA, encoding="utf-8")
        rows = []
        try:
            for label, url in targets.items():
                nginx.wait(url)
                with urllib.request.urlopen(url, timeout=5) as response:
                    size = len(response.read())
                wrk(url, max(1, args.seconds // 3), args.connections, script)  # warm-up
                requests, rate, p50, p95, failed = wrk(url, args.seconds, args.connections, script)
                rows.append(f"| {label} | {size} | {args.connections} | {requests} | {rate:.0f} | {p50:.2f} ms | {p95:.2f} ms | {failed} |")
                print(rows[-1], file=sys.stderr, flush=True)
        finally:
            nginx.stop()
    print(f"{args.page} as {TIER}:")
    print("| served | bytes | clients | requests | req/s | p50 | p95 | failed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
