"""Shared fixtures: the bundled layout, the committed workbooks and their sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests: no per-example deadline (CI machines vary), and in CI a fixed example sequence so
# that a run is reproducible; locally they explore freely.
settings.register_profile("xlplugin", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("xlplugin")

from tools.build_workbooks import CORRECTED, LAYOUT, SAMPLE, TEMPLATE
from tools.sample_source import corrected, load_corrections, load_source
from xlplugin.workbook.layout_load import load_layout
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def layout():
    return load_layout(LAYOUT)


@pytest.fixture(scope="session")
def sample_source(layout):
    return load_source(layout)


@pytest.fixture(scope="session")
def corrected_source(layout, sample_source):
    return corrected(layout, sample_source, load_corrections())


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def corrected_path() -> Path:
    return CORRECTED


@pytest.fixture(scope="session")
def template_path() -> Path:
    return TEMPLATE


@pytest.fixture(scope="session")
def located_sample(layout):
    return locate_book(read_book(SAMPLE), layout)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch):
    """Installed packs and trusted keys live in a fresh XLPLUGIN_HOME for every test, never in the
    developer's own ~/.xlplugin."""
    monkeypatch.setenv("XLPLUGIN_HOME", str(tmp_path_factory.mktemp("xlplugin-home")))
