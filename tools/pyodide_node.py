"""Run Python in Pyodide — the Python xlwings Lite runs inside Excel — under Node.js, for the tests
and the benchmark.

Pyodide's Node.js distribution comes from npm (``pyodide``, pinned below) into ``.venv/pyodide`` on
first use. Its package index (lxml, PyYAML built for WebAssembly) is a CDN that this workplace does
not reach, so callers put pure-Python sources on the path instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "314.0.7"  # Pyodide's npm release: CPython 3.14 compiled to WebAssembly
RUNNER = Path(__file__).resolve().parent / "pyodide_run.mjs"


def pyodide_dir() -> Path | None:
    """The installed Pyodide package, installing it with npm if needed; ``None`` without Node.js
    (an error in CI, whose .ci/run installs it)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            raise AssertionError("Node.js is required in CI (.ci/run installs nodejs and npm)")
        return None
    target = ROOT / ".venv" / "pyodide"
    package = target / "node_modules" / "pyodide"
    manifest = package / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text(encoding="utf-8"))["version"] != VERSION:
        subprocess.run(
            [npm, "install", "--prefix", str(target), "--no-audit", "--no-fund", "--silent", f"pyodide@{VERSION}"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return package


def pure_yaml(into: Path) -> Path:
    """A folder holding PyYAML's pure-Python package (its C speed-up left out), for ``sys.path``."""
    import yaml

    if not (into / "yaml").is_dir():
        shutil.copytree(Path(yaml.__file__).parent, into / "yaml", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    return into


def stage_lite_run(root: Path, book, program: str) -> list[Path]:
    """Lay out ``root`` to run the Lite door as xlwings Lite would, away from this checkout: the
    kit's wheel (built by ``make lite``'s code) unpacked in ``site/``, ``book`` (a Lite stand-in,
    ``tests/xlwings_standin.py``) pickled as ``book.pickle`` with its module beside it, and
    ``program.py``. Returns the folders to put first on ``sys.path`` (wheel, stand-in)."""
    import pickle
    import zipfile

    from tools.build_lite import build

    with zipfile.ZipFile(build(root / "kit", "https://example.gov.cn/xlplugin")) as archive:
        archive.extractall(root / "site")
    (root / "book.pickle").write_bytes(pickle.dumps(book))
    (root / "standin" / "tests").mkdir(parents=True, exist_ok=True)  # the pickle names tests.xlwings_standin
    (root / "standin" / "tests" / "xlwings_standin.py").write_bytes(
        (ROOT / "tests" / "xlwings_standin.py").read_bytes()
    )
    (root / "program.py").write_text(program, encoding="utf-8")
    return [root / "site", root / "standin"]


def run(
    pyodide: Path, program: Path, workdir: Path, paths: list[Path], timeout: int = 300
) -> subprocess.CompletedProcess:
    """Run ``program`` (top-level ``await`` allowed) in Pyodide with ``workdir`` as the working
    directory and ``paths`` first on ``sys.path``; host folders keep their paths under ``/host``."""
    return subprocess.run(
        ["node", str(RUNNER), str(pyodide), str(program), str(workdir), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
