"""`partnerkb serve`: one variant built, served on loopback, built again on every edit, in a real Chromium."""

from __future__ import annotations

import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.core.inputs import PROJECT_INPUTS
from builder.preview.server import Server, resolve, with_script
from builder.preview.session import Previewer, Target
from builder.preview.watch import Preview
from conftest import REPO, run

pytestmark = pytest.mark.slow


def start(root: Path, target: Target) -> tuple[Preview, Server]:
    """A preview of `target` built once and served on a free port; the caller watches or builds by hand."""
    preview = Preview(Previewer(root, target, root / ".partnerkb-cache/preview", None, None), [root / n for n in PROJECT_INPUTS], print)
    preview.build()
    server = Server(0, preview.state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return preview, server


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(Stay).open(url, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def first_event(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as stream:
        line = stream.readline().decode()
    assert line.startswith("data: "), line
    return json.loads(line.removeprefix("data: "))  # type: ignore[no-any-return]


@pytest.fixture
def served(tiny: Path) -> Iterator[tuple[Path, Preview, Server]]:
    preview, server = start(tiny, Target("eu", "gold"))
    yield tiny, preview, server
    server.shutdown()
    server.server_close()


def test_serves_the_last_good_build_and_says_what_broke_the_next(served: tuple[Path, Preview, Server]) -> None:
    tiny, preview, server = served
    status, headers, _ = fetch(server.url("/"))
    assert status == 302 and headers["Location"] == "/1.0/"
    assert fetch(server.url("/1.0/guide"))[1]["Location"] == "/1.0/guide/"
    status, headers, page = fetch(server.url("/1.0/guide/"))
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert page.count(b'<script src="/__partnerkb/preview.js" data-build="1"></script></body>') == 1
    assert fetch(server.url("/versions.json"))[0] == 200  # the version selector's file, at the tier root
    status, _, missing = fetch(server.url("/1.0/nowhere/"))
    assert status == 404 and b"404" in missing and b"preview.js" in missing  # the tree's own 404 page
    assert fetch(server.url("/%2e%2e/%2e%2e/mkdocs.yml"))[0] == 404
    assert first_event(server.url("/__partnerkb/events")) == {"build": 1, "tried": 1, "failed": False, "problems": []}

    guide = tiny / "content/guide.md"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("---\n", "---\ntier: diamond\n", 1), encoding="utf-8")
    preview.build()
    event = first_event(server.url("/__partnerkb/events"))
    assert event["build"] == 1 and event["tried"] == 2 and event["failed"] is True
    assert [p["text"] for p in event["problems"]] == [  # type: ignore[attr-defined]
        "content/guide.md:2: tier: unknown tier 'diamond' (expected one of: registered, silver, gold)"
    ]
    assert b'data-build="1"' in fetch(server.url("/1.0/guide/"))[2]  # still the last good build

    guide.write_text(text.replace("five", "four"), encoding="utf-8")
    preview.build()
    assert first_event(server.url("/__partnerkb/events"))["build"] == 3
    status, _, page = fetch(server.url("/1.0/guide/"))
    assert b"four business days" in page and b'data-build="3"' in page
    assert sorted(p.name for p in (tiny / ".partnerkb-cache/preview").iterdir()) == ["1", "3"]  # the one before kept a build longer


def test_a_partner_preview_starts_at_its_dashboard(tiny: Path) -> None:
    preview, server = start(tiny, Target("eu", "gold", partner="rheinwerk"))
    try:
        assert fetch(server.url("/"))[1]["Location"] == "/kit/dashboard.html"
        status, _, dashboard = fetch(server.url("/kit/dashboard.html"))
        assert status == 200 and b"Rheinwerk" in dashboard and b"preview.js" in dashboard
    finally:
        server.shutdown()
        server.server_close()


def test_a_target_the_project_does_not_have_is_a_usage_error(tiny: Path) -> None:
    code, output = run("serve", "--project", str(tiny), "--region", "eu", "--tier", "diamond", "--port", "0")
    assert code == 2 and "--tier: unknown value 'diamond' (expected one of: registered, silver, gold)" in output
    code, output = run("serve", "--project", str(tiny), "--region", "na", "--tier", "gold", "--lang", "de", "--port", "0")
    assert code == 2 and "--lang: unknown value 'de' (expected one of: en)" in output
    assert list(tiny.glob(".partnerkb-cache/preview/*")) == []  # nothing left behind


def test_paths_stay_in_the_build_and_the_script_goes_before_the_body_ends(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    assert resolve(tmp_path, "/a/%20b") == tmp_path / "a" / " b"
    assert resolve(tmp_path, "/../etc/passwd") == tmp_path / "etc/passwd"  # a URL path cannot climb above its root
    assert resolve(tmp_path, "/a/..%2f..%2f..%2fetc") == tmp_path / "etc"
    assert resolve(tmp_path, "/a\\..\\b") is None
    (tmp_path / "link").symlink_to("/etc")
    assert resolve(tmp_path, "/link/passwd") is None
    assert with_script(b"<p>x</p></body></html>", 7).startswith(b'<p>x</p><script src="/__partnerkb/preview.js" data-build="7">')
    assert with_script(b"<p>no body</p>", 7).endswith(b"</script>")


# --- in Chromium ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_saved_page_reloads_in_the_browser_and_a_broken_one_shows_its_problem(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The example portal: save a page, wait for the reload; the save-to-reload times are printed."""
    root = tmp_path / "portal"
    root.mkdir()
    for name in PROJECT_INPUTS:
        source = REPO / name
        shutil.copytree(source, root / name) if source.is_dir() else shutil.copy2(source, root / name)
    preview, server = start(root, Target("eu", "gold", language="de"))
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    page = browser.new_page()
    try:
        page.goto(server.url("/"))
        page.wait_for_url(server.url("/2026.2/de/"))  # --lang de
        page.goto(server.url("/2026.2/de/faq/"))
        faq = root / "content/faq.de.md"
        text = faq.read_text(encoding="utf-8")
        seconds = []
        for edit in range(5):
            marker = f"Vorschau-Probe {edit}"
            saved = time.monotonic()
            faq.write_text(text + f"\n{marker}\n", encoding="utf-8")
            page.get_by_text(marker).wait_for(timeout=30000)
            seconds.append(time.monotonic() - saved)
        print(f"\nsave-to-reload (s): min {min(seconds):.2f}, median {statistics.median(seconds):.2f}, max {max(seconds):.2f}")

        faq.write_text(text.replace("---\n", "---\ntier: diamond\n", 1), encoding="utf-8")
        overlay = page.locator("#partnerkb-preview-problems")
        overlay.wait_for(timeout=30000)
        _, shown = preview.state.current()
        assert shown.last is not None and shown.last.folder is None
        located = [str(p) for p in shown.last.problems]
        assert located and located[0].startswith("content/faq.de.md:")
        assert all(line in overlay.inner_text() for line in located)  # the terminal's lines, in the page
        assert "Vorschau-Probe 4" in page.content()  # the last good build stays on screen
        faq.write_text(text, encoding="utf-8")
        overlay.wait_for(state="detached", timeout=30000)
        assert "Vorschau-Probe" not in page.content()
    finally:
        preview.stopped.set()
        watcher.join(10)
        page.close()
        server.shutdown()
        server.server_close()


def test_the_command_says_where_it_serves_and_cleans_up_on_ctrl_c(tiny: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "builder",
        "serve",
        "--project",
        str(tiny),
        "--region",
        "eu",
        "--tier",
        "gold",
        "--lang",
        "de",
        "--port",
        "0",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline(), process.stderr.readline()]
        assert lines[0].startswith("partnerkb: build 1 ready in "), lines
        serving = re.fullmatch(r"partnerkb: serving eu/gold on (http://127\.0\.0\.1:\d+/1\.0/de/) \(Ctrl-C to stop\)\n", lines[1])
        assert serving, lines
        status, _, page = fetch(serving.group(1))
        assert status == 200 and b'lang="de"' in page
        assert len(list((tiny / ".partnerkb-cache/preview").iterdir())) == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        assert "partnerkb: preview stopped" in process.stderr.read()
        assert list((tiny / ".partnerkb-cache/preview").iterdir()) == []  # its builds are removed
    finally:
        process.kill()
