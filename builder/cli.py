"""The `partnerkb` command: each subcommand parses its options and hands off to one function."""

from __future__ import annotations

import datetime
import html
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.progress import Progress, TaskID

from . import __version__
from .build import Counted, Event, Selection, SelectionError, build, check_project, check_sources
from .core.models import Program, Region, Serving, Version
from .core.paths import search_index
from .core.problems import Report, Severity
from .handoff import FORMATS, export, import_translations
from .i18n import report_text, stale_count, stamp, translation_report
from .load.freeze import freeze
from .load.program import VERSION_NAME, load_program
from .preview.server import Server
from .preview.session import PREVIEW_TARGET, Previewer, Target, preview_folder, watched
from .preview.watch import Preview
from .release.audit import TreeAudit, audit_output
from .render.run import RenderResult
from .search.backend import Query
from .search.documents import TYPES
from .search.indexing import Indexed, open_index


def format_option(json_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format text|json`, with what the JSON holds."""
    return click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help=json_help)


project_option = click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The portal repository to read.",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


class _Moment(click.ParamType):  # type: ignore[type-arg]
    """A date (2026-12-01) or a date and time with its offset (2026-12-01T09:00:00+01:00), as UTC."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date (2026-12-01) or a date and time with offset (2026-12-01T09:00:00+01:00), got '{value}'", param, ctx)
        if len(str(value)) > 10 and moment.tzinfo is None:
            self.fail(f"a time needs its UTC offset (2026-12-01T09:00:00+01:00), got '{value}'", param, ctx)
        return moment.replace(tzinfo=moment.tzinfo or datetime.UTC).astimezone(datetime.UTC)


class _Shard(click.ParamType):  # type: ignore[type-arg]
    """I/N: the I-th of N shares (I from 1)."""

    name = "I/N"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, int]:
        if isinstance(value, tuple):
            return value
        index, _, count = str(value).partition("/")
        if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            self.fail(f"expected I/N with 1 <= I <= N (2/4), got '{value}'", param, ctx)
        return int(index), int(count)


partners_option = click.option(
    "--partners",
    "partners_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Read partner files from this folder (a CRM export made at build time) instead of the project's partners/.",
)
as_of_option = click.option(
    "--as-of",
    type=_Moment(),
    default=None,
    help="The build's point in time: sessions that ended before it are recordings. Default: SOURCE_DATE_EPOCH, else today (UTC).",
)


def _cannot_write(exc: OSError) -> NoReturn:
    """A folder that cannot be written, a full disk: said in one line, exit 1."""
    click.echo(f"partnerkb: cannot write the output: {exc}", err=True)
    sys.exit(1)


def _finish(report: Report, strict: bool) -> None:
    """Print problems to stderr and exit 1 when the run failed."""
    if report.problems:
        click.echo(report.as_text(), err=True)
    if report.failed(strict):
        errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
        click.echo(f"partnerkb: {errors} error(s), {warnings} warning(s){' (--strict)' if strict and warnings else ''}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="partnerkb")
def main() -> None:
    """Build a partner portal from a repository of Markdown and YAML.

    One static tree per region, tier and version, with every language of the region.
    """


@main.command("build")
@click.option("--region", "regions", multiple=True, metavar="R", help="Build only this region (repeatable).")
@click.option("--tier", "tiers", multiple=True, metavar="T", help="Build only this tier (repeatable).")
@click.option("--docs-version", "versions", multiple=True, metavar="V", help="Build only this docs version (repeatable).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default="dist",
    show_default=True,
    help="Output folder, relative to the current directory.",
)
@click.option(
    "--jobs", type=click.IntRange(1), default=os.cpu_count() or 1, show_default="CPU count", help="Variants rendered in parallel."
)
@click.option(
    "--shard", type=_Shard(), default="1/1", show_default=True,
    help="Build the I-th of N deterministic shares of the selected variants (kits: shard 1); `partnerkb merge` joins them.",
)  # fmt: skip
@as_of_option
@partners_option
@strict_option
@project_option
def build_command(
    regions: tuple[str, ...],
    tiers: tuple[str, ...],
    versions: tuple[str, ...],
    out: Path,
    jobs: int,
    shard: tuple[int, int],
    as_of: datetime.datetime | None,
    partners_dir: Path | None,
    strict: bool,
    project: Path,
) -> None:
    """Build the selected variants into OUT (default: all of them).

    Validates everything first, renders each (region, tier, version) with MkDocs, audits the result
    for leaks and only then replaces the built trees in OUT; the other trees stay as they were.
    """
    report = Report()
    started = time.monotonic()
    progress = _Progress()
    try:
        selection = Selection(regions, tiers, versions, shard)
        built = build(project.resolve(), out.absolute(), selection, jobs, strict, report, progress, as_of, partners_dir)
    except SelectionError as exc:
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:  # the output folder cannot be written, the disk is full…
        _cannot_write(exc)
    finally:
        progress.close()
    _finish(report, strict)
    click.echo(f"partnerkb: built {len(built)} variant(s) into {out} in {time.monotonic() - started:.1f} s; leak audit passed", err=True)


class _Progress:
    """A progress bar on a terminal; a few plain lines otherwise (CI logs)."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.interactive = sys.stderr.isatty() and not os.environ.get("CI")

    def __call__(self, event: Event) -> None:
        match event:
            case Counted("unchanged", count):
                click.echo(
                    f"partnerkb: nothing changed since the last build: the {count} variant(s) and kits in the output are the ones audited",
                    err=True,
                )
            case Counted("reused", count) if count:
                click.echo(f"partnerkb: reused {count} unchanged variant(s) from .partnerkb-cache", err=True)
            case Counted("render", count):
                if self.interactive:
                    self.bar = Progress(transient=True)
                    self.bar.start()
                    self.task = self.bar.add_task("Rendering variants", total=count)
                else:
                    click.echo(f"partnerkb: rendering {count} variant(s)", err=True)
            case RenderResult() if self.bar is not None and self.task is not None:
                self.bar.update(self.task, advance=1, description=f"Rendered {event.variant_id}")
            case Counted("index", count) if count:
                self.close()
                click.echo(f"partnerkb: indexing {count} tree(s) for search", err=True)
            case Indexed():
                click.echo(f"partnerkb: indexed {event.variant_id}: {event.documents} documents in {event.seconds:.2f} s", err=True)
            case Counted("kits", count) if count:
                self.close()
                click.echo(f"partnerkb: making {count} partner kit(s)", err=True)
            case Counted("audit", count):
                self.close()
                click.echo(f"partnerkb: auditing {count} tree(s) and kit(s) for leaks", err=True)
            case TreeAudit():
                click.echo(f"partnerkb: audited {event.name} in {event.seconds:.2f} s", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@main.command("check")
@format_option("json: a list of {file, line, severity, code, message}.")
@as_of_option
@partners_option
@strict_option
@project_option
def check_command(output_format: str, as_of: datetime.datetime | None, partners_dir: Path | None, strict: bool, project: Path) -> None:
    """Validate the portal without building: schemas, front matter, gated blocks, links, locales, partners."""
    report = Report()
    check_project(project.resolve(), report, as_of, partners_dir)
    if output_format == "json":
        click.echo(report.as_json())
        sys.exit(1 if report.failed(strict) else 0)
    _finish(report, strict)


@main.command("serve")
@click.option("--region", required=True, help="The region to preview.")
@click.option("--tier", required=True, help="The partner tier whose tree is shown.")
@click.option("--docs-version", "version", help="The version to show. Default: the default version.")
@click.option("--lang", "language", help="The language the browser starts in. Default: the region's first.")
@click.option("--partner", help="Also build this partner's kit and start at its dashboard (kit/dashboard.html).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port on 127.0.0.1 (0: any free one).")
@as_of_option
@partners_option
@project_option
def serve_command(
    region: str,
    tier: str,
    version: str | None,
    language: str | None,
    partner: str | None,
    port: int,
    as_of: datetime.datetime | None,
    partners_dir: Path | None,
    project: Path,
) -> None:
    """Preview one variant on 127.0.0.1 and rebuild it whenever a file of the project changes.

    Watches content/, versions/, locales/, partners/, theme/ and mkdocs.yml; after each save the
    variant is checked and built again and open pages reload. A problem is printed here and shown
    over the page, and the last good build keeps being served. Nothing is published or audited:
    build with `partnerkb build` for that. Stop with Ctrl-C.
    """
    root = project.resolve()
    target = Target(region, tier, version, language, partner)
    previewer = Previewer(root, target, preview_folder(root), as_of, partners_dir)
    preview = Preview(previewer, watched(root, partners_dir), lambda text: click.echo(text, err=True))
    try:
        preview.build()
        _, shown = preview.state.current()
        wrong = [p for p in shown.last.problems if p.code == PREVIEW_TARGET] if shown.last else []
        if wrong:
            raise click.UsageError(wrong[0].message)
        try:
            server = Server(port, preview.state)
        except OSError as exc:
            raise click.UsageError(f"--port: cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
        home = shown.good.home if shown.good else "/"
        click.echo(f"partnerkb: serving {region}/{tier} on {server.url(home)} (Ctrl-C to stop)", err=True)
        preview.serve(server)
    except KeyboardInterrupt:
        click.echo("partnerkb: preview stopped", err=True)
    finally:
        previewer.close()


@main.command("audit")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default="dist", required=False)
@as_of_option
@partners_option
@click.option("--strict", is_flag=True, help="Fail on files the audit cannot read (unchecked) too.")
@project_option
def audit_command(directory: Path, as_of: datetime.datetime | None, partners_dir: Path | None, strict: bool, project: Path) -> None:
    """Verify the no-leak promise on a built DIRECTORY (default: dist).

    The evidence comes from the sources, read independently of the build: the text of gated pages
    and blocks as the renderer's parser sees them, gated data, partner files. For every
    (region, tier, version) tree and every partner kit, every file (HTML, JSON, XML, SVG, .gz, PDF,
    image metadata) must hold no rare word, phrase or asset of content hidden from it; a kit is
    audited as a tree of its partner's tier, and must hold no other partner's data. Files that
    cannot be read are listed as unchecked.
    """
    report = Report()
    checked = check_project(project.resolve(), report, as_of, partners_dir)
    if checked is None:
        _finish(report, strict=False)
        return
    report = Report()  # the audit judges the output; content problems are `check`'s business
    started = time.monotonic()
    audits = audit_output(checked.project, directory.absolute(), directory, partners_dir and partners_dir.absolute())
    for audited in audits:
        report.extend(audited.problems)
        click.echo(f"partnerkb: audited {audited.name} in {audited.seconds:.2f} s", err=True)
    if not audits:
        report.error(str(directory), 1, "audit-empty", "no <region>/<tier>/<version> trees of this project here: nothing was audited")
    _finish(report, strict)
    seconds = time.monotonic() - started
    click.echo(f"partnerkb: audited {len(audits)} tree(s) and partner kit(s) in {directory} in {seconds:.1f} s: no leaks", err=True)


@main.command("search")
@click.argument("query")
@click.option("--region", required=True, help="The region whose trees are searched.")
@click.option("--tier", required=True, help="The partner tier: only its own tree's index is searched.")
@click.option(
    "--dist", "dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True, help="The built output."
)
@click.option("--docs-version", "version", help="A version or alias of partners/program.yml. Default: the default version.")
@click.option("--locale", help="Only results in this language. Default: every language of the region.")
@click.option("--type", "kind", help=f"Only results of this type: {', '.join(TYPES)}.")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True, help="Results shown (1-50).")
@format_option('json: {"query", "total", "results": [{"url", "title", "type", "language", "snippet", "score"}], "facets", "suggestion"}.')
@project_option
def search_command(
    query: str,
    region: str,
    tier: str,
    dist: Path,
    version: str | None,
    locale: str | None,
    kind: str | None,
    limit: int,
    output_format: str,
    project: Path,
) -> None:
    """Search QUERY in the built index of one tree, as a partner of TIER in REGION would.

    Results are pages (or listed items: products' SKUs, sessions, collateral), best first, each with
    the anchor of its best section; `total` counts them. The index is the one `partnerkb build`
    writes beside the trees, in DIST/<region>/search/<tier>/<version>/. Exit 2 for an unknown
    region, tier, version, type or locale; 1 when the index is not built.
    """
    report = Report()
    program = load_program(project.resolve(), report)
    if program is None:
        _finish(report, strict=False)
        return
    target = _search_target(program, region, tier, version, locale, kind)
    folder = search_index(dist / region, tier, target.name)
    if not folder.is_dir():
        click.echo(f"partnerkb: no search index in {folder}: build it with `partnerkb build --region {region} --tier {tier}`", err=True)
        sys.exit(1)
    searcher = open_index(folder)
    try:
        languages = (locale,) if locale else program.region(region).languages
        results = searcher.search(Query(query, languages, kind, locale, limit))
    finally:
        searcher.close()
    if output_format == "json":
        click.echo(json.dumps(results.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} result(s) for '{query}' in {region}/{tier}/{target.name}")
    for number, hit in enumerate(results.hits, start=1):
        snippet = html.unescape(hit.snippet.replace("<mark>", "[").replace("</mark>", "]"))
        click.echo(f"{number}. {hit.title} ({hit.type}, {hit.language})\n   {hit.url}\n   {snippet}")
    if results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")


def _known_region(program: Program, region: str) -> None:
    if region not in (regions := [r.id for r in program.regions]):
        raise click.UsageError(f"--region: unknown region '{region}' (expected one of: {', '.join(regions)})")


def _search_target(program: Program, region: str, tier: str, version: str | None, locale: str | None, kind: str | None) -> Version:
    """The version to search; a region, tier, version, locale or type the program does not know is a usage error."""
    _known_region(program, region)
    if tier not in (tiers := [t.id for t in program.tiers]):
        raise click.UsageError(f"--tier: unknown tier '{tier}' (expected one of: {', '.join(tiers)})")
    languages = program.region(region).languages
    if locale is not None and locale not in languages:
        raise click.UsageError(f"--locale: '{locale}' is not a language of region '{region}' (expected one of: {', '.join(languages)})")
    if kind is not None and kind not in TYPES:
        raise click.UsageError(f"--type: unknown type '{kind}' (expected one of: {', '.join(TYPES)})")
    if version is None:
        return program.versions[0]
    found = next((v for v in program.versions if version == v.name or version in v.aliases), None)
    if found is None:
        names = [name for v in program.versions for name in (v.name, *v.aliases)]
        raise click.UsageError(f"--docs-version: unknown version '{version}' (expected one of: {', '.join(names)})")
    return found


@main.command("search-service")
@click.option("--region", required=True, help="The region whose indexes are served.")
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path),
    help="The region's folder: DIST/<region> (default dist/<region>), or the `current` link of a published region.",
)  # fmt: skip
@click.option("--listen", default="127.0.0.1:8300", show_default=True, help="HOST:PORT to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Processes (one per core).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Threads per process, for slow clients.")
@click.option(
    "--trust-proxy", is_flag=True,
    help="Listen on an address other than loopback: only behind the access layer, which sets X-Partner-Tier.",
)  # fmt: skip
def search_service_command(region: str, root: Path | None, listen: str, workers: int, threads: int, trust_proxy: bool) -> None:
    """Serve the search indexes of one region over HTTP: GET /api/search?q=&lang=&type=&version=&limit=.

    The tier comes only from the X-Partner-Tier header that the access layer sets after sign-in: no
    header is 401, a tier the region does not have is 403. Anyone who can reach the service could set
    that header, so it listens on loopback unless --trust-proxy is given. When --root is a link that a
    publish switches, the service follows it without dropping a request. GET /api/health for monitoring.
    """
    from .search.service import LOOPBACK, serve

    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise click.UsageError(f"--listen: expected HOST:PORT, got '{listen}'")
    if host not in LOOPBACK and not trust_proxy:
        raise click.UsageError(f"--listen: {host} is not loopback; give --trust-proxy when the access layer is in front")
    folder = root or Path("dist") / region
    if not (folder / "search").is_dir():
        click.echo(f"partnerkb: no search indexes in {folder}/search: build the region first", err=True)
        sys.exit(1)
    click.echo(f"partnerkb: serving search for region {region} from {folder} on http://{listen}/api/search", err=True)
    serve(region, folder, host, int(port), threads, workers)


@main.command("nginx")
@click.option("--region", required=True, help="The region to serve.")
@click.option(
    "--dist", "dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True, help="The built output."
)
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path),
    help="Where nginx finds the region's files (default DIST/<region>; a published region's `current` link).",
)  # fmt: skip
@click.option("--listen", help="HOST:PORT of the server. Default: the region's serving.listen.")
@click.option("--auth-url", help="The sign-in's check. Default: the region's serving.auth_url.")
@click.option("--signin-url", help="Where a request without a session goes. Default: the region's serving.signin_url.")
@click.option("--search-url", help="The search service. Default: the region's serving.search_url.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="The file to write. Default: standard output.")
@partners_option
@project_option
def nginx_command(
    region: str,
    dist: Path,
    root: Path | None,
    listen: str | None,
    auth_url: str | None,
    signin_url: str | None,
    search_url: str | None,
    out: Path | None,
    partners_dir: Path | None,
    project: Path,
) -> None:
    """Write the nginx configuration that serves one built region to signed-in partners.

    One file for nginx's http context (a server and the maps it needs, named after the region so that
    several regions' files share one http block): `events {} http { include /etc/nginx/mime.types;
    include FILE; }`. Every request is checked with the sign-in (auth_request); its X-Partner-Tier
    picks the tier's tree, with X-Partner-Id the partner's own kit at /<region>/kit/; the search
    service gets the tier from the sign-in alone. The contract is in the README (Serving a region).
    """
    from .features.partners import load_partners
    from .release.nginx import nginx_config, site_of

    report = Report()
    program = load_program(project.resolve(), report)
    if program is None:
        _finish(report, strict=False)
        return
    _known_region(program, region)
    serving = _served_as(program.region(region), listen, auth_url, signin_url, search_url)
    partners = load_partners(partners_dir or project.resolve() / "partners", "partners/", program, report)
    site = site_of(program, program.region(region), partners, (root or dist / region).absolute(), serving, report)
    _finish(report, strict=False)
    if site is None:
        sys.exit(1)
    text = nginx_config(site)
    if out is None:
        click.echo(text, nl=False)
        return
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(out)  # never a half-written configuration for nginx to reload
    except OSError as exc:
        _cannot_write(exc)
    click.echo(f"partnerkb: wrote the nginx configuration of region {region} to {out}; check it with `nginx -t`", err=True)


def _served_as(region: Region, listen: str | None, auth_url: str | None, signin_url: str | None, search_url: str | None) -> Serving:
    """The region's `serving:` with the command line's values in place of its own, each checked as the program's are."""
    from .load.program import LISTEN, SERVER_URL

    given = {"listen": listen, "auth_url": auth_url, "signin_url": signin_url, "search_url": search_url}
    for name, value in given.items():
        pattern, kind = (LISTEN, "HOST:PORT") if name == "listen" else (SERVER_URL, "http(s) URL")
        if value is not None and not pattern.fullmatch(value):
            raise click.UsageError(f"--{name.replace('_', '-')}: '{value}' is not a plain {kind}")
    configured = region.serving
    serving = replace(
        configured,
        listen=listen or configured.listen,
        auth_url=auth_url or configured.auth_url,
        signin_url=signin_url or configured.signin_url,
        search_url=search_url or configured.search_url,
    )
    if not serving.auth_url:
        raise click.UsageError(f"no sign-in to ask: give --auth-url or set regions.{region.id}.serving.auth_url in partners/program.yml")
    return serving


@main.command("publish")
@click.option("--region", required=True, help="The built region to publish.")
@click.option(
    "--dist", "dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True, help="The built output."
)
@click.option("--to", "destination", required=True, type=click.Path(file_okay=False, path_type=Path), help="Where releases live.")
@click.option("--keep", type=click.IntRange(1), default=5, show_default=True, help="Releases kept (the current one always).")
@click.option("--rollback", is_flag=True, help="Switch back to the release published before the current one.")
@as_of_option
@partners_option
@project_option
def publish_command(
    region: str,
    dist: Path,
    destination: Path,
    keep: int,
    rollback: bool,
    as_of: datetime.datetime | None,
    partners_dir: Path | None,
    project: Path,
) -> None:
    """Publish a built region: copy it to DEST/releases/<id>/ and switch DEST/current to it atomically.

    The id is the build's time and the first 12 hex digits of the region manifest's sha256; publishing
    a build that is there already copies nothing. A region that lacks a tier × version tree or a file
    its manifest lists, or whose leak audit fails, is refused. Serve DEST/current (`partnerkb nginx
    --root DEST/current`): every response is one release's file, before or after the switch.
    """
    from .release import publish as releases

    if rollback:
        try:
            done = releases.rollback(destination)
        except releases.PublishError as exc:
            click.echo(f"partnerkb: {exc}", err=True)
            sys.exit(1)
        click.echo(f"partnerkb: {destination}/current is {done.release} again (switched in {done.switch_seconds * 1000:.2f} ms)", err=True)
        return
    report = Report()
    checked = check_project(project.resolve(), report, as_of, partners_dir)
    if checked is None:
        _finish(report, strict=False)
        return
    _known_region(checked.project.program, region)
    missing = releases.missing_parts(checked.project.program, dist / region)
    if missing:
        shown = "\n  ".join(missing[:20]) + (f"\n  … and {len(missing) - 20} more" if len(missing) > 20 else "")
        click.echo(f"partnerkb: {dist / region} is not a complete build of region {region}; it lacks:\n  {shown}", err=True)
        sys.exit(1)
    report = Report()  # the audit judges the output, as `partnerkb audit` does
    for audited in audit_output(checked.project, dist.absolute(), dist, partners_dir and partners_dir.absolute(), (region,)):
        report.extend(audited.problems)
    _finish(report, strict=False)
    try:
        done = releases.publish(dist / region, destination, keep)
    except OSError as exc:
        _cannot_write(exc)
    what = "copied and switched to" if done.copied else "already there; switched to" if done.switched else "already live:"
    removed = f"; removed {', '.join(done.removed)}" if done.removed else ""
    click.echo(f"partnerkb: {what} {destination}/releases/{done.release} (switch {done.switch_seconds * 1000:.2f} ms){removed}", err=True)


@main.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="The output folder to merge into.")
def merge_command(shards: tuple[Path, ...], out: Path) -> None:
    """Combine the outputs of `partnerkb build --shard I/N` (each SHARD a build's output folder) into OUT.

    Each region found is replaced in OUT, with its manifest written again over the merged files: the
    result is byte for byte what one build of all the shards' variants writes. Two shards with
    different bytes at one path (built from different sources) are an error, and OUT is left as it was.
    """
    from .release.install import MergeConflict, merge

    try:
        regions = merge(list(shards), out)
    except MergeConflict as exc:
        click.echo(f"partnerkb: cannot merge: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        _cannot_write(exc)
    click.echo(f"partnerkb: merged {len(shards)} shard(s) into {out}: region(s) {', '.join(regions) or 'none'}", err=True)


@main.command("matrix")
@click.option(
    "--split", type=click.Choice(["region", "tier"]), default="region", show_default=True, help="One job per region, or per region × tier."
)
@project_option
def matrix_command(split: str, project: Path) -> None:
    """Print the build jobs as JSON for a CI matrix (GitHub Actions' `strategy.matrix`).

    `{"include": [{"region", "tier", "args", "artifact"}, …]}`: `args` are the `partnerkb build` options
    of the job, `artifact` the name to upload its output as; `tier` is null unless split by tier.
    """
    report = Report()
    program = load_program(project.resolve(), report)
    if program is None:
        _finish(report, strict=False)
        return
    tiers: list[str | None] = [t.id for t in program.tiers] if split == "tier" else [None]
    jobs = [
        {
            "region": region.id,
            "tier": tier,
            "args": f"--region {region.id}" + (f" --tier {tier}" if tier else ""),
            "artifact": f"dist-{region.id}" + (f"-{tier}" if tier else ""),
        }
        for region in program.regions
        for tier in tiers
    ]
    click.echo(json.dumps({"include": jobs}))


@main.group("i18n", invoke_without_command=True)
@click.option(
    "--locale", "languages", multiple=True, help="Report only this language (repeatable); default: every language but the default."
)
@format_option('json: {"languages": {lang: {coverage, stale, stale_data, untranslated, missing_keys, extra_keys}}}.')
@click.option("--max-stale", type=click.IntRange(min=0), default=None, help="Fail (exit 1) when more than N translations are stale.")
@strict_option
@project_option
@click.pass_context
def i18n_group(
    ctx: click.Context, languages: tuple[str, ...], output_format: str, max_stale: int | None, strict: bool, project: Path
) -> None:
    """Translation coverage and staleness of today's pages, per language and region.

    A translation is stale when its source's body changed since it was stamped (or when it was never
    stamped); the report shows what changed in the source since (from git), the pages not yet
    translated in navigation order, and missing or unknown labels in locales/. With --strict, any
    stale translation fails the run; --max-stale N allows N.
    """
    if ctx.invoked_subcommand is not None:
        return
    report = Report()
    loaded = check_sources(project.resolve(), report)
    _finish(report, strict=False)  # the portal's own problems, as check reports them
    assert loaded is not None
    found = translation_report(loaded, _translated_languages(loaded.program, languages))
    click.echo(json.dumps(found, ensure_ascii=False, indent=1) if output_format == "json" else report_text(found))
    stale, allowed = stale_count(found), max_stale if max_stale is not None else (0 if strict else None)
    if allowed is not None and stale > allowed:
        click.echo(f"partnerkb: {stale} stale translation(s), {allowed} allowed", err=True)
        sys.exit(1)


@i18n_group.command("stamp")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--locale", "languages", multiple=True, help="Stamp only the translations into this language (repeatable).")
@project_option
def stamp_command(files: tuple[Path, ...], languages: tuple[str, ...], project: Path) -> None:
    """Record that the translations in FILES match their sources as they are now (after a review).

    Named a page, every translation of it is stamped; named a translation, that one; named a data
    file (content/catalog/*.yml, a collateral.yml, a training file), every translated field in it.
    Only the `source_hash:` lines are written (the rest of each file, comments and order, is kept).
    """
    report = Report()
    loaded = check_sources(project.resolve(), report)
    written = stamp(loaded, list(files), report, _translated_languages(loaded.program, languages)) if loaded is not None else []
    _finish(report, strict=False)
    for path in written:
        click.echo(f"partnerkb: stamped {path.relative_to(project.resolve()).as_posix()}", err=True)
    if not written:
        click.echo("partnerkb: every translation named was stamped already", err=True)


@i18n_group.command("export")
@click.option("--locale", "lang", required=True, help="The language to translate into.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="po", show_default=True, help="gettext PO or XLIFF 1.2.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The file to write; default: standard output.")
@project_option
def export_command(lang: str, form: str, out: Path | None, project: Path) -> None:
    """Write the UI labels and the data texts (catalog, collateral, training) for translators.

    One entry per text, with its source file and line; translations already made are filled in,
    stale ones marked for review (fuzzy). Pages are not exported: translators edit page.<lang>.md.
    """
    report = Report()
    loaded = check_sources(project.resolve(), report)
    _finish(report, strict=False)
    assert loaded is not None
    _translated_languages(loaded.program, (lang,))
    data = export(loaded, lang, form)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        out.write_bytes(data)
        click.echo(f"partnerkb: wrote {out} ({data.count(b'msgctxt') or data.count(b'<trans-unit')} entries)", err=True)


@i18n_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@project_option
def import_command(file: Path, project: Path) -> None:
    """Merge a translated PO or XLIFF file (from `i18n export`) into locales/ and the data files.

    Each changed entry is written in place (comments and order of the files kept) and the data
    texts translated from today's source are stamped; entries marked fuzzy or for review are left
    out. An entry whose placeholders ({name}, a link's target, inline code) were dropped or changed
    is refused with its location, and then nothing is written.
    """
    report = Report()
    loaded = check_sources(project.resolve(), report)
    changes = import_translations(loaded, file, file.as_posix(), report) if loaded is not None else None
    _finish(report, strict=False)
    for change in changes or []:
        click.echo(f"partnerkb: {'added' if change.added else 'updated'} {change.file}: {change.what}", err=True)
    click.echo(f"partnerkb: {len(changes or [])} translation(s) imported", err=True)


def _translated_languages(program: Program, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The languages named by --locale (default: every language but the default), each checked."""
    others = tuple(lang for lang in program.languages if lang != program.default_language)
    unknown = [lang for lang in languages if lang not in others]
    if unknown:
        raise click.UsageError(f"--locale: '{unknown[0]}' is not a translated language of the program ({', '.join(others)})")
    return languages or others


@main.group("version")
def version_group() -> None:
    """Manage the versions of the docs."""


@version_group.command("freeze")
@click.argument("name")
@project_option
def freeze_command(name: str, project: Path) -> None:
    """Write today's pages (content/) as the snapshot version NAME, in versions/NAME/content/.

    The snapshot builds like any version once partners/program.yml lists it; the entry to add is
    printed.
    """
    if not VERSION_NAME.fullmatch(name):
        raise click.UsageError(f"NAME: expected letters, digits, '.', '_' or '-', got '{name}'")
    report = Report()
    entry = freeze(project.resolve(), name, report)
    _finish(report, strict=False)
    click.echo(f"partnerkb: froze content/ as versions/{name}/content; add to 'versions:' in partners/program.yml:\n{entry}", err=True)
