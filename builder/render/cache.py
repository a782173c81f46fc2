"""Rendered trees kept between builds, so that unchanged versions are not rendered again (as with mike).

A tree is reused only when its key matches, and the key is taken from what the renderer is given,
not from a list of the files that might matter: every page, asset and file of the variant's staged
`docs_dir` (so the catalog, training, collateral, partners and any other data are in it by
construction), the variant's MkDocs settings (labels, navigation titles, theme data), the theme,
`mkdocs.yml`, the build time, and the builder's own files (every sub-folder and template) and the
versions of MkDocs, Material and mkdocs-static-i18n. A tree is kept only once it has passed the
leak audit, so a leaking tree is never reused. The cache lives in `.partnerkb-cache/sites/` in the
project; CI may keep the folder.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from ..core.inputs import builder_digest, files_under, hash_files
from ..core.models import Variant
from ..core.paths import CACHE
from ..features.project import Project
from ..plan.stage import Plan

_SHARED_INPUTS = ("mkdocs.yml", "partners/program.yml", "locales", "theme")
# Per-variant settings that name folders of this build, not what the tree holds.
_PLACES = ("docs_dir", "site_dir")


def shared_inputs(project: Project) -> bytes:
    """The digest of what every variant shares: the builder, its packages, program, locales, theme, mkdocs.yml."""
    digest = hashlib.sha256(builder_digest())
    hash_files(digest, project.root, [f for name in _SHARED_INPUTS for f in files_under(project.root / name)])
    return digest.digest()


class AssetDigests:
    """The sha256 of each asset file, read once per build however many variants carry it."""

    def __init__(self) -> None:
        self.known: dict[Path, bytes] = {}

    def of(self, path: Path) -> bytes:
        if path not in self.known:
            self.known[path] = hashlib.sha256(path.read_bytes()).digest()
        return self.known[path]


def inputs_key(
    shared: bytes, plan: Plan, folder: Path, assets: AssetDigests, overrides: dict[str, Any], epoch: int, as_of: datetime.datetime
) -> str:
    """The key of a variant's rendered tree: everything its staged docs_dir and MkDocs settings hold."""
    digest = hashlib.sha256(shared)
    digest.update(f"{plan.variant.id}\0{epoch}\0{as_of.isoformat()}\0".encode())
    settings = {key: value for key, value in overrides.items() if key not in _PLACES}
    digest.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    for staged in sorted(plan.pages, key=lambda s: s.name):
        digest.update(f"\0page\0{staged.name}\0".encode() + staged.text.encode())
    for name, data in sorted(plan.files):
        digest.update(f"\0file\0{name}\0".encode() + hashlib.sha256(data).digest())
    for asset in sorted(plan.assets):
        digest.update(f"\0asset\0{asset}\0".encode() + assets.of(folder / asset))
    return digest.hexdigest()


def _entry(project: Project, variant: Variant) -> Path:
    return project.root / CACHE / "sites" / variant.id


def restore(project: Project, variant: Variant, key: str, site_dir: Path, index_dir: Path) -> bool:
    """Copy the cached tree of `variant` to `site_dir` (and its search index, when kept) if its key is `key`."""
    entry = _entry(project, variant)
    key_file = entry / "key"
    if not key_file.is_file() or key_file.read_text(encoding="utf-8") != key:
        return False
    shutil.copytree(entry / "site", site_dir)
    if (entry / "search").is_dir():
        shutil.copytree(entry / "search", index_dir)
    return True


def store(project: Project, variant: Variant, key: str, site_dir: Path, index_dir: Path) -> None:
    """Keep a freshly rendered tree and its search index (one entry per variant: the newest)."""
    entry = _entry(project, variant)
    shutil.rmtree(entry, ignore_errors=True)
    entry.mkdir(parents=True)
    shutil.copytree(site_dir, entry / "site")
    if index_dir.is_dir():
        shutil.copytree(index_dir, entry / "search")
    (entry / "key").write_text(key, encoding="utf-8")
