"""Names of things on disk and on the web: a page's URL, a file's language suffix, the builder's folders."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

# The builder's own package (its code and templates), which every cache key and the audit read.
PACKAGE = Path(__file__).resolve().parents[1]
# The project's cache folder: git refs read, renderer verdicts, rendered trees.
CACHE = ".partnerkb-cache"
# Where the audit keeps the files it found clean, by tree and evidence (see release.audit.Verdicts).
VERDICTS = f"{CACHE}/audit"
# The partner kits made before, by partner and inputs (see features.kits.kept_kit_files).
KITS = f"{CACHE}/kits"


def search_index(region_dir: Path, tier: str, version: str) -> Path:
    """Where the search index of a tree lives in a region's folder: beside the trees it serves, never inside one."""
    return region_dir / "search" / tier / version


_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2}(-[A-Z]{2})?)\.md$")


def page_url(path: str) -> str:
    """The URL of a page relative to its language root, as MkDocs makes it with directory URLs."""
    stem = path[: -len(".md")]
    parent, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{parent}/" if parent else ""
    return f"{stem}/"


def localized(name: str, lang: str, default: str) -> str:
    """`a/b.md` (or `a/b.csv`) in language `lang`: mkdocs-static-i18n's suffix (`a/b.de.md`), none for the default."""
    if lang == default:
        return name
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{lang}{path.suffix}"))


def split_language(relative: str, languages: tuple[str, ...], default: str) -> tuple[str, str] | None:
    """`a/b.de.md` -> (`a/b.md`, `de`); None when the suffix names a language no region builds."""
    match = _SUFFIX.match(relative)
    if not match:
        return relative, default
    if match["lang"] not in languages or match["lang"] == default:
        return None
    return f"{match['stem']}.md", match["lang"]


def without_language(asset: str, languages: tuple[str, ...]) -> str:
    """`img/plan.de.svg` -> `img/plan.svg` when `de` is a language (mkdocs-static-i18n's suffix for assets)."""
    path = PurePosixPath(asset)
    stem = PurePosixPath(path.stem)
    if stem.suffix[1:] in languages and path.suffix:
        return str(path.with_name(f"{stem.stem}{path.suffix}"))
    return asset
