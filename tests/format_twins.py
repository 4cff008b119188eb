"""The sample workbook in the other formats departments send — Excel 97-2003 .xls, WPS .et, OpenDocument
.ods — converted by LibreOffice once per test session (it takes seconds), for tests that require the
same findings on every twin.

The .et twin is the .xls bytes under the .et name: a WPS .et is an OLE2 compound document with a BIFF8
``Workbook`` stream, and that is what xlplugin reads it as. (No WPS here to write a native one.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.build_workbooks import SAMPLE

_made: dict[str, dict[str, Path]] = {}


def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        raise AssertionError("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
    return found


def convert(source: Path, fmt: str, out: Path) -> Path:
    """``source`` converted by LibreOffice to ``fmt`` (``xls``, ``ods``, ``xlsx``) in ``out``."""
    executable = soffice()
    if executable is None:
        pytest.skip("LibreOffice is not installed here (CI installs it)")
    done = subprocess.run(
        [executable, "--headless", "--calc", "--convert-to", fmt, "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(out)},
    )
    converted = out / f"{source.stem}.{fmt}"
    assert done.returncode == 0 and converted.exists(), done.stdout + done.stderr
    return converted


def sample_twins(tmp_path_factory) -> dict[str, Path]:
    """``{"xlsx", "xls", "et", "ods"}`` → the sample in that format (one conversion per session)."""
    if "sample" not in _made:
        out = tmp_path_factory.mktemp("twins")
        xlsx = out / "样例.xlsx"
        shutil.copyfile(SAMPLE, xlsx)
        twins = {"xlsx": xlsx, "xls": convert(xlsx, "xls", out), "ods": convert(xlsx, "ods", out)}
        twins["et"] = out / "样例.et"
        shutil.copyfile(twins["xls"], twins["et"])
        _made["sample"] = twins
    return _made["sample"]
