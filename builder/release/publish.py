"""Publishing a built region: a complete, audited copy in `DEST/releases/<id>/`, made live by switching the
`DEST/current` link atomically, and rolled back by switching it to the release before.

A web server that serves `DEST/current/…` opens each file through the link, so every response is one
release's file, before or after the switch, never a mix or a missing file; the search service follows
the link the same way. Releases are never changed once written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.models import Program

RELEASES = "releases"
CURRENT = "current"


class PublishError(Exception):
    """The region cannot be published (incomplete, or nothing to roll back to); the message says why."""


@dataclass(frozen=True)
class Published:
    """What a publish or rollback did: the release now live, whether it was new, and how long the switch took."""

    release: str
    copied: bool
    switched: bool
    switch_seconds: float = 0.0
    removed: tuple[str, ...] = ()


def release_id(region_dir: Path) -> str:
    """The build's time (its manifest's, UTC) and the first 12 hex digits of the manifest's sha256: ids sort
    by build, and the same build always has the same id."""
    manifest = region_dir / "manifest.json"
    built = datetime.datetime.fromtimestamp(manifest.stat().st_mtime, datetime.UTC)
    return f"{built:%Y%m%dT%H%M%SZ}-{hashlib.sha256(manifest.read_bytes()).hexdigest()[:12]}"


def missing_parts(program: Program, region_dir: Path) -> list[str]:
    """What a complete build of the region has and this one lacks: a tier × version tree, or a file of its
    manifest (a kit's included), or the files on disk that differ from the manifest."""
    manifest_path = region_dir / "manifest.json"
    if not manifest_path.is_file():
        return [f"{manifest_path}: no manifest (build the region first)"]
    files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    region = region_dir.name
    trees = {"/".join(entry["path"].split("/")[:2]) for entry in files}  # <tier>/<version> (or search/<tier>, partners/<id>)
    missing = [f"the tree {region}/{t.id}/{v.name}" for t in program.tiers for v in program.versions if f"{t.id}/{v.name}" not in trees]
    for entry in files:
        path = region_dir / entry["path"]
        if not path.is_file():
            missing.append(f"{region}/{entry['path']} (in the manifest, not on disk)")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            missing.append(f"{region}/{entry['path']} (differs from the manifest)")
    return missing


def publish(region_dir: Path, destination: Path, keep: int) -> Published:
    """Copy the region into a new release (unless that build is there already), switch to it, keep `keep` releases."""
    release = release_id(region_dir)
    releases = destination / RELEASES
    target = releases / release
    copied = not target.is_dir()
    if copied:
        partial = releases / f".{release}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        releases.mkdir(parents=True, exist_ok=True)
        shutil.copytree(region_dir, partial, symlinks=True)
        partial.rename(target)  # a release folder is whole or absent
    switched = current_release(destination) != release
    seconds = switch(destination, release) if switched else 0.0
    return Published(release, copied, switched, seconds, prune(destination, keep))


def rollback(destination: Path) -> Published:
    """Switch to the release before the current one."""
    current = current_release(destination)
    earlier = [r for r in releases_of(destination) if current is None or r < current]
    if not earlier:
        raise PublishError(f"{destination}: no release before {current or 'the current one'} to roll back to")
    return Published(earlier[-1], False, True, switch(destination, earlier[-1]))


def releases_of(destination: Path) -> list[str]:
    folder = destination / RELEASES
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) if folder.is_dir() else []


def current_release(destination: Path) -> str | None:
    link = destination / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def switch(destination: Path, release: str) -> float:
    """Point `current` at the release: a new link renamed over the old one, so that it is always one or the other."""
    started = time.perf_counter()
    staged = destination / f".{CURRENT}.{os.getpid()}"
    staged.unlink(missing_ok=True)
    staged.symlink_to(Path(RELEASES) / release, target_is_directory=True)
    os.replace(staged, destination / CURRENT)
    return time.perf_counter() - started


def prune(destination: Path, keep: int) -> tuple[str, ...]:
    """Remove the oldest releases beyond `keep`, never the current one."""
    current, releases = current_release(destination), releases_of(destination)
    old = [r for r in releases if r != current][: max(0, len(releases) - keep)]
    for release in old:
        shutil.rmtree(destination / RELEASES / release)
    return tuple(old)
