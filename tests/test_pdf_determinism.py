"""Collateral PDFs are byte-identical from build to build, whatever the process, hash seed or clock.

The vendor's own copies of non-co-brandable items (`collateral.vendor_files`) are rendered in the main
build process; the banner is the example portal's one such PDF. Each render here runs in a fresh Python
process with its own PYTHONHASHSEED, without SOURCE_DATE_EPOCH (as in a build's main process), and the
second one pretends to run a day later. Under `fonttools` WeasyPrint subsets fonts the way it does on a
machine without libharfbuzz-subset: with fontTools, which re-saves each embedded font and stamps its
`head.modified` with the time it is saved.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder.features.collateral import pdf_unavailable
from conftest import REPO, skip_or_fail

ITEM = "arvelle-social-banner"
LANGUAGES = ("en", "de")  # the eu region's languages

CHILD = """
import datetime, sys, time
from pathlib import Path

root, out, subsetter, offset = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], float(sys.argv[4])
real_time = time.time
time.time = lambda: real_time() + offset  # a build at another time of day

import weasyprint.pdf.fonts
if subsetter == "fonttools":
    weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint's fallback when libharfbuzz-subset is missing
elif weasyprint.pdf.fonts.harfbuzz_subset is None:
    sys.exit(3)

from builder.features.collateral import load_collateral, vendor_files
from builder.load.program import load_program
from builder.core.problems import Report

report = Report()
program = load_program(root, report)
item = next(c for c in load_collateral(root, program, report) if c.id == sys.argv[5])
moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
for lang in sys.argv[6:]:
    for fmt, data in vendor_files(item, lang, program.default_language, moment):
        if fmt == "pdf":
            (out / f"{lang}.pdf").write_bytes(data)
"""


@pytest.mark.slow  # two fresh Python processes that import WeasyPrint: seconds
@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_vendor_collateral_pdf_is_byte_identical_across_processes(subsetter: str, tmp_path: Path) -> None:
    missing = pdf_unavailable()
    if missing:
        skip_or_fail(missing)
    runs = []
    for seed, offset in (("1", "0"), ("2", "86400")):
        out = tmp_path / f"seed{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        command = [sys.executable, "-c", CHILD, str(REPO), str(out), subsetter, offset, ITEM, *LANGUAGES]
        runs.append((out, subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
    finished = [(process.communicate(timeout=120)[0], process.returncode) for _, process in runs]
    if any(code == 3 for _, code in finished):
        skip_or_fail("WeasyPrint found no libharfbuzz-subset on this machine")
    for output, code in finished:
        assert code == 0, output.decode(errors="replace")
    (first, _), (second, _) = runs
    for lang in LANGUAGES:
        one, two = (first / f"{lang}.pdf").read_bytes(), (second / f"{lang}.pdf").read_bytes()
        assert one.startswith(b"%PDF-")
        assert one == two, f"{ITEM} ({lang}): the two renders differ"
