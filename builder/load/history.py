"""What git knows of a page's past: when it last changed, and the revision whose body a translation was made from.

Every answer is None outside git (a copy of the portal, a file git does not track): a stale
translation is still stale, only its dates and diffs are unknown.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..features.translations import body, body_hash


@dataclass(frozen=True)
class Revision:
    commit: str  # abbreviated
    date: datetime.date


def _git(top: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def head(root: Path) -> str:
    """The commit checked out, "" outside git: the dates this module reads are those of its history."""
    top = _top(root.resolve())
    return (_git(top, "rev-parse", "HEAD") or "").strip() if top else ""


def last_change(root: Path, file: Path) -> datetime.date | None:
    """The date of the last commit that changed `file`; None when git has no record of it, or it has
    uncommitted changes (their date is not in git)."""
    top, relative = _in_repository(root, file)
    if top is None or _git(top, "status", "--porcelain", "--", relative) != "":
        return None
    found = (_git(top, "log", "-1", "--format=%cs", "--", relative) or "").strip()
    return datetime.date.fromisoformat(found) if found else None


def revision_with_body(root: Path, file: Path, digest: str) -> Revision | None:
    """The newest commit in which `file`'s body had the sha256 `digest`: the revision a translation translates."""
    top, relative = _in_repository(root, file)
    if top is None:
        return None
    for line in (_git(top, "log", "--format=%h %cs", "--", relative) or "").splitlines():
        commit, date = line.split()
        text = _git(top, "show", f"{commit}:{relative}")
        if text is not None and body_hash(text) == digest:
            return Revision(commit, datetime.date.fromisoformat(date))
    return None


def diff_since(root: Path, file: Path, revision: Revision) -> str | None:
    """The unified diff of `file`'s body from `revision` to the working tree."""
    top, relative = _in_repository(root, file)
    then = _git(top, "show", f"{revision.commit}:{relative}") if top else None
    if then is None:
        return None
    now = body(file.read_text(encoding="utf-8"))
    lines = difflib.unified_diff(
        body(then).splitlines(keepends=True), now.splitlines(keepends=True), f"{relative}@{revision.commit}", relative
    )
    return "".join(lines)


def _in_repository(root: Path, file: Path) -> tuple[Path | None, str]:
    """The top of the project's repository and `file` as git names it there; (None, "") outside one."""
    top = _top(root.resolve())
    if top is None:
        return None, ""
    try:
        return top, file.resolve().relative_to(top).as_posix()
    except ValueError:
        return None, ""


@functools.cache
def _top(root: Path) -> Path | None:
    found = (_git(root, "rev-parse", "--show-toplevel") or "").strip()
    return Path(found).resolve() if found else None
