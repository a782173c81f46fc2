"""A tree's search index, written from the tree itself: `dist/<region>/search/<tier>/<version>/`."""

from __future__ import annotations

import hashlib
import json
import shutil
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


def index_trees(trees: list[tuple[str, Path, str, tuple[str, ...], Path]]) -> list[Indexed]:
    """Index each rendered tree `(variant_id, site_dir, version, languages, folder)` into its empty
    `folder`, one after the other (in a worker process).

    An index is a function of its documents and languages alone (seeded with their digest, it is
    the same bytes each time): a tree whose documents another tree of the run had, as the tiers
    of a version without gated text do, gets a copy of that index.
    """
    made: dict[tuple[bytes, tuple[str, ...]], Path] = {}
    indexed = []
    for variant_id, site_dir, version, languages, folder in trees:
        started = time.monotonic()
        documents = list(tree_documents(site_dir, version))
        seed = hashlib.sha256()
        for document in documents:
            seed.update(json.dumps(asdict(document), ensure_ascii=False, sort_keys=True).encode() + b"\0")
        folder.parent.mkdir(parents=True, exist_ok=True)
        same = (seed.digest(), languages)
        if same in made:
            shutil.copytree(made[same], folder)
        else:
            folder.mkdir()
            BACKEND.build(documents, languages, folder, seed.digest())
            made[same] = folder
        indexed.append(Indexed(variant_id, len(documents), time.monotonic() - started))
    return indexed


def open_index(folder: Path) -> Searcher:
    return BACKEND.open(folder)
