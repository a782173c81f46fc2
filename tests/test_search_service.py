"""The search service, running for real under waitress on loopback: its contract, refusals and root swap."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Service

from conftest import copy_portal, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(tiny_built: tuple[Path, Path]) -> Iterator[Service]:
    running = Service(tiny_built[1] / "eu")
    yield running
    running.stop()


def test_it_answers_the_json_of_partnerkb_search(service: Service, tiny_built: tuple[Path, Path]) -> None:
    project, dist = tiny_built
    status, answer, headers = service.get("/api/search?q=partner&lang=de&limit=3", tier="gold")
    assert status == 200 and headers["Cache-Control"].startswith("private")
    code, output = run(
        "search", "partner", "--region", "eu", "--tier", "gold", "--dist", str(dist), "--locale", "de", "--limit", "3",
        "--format", "json", "--project", str(project),
    )  # fmt: skip
    assert code == 0 and answer == json.loads(output)
    status, health, _ = service.get("/api/health")
    assert status == 200 and health["status"] == "ok" and health["tiers"] == ["gold", "registered", "silver"]


def test_the_tier_comes_only_from_the_trusted_header(service: Service) -> None:
    status, answer, headers = service.get("/api/search?q=partner")
    assert status == 401 and "error" in answer and headers["Cache-Control"].startswith("private")
    assert service.get("/api/search?q=partner", tier="platinum")[0] == 403  # not a tier of this program
    assert service.get("/api/search?q=partner", tier="../gold")[0] == 403


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "a" * 201,
        "q=" + "a" * 100_000,
        "q=%zz",
        "q=%ff%fe",
        "q=x&q=y",
        "q=x&tier=gold",
        "q=x&limit=0",
        "q=x&limit=51",
        "q=x&limit=ten",
        "q=x&type=recipe",
        "q=x&lang=ja",
        "q=x&version=1999",
        "q=",
        "&".join(f"q{i}=x" for i in range(1000)),
    ],
    ids=lambda q: q[:24],
)
def test_bad_input_is_a_400_with_a_reason_never_a_traceback(service: Service, query: str) -> None:
    status, answer, _ = service.get(f"/api/search?{query}", tier="gold")
    assert status in (400, 414) and isinstance(answer.get("error"), str) and "Traceback" not in answer["error"], answer


def test_gold_words_are_never_found_with_a_silver_header(service: Service) -> None:
    for word in ("obsidian", "lantern", "quantum", "marmalade"):
        for extra in ("", "&lang=en", "&type=page", "&version=latest"):
            status, answer, _ = service.get(f"/api/search?q={word}{extra}", tier="silver")
            assert status == 200 and answer["total"] == 0 and answer["results"] == [], (word, extra)
    status, answer, _ = service.get("/api/search?q=obsidian", tier="gold")
    assert answer["total"] == 1


def test_the_service_follows_a_switched_root_without_dropping_a_request(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    import shutil

    from whoosh.index import open_dir

    first, second = tmp_path / "releases" / "a", tmp_path / "releases" / "b"
    shutil.copytree(tiny_built[1] / "eu", first)
    shutil.copytree(tiny_built[1] / "eu", second)
    writer = open_dir(str(second / "search" / "gold" / "1.0")).writer()
    writer.add_document(
        url="1.0/new/",
        page="1.0/new/",
        type="page",
        language="en",
        title="New",
        content="zebrafinch",
        text_en_folded="zebrafinch",
        section="",
        summary="",
        product="",
    )
    writer.commit()
    current = tmp_path / "current"
    current.symlink_to(first)
    service = Service(current)
    failures: list[object] = []
    found: list[int] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            status, answer, _ = service.get("/api/search?q=zebrafinch", tier="gold")
            if status != 200:
                failures.append((status, answer))
            else:
                found.append(int(answer["total"]))  # type: ignore[call-overload]

    askers = [threading.Thread(target=ask) for _ in range(4)]
    try:
        for thread in askers:
            thread.start()
        for target in (second, first, second):  # publish, roll back, publish again: a link replaced by rename
            time.sleep(1.5)
            link = tmp_path / "current.new"
            link.symlink_to(target)
            os.replace(link, current)
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in askers:
            thread.join()
        log = service.stop()
    assert failures == [] and len(found) > 50, log[-3000:]
    assert found[0] == 0 and found[-1] == 1 and 0 in found[found.index(1) :]  # it went there, back, and there again


def test_it_listens_beyond_loopback_only_behind_a_trusted_proxy(tiny_built: tuple[Path, Path]) -> None:
    code, output = run("search-service", "--region", "eu", "--root", str(tiny_built[1] / "eu"), "--listen", "0.0.0.0:8399")
    assert code == 2 and "--trust-proxy" in output


def test_a_region_without_indexes_is_refused(tiny: Path, tmp_path: Path) -> None:
    copy_portal(tiny, tmp_path / "p")
    code, output = run("search-service", "--region", "eu", "--root", str(tmp_path / "nothing"))
    assert code == 1 and "no search indexes" in output
