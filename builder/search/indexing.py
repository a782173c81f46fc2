"""A tree's search index, written from the tree itself: `dist/<region>/search/<tier>/<version>/`."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .backend import Backend, Searcher
from .documents import tree_documents
from .whoosh_index import WhooshBackend

BACKEND: Backend = WhooshBackend()


@dataclass(frozen=True)
class Indexed:
    """One tree indexed: how many documents, and how long it took."""

    variant_id: str
    documents: int
    seconds: float


def index_tree(variant_id: str, site_dir: Path, version: str, languages: tuple[str, ...], folder: Path) -> Indexed:
    """Index the rendered tree `site_dir` (a version's folder) into the empty `folder` (in a worker process).

    The index is seeded with the digest of its documents: the same tree gives the same bytes.
    """
    started = time.monotonic()
    documents = list(tree_documents(site_dir, version))
    seed = hashlib.sha256()
    for document in documents:
        seed.update(json.dumps(asdict(document), ensure_ascii=False, sort_keys=True).encode() + b"\0")
    folder.mkdir(parents=True, exist_ok=True)
    BACKEND.build(documents, languages, folder, seed.digest())
    return Indexed(variant_id, len(documents), time.monotonic() - started)


def open_index(folder: Path) -> Searcher:
    return BACKEND.open(folder)
