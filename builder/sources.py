"""Where each version's pages come from: the working tree, a snapshot folder, or a git ref.

A git ref's `content/` is read with `git archive` into a cache folder keyed by the commit, never by
changing the user's checkout; the cache (`.partnerkb-cache/` in the project, ignored by git) can be
kept between CI runs.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from .models import Version

CACHE = ".partnerkb-cache"


class SourceError(Exception):
    """A version's pages cannot be found; the message says what to do."""


def snapshot_folder(name: str) -> str:
    """The folder, relative to the project, of a version frozen as a snapshot."""
    return f"versions/{name}/content"


def content_folder(root: Path, version: Version) -> tuple[Path, str]:
    """The content folder of `version` and how its files are named in messages (a prefix)."""
    if version.source == "worktree":
        return root / "content", "content/"
    if version.source == "snapshot":
        folder = snapshot_folder(version.name)
        if not (root / folder).is_dir():
            raise SourceError(f"the snapshot folder '{folder}' does not exist (write it with 'partnerkb version freeze {version.name}')")
        return root / folder, f"{folder}/"
    commit = _resolve(root, version.ref)
    return _extract(root, commit, version.ref), f"{version.ref}:content/"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except OSError as exc:
        raise SourceError(f"git is needed to read versions from git refs ({exc.strerror})") from exc


def _resolve(root: Path, ref: str) -> str:
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.decode().strip()
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise SourceError(f"ref '{ref}': the project is not a git repository (clone it with its history)")
    shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
    hint = "this clone is shallow: run 'git fetch --unshallow'" if shallow else "run 'git fetch --tags' (or 'git fetch origin <branch>')"
    raise SourceError(f"ref '{ref}' is not in this clone; {hint}")


def _extract(root: Path, commit: str, ref: str) -> Path:
    """`content/` of a commit, extracted once into the cache."""
    target = root / CACHE / "refs" / commit
    if (target / "content").is_dir():
        return target / "content"
    archive = _git(root, "archive", "--format=tar", commit, "--", "content")
    if archive.returncode != 0:
        raise SourceError(f"ref '{ref}' has no content/ folder")
    partial = target.with_name(f"{commit}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(partial, filter="data")
    partial.rename(target)
    return target / "content"
