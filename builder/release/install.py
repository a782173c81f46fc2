"""Stage 5: move built trees from the staging folder into the output, and describe the output.

Nothing reaches `--out` until every selected variant is built and audited; then each built variant
folder replaces its old copy, and the trees that were not built are left as they were.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

from ..core.models import Program, Variant, text_direction
from ..core.paths import search_index


def versions_json(program: Program) -> str:
    """The tier root's versions.json, in mike's format (read by Material's version selector)."""
    entries = [
        {"version": v.name, "title": v.title, "aliases": list(v.aliases), "properties": {"hidden": v.hidden}} for v in program.versions
    ]
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"


def root_redirect(program: Program) -> str:
    """The tier root's index.html: a redirect to the default version."""
    version = program.versions[0]
    return _redirect_page(f"{version.name}/", program.default_language, html.escape(version.title))


def write_tier_roots(program: Program, staging: Path, variants: list[Variant]) -> None:
    """versions.json and index.html at the root of every tier folder built, and its versions' aliases."""
    for region_id, tier_id in sorted({(v.region.id, v.tier.id) for v in variants}):
        root = staging / region_id / tier_id
        root.mkdir(parents=True, exist_ok=True)
        (root / "versions.json").write_text(versions_json(program), encoding="utf-8")
        (root / "index.html").write_text(root_redirect(program), encoding="utf-8")
    for variant in variants:
        for alias in variant.version.aliases:
            write_alias(staging / variant.id, staging / variant.region.id / variant.tier.id / alias)


def write_alias(version_tree: Path, alias_tree: Path) -> None:
    """A redirect page in `alias_tree` for every page of a version, as mike's redirect aliases do."""
    for page in sorted(version_tree.rglob("*.html")):
        relative = page.relative_to(version_tree)
        up = "../" * len(relative.parts)
        inside = relative.parent.as_posix() + "/" if relative.parent.parts else ""
        target = f"{up}{version_tree.name}/{inside}{'' if relative.name == 'index.html' else relative.name}"
        redirect = alias_tree / relative
        redirect.parent.mkdir(parents=True, exist_ok=True)
        redirect.write_text(_redirect_page(target, *_language_and_title(page)), encoding="utf-8")


# A built page's language and title, from its first bytes (MkDocs writes them before anything long).
_LANG = re.compile(r'<html lang="([^"]*)"')
_TITLE = re.compile(r"<title>([^<]*)</title>")


def _language_and_title(page: Path) -> tuple[str, str]:
    """The page's `lang` and (HTML-escaped) title, which its redirect keeps: a German page's alias is German too."""
    with page.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(8192)
    lang, title = _LANG.search(head), _TITLE.search(head)
    return (lang.group(1) if lang else ""), (title.group(1) if title else "")


def _redirect_page(target: str, lang: str, title: str) -> str:
    href = html.escape(target)
    opening = f'<html lang="{html.escape(lang)}" dir="{text_direction(lang)}">' if lang else "<html>"
    return (
        f'<!doctype html>\n{opening}<head><meta charset="utf-8"><title>{title}</title>\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f"<script>location.replace({json.dumps(target)} + location.hash)</script>\n"
        f'</head><body><a href="{href}">{href}</a></body></html>\n'
    )


def install(staging: Path, out: Path, variants: list[Variant], kit_regions: list[str]) -> None:
    """Replace each built variant folder (and its tier root files) and each built region's partner kits in `out`,
    then rewrite manifests."""
    trash = out / ".partnerkb-replaced"
    shutil.rmtree(trash, ignore_errors=True)
    trees = [v.id for v in variants] + [f"{v.region.id}/{v.tier.id}/{alias}" for v in variants for alias in v.version.aliases]
    trees += [f"{region}/partners" for region in kit_regions]  # whole: a partner that left loses its kit
    indexes = [search_index(Path(v.region.id), v.tier.id, v.version.name).as_posix() for v in variants]
    trees += [index for index in indexes if (staging / index).is_dir()]
    for tree in sorted(trees):
        target = out / tree
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            trash.mkdir(parents=True, exist_ok=True)
            target.rename(trash / tree.replace("/", "__"))
        (staging / tree).rename(target)
    for region_id, tier_id in sorted({(v.region.id, v.tier.id) for v in variants}):
        for name in ("versions.json", "index.html"):
            (staging / region_id / tier_id / name).replace(out / region_id / tier_id / name)
    shutil.rmtree(trash, ignore_errors=True)
    for region_id in sorted({v.region.id for v in variants} | set(kit_regions)):
        write_manifest(out / region_id)


def search_sizes(region_dir: Path) -> dict[str, dict[str, object]]:
    """Per tree, the size of what a search costs: each language's static index (raw and gzip), and the Whoosh index."""
    sizes: dict[str, dict[str, object]] = {}
    for tier in sorted(p for p in region_dir.iterdir() if p.is_dir() and p.name not in ("partners", "search")):
        for tree in sorted(p for p in tier.iterdir() if (p / "search" / "search_index.json").is_file() and not p.is_symlink()):
            static = {}
            for index in sorted(tree.glob("**/search/search_index.json")):
                data = index.read_bytes()
                lang = index.parent.parent.relative_to(tree).as_posix()
                static["" if lang == "." else lang] = {"bytes": len(data), "gzip": len(gzip.compress(data, 9, mtime=0))}
            whoosh = search_index(region_dir, tier.name, tree.name)
            entry: dict[str, object] = {"static": static}
            if whoosh.is_dir():
                entry["index_bytes"] = sum(p.stat().st_size for p in whoosh.rglob("*") if p.is_file())
            sizes[f"{region_dir.name}/{tier.name}/{tree.name}"] = entry
    return sizes


def write_manifest(region_dir: Path) -> None:
    """manifest.json: every file of the region with its sha256, the variant it belongs to, and for a kit's
    files the partner that owns them."""
    files = []
    for path in sorted(p for p in region_dir.rglob("*") if p.is_file() and p.name != "manifest.json"):
        relative = path.relative_to(region_dir).as_posix()
        parts = relative.split("/")
        if parts[0] == "search" and len(parts) > 3:  # search/<tier>/<version>/…: the index of that tree
            owner = "/".join([region_dir.name, *parts[1:3]])
        else:
            owner = "/".join([region_dir.name, *parts[:2]]) if len(parts) > 2 else "/".join([region_dir.name, parts[0]])
        entry = {"path": relative, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "variant": owner}
        if parts[0] == "partners" and len(parts) > 2:
            entry["partner"] = parts[1]  # the only signed-in partner the web server may serve it to
        files.append(entry)
    manifest = {"region": region_dir.name, "files": files, "search": search_sizes(region_dir)}
    (region_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class MergeConflict(Exception):
    """Two shards hold different bytes at one path: they were not built from the same project."""


def merge(shards: list[Path], out: Path) -> list[str]:
    """Combine the outputs of `partnerkb build --shard I/N` into `out`, region by region, and rewrite each region's
    manifest; the regions merged are replaced whole, as a build replaces its trees. Returns them."""
    staging = out.parent / f".{out.name}.partnerkb-merging"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for shard in shards:
            manifests = set(shard.glob("*/manifest.json"))  # written again below, over the merged files
            for path in sorted(p for p in shard.rglob("*") if p.is_file() and p not in manifests):
                target = staging / path.relative_to(shard)
                if target.exists():
                    if target.read_bytes() != path.read_bytes():
                        raise MergeConflict(f"{path}: differs from the same file of another shard")
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        regions = sorted(p.name for p in staging.iterdir() if p.is_dir()) if staging.is_dir() else []
        for region in regions:
            write_manifest(staging / region)
        out.mkdir(parents=True, exist_ok=True)
        for region in regions:
            shutil.rmtree(out / region, ignore_errors=True)
            (staging / region).rename(out / region)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return regions
