"""The command line: every command has --help and is documented; check and audit on the example portal."""

from __future__ import annotations

import pytest

from conftest import REPO, run

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
    code, _ = run("publish")
    assert code == 2


def test_authors_guide_shows_every_schema_as_declared() -> None:
    from builder import load
    from builder.schema import markdown_table

    guide = (REPO / "AUTHORING.md").read_text(encoding="utf-8")
    from builder import catalog, collateral, partners, training

    schemas = [load.FRONT_MATTER_FIELDS, load.PROGRAM_FIELDS, load.TIER_FIELDS, load.REQUIREMENT_FIELDS, load.REGION_FIELDS]
    schemas += [load.VERSION_FIELDS, catalog.PRODUCT_FIELDS, catalog.SKU_FIELDS]
    schemas += [training.COURSE_FIELDS, training.PATH_FIELDS, training.SESSION_FIELDS, training.QUESTION_FIELDS]
    schemas += [partners.PARTNER_FIELDS, partners.CONTACT_FIELDS, partners.METRIC_FIELDS, collateral.COLLATERAL_FIELDS]
    for fields in schemas:
        assert markdown_table(fields) in guide
