"""Search: the Whoosh index of each tree, `partnerkb search`, the relevance set, and gating through search."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.query import And, AndNot, Not, Or, Term
from whoosh.query import Query as WhooshQuery

from builder.cli import main
from builder.render.run import with_folded_fields
from builder.search.backend import Query, Searcher
from builder.search.documents import page_documents
from builder.search.indexing import open_index
from builder.search.scoring import simplified
from builder.search.snippets import marked
from conftest import REPO, run

RELEVANCE = Path(__file__).parent / "search" / "relevance.yml"


def search(*args: str) -> tuple[int, dict[str, object] | str]:
    """`partnerkb search` in-process: (exit code, its JSON when it printed some, else its output)."""
    result = CliRunner().invoke(main, ["search", *args])
    try:
        return result.exit_code, json.loads(result.stdout)
    except ValueError:
        return result.exit_code, result.output


# --- documents, from HTML ----------------------------------------------------------------------

PAGE = """<!doctype html><html lang="en"><head><title>X</title></head><body>
<nav>Navigation words never indexed</nav>
<article class="md-content__inner md-typeset">
<div class="pkb-meta"><span class="pkb-badge">Gold partner</span></div>
<h1 id="beacon-saas">Beacon SaaS<a class="headerlink" href="#beacon-saas">&para;</a></h1>
<p>Hosted metrics &amp; logs.</p>
<h2 id="editions-and-skus">Editions and SKUs</h2>
<table><tr><th>SKU</th><th>Name</th></tr><tr><td><code>BCN-1</code></td><td>Starter</td></tr></table>
<script>var hidden = "script words";</script>
</article></body></html>"""


def test_a_product_page_gives_the_product_its_sections_and_its_skus() -> None:
    documents = page_documents(PAGE, "2026.2/catalog/beacon-saas/")
    assert [(d.type, d.url, d.section) for d in documents] == [
        ("product", "2026.2/catalog/beacon-saas/", ""),
        ("product", "2026.2/catalog/beacon-saas/#editions-and-skus", "Editions and SKUs"),
        ("sku", "2026.2/catalog/beacon-saas/#editions-and-skus", "BCN-1 Starter"),
    ]
    top = documents[0]
    assert (top.title, top.language, top.product, top.text) == ("Beacon SaaS", "en", "beacon-saas", "Hosted metrics & logs.")
    everything = " ".join(d.text + d.title + d.section for d in documents)
    assert "Navigation" not in everything and "script" not in everything and "Gold partner" not in everything


def test_list_items_are_results_of_their_own_and_fallback_copies_are_left_out() -> None:
    sessions = PAGE.replace("<h2 ", "<h3 ").replace("</h2>", "</h3>")
    documents = page_documents(sessions, "2026.2/training/sessions/")
    assert [d.type for d in documents] == ["page", "session"] and documents[1].page == documents[1].url
    fallback = PAGE.replace('<div class="pkb-meta">', '<p class="pkb-fallback">Not translated yet</p><div class="pkb-meta">')
    assert page_documents(fallback, "2026.2/ja/faq/") == []


def test_the_static_index_gets_folded_copies_of_words_with_diacritics() -> None:
    docs = [{"location": "vi/", "title": "Hướng dẫn", "text": "Đăng ký <b>thương vụ</b> Beacon"}]
    folded, config = with_folded_fields(docs, {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}})
    assert folded[0]["title_folded"] == "huong dan"
    assert folded[0]["text_folded"] == "dang ky thuong vu"  # only the words that folding changes
    assert config["fields"]["title_folded"] == {"boost": 1000.0}


# --- the example portal --------------------------------------------------------------------------


@pytest.mark.slow
def test_relevance_set(example_dist: Path) -> None:
    """What partners ask, in English, German, Japanese and Vietnamese (with and without diacritics)."""
    cases = yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))
    assert len(cases) >= 60
    searchers = {}
    passed, reciprocal, failures = 0, 0.0, []
    for case in cases:
        region = case["region"]
        if region not in searchers:
            searchers[region] = open_index(example_dist / region / "search" / "gold" / "2026.2")
        results = searchers[region].search(Query(case["q"], (case["lang"],), None, case["lang"], 10))
        pages = [hit.url.split("#")[0] for hit in results.hits]
        rank = pages.index(case["expect"]) + 1 if case["expect"] in pages else None
        reciprocal += 1 / rank if rank else 0.0
        if rank is not None and rank <= case["top"]:
            passed += 1
        else:
            failures.append(f"{case['q']!r} ({case['lang']}): {case['expect']} at {rank}, got {pages[:3]}")
    for searcher in searchers.values():
        searcher.close()
    share, mrr = passed / len(cases), reciprocal / len(cases)
    print(f"relevance: {passed}/{len(cases)} pass ({share:.1%}), MRR {mrr:.3f}")
    assert share >= 0.9, "\n".join(failures)


@pytest.mark.slow
def test_search_command_answers_its_json_contract(example_dist: Path) -> None:
    dist = str(example_dist)
    code, answer = search(
        "dang ky", "--region", "apac", "--tier", "gold", "--dist", dist, "--locale", "vi", "--limit", "3", "--format", "json"
    )
    assert code == 0 and isinstance(answer, dict), answer
    assert sorted(answer) == ["facets", "query", "results", "suggestion", "total"]
    assert answer["query"] == "dang ky" and answer["suggestion"] is None and answer["total"] >= len(answer["results"]) == 3
    first = answer["results"][0]
    assert sorted(first) == ["language", "score", "snippet", "title", "type", "url"]
    assert first["language"] == "vi" and first["url"].startswith("2026.2/vi/")
    assert "<mark>" in first["snippet"] and "<" not in first["snippet"].replace("<mark>", "").replace("</mark>", "")
    assert len({r["url"].split("#")[0] for r in answer["results"]}) == 3  # one result per page
    # Facets are counted before the type and language filters.
    code, every = search("Beacon", "--region", "apac", "--tier", "gold", "--dist", dist, "--format", "json")
    code, products = search("Beacon", "--region", "apac", "--tier", "gold", "--dist", dist, "--type", "product", "--format", "json")
    assert isinstance(every, dict) and isinstance(products, dict)
    assert set(every["facets"]["language"]) == {"en", "ja", "vi"} and products["facets"] == every["facets"]
    assert products["total"] == every["facets"]["type"]["product"] and {r["type"] for r in products["results"]} == {"product"}


@pytest.mark.slow
def test_search_command_refuses_what_the_program_does_not_define(example_dist: Path) -> None:
    dist = str(example_dist)
    base = ["--dist", dist]
    assert search("x", "--region", "mars", "--tier", "gold", *base)[0] == 2
    assert search("x", "--region", "eu", "--tier", "diamond", *base)[0] == 2
    assert search("x", "--region", "eu", "--tier", "gold", "--docs-version", "1999", *base)[0] == 2
    assert search("x", "--region", "eu", "--tier", "gold", "--locale", "ja", *base)[0] == 2
    assert search("x", "--region", "eu", "--tier", "gold", "--type", "recipe", *base)[0] == 2
    assert search("x", "--region", "eu", "--tier", "gold", "--limit", "51", *base)[0] == 2
    code, output = search("x", "--region", "na", "--tier", "gold", *base)  # na is not built here
    assert code == 1 and "partnerkb build --region na --tier gold" in str(output)
    code, answer = search("registraton", "--region", "eu", "--tier", "gold", "--docs-version", "latest", "--format", "json", *base)
    assert code == 0 and isinstance(answer, dict) and answer["total"] == 0 and answer["suggestion"] == "registration"


# --- gating through search ------------------------------------------------------------------------


@pytest.mark.slow
def test_gold_words_are_never_found_below_gold(tiny_built: tuple[Path, Path]) -> None:
    """Words only gold content holds, whatever the query, type or language, in both layers of every lower tree."""
    project, dist = tiny_built
    gold_only = ["obsidian", "lantern", "quantum", "marmalade"]
    for region in ("na", "eu"):
        for tier in ("registered", "silver"):
            searcher = open_index(dist / region / "search" / tier / "1.0")
            for word in gold_only:
                for kind in (None, "page", "product"):
                    results = searcher.search(Query(word, ("en", "de"), kind, None, 50))
                    assert results.total == 0 and sum(results.facets["type"].values()) == 0, (region, tier, word)
            searcher.close()
            static = " ".join(p.read_text(encoding="utf-8") for p in (dist / region / tier).rglob("search_index.json"))
            assert not any(word in static.lower() for word in gold_only)
        gold = open_index(dist / region / "search" / "gold" / "1.0")
        assert gold.search(Query("obsidian lantern", ("en",), None, None, 5)).total == 1
        gold.close()


@pytest.mark.slow
def test_the_audit_catches_a_word_planted_in_an_index(tiny_built: tuple[Path, Path], tmp_path: Path) -> None:
    from whoosh.index import open_dir

    project, dist = tiny_built
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    index = open_dir(str(copy / "na" / "search" / "silver" / "1.0"))
    writer = index.writer()
    sentence = "The obsidian lantern comparison wins against every incumbent vendor."  # of the gold page content/vault.md
    writer.add_document(url="1.0/x/", page="1.0/x/", type="page", language="en", title="X", content=sentence)
    writer.commit()
    code, output = run("audit", str(copy), "--project", str(project))
    assert code == 1 and "search/silver/1.0:1: leak: text of 'content/vault.md'" in output, output


def test_every_type_is_documented() -> None:
    from builder.search.documents import TYPES

    guide = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"`{kind}`" in guide for kind in TYPES)


# --- the analysers, on a small index -------------------------------------------------------------


def small_index(folder: Path, *texts: tuple[str, str]) -> Path:
    from builder.search.documents import Document
    from builder.search.whoosh_index import WhooshBackend

    documents = [Document(f"1/p{i}/", f"1/p{i}/", "page", lang, f"Page {i}", "", "", "", text) for i, (lang, text) in enumerate(texts)]
    folder.mkdir()
    WhooshBackend().build(documents, ("en", "ja", "vi"), folder, b"seed")
    return folder


def urls(folder: Path, text: str, lang: str) -> list[str]:
    searcher = open_index(folder)
    try:
        return [hit.url for hit in searcher.search(Query(text, ("en", "ja", "vi"), None, lang, 10)).hits]
    finally:
        searcher.close()


def test_vietnamese_matches_with_and_without_diacritics_and_the_exact_one_ranks_first(tmp_path: Path) -> None:
    folder = small_index(tmp_path / "index", ("vi", "Hướng dẫn đăng ký thương vụ"), ("vi", "Huong dan dang ky thuong vu"))
    assert urls(folder, "hướng dẫn", "vi") == ["1/p0/", "1/p1/"]
    assert urls(folder, "huong dan", "vi") == ["1/p1/", "1/p0/"]
    assert urls(folder, "ĐĂNG KÝ", "vi")[0] == "1/p0/"  # case-insensitive; đ is folded as d


def test_japanese_two_character_words_are_found_inside_a_run_of_text(tmp_path: Path) -> None:
    folder = small_index(tmp_path / "index", ("ja", "パートナーは案件登録を行います"), ("ja", "製品カタログの説明"))
    assert urls(folder, "登録", "ja") == ["1/p0/"]
    assert urls(folder, "案件登録", "ja") == ["1/p0/"]
    assert urls(folder, "カタログ", "ja") == ["1/p1/"]
    assert urls(folder, "登件", "ja") == []  # a pair that is not in the text


def test_english_is_stemmed_and_the_same_documents_give_the_same_bytes(tmp_path: Path) -> None:
    first = small_index(tmp_path / "a", ("en", "Register your deals early"), ("en", "Severity levels"))
    second = small_index(tmp_path / "b", ("en", "Register your deals early"), ("en", "Severity levels"))
    assert urls(first, "deal", "en") == ["1/p0/"] and urls(first, "registered", "en") == ["1/p0/"]
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}


def test_the_blocks_of_a_page_stay_apart_for_the_audit(tmp_path: Path) -> None:
    """Two paragraphs side by side are no phrase: "…approved scorecard." then "Bundle for…" must not
    read as "scorecard bundle" (a gated heading elsewhere) in the index, as they do not in the page."""
    from builder.release.decode import BLOCK_BREAK, read_search_index
    from builder.search.documents import Document
    from builder.search.whoosh_index import WhooshBackend

    page = PAGE.replace("<p>Hosted metrics &amp; logs.</p>", "<p>Approved scorecard.</p><ul><li>Bundle for dispatch</li></ul>")
    (top, *_) = page_documents(page, "2026.2/catalog/beacon-saas/")
    assert top.text == "Approved scorecard.\nBundle for dispatch" and "\n" not in top.summary
    folder = tmp_path / "index"
    folder.mkdir()
    WhooshBackend().build([Document(**{**top.__dict__})], ("en",), folder, b"seed")
    lines = (read_search_index(folder).text or "").split("\n")
    at = lines.index("Approved scorecard.")
    assert lines[at + 1] == BLOCK_BREAK and lines[at + 2] == "Bundle for dispatch"


# --- ranking with arrays, snippets from characters ---------------------------------------------

WORDS = {
    "en": [
        "deal",
        "registration",
        "partner",
        "renewal",
        "discount",
        "quote",
        "support",
        "training",
        "course",
        "price",
        "beacon",
        "agents",
        "registered",
    ],
    "de": ["Partner", "Rabatt", "Verlängerung", "Angebot", "Schulung", "Kurs", "Preis", "Übersicht", "Registrierung", "Anforderungen"],
    "vi": ["đăng", "ký", "thương", "vụ", "đối", "tác", "hạng", "chiết", "khấu", "giá", "hỗ", "trợ", "đào", "tạo"],
    "ja": ["案件", "登録", "パートナー", "割引", "更新", "見積", "研修", "製品", "価格"],
}
QUERIES = [
    "deal", "deal registration", "registered deals", '"deal registration"', "deal AND renewal", "deal NOT quote",
    "deal -quote", "regist*", "Partner Rabatt", "Rabatt OR Preis", "dang ky", "đăng ký", "案件登録", "価格", "nothing",
    "the", "partner^3 price", "title:x", "(deal OR quote) AND price", "Übersicht", "uebersicht",
    "deal ANDNOT quote", "deal ANDMAYBE price", "deal ANDNOT regist*",
]  # fmt: skip


def random_index(folder: Path, count: int = 240) -> Path:
    import random

    from builder.search.documents import Document
    from builder.search.whoosh_index import WhooshBackend

    rng = random.Random(7)
    documents = []
    for number in range(count):
        lang = ("en", "de", "vi", "ja")[number % 4]
        text = ("" if lang == "ja" else " ").join(rng.choices(WORDS[lang], k=rng.randint(3, 40)))
        title = " ".join(rng.choices(WORDS[lang], k=2))
        page = f"1/p{number // 2}/"
        documents.append(Document(page if number % 2 == 0 else f"{page}#s", page, "page", lang, title, "", "", "", text))
    folder.mkdir()
    WhooshBackend().build(documents, ("en", "de", "vi", "ja"), folder, b"seed")
    return folder


def whoosh_reading(query: WhooshQuery) -> WhooshQuery:
    """The query Whoosh's matchers would answer as partnerkb reads it: NOT under OR removes (in Whoosh, it adds)."""
    if isinstance(query, (Or, And)) and any(isinstance(sub, Not) for sub in query.subqueries):
        kept = type(query)([sub for sub in query.subqueries if not isinstance(sub, Not)])
        return AndNot(kept, Or([sub.query for sub in query.subqueries if isinstance(sub, Not)]))
    return query


def test_array_scores_are_whooshs_own_scores(tmp_path: Path) -> None:
    """Each parsed query matches the documents Whoosh's own matchers match, with the scores they give."""
    searcher = open_index(random_index(tmp_path / "index"))
    try:
        for text in QUERIES:
            for lang in searcher.languages:
                parsed = simplified(searcher._parser(lang).parse(text), searcher.reader)
                expected = {hit.docnum: hit.score for hit in searcher.searcher.search(whoosh_reading(parsed), limit=None)}
                found = searcher.vectors.match(parsed)
                assert set(found.mask.nonzero()[0].tolist()) == set(expected), (text, lang)
                for docnum, score in expected.items():
                    assert found.scores[docnum] == pytest.approx(score, rel=1e-9), (text, lang, docnum)
    finally:
        searcher.close()


def test_not_removes_what_it_matches() -> None:
    assert whoosh_reading(Or([Term("f", "a"), Not(Term("f", "b"))])) == AndNot(Or([Term("f", "a")]), Or([Term("f", "b")]))


PIECES = [*"deal quote 案件 đăng \"*?~^:()[]{}+-!/\\&|<>='", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", " TO ", "title:", "text_en_folded:"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_no_query_text_makes_the_searcher_fail(random_searcher: Searcher, text: str) -> None:
    results = random_searcher.search(Query(text, random_searcher.languages))
    assert results.total >= len(results.hits)


@pytest.fixture(scope="module")
def random_searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    searcher = open_index(random_index(tmp_path_factory.mktemp("random") / "index"))
    yield searcher
    searcher.close()


def test_a_snippet_marks_the_words_in_the_best_window_of_the_text() -> None:
    text = "Intro words. " * 20 + "Register a deal early & often: a deal <registered> early wins. " + "Outro words. " * 20
    start = text.index("Register")
    spans = [(start, start + 8, "registr"), (text.index("deal"), text.index("deal") + 4, "deal"), (10, 15, "word")]
    snippet = marked(text, spans)
    assert "<mark>Register</mark> a <mark>deal</mark> early &amp; often" in snippet
    assert "&lt;registered&gt;" in snippet and snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 160 + 20  # escapes and ellipses aside


def test_a_snippet_merges_overlapping_pairs_and_keeps_whole_words() -> None:
    assert (
        marked("パートナーは案件登録を行います", [(6, 8, "案件"), (7, 9, "件登"), (8, 10, "登録")])
        == "パートナーは<mark>案件登録</mark>を行います"
    )
    assert marked("no match here", []) == ""
    assert marked("short", [(0, 5, "short"), (3, 99, "beyond")]) == "<mark>short</mark>"  # spans past the text are left out
