"""A build whose inputs and output are what they were after the last build is not done again.

After a build that passed, `record` keeps the digest of everything it read (the builder, every input
file of the project, the commit checked out, each version's git commit and build time, the build's
point in time and the selection), the problems it reported (warnings) and the digest of each region
manifest it wrote.
`unchanged` says a new build of the same inputs can stop: only when the digest is the same and each
region of the output still holds exactly the files of its manifest, each with the sha256 it names
(every file is read and hashed again: the output is proven to be the audited one, not assumed).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from ..core.inputs import file_digest, files_under, project_digest
from ..core.models import Program
from ..core.paths import CACHE
from ..core.problems import Problem, Severity
from ..load.history import head
from ..load.sources import SourceError, content_folder, source_epoch


def inputs_key(root: Path, program: Program, selection: object, as_of: datetime.datetime, partners_dir: Path | None, out: Path) -> str:
    """The digest of everything a build of `selection` into `out` reads."""
    digest = hashlib.sha256(project_digest(root, partners_dir))
    # The commit too: pages tell when their source last changed (a commit without a change of files).
    digest.update(f"{selection!r}\0{as_of.isoformat()}\0{out}\0{head(root)}\0".encode())
    for version in program.versions:
        try:
            folder = content_folder(root, version)[0].as_posix()  # a git ref's folder is named by its commit
        except SourceError as exc:
            folder = f"unreadable: {exc}"
        digest.update(f"{version.name}\0{folder}\0{source_epoch(root, version)}\0".encode())
    return digest.hexdigest()


def _record_file(root: Path, out: Path) -> Path:
    return root / CACHE / "last-build" / f"{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json"


def record(root: Path, out: Path, key: str, regions: list[str], problems: list[Problem]) -> None:
    """Keep what a build that passed read, reported and wrote (the manifests of its regions)."""
    manifests = {region: file_digest(out / region / "manifest.json") for region in regions}
    kept = {"key": key, "manifests": manifests, "problems": [{**asdict(p), "severity": p.severity.value} for p in problems]}
    path = _record_file(root, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def forget(root: Path, out: Path) -> None:
    """A build that failed leaves no record: the next one is done in full."""
    _record_file(root, out).unlink(missing_ok=True)


def unchanged(root: Path, out: Path, key: str) -> list[Problem] | None:
    """The problems of the last build when its inputs are `key` and `out` still holds what it wrote; else None."""
    try:
        kept = json.loads(_record_file(root, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    for region, digest in kept["manifests"].items():
        if not _holds_manifest(out / region, digest):
            return None
    return [Problem(p["file"], p["line"], Severity(p["severity"]), p["code"], p["message"]) for p in kept["problems"]]


def _holds_manifest(region_dir: Path, digest: str) -> bool:
    """The region folder holds exactly the files its manifest lists, with their sha256, and the manifest is the one written."""
    manifest = region_dir / "manifest.json"
    if not manifest.is_file() or file_digest(manifest) != digest:
        return False
    listed = {entry["path"]: entry["sha256"] for entry in json.loads(manifest.read_text(encoding="utf-8"))["files"]}
    found = [p for p in files_under(region_dir) if p != manifest]
    if len(found) != len(listed):
        return False
    return all(listed.get(p.relative_to(region_dir).as_posix()) == file_digest(p) for p in found)
