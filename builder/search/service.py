"""The search service: one region's Whoosh indexes over HTTP, for the portal's search box.

A WSGI application (no framework): `GET /api/search?q=&lang=&type=&version=&limit=` answers the JSON
of `partnerkb search`, for the tier named by the access layer's `X-Partner-Tier` header and nothing
else: no header is 401, a tier the region does not have is 403, never a default. Input is bounded
and checked (400 with `{"error": …}`, never a traceback); every answer is `Cache-Control: private`.
`GET /api/health` is for monitoring.

The region's folder may be a symbolic link that a publish switches (`current` → a release): the
service notices when it resolves elsewhere and opens the new release's indexes for the next
requests, while the requests under way finish on the old ones. A process opens each tree's index
once, for all its threads.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

from ..core.paths import search_index
from .backend import Query, Searcher
from .documents import TYPES
from .indexing import open_index

MAX_QUERY = 200
MAX_PARAMETERS = 8
PARAMETERS = ("q", "lang", "type", "version", "limit")
TIER_HEADER = "HTTP_X_PARTNER_TIER"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CHECK_ROOT_SECONDS = 1.0
_log = logging.getLogger("partnerkb.search")

StartResponse = Callable[[str, list[tuple[str, str]]], object]


class BadRequest(ValueError):
    """A request the service refuses, with the status and the reason it answers."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Release:
    """What one resolved region folder holds: its tiers, its versions (default first) and aliases, its languages."""

    root: Path
    tiers: frozenset[str]
    versions: tuple[str, ...]
    aliases: dict[str, str]
    languages: tuple[str, ...]
    searchers: dict[tuple[str, str], Searcher] = field(default_factory=dict, compare=False)
    opening: threading.Lock = field(default_factory=threading.Lock, compare=False)

    @staticmethod
    def read(root: Path) -> Release:
        search = root / "search"
        tiers = frozenset(p.name for p in search.iterdir() if p.is_dir()) if search.is_dir() else frozenset()
        # The versions are the program's, the same in every tier: mike's versions.json of any tier lists them.
        listed = json.loads((root / min(tiers) / "versions.json").read_text(encoding="utf-8")) if tiers else []
        versions = tuple(entry["version"] for entry in listed)
        aliases = {alias: entry["version"] for entry in listed for alias in entry.get("aliases", [])}
        languages: set[str] = set()
        for tier in sorted(tiers):
            for version in versions:
                if search_index(root, tier, version).is_dir():
                    languages.update(_index_languages(search_index(root, tier, version)))
        return Release(root, tiers, versions, aliases, tuple(sorted(languages)))

    def searcher(self, tier: str, version: str) -> Searcher:
        """The searcher of a tree, opened by the first request that asks it."""
        with self.opening:
            if (tier, version) not in self.searchers:
                self.searchers[(tier, version)] = open_index(search_index(self.root, tier, version))
            return self.searchers[(tier, version)]

    def close(self) -> None:
        with self.opening:
            for searcher in self.searchers.values():
                searcher.close()


def _index_languages(folder: Path) -> set[str]:
    searcher = open_index(folder)
    try:
        return set(searcher.languages)
    finally:
        searcher.close()


class SearchService:
    """The WSGI application of one region."""

    def __init__(self, region: str, root: Path) -> None:
        self.region, self.root = region, root
        self._lock = threading.Lock()
        self._release = Release.read(Path(os.path.realpath(root)))
        self._previous: Release | None = None
        self._checked = time.monotonic()

    def release(self) -> Release:
        """The release the region's folder resolves to now (checked at most once a second)."""
        now = time.monotonic()
        if now - self._checked >= _CHECK_ROOT_SECONDS:
            with self._lock:
                if now - self._checked >= _CHECK_ROOT_SECONDS:
                    resolved = Path(os.path.realpath(self.root))
                    if resolved != self._release.root:
                        # Requests under way keep the release they took; the one before it is done with.
                        if self._previous is not None:
                            self._previous.close()
                        self._previous, self._release = self._release, Release.read(resolved)
                        _log.info("search: now serving %s", resolved)
                    self._checked = now
        return self._release

    def __call__(self, environ: dict[str, object], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, body = self._answer(environ)
        except BadRequest as refused:
            status, body = refused.status, {"error": str(refused)}
        except Exception:  # never a traceback to the client: the log has it
            _log.exception("search: request failed")
            status, body = "500 Internal Server Error", {"error": "internal error"}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "private, no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        start_response(status, headers)
        return [data]

    def _answer(self, environ: dict[str, object]) -> tuple[str, object]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            raise BadRequest("405 Method Not Allowed", "only GET")
        path = str(environ.get("PATH_INFO") or "")
        release = self.release()
        if path == "/api/health":
            return "200 OK", {"status": "ok", "region": self.region, "release": release.root.name, "tiers": sorted(release.tiers)}
        if path != "/api/search":
            raise BadRequest("404 Not Found", "no such endpoint: /api/search and /api/health")
        tier = str(environ.get(TIER_HEADER) or "")
        if not tier:
            raise BadRequest("401 Unauthorized", "no partner tier: sign in")
        if tier not in release.tiers:
            raise BadRequest("403 Forbidden", "this tier has no search here")
        query, version = self._query(parameters(str(environ.get("QUERY_STRING") or "")), release)
        results = release.searcher(tier, version).search(query)
        return "200 OK", results.as_json()

    def _query(self, given: dict[str, str], release: Release) -> tuple[Query, str]:
        text = given.get("q", "").strip()
        if not text:
            raise BadRequest("400 Bad Request", "q: a query is needed")
        if len(text) > MAX_QUERY:
            raise BadRequest("400 Bad Request", f"q: at most {MAX_QUERY} characters")
        lang = given.get("lang") or None
        if lang is not None and lang not in release.languages:
            raise BadRequest("400 Bad Request", f"lang: one of {', '.join(release.languages)}")
        kind = given.get("type") or None
        if kind is not None and kind not in TYPES:
            raise BadRequest("400 Bad Request", f"type: one of {', '.join(TYPES)}")
        version = given.get("version") or release.versions[0]
        version = release.aliases.get(version, version)
        if version not in release.versions:
            raise BadRequest("400 Bad Request", f"version: one of {', '.join(release.versions)}")
        limit = given.get("limit", "10")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise BadRequest("400 Bad Request", "limit: a number from 1 to 50")
        return Query(text, release.languages, kind, lang, int(limit)), version


def parameters(query_string: str) -> dict[str, str]:
    """The parameters of a query string, strictly: known names once each, valid percent-escapes, UTF-8."""
    pairs = [part for part in query_string.split("&") if part]
    if len(pairs) > MAX_PARAMETERS:
        raise BadRequest("400 Bad Request", f"at most {MAX_PARAMETERS} parameters")
    found: dict[str, str] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        name, value = _decoded(name), _decoded(value)
        if name not in PARAMETERS:
            raise BadRequest("400 Bad Request", f"unknown parameter (expected {', '.join(PARAMETERS)})")
        if name in found:
            raise BadRequest("400 Bad Request", f"{name}: given twice")
        found[name] = value
    return found


def _decoded(text: str) -> str:
    if _BAD_ESCAPE.search(text):
        raise BadRequest("400 Bad Request", "malformed percent-encoding")
    try:
        return unquote_to_bytes(text.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("400 Bad Request", "the query string is not UTF-8") from None


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def serve(region: str, root: Path, host: str, port: int, threads: int = 8, workers: int = 2) -> None:
    """Run the service under waitress until stopped: `workers` processes (Python runs one query at a
    time per process) sharing one listening socket, each with `threads` threads for slow clients."""
    import waitress

    listener = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET, backlog=1024)
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:  # a worker: its own searchers, opened after the fork
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            waitress.serve(SearchService(region, root), sockets=[listener], threads=threads, ident="partnerkb-search")
            os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        waitress.serve(SearchService(region, root), sockets=[listener], threads=threads, ident="partnerkb-search")
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)
