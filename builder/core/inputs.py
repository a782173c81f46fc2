"""What a build reads, as digests: the builder itself (its code, templates and packages) and the project's inputs.

Every cache of the build is keyed by digests taken here, so that a cached result is used only for
the inputs it was made from. `PROJECT_INPUTS` names every file and folder of a project that the
build reads; a test traces the files a build opens and checks that each is named here.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import os
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

from .paths import PACKAGE

# The project's files and folders that a build reads (besides git refs, which are digested by commit).
PROJECT_INPUTS = ("mkdocs.yml", "content", "versions", "partners", "locales", "theme")
# The packages whose versions change what the builder makes of the same inputs.
PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "pymdown-extensions", "Markdown", "Jinja2", "weasyprint", "pypdf", "babel")


def files_under(path: Path) -> list[Path]:
    """Every file at or below `path` (none when it does not exist), byte code caches left out, in a fixed order."""
    if path.is_file():
        return [path]
    found = []
    for folder, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [Path(folder, name) for name in sorted(names)]
    return found


def hash_files(digest: hashlib._Hash, root: Path, paths: Iterable[Path]) -> None:
    """Each file's name below `root` and content into `digest`, in the order given."""
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


@functools.cache
def builder_digest() -> bytes:
    """The digest of the builder's own files and of the versions of the packages it drives (once per process)."""
    digest = hashlib.sha256()
    hash_files(digest, PACKAGE, files_under(PACKAGE))
    for package in PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\0".encode())
    return digest.digest()


def project_digest(root: Path, partners_dir: Path | None) -> bytes:
    """The digest of every input file of a project (partner files from `partners_dir` when given)."""
    digest = hashlib.sha256(builder_digest())
    for name in PROJECT_INPUTS:
        hash_files(digest, root, files_under(root / name))
    if partners_dir is not None:
        digest.update(b"\0partners-dir\0")
        hash_files(digest, partners_dir, files_under(partners_dir))
    return digest.digest()


def file_digest(path: Path) -> str:
    """The sha256 of a file, or of a folder's files with their names (a search index)."""
    if path.is_dir():
        digest = hashlib.sha256()
        hash_files(digest, path, files_under(path))
        return f"folder:{digest.hexdigest()}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_digest(value: Any) -> bytes:
    """The digest of typed models (dataclasses, with their mappings, sets, paths and dates), the same in
    every process. Not a pickle: a pickled set lists its items in the order of string hashes, which
    differs between processes, so a key made of one would never match the next build's."""
    return hashlib.sha256(repr(_canonical(value)).encode("utf-8")).digest()


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, tuple((f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((_canonical(item) for item in value), key=repr)))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted(((_canonical(k), _canonical(v)) for k, v in value.items()), key=repr)))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    if value is None or isinstance(value, (str, int, float, bytes)):
        return value
    if isinstance(value, PurePath):
        return ("path", value.as_posix())
    if isinstance(value, (datetime.date, datetime.time)):  # datetimes too
        return ("time", value.isoformat())
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__qualname__, value.name)
    raise TypeError(f"no stable digest of a {type(value).__qualname__}")  # a key must never miss what it cannot read
