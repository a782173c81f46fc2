"""Serving a region for real: `partnerkb nginx`'s configuration on Debian's nginx, in front of a test sign-in
and the search service, requested as every kind of partner and as an attacker would; then the site
re-audited for leaks through nginx, as each tier sees it."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers import Nginx, Service, Session, SignIn, free_port

from conftest import TINY, copy_portal, edit, run

pytestmark = [pytest.mark.slow, pytest.mark.nginx]

SIGN_IN_PAGE = "https://partners.example.com/sign-in?rd="
SESSIONS = {
    "gold": Session(200, "gold", "rheinwerk"),
    "silver": Session(200, "silver", "no-kit-partner"),
    "registered": Session(200, "registered", "kleinsoft"),
    "northwind": Session(200, "silver", "northwind"),  # a partner of region na
    "gold-claiming-kleinsoft": Session(200, "gold", "kleinsoft"),  # its kit was built for registered
    "diamond": Session(200, "diamond", "rheinwerk"),  # a tier the program does not have
    "upper-case": Session(200, "GOLD", "rheinwerk"),
    "forbidden": Session(403),
    "broken": Session(500),
    "slow": Session(200, "gold", "rheinwerk", delay=3.0),  # longer than the portal's auth_timeout of 1 s
}
SERVING = """
    serving:
      auth_url: http://127.0.0.1:9/check
      auth_timeout: 1
      signin_url: https://partners.example.com/sign-in?rd=
      search: true
"""


@dataclass
class Site:
    project: Path
    dist: Path
    ports: dict[str, int]
    sign_in: SignIn

    def get(self, region: str, path: str, session: str | None = None, headers: dict[str, str] | None = None) -> Answer:
        """GET `path` exactly as given (no client-side clean-up of dots or slashes) from a region's server."""
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[region], timeout=10)
        sent = dict(headers or {})
        if session:
            sent["Cookie"] = f"theme=dark; session={session}"
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        connection.close()
        return answer


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    data: bytes

    @property
    def body(self) -> str:
        return self.data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The tiny portal, its regions eu and na served behind the sign-in (one nginx, one http block), eu's search
    on the search service."""
    root = tmp_path_factory.mktemp("served")
    project = copy_portal(TINY, root / "tiny")
    edit(project, "mkdocs.yml", "  name: material\n", "  name: material\n  font: false\n")
    for region in ("na", "eu"):
        edit(project, "partners/program.yml", f"base_url: https://partners.example.com/{region}/\n",
             f"base_url: https://partners.example.com/{region}/{SERVING}")  # fmt: skip
    dist = root / "dist"
    code, output = run("build", "--project", str(project), "--out", str(dist), "--jobs", "2")
    assert code == 0, output
    sign_in = SignIn(SESSIONS)
    service = Service(dist / "eu")
    ports = {"eu": free_port(), "na": free_port()}
    configs = []
    for region, port in ports.items():
        config = root / f"{region}.conf"
        code, output = run(
            "nginx", "--region", region, "--project", str(project), "--dist", str(dist), "--listen", f"127.0.0.1:{port}",
            "--auth-url", sign_in.url, "--search-url", f"http://127.0.0.1:{service.port}", "--out", str(config),
        )  # fmt: skip
        assert code == 0, output
        configs.append(config)
    nginx = Nginx(root / "nginx", *configs)
    for port in ports.values():
        nginx.wait(f"http://127.0.0.1:{port}/")
    yield Site(project, dist, ports, sign_in)
    nginx.stop()
    service.stop()
    sign_in.stop()


# (region, path, session, status, words the body must hold, words it must not)
MATRIX = [
    # Pages of every tier, teasers, region-limited pages.
    *[("eu", "/eu/1.0/", s, 200, ["tiny"], ["obsidian"]) for s in ("gold", "silver", "registered")],
    ("eu", "/eu/1.0/guide/", "gold", 200, ["pricing playbooks"], []),
    ("eu", "/eu/1.0/guide/", "silver", 200, ["pricing playbooks"], []),
    ("eu", "/eu/1.0/guide/", "registered", 200, ["five business days"], ["pricing playbooks"]),
    ("eu", "/eu/1.0/secret/", "gold", 200, ["quantum marmalade"], []),
    ("eu", "/eu/1.0/secret/", "silver", 200, ["secret plans"], ["quantum marmalade"]),  # the teaser
    ("eu", "/eu/1.0/vault/", "gold", 200, ["obsidian lantern"], []),
    ("eu", "/eu/1.0/vault/", "silver", 404, ["md-content"], ["obsidian"]),  # its tree's themed 404
    ("eu", "/eu/1.0/vault/", "registered", 404, ["md-content"], ["obsidian"]),
    ("eu", "/eu/1.0/eu-only/", "registered", 200, ["sovereign enclave"], []),
    ("na", "/na/1.0/eu-only/", "northwind", 404, ["md-content"], ["sovereign enclave"]),
    ("na", "/na/1.0/vault/", "gold", 200, ["obsidian lantern"], []),
    ("eu", "/eu/versions.json", "silver", 200, ['"version": "1.0"'], []),
    # Kits: one's own, no other.
    ("eu", "/eu/kit/", "gold", 200, ["rheinwerk kanarien"], ["kleinsoft"]),
    ("eu", "/eu/kit/dashboard.html", "gold", 200, ["rheinwerk kanarien"], ["kleinsoft"]),
    ("eu", "/eu/kit/", "registered", 200, ["kleinsoft spatz"], ["rheinwerk"]),
    ("eu", "/eu/kit/", "silver", 404, ["md-content"], ["rheinwerk", "kleinsoft"]),
    ("eu", "/eu/kit/", "gold-claiming-kleinsoft", 404, [], ["kleinsoft spatz"]),
    ("eu", "/eu/kit/", "northwind", 404, [], ["northwind canary"]),  # na's partner on eu's server
    ("na", "/na/kit/", "northwind", 200, ["northwind canary"], []),
    ("na", "/na/kit/", "gold", 404, [], ["rheinwerk kanarien"]),
    ("eu", "/eu/partners/kleinsoft/index.html", "gold", 404, [], ["kleinsoft"]),
    # Nothing else of the region folder.
    ("eu", "/eu/manifest.json", "gold", 404, [], ["sha256"]),
    ("eu", "/eu/search/gold/1.0/", "gold", 404, [], []),
    ("eu", "/eu/gold/1.0/vault/", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/gold/versions.json", "gold", 404, [], []),
    # Traversal, in every encoding nginx decodes, never leaves the signed-in tier's tree.
    ("eu", "/eu/1.0/../gold/1.0/vault/", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/1.0/%2e%2e/%2e%2e/eu/gold/1.0/vault/", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/1.0/..%2f..%2fgold%2f1.0%2fvault%2findex.html", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/1.0/%2E%2E%2F%2E%2E%2Fgold/1.0/vault/index.html", "silver", 404, [], ["obsidian"]),
    ("eu", "//eu//1.0//vault//", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/1.0/.%2e/.%2e/gold/1.0/vault/", "silver", 404, [], ["obsidian"]),
    ("eu", "/eu/kit/..%2f..%2fpartners%2fkleinsoft%2findex.html", "gold", 404, [], ["kleinsoft spatz"]),
    ("eu", "/eu/kit/%2e%2e/%2e%2e/eu/partners/kleinsoft/", "gold", 404, [], ["kleinsoft spatz"]),
    ("eu", "/eu/1.0/vault/index.html%00.css", "silver", 400, [], ["obsidian"]),
    ("eu", "/eu/1.0/vault/.htaccess", "gold", 404, [], []),
    # The sign-in's verdicts: unknown tiers, refusals, failures and slowness are never content.
    *[("eu", path, "diamond", 403, [], ["tiny", "rheinwerk"]) for path in ("/eu/1.0/", "/eu/versions.json", "/eu/kit/")],
    ("eu", "/eu/1.0/", "upper-case", 403, [], ["tiny"]),
    ("eu", "/eu/1.0/vault/", "forbidden", 403, [], ["obsidian"]),
    ("eu", "/eu/1.0/vault/", "broken", 500, [], ["obsidian"]),
    ("eu", "/eu/1.0/vault/", "slow", 500, [], ["obsidian"]),
    ("eu", "/eu/1.0/vault/", "no-such-token", 302, [], ["obsidian"]),
    # Redirects that depend on the URL alone.
    ("eu", "/eu/", "gold", 302, [], []),
    ("eu", "/eu", "gold", 301, [], []),
    ("eu", "/eu/latest/vault/", "gold", 302, [], []),
    ("eu", "/eu/1.0/vault", "gold", 301, [], []),
    ("eu", "/eu/kit", "gold", 301, [], []),
    ("eu", "/eu/2.0/", "gold", 404, [], []),
]


@pytest.mark.parametrize(("region", "path", "session", "status", "present", "absent"), MATRIX)
def test_each_partner_reads_what_its_tier_and_kit_allow(
    site: Site, region: str, path: str, session: str, status: int, present: list[str], absent: list[str]
) -> None:
    answer = site.get(region, path, session)
    body = answer.body.lower()
    assert answer.status == status, (answer.status, body[:300])
    assert all(word in body for word in present), (present, body[:500])
    assert not any(word in body for word in absent), (absent, body[:500])


def test_the_redirects_name_where_to_go(site: Site) -> None:
    assert site.get("eu", "/eu/", "gold").headers["location"] == "/eu/1.0/"
    assert site.get("eu", "/eu/latest/guide/?q=1", "gold").headers["location"] == "/eu/1.0/guide/?q=1"
    assert site.get("eu", "/eu/1.0/guide", "gold").headers["location"] == "/eu/1.0/guide/"
    # Without a session: the sign-in, with the way back when the URL is plain, else the region's home.
    origin = "https://partners.example.com"
    assert site.get("eu", "/eu/1.0/vault/").headers["location"] == f"{SIGN_IN_PAGE}{origin}/eu/1.0/vault/"
    assert site.get("eu", "/eu/1.0/vault/?x=1").headers["location"] == f"{SIGN_IN_PAGE}{origin}/eu/1.0/vault/"
    assert site.get("eu", "/eu/1.0/%76ault/").headers["location"] == f"{SIGN_IN_PAGE}{origin}/eu/"
    # A decoded line break never reaches a header: such a path is no page, and nothing is redirected.
    for path in ("/eu/1.0/x%0d%0aSet-Cookie:%20x=1", "/eu/latest/x%0d%0aSet-Cookie:%20x=1", "/eu/1.0/x%0aSet-Cookie"):
        answer = site.get("eu", path, "gold")
        assert answer.status == 404 and "set-cookie" not in answer.headers and "location" not in answer.headers, path


def test_headers_the_client_sends_about_itself_change_nothing(site: Site) -> None:
    spoofed = {"X-Partner-Tier": "gold", "X-Partner-Id": "rheinwerk"}
    assert site.get("eu", "/eu/1.0/vault/", "silver", spoofed).status == 404
    assert site.get("eu", "/eu/kit/", "silver", spoofed).status == 404
    assert site.get("eu", "/eu/1.0/vault/", None, spoofed).status == 302
    found = json.loads(site.get("eu", "/eu/api/search?q=obsidian", "silver", spoofed).body)
    assert found["total"] == 0
    site.get("eu", "/eu/1.0/", "silver", {**spoofed, "Authorization": "Bearer gold"})
    checks = site.sign_in.seen[-1]
    assert not any(name.lower().startswith("x-partner") for name in checks), checks
    assert "session=silver" in checks["Cookie"] and checks["Authorization"] == "Bearer gold"
    assert checks["X-Original-URI"] == "/eu/1.0/"


def test_search_goes_to_the_service_with_the_signed_in_tier(site: Site) -> None:
    gold = site.get("eu", "/eu/api/search?q=obsidian", "gold")
    assert gold.status == 200 and gold.headers["cache-control"] == "private, no-cache"
    assert [hit["url"] for hit in json.loads(gold.body)["results"]][0].endswith("/vault/")
    assert json.loads(site.get("eu", "/eu/api/search?q=obsidian", "silver").body)["total"] == 0
    assert site.get("eu", "/eu/api/search?q=obsidian", "diamond").status == 403
    unsigned = site.get("eu", "/eu/api/search?q=obsidian")
    assert unsigned.status == 401 and json.loads(unsigned.body) == {"error": "sign in first"}
    assert site.get("eu", "/eu/api/health", "gold").status == 404


def test_search_is_rate_limited(site: Site) -> None:
    statuses = [site.get("na", "/na/api/search?q=x", "gold").status for _ in range(40)]
    assert 429 in statuses, statuses


def test_responses_are_private_typed_and_under_a_strict_policy(site: Site) -> None:
    page = site.get("eu", "/eu/1.0/guide/", "gold").headers
    assert page["cache-control"] == "private, no-cache"
    assert page["x-content-type-options"] == "nosniff" and page["referrer-policy"] == "strict-origin-when-cross-origin"
    assert (
        "script-src 'self';" in page["content-security-policy"]
        and "unsafe-inline" not in page["content-security-policy"].split("style-src")[0]
    )
    assert page["content-type"] == "text/html; charset=utf-8"
    bundle = next((site.dist / "eu" / "gold" / "1.0" / "assets" / "javascripts").glob("bundle.*.min.js")).name
    asset = site.get("eu", f"/eu/1.0/assets/javascripts/{bundle}", "gold").headers
    assert asset["cache-control"] == "private, max-age=31536000, immutable"
    assert site.get("eu", "/eu/1.0/vault/", "silver").headers["cache-control"] == "private, no-cache"
    assert "server" not in page or page["server"] == "nginx"


def test_without_a_sign_in_answering_nothing_is_served(site: Site, tmp_path: Path) -> None:
    config = tmp_path / "down.conf"
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}/check"  # nobody listens there
    code, output = run(
        "nginx", "--region", "eu", "--project", str(site.project), "--dist", str(site.dist), "--listen", f"127.0.0.1:{port}",
        "--auth-url", dead, "--out", str(config),
    )  # fmt: skip
    assert code == 0, output
    nginx = Nginx(tmp_path / "nginx", config)
    try:
        nginx.wait(f"http://127.0.0.1:{port}/")
        site.ports["down"] = port
        for path in ("/eu/1.0/", "/eu/1.0/vault/", "/eu/kit/", "/eu/api/search?q=obsidian", "/eu/versions.json"):
            answer = site.get("down", path, "gold")
            assert answer.status >= 500 and "obsidian" not in answer.body and "tiny" not in answer.body.lower(), (path, answer)
    finally:
        nginx.stop()


def test_the_live_site_holds_nothing_above_each_tier(site: Site, tmp_path: Path) -> None:
    """Every file of every tier's tree, requested through nginx as each tier, saved as that tier's tree, and
    audited for leaks like a build: what nginx serves each partner is what its tier may read."""
    from builder.build import check_project
    from builder.core.problems import Report
    from builder.release.audit import audit_output

    manifest = json.loads((site.dist / "eu" / "manifest.json").read_text(encoding="utf-8"))
    paths = {entry["path"] for entry in manifest["files"]}
    tree_paths = sorted({p.split("/", 1)[1] for p in paths if p.split("/")[0] in ("registered", "silver", "gold") and p.count("/") > 1})
    kit_paths = sorted({p.split("/", 2)[2] for p in paths if p.startswith("partners/")})
    live = tmp_path / "live"
    served: dict[str, int] = {}
    for session, tier in (("registered", "registered"), ("silver", "silver"), ("gold", "gold")):
        for relative in tree_paths:
            if not relative.startswith("1.0/"):
                continue  # an alias folder: nginx redirects those to the version
            answer = site.get("eu", f"/eu/{relative}", session)
            if answer.status == 200:
                target = live / "eu" / tier / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(answer.data)
                served[tier] = served.get(tier, 0) + 1
    for session, partner in (("gold", "rheinwerk"), ("registered", "kleinsoft")):
        for relative in kit_paths:
            answer = site.get("eu", f"/eu/kit/{relative}", session)
            if answer.status == 200:
                target = live / "eu" / "partners" / partner / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(answer.data)
    own = {tier: sum(1 for p in paths if p.startswith(f"{tier}/1.0/")) for tier in ("registered", "silver", "gold")}
    assert served == own, (served, own)  # each tier gets exactly its own tree's files
    checked = check_project(site.project, Report())
    assert checked is not None
    audits = audit_output(checked.project, live, live)
    assert sorted(a.name for a in audits) == [
        "eu/gold/1.0",
        "eu/partners/kleinsoft",
        "eu/partners/rheinwerk",
        "eu/registered/1.0",
        "eu/silver/1.0",
    ]
    problems = [str(p) for a in audits for p in a.problems]
    assert problems == []


def test_the_configuration_refuses_what_it_cannot_serve_safely(site: Site, tmp_path: Path) -> None:
    project = copy_portal(site.project, tmp_path / "tiny")
    code, output = run("nginx", "--region", "eu", "--project", str(project), "--dist", str(site.dist), "--auth-url", "http://x/$host")
    assert code == 2 and "--auth-url" in output
    edit(project, "partners/program.yml", "aliases: [latest]", "aliases: [kit]")
    code, output = run("nginx", "--region", "eu", "--project", str(project), "--dist", str(site.dist))
    assert code == 1 and "partners/program.yml:40: versions[0].aliases: 'kit' is the portal's own name" in output, output
    code, output = run("nginx", "--region", "eu", "--project", str(site.project), "--dist", str(tmp_path / "nothing"))
    assert code == 1 and "manifest.json:1:" in output and "build the region first" in output, output


@pytest.mark.browser
def test_partners_browse_search_and_reach_their_kit_through_nginx_under_the_policy(browser, site: Site) -> None:  # type: ignore[no-untyped-def]
    """Two partners in Chromium, signed in through the test sign-in: each searches its own tier on the search
    service, gold goes to its kit and back, and no page breaks the Content-Security-Policy or fails to load."""
    base = f"http://127.0.0.1:{site.ports['eu']}"
    for session, vault_found in (("gold", True), ("silver", False)):
        context = browser.new_context()
        context.add_cookies([{"name": "session", "value": session, "url": base}])
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda message: problems.append(f"{page.url}: {message.text}") if message.type == "error" else None)  # noqa: B023
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))  # noqa: B023
        page.on("response", lambda response: problems.append(f"{response.status}: {response.url}") if response.status >= 400 else None)  # noqa: B023
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error('CSP: ' + e.violatedDirective + ' ' + e.blockedURI))"
        )
        page.goto(f"{base}/eu/1.0/guide/")
        assert page.locator(".pkb-badge").inner_text().lower().startswith(session)
        page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").fill("obsidian")
        page.locator(".pkb-search__meta").wait_for(timeout=30000)
        hrefs = [link.get_attribute("href") for link in page.locator("a.pkb-search__result").all()]
        assert any("vault" in (href or "") for href in hrefs) == vault_found, hrefs
        if session == "gold":
            page.goto(f"{base}/eu/1.0/")
            page.locator(".pkb-kit a").first.click()
            page.wait_for_url(f"{base}/eu/kit/")
            assert "Rheinwerk Kanarien" in page.locator("header").inner_text()
            page.locator("nav a", has_text="Dashboard").click()
            page.wait_for_url(f"{base}/eu/kit/dashboard.html")
            page.locator("nav a", has_text="Partnerportal").click()  # Rheinwerk reads German
            page.wait_for_url(f"{base}/eu/1.0/")
        else:
            answer = page.goto(f"{base}/eu/1.0/vault/")
            assert answer is not None and answer.status == 404
            assert page.locator(".md-header").is_visible() and page.evaluate("document.styleSheets.length") > 1  # themed, styled
            problems = [p for p in problems if not p.endswith("/eu/1.0/vault/")]  # the page itself, as expected
        page.wait_for_load_state("networkidle")
        # Material looks for a sitemap beside each alternate-language link of a page, where the i18n plugin's
        # links are pages rather than language roots: a fault of the theme, not of the access rules.
        # (The console's "Failed to load resource" repeats, without its URL, a response listed above.)
        problems = [p for p in problems if not p.endswith("/sitemap.xml") and "Failed to load resource" not in p]
        assert problems == [], "\n".join(problems)
        context.close()


def test_publish_and_rollback_under_load_serve_one_release_or_the_other(site: Site, tmp_path: Path) -> None:
    """nginx serves DEST/current while a new build is published, rolled back and published again: every answer
    is a whole page of one release, and none fails."""
    import threading

    destination = tmp_path / "published"
    project = copy_portal(site.project, tmp_path / "tiny")
    edit(project, "content/guide.md", "within five business days", "within seven business days")
    second = tmp_path / "dist"
    code, output = run("build", "--project", str(project), "--out", str(second), "--region", "eu")
    assert code == 0, output
    code, output = run("publish", "--region", "eu", "--project", str(site.project), "--dist", str(site.dist), "--to", str(destination))
    assert code == 0 and "copied and switched to" in output, output
    port = free_port()
    config = tmp_path / "published.conf"
    code, output = run(
        "nginx", "--region", "eu", "--project", str(site.project), "--root", str(destination / "current"),
        "--listen", f"127.0.0.1:{port}", "--auth-url", site.sign_in.url, "--out", str(config),
    )  # fmt: skip
    assert code == 0, output
    nginx = Nginx(tmp_path / "nginx", config)
    site.ports["published"] = port
    pages = {(d / "eu" / "registered" / "1.0" / "guide" / "index.html").read_text(encoding="utf-8") for d in (site.dist, second)}
    assert len(pages) == 2
    answers: list[tuple[int, str]] = []
    done = threading.Event()

    def load() -> None:
        while not done.is_set():
            answer = site.get("published", "/eu/1.0/guide/", "registered")
            answers.append((answer.status, answer.body))

    try:
        nginx.wait(f"http://127.0.0.1:{port}/")
        loaders = [threading.Thread(target=load) for _ in range(4)]
        for loader in loaders:
            loader.start()
        steps = [
            ("--dist", str(second)), ("--rollback",), ("--dist", str(second)), ("--rollback",), ("--dist", str(second), "--keep", "1"),
        ]  # fmt: skip
        for step in steps:
            code, output = run("publish", "--region", "eu", "--project", str(project), "--to", str(destination), *step)
            assert code == 0, output
        done.set()
        for loader in loaders:
            loader.join()
    finally:
        done.set()
        nginx.stop()
    assert answers and {status for status, _ in answers} == {200}
    assert {body for _, body in answers} <= pages, "an answer that is no release's page"
    assert "seven business days" in answers[-1][1]
    assert len(list((destination / "releases").iterdir())) == 1  # --keep 1: the current release only


def test_publish_refuses_an_incomplete_or_leaking_region(site: Site, tmp_path: Path) -> None:
    import shutil

    from builder.release.install import write_manifest

    dist = tmp_path / "dist"
    shutil.copytree(site.dist / "eu", dist / "eu")
    publish = ("publish", "--region", "eu", "--project", str(site.project), "--dist", str(dist), "--to", str(tmp_path / "out"))
    (dist / "eu" / "silver" / "1.0" / "guide" / "index.html").write_text("changed", encoding="utf-8")
    code, output = run(*publish)
    assert code == 1 and "eu/silver/1.0/guide/index.html (differs from the manifest)" in output, output
    shutil.rmtree(dist / "eu" / "silver")
    write_manifest(dist / "eu")
    code, output = run(*publish)
    assert code == 1 and "the tree eu/silver/1.0" in output, output
    shutil.rmtree(dist / "eu")
    shutil.copytree(site.dist / "eu", dist / "eu")
    page = dist / "eu" / "silver" / "1.0" / "guide" / "index.html"
    leaked = "<p>The obsidian lantern comparison wins against every incumbent vendor.</p></body>"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", leaked, 1), encoding="utf-8")
    write_manifest(dist / "eu")
    code, output = run(*publish)
    assert code == 1 and "leak" in output and "guide/index.html" in output, output
    assert not (tmp_path / "out").exists()
