"""The command line: every command has --help and is documented; check and audit on the example portal."""

from __future__ import annotations

import pytest

from conftest import REGENERATE, REPO, run

COMMANDS = ["build", "check", "audit"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_takes_project(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0
    assert "--project" in output and "Usage:" in output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"partnerkb {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_version() -> None:
    code, output = run("--version")
    assert code == 0 and output.startswith("partnerkb, version ")


def test_example_portal_checks_clean_under_strict() -> None:
    code, output = run("check", "--strict", "--project", str(REPO))
    assert code == 0, output
    assert output == ""


def test_unknown_command_is_a_usage_error() -> None:
    code, _ = run("deploy")
    assert code == 2


def test_authors_guide_shows_every_schema_as_declared() -> None:
    """Each `<!-- schema:NAME -->` table of AUTHORING.md is the schema as the code declares it.

    PARTNERKB_REGEN_GOLDEN=1 rewrites the tables from the code instead.
    """
    import re

    from builder.core.schema import markdown_table
    from builder.features import catalog, collateral, partners, training
    from builder.load import pages, program

    schemas = {
        "FRONT": pages.FRONT_MATTER_FIELDS, "PROGRAM": program.PROGRAM_FIELDS, "TIER": program.TIER_FIELDS,
        "REQUIREMENT": program.REQUIREMENT_FIELDS, "REGION": program.REGION_FIELDS, "VERSION": program.VERSION_FIELDS,
        "SERVING": program.SERVING_FIELDS,
        "PRODUCT": catalog.PRODUCT_FIELDS, "SKU": catalog.SKU_FIELDS, "COURSE": training.COURSE_FIELDS,
        "PATH": training.PATH_FIELDS, "SESSION": training.SESSION_FIELDS, "QUESTION": training.QUESTION_FIELDS,
        "PARTNER": partners.PARTNER_FIELDS, "CONTACT": partners.CONTACT_FIELDS, "METRICS": partners.METRIC_FIELDS,
        "COLLATERAL": collateral.COLLATERAL_FIELDS,
    }  # fmt: skip
    path = REPO / "AUTHORING.md"
    guide = path.read_text(encoding="utf-8")
    if REGENERATE:
        for name, fields in schemas.items():
            table = f"<!-- schema:{name} -->\n{markdown_table(fields)}\n<!-- /schema -->"
            guide = re.sub(rf"<!-- schema:{name} -->\n.*?<!-- /schema -->", lambda _: table, guide, flags=re.S)  # noqa: B023
        path.write_text(guide, encoding="utf-8")
    assert sorted(re.findall(r"<!-- schema:(\w+) -->", guide)) == sorted(schemas)
    for name, fields in schemas.items():
        assert f"<!-- schema:{name} -->\n{markdown_table(fields)}\n<!-- /schema -->" in guide, (
            f"{name} (regenerate: PARTNERKB_REGEN_GOLDEN=1)"
        )
