"""``xlplugin doctor``: is everything where the 校验 button will look for it?

The button is a chain: Excel loads the add-in (or opens the macro template), the add-in's VBA reads
``xlplugin.conf`` to find a Python, that Python must have xlwings (new enough) and xlplugin, on a Mac
Excel may only start it through xlwings' AppleScript, and xlplugin needs a rule pack. Any missing
link shows up in Excel as a cryptic VBA or Python error. :func:`diagnose` checks each link from
outside Excel and says, in Chinese, what to do about each missing one — for a department's IT.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from xlplugin import __version__
from xlplugin.doors.excel_conf import MIN_XLWINGS, interpreter_key, read_conf, user_conf_path, xlwings_too_old

__all__ = ["Check", "diagnose", "startup_folder"]

MIN_XLWINGS_TEXT = ".".join(map(str, MIN_XLWINGS))
ADDIN_NAME = "决算校验.xlam"
OK, MISSING = "就绪", "缺少"


@dataclass(frozen=True)
class Check:
    """One link of the chain: what, whether it is there, what was found, and what to do if not."""

    item: str
    ok: bool
    found: str
    advice: str = ""

    def line(self) -> str:
        text = f"[{OK if self.ok else MISSING}] {self.item}：{self.found}"
        return text if self.ok or not self.advice else f"{text}\n        → {self.advice}"


def startup_folder(platform: str = sys.platform, home: Path | None = None) -> Path | None:
    """Where ``xlwings addin install`` puts an add-in so that Excel loads it at start."""
    home = home or Path.home()
    if platform == "win32":
        return home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (
            home
            / "Library"
            / "Group Containers"
            / "UBF8T346G9.Office"
            / "User Content.localized"
            / "Startup.localized"
            / "Excel"
        )
    return None


def diagnose(platform: str = sys.platform, home: Path | None = None, conf: Path | None = None) -> list[Check]:
    """Every link of the button's chain on this machine (``platform`` and ``home`` for testing)."""
    checks = [
        Check(
            "Python",
            sys.version_info >= (3, 10),
            f"{sys.version.split()[0]}（{sys.executable}）",
            "需要 Python 3.10 或更新的版本。",
        ),
        Check("xlplugin", True, f"{__version__}（{Path(__file__).resolve().parents[1]}）"),
        _xlwings(),
    ]
    if platform not in ("win32", "darwin"):
        checks.append(
            Check(
                "Excel",
                False,
                "本机不是 Windows 或 macOS，没有桌面版 Excel",
                "在装有 Excel 的电脑上运行 xlplugin doctor；xlwings Lite 见使用说明。",
            )
        )
    conf = conf or user_conf_path(platform, home)
    if conf is not None:
        checks.append(_conf(conf, platform))
    folder = startup_folder(platform, home)
    if folder is not None:
        installed = folder / ADDIN_NAME
        checks.append(
            Check(
                "加载项",
                installed.is_file(),
                str(installed) if installed.is_file() else f"{folder} 中没有 {ADDIN_NAME}",
                f'运行 xlplugin addin，再运行 xlwings addin install --file "{ADDIN_NAME}"；'
                "或在 Excel“开发工具 → Excel 加载项 → 浏览”中选中它。不装加载项也可以用 决算校验表样.xlsm。",
            )
        )
    if platform == "darwin":
        checks.append(_applescript(home or Path.home()))
    checks.append(_pack())
    return checks


def _xlwings() -> Check:
    try:
        import xlwings
    except ImportError:
        return Check("xlwings", False, "没有安装", 'pip install "xlplugin[excel]"')
    return Check(
        "xlwings",
        not xlwings_too_old(xlwings.__version__),
        xlwings.__version__,
        f'版本太旧（需要 {MIN_XLWINGS_TEXT} 或更新）：pip install -U "xlwings>={MIN_XLWINGS_TEXT},<1"，再用 xlplugin addin 重新生成加载项。',
    )


def _conf(path: Path, platform: str) -> Check:
    key = interpreter_key(platform)
    fix = f"运行 xlplugin addin（或 xlplugin addin --interpreter <python 的完整路径>），它会写入 {path}。"
    if not path.is_file():
        return Check("配置文件 xlplugin.conf", False, f"{path} 不存在，按钮会去运行 PATH 上的 python", fix)
    python = read_conf(path).get(key)
    if not python:
        return Check("配置文件 xlplugin.conf", False, f"{path} 里没有 {key}", fix)
    if not Path(python).is_file():
        return Check("配置文件 xlplugin.conf", False, f"{key} 指向的 {python} 不存在", fix)
    if Path(python).resolve() != Path(sys.executable).resolve() and not _imports_xlplugin(python):
        return Check(
            "配置文件 xlplugin.conf",
            False,
            f"{key} 指向的 {python} 里没有 xlplugin",
            f'在那个 Python 里安装：{python} -m pip install "xlplugin[excel]"；或 {fix}',
        )
    return Check("配置文件 xlplugin.conf", True, f"{path}：{key} = {python}")


def _imports_xlplugin(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import xlplugin"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _applescript(home: Path) -> Check:
    folder = home / "Library" / "Application Scripts" / "com.microsoft.Excel"
    found = sorted(folder.glob("xlwings-*.applescript")) if folder.is_dir() else []
    return Check(
        "macOS 的 RunPython 授权",
        bool(found),
        str(found[-1]) if found else f"{folder} 中没有 xlwings 的 AppleScript",
        "运行一次 xlwings runpython install（Excel 在 macOS 上只能经由它启动 Python）。",
    )


def _pack() -> Check:
    from xlplugin.core.errors import XlpluginError
    from xlplugin.packs.order import configured_source
    from xlplugin.packs.places import candidates

    available = sorted({f"{pack_id} {version}" for pack_id, version, _ in candidates()})
    try:
        chosen = configured_source(None)
    except XlpluginError as error:
        return Check("规则包", False, error.message, "改正 XLPLUGIN_PACK 或 xlplugin.yaml 指定的规则包。")
    how = chosen.why if chosen is not None else "未指定，按表样从可用的规则包中自动选择"
    return Check(
        "规则包",
        bool(available),
        f"{how}；可用：{'、'.join(available) or '无'}",
        "用 xlplugin pack install 安装财政局下发的规则包。",
    )
