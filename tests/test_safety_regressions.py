"""Regressions of safety bugs: a pack id that escapes the packs folder, one workbook stopping a batch,
output files losing their permissions, and department strings turning into formulas in 汇总.xlsx."""
import hashlib
import re
import json
import os
import shutil
import stat
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from click.testing import CliRunner

import xlplugin.annotate
import xlplugin.batch
from xlplugin.batch import SUMMARY_FILE, run_batch
from xlplugin.cli import cli
from xlplugin.errors import PackError, XlpluginError
from xlplugin.overview import read_summaries, write_overview_xlsx
from xlplugin.pack import BUNDLED_PACKS, find_pack, load_pack
from xlplugin.packfile import build
from xlplugin.packstore import install, installed_root

CITY = BUNDLED_PACKS / "chongqing-2021"
HOSTILE_IDS = ["/tmp/xlplugin-hostile", "../../victim", "..", "a/b", "C:x", ""]


def run(*args):
    """The command in-process, with the console entry point's handling of user errors (exit 2)."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if isinstance(result.exception, XlpluginError):
        return SimpleNamespace(exit_code=2, output=result.output + result.exception.message)
    return result


# ---------------------------------------------------------------------------------------------
# 1. pack ids and versions are folder names under the installed packs


def _with_id(tmp_path, pack_id: str):
    folder = tmp_path / "hostile"
    shutil.copytree(CITY, folder)
    manifest = folder / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "\nid: cq-2021\n" in text
    manifest.write_text(text.replace("\nid: cq-2021\n", f"\nid: {json.dumps(pack_id)}\n"), encoding="utf-8")
    return folder


@pytest.mark.parametrize("pack_id", HOSTILE_IDS)
def test_lint_refuses_an_id_that_is_not_a_folder_name(tmp_path, pack_id):
    folder = _with_id(tmp_path, pack_id)
    result = run("pack", "lint", folder)
    assert result.exit_code == 2 and f"{folder / 'pack.yaml'}:2: id 只能由字母" in result.output, result.output
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    assert caught.value.code == "bad-id" and caught.value.line == 2


def test_ordinary_ids_still_load(tmp_path):
    assert load_pack(_with_id(tmp_path, "Wansheng_2021.v2")).id == "Wansheng_2021.v2"
    assert load_pack(CITY).id == "cq-2021"


def _hostile_archive(tmp_path, pack_id: str, version: str = "1.0.0"):
    """A pack archive (unsigned, hashes consistent) whose pack.yaml and CONTENTS.json carry ``pack_id``
    and ``version`` — what someone would send to make ``pack install`` write elsewhere."""
    with zipfile.ZipFile(build(CITY, tmp_path / "good.zip")) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["pack.yaml"] = (entries["pack.yaml"].decode("utf-8").replace("\nid: cq-2021\n", f"\nid: {json.dumps(pack_id)}\n")
                            .replace("\nversion: 1.1.0\n", f"\nversion: {json.dumps(version)}\n").encode("utf-8"))
    files = {name: data for name, data in entries.items() if name != "CONTENTS.json"}
    entries["CONTENTS.json"] = json.dumps({"format": 1, "pack": {"id": pack_id, "version": version},
                                           "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())}}).encode("utf-8")
    target = tmp_path / "hostile.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(name, data)
    return target


@pytest.mark.parametrize("how", ["absolute", "relative", "version"])
def test_install_never_touches_a_folder_outside_the_packs_folder(tmp_path, how):
    victim = f"{tmp_path.name}-victim"  # beside XLPLUGIN_HOME, unique to this test
    if how == "absolute":
        pack_id, version = str(tmp_path / victim), "1.0.0"
    elif how == "relative":
        pack_id, version = "../../" + victim, "1.0.0"
    else:
        pack_id, version = "cq-2021", "../../../" + victim
    doomed = installed_root() / pack_id / version
    doomed.mkdir(parents=True)
    (doomed / "precious.txt").write_text("keep me", encoding="utf-8")
    archive = _hostile_archive(tmp_path, pack_id, version)
    with pytest.raises(PackError) as caught:
        install(archive, allow_unsigned=True)
    assert caught.value.code == "bad-pack" and "拒绝安装" in caught.value.message
    result = run("pack", "install", archive, "--allow-unsigned")
    assert result.exit_code == 2 and "拒绝安装" in result.output
    assert (doomed / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in doomed.parent.iterdir() if p.name.endswith(".installing")]  # nor a staging folder beside it


def test_a_good_pack_still_installs(tmp_path):
    result = run("pack", "install", build(CITY, tmp_path / "good.zip"), "--allow-unsigned")
    assert result.exit_code == 0 and find_pack("cq-2021@1.1.0").is_relative_to(installed_root())


# ---------------------------------------------------------------------------------------------
# 2. one workbook cannot stop a batch


@pytest.fixture
def two_departments(tmp_path, sample_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sample_path, folder / "好的.xlsx")
    shutil.copy(sample_path, folder / "坏的.xlsx")
    return folder


def test_a_failing_annotation_is_listed_and_the_batch_goes_on(tmp_path, two_departments, monkeypatch):
    """Annotating one workbook raises (as a chart sheet made it do); the other is still annotated."""
    real = xlplugin.annotate.annotate

    def annotate(path, *args, **kwargs):
        if os.path.basename(path) == "坏的.xlsx":
            raise AttributeError("'NoneType' object has no attribute 'findall'")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(xlplugin.annotate, "annotate", annotate)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", str(two_departments), "--out", str(out), "--annotate", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    summaries = {s["file"]: s for s in read_summaries(out / SUMMARY_FILE)}
    assert set(summaries) == {"好的.xlsx", "坏的.xlsx"}
    good, bad = summaries["好的.xlsx"], summaries["坏的.xlsx"]
    assert "error" not in good and (out / good["annotated"]).exists() and (out / good["report"]).exists()
    assert bad["code"] == "internal-error" and "findall" in bad["error"] and "annotated" not in bad
    assert (out / "汇总.xlsx").exists()
    assert not [p for p in out.iterdir() if p.name.startswith((".work-", ".xlplugin-"))]


def _dies_on_bad(path, *args, **kwargs):
    """A worker that crashes hard (killed, out of memory) on one workbook."""
    if os.path.basename(path) == "坏的.xlsx":
        os._exit(9)
    return _real_check_workbook(path, *args, **kwargs)


_real_check_workbook = xlplugin.batch.check_workbook


@pytest.mark.skipif(os.name != "posix", reason="the worker is replaced through fork")
def test_a_crashing_worker_does_not_stop_the_batch(tmp_path, two_departments, sample_path, monkeypatch):
    for number in range(3):
        shutil.copy(sample_path, two_departments / f"其他{number}.xlsx")
    monkeypatch.setattr(xlplugin.batch, "check_workbook", _dies_on_bad)
    out = tmp_path / "out"
    result = run_batch([two_departments], out, find_pack(None), jobs=2)
    summaries = {s["file"]: s for s in read_summaries(out / SUMMARY_FILE)}
    assert len(summaries) == 5 and result.total == 5 and result.checked + result.failed == 5
    assert summaries["坏的.xlsx"]["code"] == "internal-error" and "意外退出" in summaries["坏的.xlsx"]["error"]
    assert result.checked >= 1  # the workbooks after the crash were checked in a fresh pool


# ---------------------------------------------------------------------------------------------
# 3. written workbooks keep the permissions they should have


def test_in_place_annotation_keeps_the_original_permissions(tmp_path, sample_path):
    workbook = tmp_path / "部门.xlsx"
    shutil.copy(sample_path, workbook)
    os.chmod(workbook, 0o640)
    result = CliRunner().invoke(cli, ["check", str(workbook), "--in-place"])
    assert result.exit_code in (0, 1), result.output
    assert "已写入标注（原文件）" in result.output
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o640


def test_annotated_copy_gets_the_mode_of_a_new_file(tmp_path, sample_path):
    workbook = tmp_path / "部门.xlsx"
    shutil.copy(sample_path, workbook)
    target = tmp_path / "副本.xlsx"
    old = os.umask(0o027)
    try:
        result = CliRunner().invoke(cli, ["check", str(workbook), "--annotate-to", str(target)])
    finally:
        os.umask(old)
    assert result.exit_code in (0, 1) and target.exists(), result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # 0666 less the umask, not mkstemp's 0600


# ---------------------------------------------------------------------------------------------
# 4. strings from the departments are text in 汇总.xlsx


def test_department_strings_are_never_formulas_in_the_overview(tmp_path):
    formula = '=HYPERLINK("http://x","点我")'
    summaries = [
        {"path": "/in/a.xlsx", "file": "=1+1.xlsx", "unit": formula, "year": "=2021", "stem": "a", "verdict": "通过",
         "valid": True, "errors": 0, "warnings": 0, "infos": 0, "not_run": 0, "failed_rules": {}, "report": "a.json",
         "annotated": "a.校验.xlsx"},
        {"path": "=cmd|' /C calc'!A0", "file": "b.xlsx", "error": "@SUM(1)\x01", "code": "-2+3"},
    ]
    source = tmp_path / SUMMARY_FILE
    source.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in summaries), encoding="utf-8")
    target = write_overview_xlsx(source, tmp_path / "汇总.xlsx", load_pack(CITY))
    book = openpyxl.load_workbook(target)
    row = [c for c in book["单位"][2]]
    assert (row[1].value, row[1].data_type) == (formula, "s")
    assert (row[2].value, row[2].data_type) == ("=2021", "s")
    assert (row[3].value, row[3].data_type) == ("=1+1.xlsx", "s")
    assert row[10].data_type == "f" and row[10].value == '=HYPERLINK("a.校验.xlsx","打开")'  # our own links stay links
    assert row[11].data_type == "f"
    broken = [c for c in book["无法校验"][2]]
    assert [(c.value, c.data_type) for c in broken] == [("=cmd|' /C calc'!A0", "s"), ("@SUM(1)", "s"), ("-2+3", "s")]
    with zipfile.ZipFile(target) as archive:
        sheets = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))
    formulas = re.findall(rb"<f>(.*?)</f>", sheets)
    assert len(formulas) == 2 and not [f for f in formulas if b"http://x" in f or b"1+1" in f or b"cmd" in f]


def test_a_unit_named_like_a_formula_through_a_real_batch(tmp_path, sample_path):
    """The unit name comes from the workbook's own 公开部门 cells."""
    workbook = openpyxl.load_workbook(sample_path)
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("公开部门"):
                    cell.value = '公开部门：=HYPERLINK("http://x","点我")'
                    changed += 1
    folder = tmp_path / "in"
    folder.mkdir()
    workbook.save(folder / "单位.xlsx")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out)])
    summary = next(read_summaries(out / SUMMARY_FILE))
    assert changed and summary["unit"] == '=HYPERLINK("http://x","点我")', summary
    cell = openpyxl.load_workbook(out / "汇总.xlsx")["单位"]["B2"]
    assert (cell.value, cell.data_type) == (summary["unit"], "s")


def test_a_unit_name_with_hash_and_percent_still_links_to_its_files(tmp_path, sample_path):
    """'#' would cut a link short (Excel's HYPERLINK and browsers take it as a place inside the
    file) and '%' needs percent-encoding in the page: every link must reach its file."""
    from urllib.parse import unquote

    workbook = openpyxl.load_workbook(sample_path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=6):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("公开部门"):
                    cell.value = "公开部门：社保局#2 分局 100%"
    folder = tmp_path / "in"
    folder.mkdir()
    workbook.save(folder / "单位.xlsx")
    out = tmp_path / "out"
    CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out), "--annotate"])
    summary = next(read_summaries(out / SUMMARY_FILE))
    assert summary["unit"] == "社保局#2分局100%" and "#" not in summary["report"] + summary["annotated"]
    page = (out / "汇总.html").read_text(encoding="utf-8")
    links = re.findall(r"<a href='([^']+)'>", page)
    assert len(links) == 2 and all("%25" in link for link in links)
    assert all((out / unquote(link)).is_file() for link in links)
    sheet = openpyxl.load_workbook(out / "汇总.xlsx")["单位"]
    targets = [re.match(r'=HYPERLINK\("([^"]+)"', c.value).group(1) for c in sheet[2] if c.data_type == "f"]
    assert targets and all((out / target).is_file() for target in targets)
