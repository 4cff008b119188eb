"""Build the xlwings Lite kit: ``make lite`` (or ``python -m tools.build_lite OUT URL``).

Writes into OUT (default ``dist/lite``):

- ``xlplugin-<version>-py3-none-any.whl`` — xlplugin with the bundled rule packs inside
  (``xlplugin/_rules``); its dependencies are pure Python or built for Pyodide, python-calamine is
  skipped there by an environment marker;
- ``main.py`` — the three ``@script`` buttons, copied from ``workbooks/excel/lite/main.py``;
- ``requirements.txt`` — ``workbooks/excel/lite/requirements.txt`` with the wheel's line pointing
  at URL, the web folder (allowing cross-origin requests) the bureau serves the wheel from.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from xlplugin import __version__

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "workbooks" / "excel" / "lite"
WHEEL = f"xlplugin-{__version__}-py3-none-any.whl"
_WHEEL_LINE = re.compile(r"^\S+/xlplugin-[^/\s]+\.whl$", re.MULTILINE)


def requirements(url: str) -> str:
    """The committed requirements.txt with the wheel served from ``url``."""
    text = (SOURCES / "requirements.txt").read_text(encoding="utf-8")
    if len(_WHEEL_LINE.findall(text)) != 1:
        raise SystemExit(f"{SOURCES / 'requirements.txt'}: expected exactly one line naming the xlplugin wheel")
    return _WHEEL_LINE.sub(f"{url.rstrip('/')}/{WHEEL}", text)


def build(out: Path, url: str) -> Path:
    """Build the kit into ``out``; return the wheel's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / WHEEL).unlink(missing_ok=True)
    # setuptools stages the wheel in build/ and never empties it: a module deleted since the last
    # build would still ship.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    shutil.copyfile(SOURCES / "main.py", out / "main.py")
    (out / "requirements.txt").write_text(requirements(url), encoding="utf-8")
    return out / WHEEL


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else ROOT / "dist" / "lite"
    url = argv[1] if len(argv) > 1 else "https://example.gov.cn/xlplugin"
    wheel = build(out, url)
    print(f"{wheel} ({wheel.stat().st_size // 1024} KB), {out / 'main.py'}, {out / 'requirements.txt'}")
    print(
        f"把 {wheel.name} 放到 {url.rstrip('/')}/ 下（须允许跨域访问），再把 main.py、requirements.txt 的内容粘贴进 xlwings Lite。"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
