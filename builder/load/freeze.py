"""`partnerkb version freeze NAME`: today's pages as a snapshot version (the Docusaurus model)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..core.problems import Report
from .sources import snapshot_folder


def freeze(root: Path, name: str, report: Report) -> str | None:
    """Copy content/ to versions/NAME/content; return the entry to add to partners/program.yml."""
    target = root / snapshot_folder(name)
    if target.exists():
        report.error(
            snapshot_folder(name), 1, "version-exists", f"version '{name}' is frozen already; remove the folder to freeze it again"
        )
        return None
    if not (root / "content").is_dir():
        report.error("content", 1, "missing-file", "folder not found")
        return None
    shutil.copytree(root / "content", target, ignore=shutil.ignore_patterns(".*"))
    return f'  - name: "{name}"\n    title: "{name}"\n    source: snapshot\n'
