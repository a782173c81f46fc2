"""The regions side by side: the CI matrix, sharded builds merged into what one build writes, and the
repository's workflow, whose every command the CLI has."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TINY, copy_portal, run


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_matrix_lists_a_job_per_region_or_per_region_and_tier() -> None:
    code, output = run("matrix", "--project", str(TINY))
    assert code == 0, output
    assert json.loads(output) == {
        "include": [
            {"region": "na", "tier": None, "args": "--region na", "artifact": "dist-na"},
            {"region": "eu", "tier": None, "args": "--region eu", "artifact": "dist-eu"},
        ]
    }
    code, output = run("matrix", "--split", "tier", "--project", str(TINY))
    jobs = json.loads(output)["include"]
    assert len(jobs) == 6 and jobs[-1] == {"region": "eu", "tier": "gold", "args": "--region eu --tier gold", "artifact": "dist-eu-gold"}


@pytest.mark.slow
def test_the_merge_of_shards_is_byte_identical_to_one_build(tmp_path: Path) -> None:
    single, sharded = copy_portal(TINY, tmp_path / "single"), copy_portal(TINY, tmp_path / "sharded")
    code, output = run("build", "--project", str(single), "--out", str(tmp_path / "one"), "--jobs", "2")
    assert code == 0, output
    shards = []
    for index in (1, 2, 3):
        shard = tmp_path / f"shard-{index}"
        code, output = run("build", "--project", str(sharded), "--out", str(shard), "--shard", f"{index}/3", "--jobs", "2")
        assert code == 0, output
        shards.append(shard)
    assert not (shards[1] / "eu" / "partners").exists(), "only shard 1 makes the kits"
    built = [
        {"/".join(p.split("/")[:3]) for p in files_of(s) if p.count("/") > 2 and "/partners/" not in p and "/search/" not in p}
        for s in shards
    ]
    assert all(built) and not (built[0] & built[1]), built  # each variant in one shard
    code, output = run("merge", *map(str, shards), "--out", str(tmp_path / "merged"))
    assert code == 0, output
    one, merged = files_of(tmp_path / "one"), files_of(tmp_path / "merged")
    assert sorted(one) == sorted(merged)
    assert [path for path in one if one[path] != merged[path]] == []


def test_merge_refuses_shards_of_different_sources(tmp_path: Path) -> None:
    for name, text in (("a", "one"), ("b", "two")):
        (tmp_path / name / "eu" / "gold").mkdir(parents=True)
        (tmp_path / name / "eu" / "gold" / "versions.json").write_text(text, encoding="utf-8")
    code, output = run("merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out"))
    assert code == 1 and "differs from the same file of another shard" in output, output
    assert not (tmp_path / "out").exists()


def test_the_workflow_runs_only_commands_and_options_the_cli_has() -> None:
    from builder.cli import main

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "portal.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step["run"] for step in steps if "run" in step)
    code, output = run("matrix")
    matrix_args = {job["args"] for job in json.loads(output)["include"]}
    calls = re.findall(r"partnerkb ([^\n|&;)]+)", runs)
    assert {call.split()[0] for call in calls} >= {"matrix", "check", "build", "audit", "publish", "nginx"}
    for call in calls:
        for args in matrix_args if "${{ matrix.args }}" in call else [""]:
            words = shlex.split(re.sub(r"\$\{\{ matrix\.args \}\}", args, re.sub(r"\$\{\{ matrix\.(region|artifact) \}\}", "eu", call)))
            command = main.commands.get(words[0])
            assert command is not None, f"partnerkb {words[0]}: no such command"
            options = {name for param in command.params for name in param.opts}
            unknown = [word for word in words[1:] if word.startswith("--") and word not in options]
            assert unknown == [], f"partnerkb {call}: unknown options {unknown}"
    builds = [job for job in workflow["jobs"].values() if "matrix" in job.get("strategy", {})]
    assert all(job["strategy"]["matrix"] == "${{ fromJSON(needs.matrix.outputs.jobs) }}" for job in builds) and builds
