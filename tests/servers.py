"""Real servers on loopback for the tests: the search service, nginx with a generated configuration, and a
sign-in service that stands in for the SSO (a few lines of stdlib Python, as the README's contract needs)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import REPO, skip_or_fail

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not start: {log.read_text(errors='replace') if log.exists() else ''}")


class Service:
    """`partnerkb search-service` over one region's folder."""

    def __init__(self, root: Path, region: str = "eu") -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "builder", "search-service", "--region", region, "--root", str(root)]
        self.log = root.parent / f"service-{self.port}.log"  # a file: a pipe nobody reads would fill and block it
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([*command, "--listen", f"127.0.0.1:{self.port}"], cwd=REPO, stdout=log, stderr=log)
        try:
            wait_for(f"http://127.0.0.1:{self.port}/api/health", "the search service", self.log)
        except AssertionError:
            self.process.kill()
            raise

    def get(self, path: str, tier: str | None = None) -> tuple[int, dict[str, object], dict[str, str]]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"X-Partner-Tier": tier} if tier else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read()), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read()), dict(error.headers)

    def stop(self) -> str:
        """Stop it; what it logged."""
        self.process.terminate()
        self.process.wait(timeout=10)
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass(frozen=True)
class Session:
    """What the test sign-in answers for one token: a status, and for a 2xx the partner's tier and id."""

    status: int = 200
    tier: str = ""
    partner: str = ""
    delay: float = 0.0


class SignIn:
    """The test sign-in: the token in the `session` cookie (or `Authorization: Bearer`) names a Session;
    no token is 401. It records the headers of every check it answers."""

    def __init__(self, sessions: dict[str, Session]) -> None:
        self.sessions = sessions
        self.seen: list[dict[str, str]] = []
        sign_in = self

        class Check(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                sign_in.seen.append(dict(self.headers))
                session = sign_in.sessions.get(sign_in.token(self.headers), Session(401))
                time.sleep(session.delay)
                self.send_response(session.status)
                if session.status < 300:
                    self.send_header("X-Partner-Tier", session.tier)
                    self.send_header("X-Partner-Id", session.partner)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Check)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def token(headers: object) -> str:
        cookies = dict(part.strip().partition("=")[::2] for part in (headers.get("Cookie") or "").split(";") if "=" in part)  # type: ignore[attr-defined]
        bearer = (headers.get("Authorization") or "").removeprefix("Bearer ")  # type: ignore[attr-defined]
        return cookies.get("session") or bearer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/check"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Nginx:
    """Debian's nginx on loopback, in its own folder (`-p`), serving the included configuration files."""

    def __init__(self, folder: Path, *configs: Path, extra: str = "") -> None:
        if not Path(NGINX).exists():
            skip_or_fail("nginx is not installed (apt-get install nginx-light)")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        includes = " ".join(f"include {c};" for c in configs)
        # As root (CI), workers would drop to `nobody`, who cannot read pytest's private temporary folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
            f"http {{\n    access_log off;\n    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n"
            f"    include /etc/nginx/mime.types;\n    {includes}\n{extra}}}\n",
            encoding="utf-8",
        )
        self.command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]
        checked = subprocess.run([*self.command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, url: str) -> None:
        wait_for(url, "nginx", self.folder / "error.log")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
