"""nginx in front of a region: its access rules, written from the program and the built region's manifest.

Every request is checked with the sign-in first: `auth_request` is set for the whole server, so that no
location can forget it. What a request may read follows only from the sign-in's answer, through maps
whose keys are an explicit allow-list and whose default denies: the tier picks the tree, the tier and
partner id together pick the kit. Request paths are matched against a few safe characters before they
name a file, and nginx has already resolved `..`, `%2e` and `%2f` and merged slashes by then.

Beware nginx's phases: `return` runs before `auth_request`, so the only `return`s here depend on the URL
alone (a redirect to a version, to a folder's slash) and never on who asks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..core.models import Program, Region, Serving
from ..core.problems import Reporter, Scope
from ..features.partners import Partner

# A segment of a served path: no leading dot (so no `..`), nothing nginx or a shell would read twice.
SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9._-]*"
_FILE = re.compile(rf"(?:{SEGMENT}/)*{SEGMENT}")
# A root that can never exist (/dev/null is not a folder): where a request that the maps deny looks.
DENIED_ROOT = "/dev/null/partnerkb-denied"
HASHED_ASSET = r"\.[0-9a-f]{8}\.min\.(?:js|css)\z"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SEARCH_RATE = "10r/s"  # per client address; a burst of 20 answers at once (search as you type)
DENIED_TIER = "!denied"  # what the search service is told for a tier the program does not have: it answers 403


@dataclass(frozen=True)
class Site:
    """What one region's nginx server serves: checked names only, ready to be written into a configuration."""

    region: Region
    serving: Serving  # the region's `serving:`, with the command line's overrides
    root: Path  # the region's folder, absolute
    tiers: tuple[str, ...]
    versions: tuple[str, ...]  # the default first
    aliases: tuple[tuple[str, str], ...]  # (alias, version)
    kits: tuple[tuple[str, str], ...]  # (partner id, its tier): every kit the region's manifest lists

    @property
    def prefix(self) -> str:
        """The path the region is served below (`/eu/`): its base_url's."""
        return urlsplit(self.region.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.region.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def name(self) -> str:
        """The prefix of every map, zone and variable of this region, so that regions share one http block."""
        return f"pkb_{self.region.id}"


def site_of(program: Program, region: Region, partners: Iterable[Partner], root: Path, serving: Serving, report: Reporter) -> Site | None:
    """The site of a built region in `root`, from its manifest; None (with located errors) when nginx could not
    serve it safely. The program's names are checked when it is loaded (tiers, regions, versions)."""
    manifest_path = root / "manifest.json"
    shown = manifest_path.as_posix()
    try:
        text = manifest_path.read_text(encoding="utf-8")
        files = [(entry["path"], entry.get("partner")) for entry in json.loads(text)["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.error(shown, 1, "nginx-manifest", f"cannot read the region's manifest ({exc}): build the region first")
        return None
    # Each path on its own line (the manifest is indented), so a problem can name the line.
    lines = {line.strip().removeprefix('"path": ').rstrip(","): number for number, line in enumerate(text.splitlines(), start=1)}
    scope = Scope(report)
    for path, _ in files:
        if not _FILE.fullmatch(path) or "." not in path.rsplit("/", 1)[-1]:
            why = "a name without a dot is served as a folder" if _FILE.fullmatch(path) else "letters, digits, '.', '_' and '-' only"
            scope.error(shown, lines.get(json.dumps(path), 1), "nginx-path", f"'{path}' cannot be served ({why})")
    by_id = {p.id: p for p in partners if p.region.id == region.id}
    kits = []
    for owner in sorted({partner for _, partner in files if partner}):
        if owner in by_id:
            kits.append((owner, by_id[owner].tier.id))
        else:
            scope.error(shown, 1, "nginx-kit", f"the kit of '{owner}' belongs to no partner of region '{region.id}'")
    if scope.failed:
        return None
    return Site(
        region,
        serving,
        root.absolute(),
        tuple(t.id for t in program.tiers),
        tuple(v.name for v in program.versions),
        tuple((alias, v.name) for v in program.versions for alias in v.aliases),
        tuple(kits),
    )


def nginx_config(site: Site) -> str:
    """The region's configuration for nginx's `http` context: its maps, rate limit, upstreams and server."""
    upstreams = [_upstream(f"{site.name}_auth", site.serving.auth_url), _upstream(f"{site.name}_search", site.serving.search_url)]
    return "\n".join([_header(site), _maps(site), *upstreams, _server(site)])


def _upstream(name: str, url: str) -> str:
    """Connections kept open to a service: the sign-in is asked about every request, so a new connection each
    time would cost more than the answer."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"upstream {name} {{\n    server {parts.hostname}:{port};\n    keepalive 16;\n}}\n"


def _proxied(name: str, url: str, path: str | None = None) -> list[str]:
    """The lines that send a location's request to an upstream of `_upstream`, at `path` (default: the URL's)."""
    parts = urlsplit(url)
    target = path if path is not None else parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"proxy_pass {parts.scheme}://{name}{target or '/'};", f"proxy_set_header Host {parts.netloc};"]
    lines += ["proxy_http_version 1.1;", 'proxy_set_header Connection "";']
    if parts.scheme == "https":
        lines += ["proxy_ssl_server_name on;", f"proxy_ssl_name {parts.hostname};", "proxy_ssl_verify on;",
                  "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;"]  # fmt: skip
    return lines


def _header(site: Site) -> str:
    return (
        f"# nginx configuration of region {site.region.id} of the partner portal, written by\n"
        f"# `partnerkb nginx --region {site.region.id}`: rewrite it after each build rather than edit it.\n"
        "# Include it in nginx's http context: events {} http { include /etc/nginx/mime.types; include THIS_FILE; }\n"
    )


def _exactly(value: str) -> str:
    """A map key that matches `value` alone, case included (nginx's plain map keys ignore case)."""
    return f'"~^{re.escape(value)}\\z"'


def _map(source: str, variable: str, default: str, entries: Iterable[tuple[str, str]], why: str) -> str:
    lines = [f"# {why}", f"map {source} ${variable} {{", f"    default {default};"]
    lines += [f"    {key} {value};" for key, value in entries]
    return "\n".join([*lines, "}", ""])


def _maps(site: Site) -> str:
    n, root, prefix = site.name, site.root.as_posix(), site.prefix
    tiers = site.tiers
    return "\n".join(
        [
            _map(f"${n}_tier", f"{n}_tree", DENIED_ROOT, [(_exactly(t), f"{root}/{t}") for t in tiers],
                 "The tree of the signed-in partner's tier; any other value reads nowhere."),
            _map(f'"${n}_tier/${n}_partner"', f"{n}_kit", DENIED_ROOT,
                 [(_exactly(f"{tier}/{partner}"), f"{root}/partners/{partner}") for partner, tier in site.kits],
                 "The signed-in partner's own kit, for the tier it was built for; any other pair reads nowhere."),
            _map(f"${n}_tier", f"{n}_missing", f"/_pkb/{site.region.id}/denied",
                 [(_exactly(t), f"{prefix}${n}_v/404.html") for t in tiers],
                 "A page the tier has no file for: its tree's own 404 page; a tier the program does not have: 403."),
            _map(f"${n}_tier", f"{n}_search_tier", f'"{DENIED_TIER}"', [(_exactly(t), t) for t in tiers],
                 "The tier the search service is told: only one the program has."),
            _map("$request_uri", f"{n}_return", prefix, [(f'"~^({re.escape(prefix)}[A-Za-z0-9/._~-]*)(?:\\?|\\z)"', "$1")],
                 "Where the sign-in sends the partner back to: the path asked for, when it is plain; else the region's home."),
            _map("$uri", f"{n}_cache", '"private, no-cache"', [(f'"~{HASHED_ASSET}"', '"private, max-age=31536000, immutable"')],
                 "One URL serves every tier: private caches only, revalidated, except assets named by their content."),
            f"limit_req_zone $binary_remote_addr zone={n}_search:10m rate={SEARCH_RATE};\n",
        ]
    )  # fmt: skip


def _server(site: Site) -> str:
    n, serving, prefix, region = site.name, site.serving, site.prefix, site.region.id
    host = urlsplit(site.region.base_url).hostname or "_"
    lines = [
        "server {",
        f"    listen {serving.listen};",
        f"    server_name {host};",
        "    server_tokens off;",
        "    absolute_redirect off;  # redirects keep the scheme and host the partner used (TLS ends in front)",
        "    charset utf-8;",
        f"    root {DENIED_ROOT};  # nothing is served but what a location below allows",
        "    disable_symlinks on from=$document_root;",
        "",
        "    # Every request, in every location, is first checked with the sign-in.",
        f"    auth_request /_pkb/{region}/auth;",
        f"    auth_request_set ${n}_tier $upstream_http_x_partner_tier;",
        f"    auth_request_set ${n}_partner $upstream_http_x_partner_id;",
        *(f"    {line}" for line in _error_pages(site)),
        "",
        f"    add_header Cache-Control ${n}_cache always;",
        '    add_header Vary "Cookie, Authorization" always;',
        "    add_header X-Content-Type-Options nosniff always;",
        "    add_header Referrer-Policy strict-origin-when-cross-origin always;",
        f'    add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;',
        "",
        *_auth_locations(site),
        *_tree_locations(site),
        *_kit_locations(site),
        *_search_location(site),
        *(_location(f"= {prefix.rstrip('/')}", f"return 301 {prefix};") if prefix != "/" else []),
        "    # Nothing else of the region's folder: not the manifest, the search indexes or other partners' kits.",
        *_location("/", "return 404;"),
        "}",
        "",
    ]
    return "\n".join(lines)


def _error_pages(site: Site) -> list[str]:
    """The server's answer to a request without a session: the sign-in, when one is configured (repeated in
    every location that has error pages of its own, as nginx inherits none then)."""
    if not site.serving.signin_url:
        return []
    return [f"error_page 401 = @{site.name}_signin;"]


def _location(match: str, *body: str) -> list[str]:
    return [f"    location {match} {{", *(f"        {line}" for line in body), "    }", ""]


def _serving(site: Site, match: str, *body: str) -> list[str]:
    """A location that serves files: a file it does not find is the tier's 404 (or 403 for a tier unknown)."""
    return _location(match, *body, f"error_page 404 ${site.name}_missing;", *_error_pages(site))


def _auth_locations(site: Site) -> list[str]:
    n, serving, region = site.name, site.serving, site.region.id
    timeout = f"{serving.auth_timeout:g}s"
    scheme = urlsplit(site.region.base_url).scheme
    lines = _location(
        f"= /_pkb/{region}/auth",
        "internal;",
        "auth_request off;",
        *_proxied(f"{n}_auth", serving.auth_url),
        "proxy_pass_request_body off;",
        "# Only these headers reach the sign-in: never an X-Partner-* header the client made up.",
        "proxy_pass_request_headers off;",
        'proxy_set_header Content-Length "";',
        "proxy_set_header Cookie $http_cookie;",
        "proxy_set_header Authorization $http_authorization;",
        "proxy_set_header User-Agent $http_user_agent;",
        "proxy_set_header Accept $http_accept;",
        "proxy_set_header X-Original-URI $request_uri;",
        "proxy_set_header X-Original-Method $request_method;",
        "proxy_set_header X-Forwarded-Uri $request_uri;",
        "proxy_set_header X-Forwarded-Host $host;",
        f"proxy_set_header X-Forwarded-Proto {scheme};",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        f"proxy_connect_timeout {timeout};",
        f"proxy_send_timeout {timeout};",
        f"proxy_read_timeout {timeout};",
    )
    lines += _location(f"= /_pkb/{region}/denied", "internal;", "auth_request off;", "return 403;")
    lines += _location(
        f"= /_pkb/{region}/unauthorized",
        "internal;",
        "auth_request off;",
        "default_type application/json;",
        """return 401 '{"error": "sign in first"}';""",
    )
    if serving.signin_url:
        lines += _location(f"@{n}_signin", "auth_request off;", f"return 302 {serving.signin_url}{site.origin}${n}_return;")
    return lines


def _tree_locations(site: Site) -> list[str]:
    n, prefix = site.name, site.prefix
    p = re.escape(prefix)
    versions = "|".join(re.escape(v) for v in site.versions)
    lines = _location(f"= {prefix}", f"return 302 {prefix}{site.versions[0]}/;")
    lines += _serving(
        site, f"= {prefix}versions.json", f"set ${n}_v {site.versions[0]};", f"root ${n}_tree;", "try_files /versions.json =404;"
    )
    for alias, version in site.aliases:
        lines += _location(f"= {prefix}{alias}", f"return 302 {prefix}{version}/;")
        lines += _location(f'~ "^{p}{re.escape(alias)}/(?<{n}_rest>(?:{SEGMENT}/)*(?:{SEGMENT})?)\\z"',
                           f"return 302 {prefix}{version}/${n}_rest$is_args$args;")  # fmt: skip
    for version in site.versions:
        lines += _location(f"= {prefix}{version}", f"return 301 {prefix}{version}/;")
    lines += _folder_locations(site, f'"^{p}(?<{n}_v>{versions})/', f"/${n}_v/", f"root ${n}_tree;")
    return lines


def _folder_locations(site: Site, start: str, inside: str, *setup: str) -> list[str]:
    """A folder's index page, the slash a folder's URL lacks, and its files. `start` is the regex of the URL's
    beginning (a quoted string left open), `inside` the path below the root that the rest of the URL follows,
    `setup` the lines that set the root."""
    n = site.name
    lines = _serving(site, f'~ {start}(?<{n}_p>(?:{SEGMENT}/)*)\\z"', *setup, f"try_files {inside}${{{n}_p}}index.html =404;")
    # A last segment without a dot is a folder (the build has no such file): its URL ends in a slash.
    lines += _location(f'~ {start}(?:{SEGMENT}/)*[A-Za-z0-9_-]+\\z"', "return 301 $uri/$is_args$args;")
    lines += _serving(site, f'~ {start}(?<{n}_p>(?:{SEGMENT}/)*{SEGMENT})\\z"', *setup, f"try_files {inside}${n}_p =404;")
    return lines


def _kit_locations(site: Site) -> list[str]:
    n, prefix = site.name, site.prefix
    lines = _location(f"= {prefix}kit", f"return 301 {prefix}kit/;")
    # The kit's 404 page is the default version's.
    return lines + _folder_locations(site, f'"^{re.escape(prefix)}kit/', "/", f"set ${n}_v {site.versions[0]};", f"root ${n}_kit;")


def _search_location(site: Site) -> list[str]:
    n, serving = site.name, site.serving
    return _location(
        f"= {site.prefix}api/search",
        f"limit_req zone={n}_search burst=20 nodelay;",
        "limit_req_status 429;",
        *_proxied(f"{n}_search", serving.search_url, f"{urlsplit(serving.search_url).path.rstrip('/')}/api/search"),
        "proxy_pass_request_body off;",
        "# The service learns the tier from this header alone: the client's own never reaches it.",
        "proxy_pass_request_headers off;",
        f"proxy_set_header X-Partner-Tier ${n}_search_tier;",
        "proxy_hide_header Cache-Control;  # the server's own is added",
        "# A request without a session gets a plain 401 here, not the sign-in page.",
        f"error_page 401 /_pkb/{site.region.id}/unauthorized;",
    )
