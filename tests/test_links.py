"""The link checker reads links as the renderer makes them: no false errors, no missed ones."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, edit, run

FIXTURES = Path(__file__).parent / "fixtures" / "links"


def write(project: Path, relative: str, text: str) -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def page(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n\n{body}"


def problems(project: Path, *args: str) -> list[tuple[str, int, str, str]]:
    """`partnerkb check --format json` as (file, line, code, message), every problem of the run."""
    code, output = run("check", "--project", str(project), "--format", "json", *args)
    found = json.loads(output[: output.rindex("]") + 1])
    assert code == (1 if found else 0), output
    return [(p["file"], p["line"], p["code"], p["message"]) for p in found]


def add_extensions(project: Path, *names: str) -> None:
    edit(project, "mkdocs.yml", "markdown_extensions:\n", "markdown_extensions:\n" + "".join(f"  - {n}\n" for n in names))


# Bodies of content/links.md: nothing here is a link the renderer makes, so nothing may be reported.
NOT_LINKS = {
    "python fence": '# Code\n\n```python\nanswer = ml_models["answer"](x)\n```\n',
    "jinja fence": "# Template\n\n```jinja\n<a href=\"{{ url_for('read_item', id=id) }}\">item</a>\n```\n",
    "tilde fence": "# Code\n\n~~~\n[setup](setup.md)\n~~~\n",
    "indented code": '# Code\n\nExample:\n\n    [setup](setup.md)\n    <img src="missing.png">\n',
    "fence in a list": "# Code\n\n1. Run this:\n\n    ```\n    [setup](setup.md)\n    ```\n",
    "code span": '# Code\n\nWrite `[text](missing.md)` or `<a href="missing.md">`.\n',
    "comment": '# Comment\n\n<!-- [draft](draft.md) <img src="draft.png"> -->\n\nText.\n',
    "unused reference definition": "# Refs\n\nText.\n\n[unused]: missing.md\n",
    "escaped brackets": "# Text\n\n\\[not a link\\](missing.md)\n",
}


@pytest.mark.parametrize("name", sorted(NOT_LINKS))
def test_text_that_is_not_a_link_is_not_checked(tiny: Path, name: str) -> None:
    write(tiny, "content/links.md", page("Links", NOT_LINKS[name]))
    assert problems(tiny) == []


def test_footnotes_are_text_and_their_links_are_checked(tiny: Path) -> None:
    shutil.copy(FIXTURES / "footnotes.md", tiny / "content" / "survey.md")
    assert problems(tiny) == []  # without the footnotes extension, `[^1]: Source …` is a paragraph
    add_extensions(tiny, "footnotes")
    assert problems(tiny) == []
    edit(tiny, "content/survey.md", "see the [guide](guide.md)", "see the [guide](guides.md)")
    assert problems(tiny) == [("content/survey.md", 12, "broken-link", "link to 'content/guides.md', which does not exist")]


def test_abbreviations_are_not_links(tiny: Path) -> None:
    add_extensions(tiny, "abbr")
    write(tiny, "content/links.md", page("Links", "# Terms\n\nEvery MDF claim is checked.\n\n*[MDF]: Market development funds\n"))
    assert problems(tiny) == []


def test_links_the_renderer_makes_are_checked_at_their_line(tiny: Path) -> None:
    body = (
        "# Links\n"  # line 5
        "\n"
        'A [reference link][missing] and raw HTML: <a href="nothing.md">nothing</a>.\n'  # line 7
        "\n"
        "```text\n"
        "[nothing](nothing.md) in code first\n"
        "```\n"
        "\n"
        "Then [a real one](nothing.md).\n"  # line 13
        "\n"
        "[missing]: gone.md\n"  # line 15
    )
    write(tiny, "content/links.md", page("Links", body))
    assert problems(tiny) == [
        ("content/links.md", 7, "broken-link", "link to 'content/nothing.md', which does not exist"),
        ("content/links.md", 13, "broken-link", "link to 'content/nothing.md', which does not exist"),
        ("content/links.md", 15, "broken-link", "link to 'content/gone.md', which does not exist"),
    ]


def test_a_missing_anchor_is_an_error_that_stops_the_build(tiny: Path, tmp_path: Path) -> None:
    write(tiny, "content/links.md", page("Links", "# Links\n\nSee [the guide](guide.md#no-such-heading) and [here](#link).\n"))
    expected = [
        (
            "content/links.md",
            7,
            "broken-anchor",
            "link to 'content/guide.md#no-such-heading': the page has no heading or id 'no-such-heading'",
        ),
        (
            "content/links.md",
            7,
            "broken-anchor",
            "link to 'content/links.md#link': the page has no heading or id 'link' (did you mean 'links'?)",
        ),
    ]
    assert problems(tiny, "--strict") == expected
    code, output = run("build", "--project", str(tiny), "--out", str(tmp_path / "dist"))
    assert code == 1 and "links.md:7: link to 'content/guide.md#no-such-heading'" in output
    assert not (tmp_path / "dist").exists()


def test_anchors_of_headings_and_attribute_lists_are_found(tiny: Path) -> None:
    edit(tiny, "content/guide.md", "# Guide\n", "# Guide\n\n## Deal desk { #desk }\n\n## Next steps\n")
    body = "# Links\n\n[desk](guide.md#desk), [steps](guide.md#next-steps), [top](#links), [folder](training/#top)\n"
    write(tiny, "content/links.md", page("Links", body))
    assert [p[2:] for p in problems(tiny)] == [
        ("broken-anchor", "link to 'content/training/index.md#top': the page has no heading or id 'top'")
    ]


def test_a_link_to_a_heading_only_a_higher_tier_sees_is_named_as_such(tiny: Path) -> None:
    edit(tiny, "content/guide.md", "Gold partners unlock", "### Falcon cards\n\nGold partners unlock")
    write(tiny, "content/links.md", page("Links", "# Links\n\nAsk for the [falcon cards](guide.md#falcon-cards).\n"))
    assert problems(tiny) == [
        (
            "content/links.md",
            7,
            "gated-anchor",
            "link to 'content/guide.md#falcon-cards', a heading only the eu/gold, na/gold build shows (it is gated); the eu/registered, eu/silver, na/registered, na/silver build would have a broken link (gate the link the same way)",
        )
    ]
    edit(tiny, "content/links.md", "Ask for", "/// tier | gold\nAsk for")
    edit(tiny, "content/links.md", "cards).\n", "cards).\n///\n")
    assert problems(tiny) == []


def test_anchors_are_those_of_the_readers_language(tiny: Path) -> None:
    write(tiny, "content/faq.md", page("FAQ", "# FAQ\n\n## Pricing questions\n\nText.\n"))
    write(tiny, "content/faq.de.md", page("FAQ", "# FAQ\n\n## Fragen zu Preisen\n\nText.\n"))
    edit(
        tiny,
        "content/index.de.md",
        "Lesen Sie",
        "Siehe [Preise](faq.md#fragen-zu-preisen) und [Preise](faq.md#pricing-questions).\nLesen Sie",
    )
    assert problems(tiny) == [
        (
            "content/index.de.md",
            10,
            "broken-anchor",
            "link to 'content/faq.md#pricing-questions': the page in 'de' has no heading or id 'pricing-questions'",
        )
    ]


def test_a_root_absolute_link_has_its_own_code_and_the_relative_form(tiny: Path) -> None:
    body = '# Links\n\nThe [guide](/guide/#guide), the [home](/), a <img src="/img/public.svg" alt=""> and an ![image](/img/none.png).\n'
    write(tiny, "content/sub/links.md", page("Links", body))
    found = problems(tiny)
    assert {(p[0], p[1], p[2]) for p in found} == {("content/sub/links.md", 7, "root-link")}
    hints = sorted(re.sub(r".*; ", "", p[3]) for p in found)
    assert hints == [
        "and no page or file 'content/img/none.png' exists either",
        "write it relative to this page: '../guide.md#guide'",
        "write it relative to this page: '../img/public.svg'",
        "write it relative to this page: '../index.md'",
    ]


def test_an_external_link_has_its_scheme_checked_not_fetched(tiny: Path) -> None:
    body = '# Links\n\n[site](https://example.com/x), [mail](mailto:partners@example.com), [cdn](//cdn.example.com/a.js), [run](javascript:alert(1)), <a href="data:text/html,hi">d</a>\n'
    write(tiny, "content/links.md", page("Links", body))
    allowed = "a page links only to http, https, mailto, tel URLs, to files of the site and to anchors"
    assert [p[2:] for p in problems(tiny)] == [
        ("unsafe-url", f"link to 'data:text/html,hi': {allowed}"),
        ("unsafe-url", f"link to 'javascript:alert(1)': {allowed}"),
    ]


def test_a_page_that_fails_to_load_is_reported_once(tiny: Path) -> None:
    write(tiny, "content/broken.md", "---\ntitle: [unclosed\n---\n\n# Broken\n")
    edit(tiny, "content/index.md", "Read the", "See the [broken page](broken.md#broken).\nRead the")
    found = problems(tiny)
    assert [(p[0], p[2]) for p in found] == [("content/broken.md", "yaml-syntax")]


def test_a_module_page_names_the_line_of_its_own_file(tiny: Path) -> None:
    edit(tiny, "content/training/widget-basics/02-selling.md", "Lead with", "See [the playbook](playbook.md).\n\nLead with")
    assert problems(tiny) == [
        (
            "content/training/widget-basics/02-selling.md",
            3,
            "broken-link",
            "link to 'content/training/widget-basics/playbook.md', which does not exist",
        )
    ]


# FastAPI's documentation in en, ja and vi, as the shared corpus holds it (MIT; not part of this repository).
FASTAPI = Path(os.environ.get("PARTNERKB_FASTAPI_DOCS") or REPO.parent / "shared" / "corpora" / "fastapi-docs")
_MACRO_BLOCK = re.compile(r"^\{%-? *(for|if) .*?^\{%-? *end\1 *-?%\}\n", re.DOTALL | re.MULTILINE)
_MACRO_RAW = re.compile(r"^\{% *(end)?raw *%\}\n", re.MULTILINE)


def as_portal_pages(corpus: Path, content: Path) -> int:
    """The corpus's pages as `content/fastapi/<page>.<lang>.md`, its mkdocs-macros loops blanked; the page count."""
    count = 0
    for lang in ("en", "ja", "vi"):
        for file in sorted((corpus / lang).rglob("*.md")):
            relative = file.relative_to(corpus / lang).as_posix()
            name = relative if lang == "en" else f"{relative[:-3]}.{lang}.md"
            blank = lambda found: "\n" * found.group(0).count("\n")  # noqa: E731 (lines keep their numbers)
            text = _MACRO_RAW.sub(blank, _MACRO_BLOCK.sub(blank, file.read_text(encoding="utf-8")))
            write(content / "fastapi", name, text)
            count += 1
    return count


@pytest.mark.slow
def test_a_real_multilingual_corpus_has_only_its_true_broken_links(tmp_path: Path) -> None:
    if not (FASTAPI / "en").is_dir():
        pytest.skip(f"FastAPI's docs are not at {FASTAPI} (set PARTNERKB_FASTAPI_DOCS)")
    project = tmp_path / "portal"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".git", ".venv", ".partnerkb-cache", "dist", "tests", "__pycache__"))
    assert as_portal_pages(FASTAPI, project / "content") > 200
    found = problems(project)
    root_images = [p for p in found if p[2] == "root-link"]
    assert root_images and all(re.match(r"link to '/img/[^']+' starts at the web root", p[3]) for p in root_images)
    assert all("and no page or file 'content/img/" in p[3] for p in root_images)  # the corpus carries no images
    # The Japanese translations give these headings Japanese ids: the English anchors are broken there.
    assert sorted(p[:3] for p in found if p[2] != "root-link") == [
        ("content/fastapi/fastapi-people.ja.md", 38, "broken-anchor"),
        ("content/fastapi/fastapi-people.ja.md", 79, "broken-anchor"),
        ("content/fastapi/tutorial/metadata.ja.md", 66, "broken-anchor"),
    ]
