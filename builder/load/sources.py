"""Where each version's pages come from (the working tree, a snapshot folder, or a git ref), and its build time.

A git ref's `content/` is read with `git archive` into a cache folder keyed by the commit, never by
changing the user's checkout; the cache (`.partnerkb-cache/` in the project, ignored by git) can be
kept between CI runs.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from ..core.models import Version
from ..core.paths import CACHE


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


# --- build times -------------------------------------------------------------------------------

DEFAULT_EPOCH = 315532800  # 1980-01-01, for portals outside git


def _env_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, when it is set to a number of seconds."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None


def default_as_of() -> datetime.datetime:
    """The build's point in time when none is given: SOURCE_DATE_EPOCH, else the start of today (UTC).

    A day, not a second: builds on the same day agree, and so reuse each other's rendered trees.
    """
    epoch = _env_epoch()
    if epoch is not None:
        return datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC)


def source_epoch(root: Path, version: Version) -> int:
    """A version's fixed build time: SOURCE_DATE_EPOCH, else the time of the last commit of its pages, else 1980-01-01.

    An old version keeps its own time, so that new commits elsewhere do not change (and re-render) it.
    """
    epoch = _env_epoch()
    if epoch is not None:
        return epoch
    if version.source == "git":
        args = ["log", "-1", "--format=%ct", version.ref]
    elif version.source == "snapshot":
        args = ["log", "-1", "--format=%ct", "--", snapshot_folder(version.name)]
    else:
        args = ["log", "-1", "--format=%ct"]
    try:
        out = _git(root, *args).stdout.decode().strip()
    except SourceError:  # no git here: a portal outside git
        return DEFAULT_EPOCH
    return int(out) if out.isdigit() else DEFAULT_EPOCH
