"""Live preview, the serving half: the last good build over HTTP on the loopback, and a reload when it changes.

Every HTML page is served with one script added before `</body>`: it listens to `/__partnerkb/events`
(server-sent events) and reloads the page when a newer good build is served, or shows the problems of
the last build over the page when that build failed. Files are always read from the folder of the
last good build, so a broken edit never takes the page away. Nothing is cached by the browser
(`Cache-Control: no-store`): what is shown is what was built last.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core.problems import Problem, Severity
from .session import Built

PREFIX = "/__partnerkb/"
SCRIPT = Path(__file__).with_name("preview.js")
_KEEP_ALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class Shown:
    """What the preview serves: the last good build, and the outcome of the last build tried."""

    good: Built | None
    last: Built | None

    def event(self) -> str:
        """The state as the page's script reads it: which good build is served, what the last build reported."""
        last = self.last
        return json.dumps(
            {
                "build": self.good.number if self.good else 0,
                "tried": last.number if last else 0,
                "failed": last is not None and last.folder is None,
                "problems": [_problem(p) for p in (last.problems if last else ())],
            },
            ensure_ascii=False,
        )


def _problem(problem: Problem) -> dict[str, str]:
    return {"severity": problem.severity.value, "text": str(problem)}


class State:
    """The builds the server shows, changed by the watcher and waited on by every open page."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._shown = Shown(None, None)
        self._version = 0
        self.closed = False

    def publish(self, built: Built) -> Built | None:
        """Show a build; returns the good build it replaces (no longer served), if any."""
        with self._changed:
            good = self._shown.good
            replaced = good if built.folder is not None else None
            self._shown = Shown(built if built.folder is not None else good, built)
            self._version += 1
            self._changed.notify_all()
        return replaced

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def current(self) -> tuple[int, Shown]:
        with self._changed:
            return self._version, self._shown

    def wait(self, seen: int, timeout: float) -> tuple[int, Shown]:
        """The state once it is newer than `seen` (or as it is after `timeout` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen or self.closed, timeout)
            return self._version, self._shown


class Server(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not keep the process alive

    def __init__(self, port: int, state: State) -> None:
        self.state = state
        super().__init__(("127.0.0.1", port), Handler)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for the build's problems."""

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        path = urlsplit(self.path).path
        if path == PREFIX + "events":
            self._events()
        elif path == PREFIX + "preview.js":
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", SCRIPT.read_bytes(), head)
        else:
            self._file(path, head)

    def _file(self, path: str, head: bool) -> None:
        _, shown = self.server.state.current()
        if shown.good is None or shown.good.folder is None:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8", _waiting_page(), head)
            return
        if path == "/" and shown.good.home != "/":
            self._redirect(shown.good.home)
            return
        folder = shown.good.folder
        found = resolve(folder, path)
        if found is not None and found.is_dir():
            if not path.endswith("/"):
                self._redirect(path + "/")
                return
            found = found / "index.html"
        if found is None or not found.is_file():
            self._not_found(folder, shown.good, head)
            return
        self._send_file(HTTPStatus.OK, found, shown.good.number, head)

    def _not_found(self, folder: Path, good: Built, head: bool) -> None:
        page = folder / good.version / "404.html"
        if page.is_file():
            self._send_file(HTTPStatus.NOT_FOUND, page, good.number, head)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", head)

    def _send_file(self, status: HTTPStatus, file: Path, build: int, head: bool) -> None:
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes()
        if kind == "text/html":
            body = with_script(body, build)
            kind += "; charset=utf-8"
        self._send(status, kind, body, head)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)  # nothing in a preview is permanent
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """Server-sent events: the state now, then each change, with a comment now and then to keep the line open."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        state = self.server.state
        seen, shown = state.current()
        try:
            self._event(shown)
            while not state.closed:
                version, shown = state.wait(seen, _KEEP_ALIVE_SECONDS)
                if version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    self._event(shown)
                seen = version
                self.wfile.flush()
        except OSError:
            pass  # the page went away

    def _event(self, shown: Shown) -> None:
        self.wfile.write(f"data: {shown.event()}\n\n".encode())
        self.wfile.flush()


def resolve(folder: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `folder`; None for anything that would leave it."""
    parts = [p for p in posixpath.normpath(unquote(url_path)).split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p or "\0" in p for p in parts):
        return None
    found = folder.joinpath(*parts)
    try:
        found.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return None
    return found


def with_script(page: bytes, build: int) -> bytes:
    """The page with the preview's script before its last `</body>` (or at its end)."""
    tag = f'<script src="{PREFIX}preview.js" data-build="{build}"></script>'.encode()
    at = page.rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def _waiting_page() -> bytes:
    """Served until a first build succeeds: the script on it shows why none has, and reloads when one does."""
    return with_script(b"<!doctype html><meta charset=utf-8><title>partnerkb preview</title><body><p>Building\xe2\x80\xa6</p></body>", 0)


def problems_text(built: Built) -> str:
    """What the terminal says after a build."""
    lines = [str(p) for p in built.problems]
    errors = sum(1 for p in built.problems if p.severity is Severity.ERROR)
    if built.folder is None:
        lines.append(f"partnerkb: build {built.number} failed ({errors} error(s)): still serving the last good build")
    else:
        lines.append(f"partnerkb: build {built.number} ready in {built.seconds:.2f} s")
    return "\n".join(lines)
