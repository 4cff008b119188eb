"""Fixtures of the output tests: the hard-workbook corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlwings

from tests.format_twins import convert
from tests.output.hard_workbooks import build_corpus


@pytest.fixture(scope="session")
def hard_corpus(tmp_path_factory, sample_path) -> dict[str, Path]:
    """Name → path of every workbook of the fidelity corpus (:mod:`tests.output.hard_workbooks`)."""
    template = Path(xlwings.__file__).parent / "quickstart.xlsm"
    return build_corpus(sample_path, tmp_path_factory.mktemp("corpus"), convert, template)
