"""Rendered trees kept between builds, so that unchanged versions are not rendered again (as with mike).

A tree is reused only when its key matches: a hash of everything that shapes it — the version's
pages, today's program, locales, theme and `mkdocs.yml`, the variant, the build time and `--as-of`, and the
builder's own code and the versions of MkDocs, Material and mkdocs-static-i18n. A change to any of
them (a new tier, a reworded label) renders again, so a stale and possibly leaking tree is never
reused. The cache lives in `.partnerkb-cache/sites/` in the project; CI may keep the folder.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
from importlib import metadata
from pathlib import Path

from .models import Project, Variant
from .sources import CACHE

_SHARED_INPUTS = ("mkdocs.yml", "partners/program.yml", "locales", "theme")
_PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n")


def _hash_files(digest: hashlib._Hash, root: Path, paths: list[Path]) -> None:
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []


def shared_inputs(project: Project) -> bytes:
    """The digest of what every variant shares: the builder, its packages, program, locales, theme, mkdocs.yml."""
    digest = hashlib.sha256()
    builder = Path(__file__).parent
    _hash_files(digest, builder, list(builder.glob("*.py")))
    for package in _PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    _hash_files(digest, project.root, [f for name in _SHARED_INPUTS for f in _files(project.root / name)])
    return digest.digest()


def content_inputs(folder: Path) -> bytes:
    """The digest of one version's pages and files."""
    digest = hashlib.sha256()
    _hash_files(digest, folder, _files(folder))
    return digest.digest()


def inputs_key(shared: bytes, content: bytes, variant: Variant, epoch: int, as_of: datetime.datetime) -> str:
    """The key of a variant's rendered tree, from the digests above (computed once per build)."""
    return hashlib.sha256(shared + content + f"{variant.id}\0{epoch}\0{as_of.isoformat()}".encode()).hexdigest()


def _entry(project: Project, variant: Variant) -> Path:
    return project.root / CACHE / "sites" / variant.id


def restore(project: Project, variant: Variant, key: str, site_dir: Path) -> bool:
    """Copy the cached tree of `variant` to `site_dir` if its key is `key`."""
    entry = _entry(project, variant)
    key_file = entry / "key"
    if not key_file.is_file() or key_file.read_text(encoding="utf-8") != key:
        return False
    shutil.copytree(entry / "site", site_dir)
    return True


def store(project: Project, variant: Variant, key: str, site_dir: Path) -> None:
    """Keep a freshly rendered tree (one entry per variant: the newest)."""
    entry = _entry(project, variant)
    shutil.rmtree(entry, ignore_errors=True)
    entry.mkdir(parents=True)
    shutil.copytree(site_dir, entry / "site")
    (entry / "key").write_text(key, encoding="utf-8")
