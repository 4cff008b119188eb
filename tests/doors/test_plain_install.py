"""xlplugin as a new user gets it: the wheel, built from this tree, installed with a plain
``pip install`` (no extras, not editable, dependencies from the package index) into a fresh virtualenv
outside the checkout, and every everyday command run with the installed ``xlplugin`` script, from a
folder outside the checkout, on a copy of the bundled sample. No command may print 内部错误 or a
traceback, and each exits with its documented code. Then the ``excel`` extra is installed into the
same virtualenv and ``xlplugin addin`` builds the add-in and the macro template from what the wheel
carries.

The wheel is built from a copy of the tree, so that no ``build/`` or ``*.egg-info`` is left in the
checkout; pip's cache is shared with the pip running these tests, so the downloads are made once per
machine. The build and the installation happen once, in the module's fixture (about a minute with a
warm cache); the tests below run in file order, the extra's installation last.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from oletools.olevba import VBA_Parser
from packaging.requirements import Requirement

from xlplugin import __version__
from xlplugin.doors.vba import module_source

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "workbooks" / "samples"
SAMPLE = "万盛人社局-2021-部门决算公开.xlsx"
CORRECTED = "万盛人社局-2021-部门决算公开-更正版.xlsx"
EXCEL_SOURCES = ("customUI.xml", "XlpluginRibbon.bas", "XlpluginButtons.bas")
WHEEL = f"xlplugin-{__version__}-py3-none-any.whl"
#: what the wheel is built from: the tree without version control, virtualenvs, caches and build output
NOT_SOURCE = {".git", ".venv", "build", "dist", "out", "node_modules", "__pycache__"}


def _not_source(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n in NOT_SOURCE or n.endswith(".egg-info") or (n.startswith(".") and n != ".ci")]


def _pip_cache() -> dict[str, str]:
    """The cache of the pip running these tests, for the new virtualenv's pip (nothing if caching is off)."""
    found = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    return {"PIP_CACHE_DIR": found.stdout.strip()} if found.returncode == 0 and found.stdout.strip() else {}


@dataclass
class Installed:
    root: Path
    wheel: Path
    venv: Path
    work: Path
    home: Path
    env: dict[str, str]
    seconds: float

    @property
    def bin(self) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin")

    def pip(self, *args: str) -> None:
        subprocess.run(
            [str(self.bin / "python"), "-m", "pip", "install", "--quiet", *args],
            env=self.env,
            cwd=self.root,
            check=True,
            timeout=600,
        )

    def python(self, code: str) -> str:
        done = subprocess.run(
            [str(self.bin / "python"), "-c", code], env=self.env, cwd=self.work, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def xlplugin(self, *args: str, code: int = 0, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run the installed script; it must exit with ``code`` and print no internal error."""
        done = subprocess.run(
            [str(self.bin / "xlplugin"), *args],
            env=self.env,
            cwd=cwd or self.work,
            capture_output=True,
            text=True,
            timeout=600,
        )
        shown = f"xlplugin {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "内部错误" not in done.stdout + done.stderr, shown
        assert "Traceback" not in done.stdout + done.stderr, shown
        assert done.returncode == code, shown
        return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    started = time.perf_counter()
    root = tmp_path_factory.mktemp("plain-install")
    assert not root.resolve().is_relative_to(ROOT.resolve())
    source = root / "source"
    shutil.copytree(ROOT, source, ignore=_not_source)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(root / "wheels"), str(source)],
        check=True,
        timeout=300,
    )
    wheel = root / "wheels" / WHEEL
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    work, home = root / "work", root / "home"
    work.mkdir()
    for name in (SAMPLE, CORRECTED):
        shutil.copyfile(SAMPLES / name, work / name)
    hidden = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "XLPLUGIN_PACK", "XLPLUGIN_LAYOUT", "XLPLUGIN_DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env |= {"XLPLUGIN_HOME": str(home), "PYTHONNOUSERSITE": "1", **_pip_cache()}
    done = Installed(root, wheel, venv, work, home, env, 0.0)
    done.pip(str(wheel))
    done.seconds = time.perf_counter() - started
    print(f"\nwheel built and installed without extras in {done.seconds:.0f} s")
    return done


def test_the_wheel_carries_the_packs_and_the_addin_sources_and_declares_cryptography(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"xlplugin-{__version__}.dist-info/METADATA").decode("utf-8")
    assert {f"xlplugin/_excel/{name}" for name in EXCEL_SOURCES} == {
        n for n in names if n.startswith("xlplugin/_excel/")
    }
    assert "xlplugin/_rules/chongqing-2021/pack.yaml" in names
    assert not any(name.endswith((".xlam", ".xlsm")) for name in names)  # the built add-in is built, not shipped
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist: cryptography")]
    assert requires and "extra ==" not in requires[0]


def test_the_script_runs_the_installed_wheel_and_every_module_imports_without_extras(installed):
    shown = installed.python(
        "import importlib, pkgutil, xlplugin\n"
        "from xlplugin.packs.places import BUNDLED_PACKS\n"
        "from xlplugin.doors.addin import SOURCES\n"
        "names = [m.name for m in pkgutil.walk_packages(xlplugin.__path__, 'xlplugin.') if m.name != 'xlplugin.__main__']\n"
        "for name in names: importlib.import_module(name)\n"
        "print(xlplugin.__file__, BUNDLED_PACKS, SOURCES, len(names), sep='\\n')"
    )
    package, packs, sources, count = shown.splitlines()
    site = installed.venv.resolve()
    assert Path(package).resolve().is_relative_to(site)
    assert Path(packs).parts[-2:] == ("xlplugin", "_rules") and Path(packs).resolve().is_relative_to(site)
    assert Path(sources).parts[-2:] == ("xlplugin", "_excel") and Path(sources).resolve().is_relative_to(site)
    assert int(count) > 50
    installed.xlplugin("--version").stdout.index(__version__)
    commands = installed.xlplugin("--help").stdout
    assert all(name in commands for name in ("check", "clean", "batch", "tables", "template", "pack", "addin"))
    assert "keygen" in installed.xlplugin("pack", "--help").stdout


def test_check_clean_tables_template_and_batch(installed):
    run = installed.xlplugin
    text = run("check", SAMPLE, code=1).stdout  # the sample has errors: exit 1
    assert "不通过" in text
    report = json.loads(run("check", SAMPLE, "--format", "json", code=1).stdout)
    assert report["pack"]["id"] == "cq-2021" and report["summary"]["errors"] > 0
    assert run("check", CORRECTED).returncode == 0  # no errors: exit 0
    assert "错误：" in run("check", "没有这个文件.xlsx", code=2).stderr  # cannot check: exit 2

    annotated = Path("标注") / "样例.校验.xlsx"
    assert "已写入标注副本" in run("check", SAMPLE, "--annotate-to", str(annotated), code=1).stderr
    assert (installed.work / annotated).is_file()
    run("clean", str(annotated), "-o", "已清除.xlsx")
    assert (installed.work / "已清除.xlsx").is_file()

    assert "公开09表" in run("tables", SAMPLE).stdout
    run("template", "-o", "表样.xlsx")
    assert (installed.work / "表样.xlsx").is_file()

    received = installed.work / "收到的决算"
    received.mkdir()
    for name in (SAMPLE, CORRECTED):
        shutil.copyfile(installed.work / name, received / name)
    batch = run("batch", str(received), "--out", "批量结果", "--jobs", "2", code=1)  # one unit has errors
    assert "共 2 个文件：校验 2 个" in batch.stdout
    out = installed.work / "批量结果"
    assert (out / "汇总.xlsx").is_file() and (out / "汇总.html").is_file()
    assert len(list(out.glob("*.json"))) == 2


def test_the_national_pack_its_catalogue_and_a_narrative_alone(installed):
    """What a plain install must carry besides the Chongqing pack: the national pack with the bundled
    catalogue its rules load, and the narrative-only check (python-docx for the .docx)."""
    run = installed.xlplugin
    shown = run("pack", "show", "cn-2024").stdout
    assert "cn-2024 0.1.0" in shown and "科目目录：功能分类-2021" in shown
    narrative = SAMPLE.replace(".xlsx", "-情况说明.docx")
    shutil.copyfile(SAMPLES / narrative, installed.work / narrative)
    report = json.loads(run("check", narrative, "--format", "json", code=1).stdout)
    assert report["mode"] == "narrative" and report["pack"]["id"] == "cq-2021"


def test_the_pack_commands_from_new_to_remove(installed):
    folder = installed.work / "规则包"
    folder.mkdir()

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        return installed.xlplugin("pack", *args, code=code, cwd=folder)

    run("new", "万盛补充规则", "--id", "wansheng-2021", "--name", "万盛经开区补充规则")
    assert "待填写" in run("lint", "万盛补充规则", code=1).stdout  # the issuer is still a placeholder
    manifest = folder / "万盛补充规则" / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("（填写发布单位）", "万盛经开区财政局"), encoding="utf-8"
    )
    assert "格式和引用都没有问题" in run("lint", "万盛补充规则").stdout
    run("test", "万盛补充规则")
    run("build", "万盛补充规则")
    (archive,) = folder.glob("wansheng-2021-*.zip")
    run("keygen", "财政局")
    assert (folder / "财政局.key").is_file() and (folder / "财政局.pub").is_file()
    assert "未签名" in run("verify", archive.name, code=1).stdout
    run("sign", archive.name, "--key", "财政局.key")
    assert "不受信任" in run("verify", archive.name, code=1).stdout
    assert "通过" in run("verify", archive.name, "--trust", "财政局.pub").stdout
    assert "错误：" in run("install", archive.name, code=2).stderr  # the signer is not trusted yet
    run("trust", "财政局.pub")
    assert "已安装 wansheng-2021" in run("install", archive.name).stdout
    assert list((installed.home / "packs" / "wansheng-2021").iterdir())  # under XLPLUGIN_HOME
    listed = run("list").stdout
    assert "wansheng-2021" in listed and "cq-2021" in listed
    assert "万盛经开区补充规则" in run("show", "wansheng-2021").stdout
    installed.xlplugin("check", SAMPLE, "--pack", "wansheng-2021", code=1)
    run("diff", "cq-2021", "wansheng-2021")
    assert "已删除 wansheng-2021" in run("remove", "wansheng-2021").stdout
    assert "wansheng-2021" not in run("list").stdout


# Last: it installs the extra into the virtualenv the tests above expect without it.
def test_addin_names_the_excel_extra_then_builds_both_files_from_the_wheel(installed):
    missing = installed.xlplugin("addin", "-o", "加载项", code=2)
    assert missing.stderr == '错误：Excel 加载项需要 xlwings 和 olefile：请运行 pip install "xlplugin[excel]"。\n'
    assert not (installed.work / "加载项").exists()

    installed.pip(f"{installed.wheel}[excel]")
    built = installed.xlplugin("addin", "-o", "加载项", "--conf", "xlplugin.conf")
    assert "xlwings addin install --file" in built.stdout
    assert f'"INTERPRETER_WIN","{installed.venv}' in (installed.work / "xlplugin.conf").read_text()
    addin, template = installed.work / "加载项" / "决算校验.xlam", installed.work / "加载项" / "决算校验表样.xlsm"
    sources = ROOT / "workbooks" / "excel"
    with zipfile.ZipFile(addin) as package:
        assert package.read("customUI/customUI.xml") == (sources / "customUI.xml").read_bytes()
        ribbon = module_source(package.read("xl/vbaProject.bin"), "XlpluginRibbon")
    with zipfile.ZipFile(template) as package:
        assert any(name.startswith("xl/worksheets/") for name in package.namelist())
        macros = module_source(package.read("xl/vbaProject.bin"), "XlpluginButtons")
    for source, name in ((ribbon, "XlpluginRibbon"), (macros, "XlpluginButtons")):
        assert source == (sources / f"{name}.bas").read_text(encoding="ascii").replace("\n", "\r\n")
    for built_file in (addin, template):  # no p-code left in front of our sources: olevba finds no stomping
        parser = VBA_Parser(str(built_file))
        try:
            assert parser.detect_vba_stomping() is False
        finally:
            parser.close()


# ---------------------------------------------------------------------------------------------
# Without building anything: what the package imports is what it declares.


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def _names(text: str) -> set[str]:
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    return {Requirement(line).name.lower() for line in lines if line}


def _imports() -> dict[str, bool]:
    """Third-party top-level modules imported anywhere under xlplugin/ → whether some module imports
    it at module level (rather than inside a function, only when needed)."""
    found: dict[str, bool] = {}
    for path in (ROOT / "xlplugin").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                module = name.partition(".")[0]
                if module not in sys.stdlib_module_names and module not in ("xlplugin", "__future__"):
                    found[module] = found.get(module, False) or id(node) in top_level
    return found


def test_every_library_the_package_imports_is_declared():
    """A plain install gets install_requires; the libraries of the extras are imported only inside the
    functions that need them, so that every module imports without them."""
    config = _setup_cfg()
    required = _names(config["options"]["install_requires"])
    extras = config["options.extras_require"]
    optional = set().union(*(_names(extras[name]) for name in extras if name != "test"))
    distributions = packages_distributions()
    for module, at_module_level in _imports().items():
        names = {name.lower() for name in distributions.get(module, [module])}
        assert names & (required | optional), f"xlplugin imports {module}, which setup.cfg does not declare"
        if not names & required:
            assert not at_module_level, f"{module} belongs to an extra but is imported at module level"
