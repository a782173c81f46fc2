"""Benchmark: the Whoosh index of one tree, over N synthetic documents in English, German, Japanese and Vietnamese.

    python tests/perf/search.py --documents 10000 [--queries 400] [--dist dist]

Times writing the index (per 1,000 documents), gives its size, and times queries with a warm
searcher (p50 and p95): one- to three-word queries drawn from the same vocabulary, a third of them
filtered by language. The searcher is warmed by as many other queries drawn the same way, as a
running service is by the queries before: its terms are read, no answer is known in advance. With `--dist`, also prints each
built tree's index sizes from the region manifests (the static index per language, raw and gzip,
and the Whoosh index).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder.search.backend import Query  # noqa: E402
from builder.search.documents import TYPES, Document  # noqa: E402
from builder.search.whoosh_index import WhooshBackend, WhooshSearcher  # noqa: E402

# The portal's own words, then many more made up, drawn by Zipf's law as words of real text are.
SEED_WORDS = {
    "en": [
        "deal",
        "registration",
        "partner",
        "tier",
        "discount",
        "renewal",
        "pipeline",
        "quote",
        "order",
        "support",
        "escalation",
        "severity",
        "licence",
        "training",
        "course",
        "module",
        "session",
        "webinar",
        "product",
        "edition",
        "price",
        "beacon",
        "bastion",
        "conduit",
        "agent",
    ],
    "de": [
        "Partner",
        "Stufe",
        "Rabatt",
        "Verlängerung",
        "Angebot",
        "Bestellung",
        "Unterstützung",
        "Schulung",
        "Kurs",
        "Modul",
        "Produkt",
        "Preis",
        "Installation",
        "Konfiguration",
        "Fehlerbehebung",
        "Übersicht",
        "Anforderungen",
        "Vorteile",
        "Registrierung",
    ],
    "ja": [
        "案件",
        "登録",
        "パートナー",
        "ティア",
        "割引",
        "更新",
        "見積",
        "注文",
        "サポート",
        "研修",
        "製品",
        "価格",
        "導入",
        "設定",
        "質問",
        "特典",
        "要件",
    ],
    "vi": [
        "đăng",
        "ký",
        "thương",
        "vụ",
        "đối",
        "tác",
        "hạng",
        "chiết",
        "khấu",
        "gia",
        "hạn",
        "báo",
        "giá",
        "đặt",
        "hàng",
        "hỗ",
        "trợ",
        "đào",
        "tạo",
        "khóa",
        "học",
        "sản",
        "phẩm",
        "giá",
        "cài",
        "đặt",
    ],
}
LANGUAGES = tuple(SEED_WORDS)
VOCABULARY = 4000
_LETTERS = {
    "en": "abcdefghijklmnoprstuvwy",
    "de": "abcdefghiklmnoprstuwzäöüß",
    "ja": "あいうえおかきくけこさしすせそたちつてとなにのはひふまみむめもやゆよらりるれろわんアイウカキクサシスタチトナニハヒフマミムラリルレロン登録案件価格製品導入設定質問特典要件研修支援契約更新割引",
    "vi": "abcdeghiklmnopqrstuvxyăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ",
}


def vocabulary(lang: str, rng: random.Random) -> list[str]:
    words = list(SEED_WORDS[lang])
    low, high = (2, 3) if lang == "ja" else (3, 9)
    while len(words) < VOCABULARY:
        words.append("".join(rng.choices(_LETTERS[lang], k=rng.randint(low, high))))
    return words


def text_of(words: list[str], weights: list[float], count: int, lang: str, rng: random.Random) -> str:
    return ("" if lang == "ja" else " ").join(rng.choices(words, weights, k=count))


def documents(count: int, vocabularies: dict[str, list[str]], rng: random.Random) -> list[Document]:
    weights = [1 / rank for rank in range(1, VOCABULARY + 1)]
    docs = []
    for number in range(count):
        lang = LANGUAGES[number % len(LANGUAGES)]
        words = vocabularies[lang]
        title = text_of(words, weights, 3, lang, rng)
        text = text_of(words, weights, rng.randint(40, 160), lang, rng)
        page = f"2026.2/{lang}/page-{number // 4:05d}/"
        url = page if number % 4 == 0 else f"{page}#section-{number % 4}"
        docs.append(Document(url, page, TYPES[number % len(TYPES)], lang, title, "" if url == page else title, text[:120], "", text))
    return docs


def queries(count: int, vocabularies: dict[str, list[str]], rng: random.Random, common: bool = False) -> list[Query]:
    """Queries of one to three words a reader would type: words of the portal's own, or rarer ones
    (with `common`, the portal's own words only, each in thousands of documents)."""
    found = []
    for number in range(count):
        lang = LANGUAGES[number % len(LANGUAGES)]
        words = vocabularies[lang][: len(SEED_WORDS[lang]) if common else VOCABULARY // 4]
        text = ("" if lang == "ja" else " ").join(rng.choices(words, k=rng.randint(1, 3)))
        found.append(Query(text, LANGUAGES, None, lang if number % 3 == 0 else None, 10))
    return found


def timed(searcher: WhooshSearcher, asked: list[Query]) -> list[float]:
    """Each query's milliseconds, sorted."""
    latencies = []
    for query in asked:
        started = time.perf_counter()
        searcher.search(query)
        latencies.append((time.perf_counter() - started) * 1000)
    return sorted(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--dist", type=Path, help="A built output whose manifests give each tree's index sizes.")
    args = parser.parse_args()
    rng = random.Random(20261203)
    vocabularies = {lang: vocabulary(lang, rng) for lang in LANGUAGES}
    docs = documents(args.documents, vocabularies, rng)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        WhooshBackend().build(docs, LANGUAGES, Path(folder), b"benchmark")
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        searcher = WhooshBackend().open(Path(folder))
        rows = []
        for mix, common in (("vocabulary", False), ("common words", True)):
            for query in queries(args.queries, vocabularies, rng, common):  # warm-up
                searcher.search(query)
            rows.append((mix, timed(searcher, queries(args.queries, vocabularies, rng, common))))
        searcher.close()
    print("| documents | index build | per 1,000 documents | index size | queries | p50 | p95 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for mix, latencies in rows:
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(
            f"| {args.documents} | {seconds:.2f} s | {seconds / args.documents * 1000:.2f} s | {size / 1e6:.1f} MB "
            f"| {len(latencies)} ({mix}) | {statistics.median(latencies):.1f} ms | {p95:.1f} ms |"
        )
    if args.dist:
        print("\n| tree | static index per language (raw / gzip, KB) | Whoosh index (KB) |\n| --- | --- | --- |")
        for manifest in sorted(args.dist.glob("*/manifest.json")):
            for tree, sizes in json.loads(manifest.read_text(encoding="utf-8"))["search"].items():
                static = ", ".join(
                    f"{lang or 'default'} {s['bytes'] / 1e3:.0f} / {s['gzip'] / 1e3:.0f}" for lang, s in sizes["static"].items()
                )
                print(f"| {tree} | {static} | {sizes.get('index_bytes', 0) / 1e3:.0f} |")


if __name__ == "__main__":
    main()
