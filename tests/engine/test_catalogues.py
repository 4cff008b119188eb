"""The 政府收支分类科目 catalogues: the loader (every malformed part named with file and line), the
bundled catalogues (what rules/catalogues/README.md says they cover), and a pack that ships its own
catalogue beside its rules."""

import shutil
from pathlib import Path

import pytest
import yaml

from tests.helpers import run_cli
from tools.build_workbooks import CORRECTED, LAYOUT
from xlplugin.core.errors import PackError
from xlplugin.engine.catalogues import (
    BUNDLED_CATALOGUES,
    bundled_names,
    find_catalogue,
    load_catalogue,
    name_key,
)
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

GOOD = """\
year: 2021
source: [样例]
coverage: 两个项
entries:
  "208": 社会保障和就业支出
  20805: 行政事业单位养老支出
  "2080505": 机关事业单位基本养老保险缴费支出
  "2080506": 机关事业单位职业年金缴费支出
  "2080101": 行政运行
  "2080201": 行政运行
  "2080102": 一般行政管理事务
aliases:
  "2080505": [机关事业单位基本养老保险缴费]
"""


def _write(tmp_path: Path, text: str, name: str = "目录.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_catalogue_is_read_with_its_codes_as_text(tmp_path):
    catalogue = load_catalogue(_write(tmp_path, GOOD))
    assert catalogue.year == 2021 and catalogue.sources == ("样例",) and catalogue.coverage == "两个项"
    assert catalogue.official("20805") == "行政事业单位养老支出"  # an unquoted code is its digits
    assert catalogue.counts() == {"类": 1, "款": 1, "项": 5}
    assert catalogue.accepts("2080505", "机关事业单位基本养老保险缴费")  # an alias
    assert catalogue.accepts("2080505", " 机关事业单位 基本养老保险缴费支出（项）")
    assert not catalogue.accepts("2080505", "机关事业单位职业年金缴费支出")


def test_whose_name_it_is_prefers_the_nearest_codes_of_the_level(tmp_path):
    catalogue = load_catalogue(_write(tmp_path, GOOD))
    assert catalogue.owners("机关事业单位职业年金缴费支出", "2080505") == ("2080506",)
    assert catalogue.owners("行政运行", "2080102") == ("2080101",)  # not 2080201: another 款
    assert catalogue.owners("行政运行", "2080101") == ("2080201",)
    assert catalogue.owners("社会保障和就业支出", "20805") == ()  # another level
    assert name_key("（一）甲 乙") == "(一)甲乙"


@pytest.mark.parametrize(
    "text, code, line, words",
    [
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\n  '2081': 乙\n", "bad-catalogue", 5, "3、5 或 7 位"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\n  208: 乙\n", "bad-catalogue", 5, "重复"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\n  '209': [乙]\n", "bad-catalogue", 5, "名称应是文字"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\naliases:\n  '209': [乙]\n", "bad-catalogue", 6, "不在"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\naliases:\n  '208': 乙\n", "bad-catalogue", 6, "列表"),
        ("year: 二〇二一\nsource: [x]\nentries:\n  '208': 甲\n", "bad-catalogue", 1, "year"),
        ("year: 2021\nsource: []\nentries:\n  '208': 甲\n", "bad-catalogue", 2, "source"),
        ("year: 2021\nsource: [x]\nentries: []\n", "bad-catalogue", 3, "entries"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\nnotes: 乙\n", "unknown-key", 5, "notes"),
        ("year: 2021\nentries:\n  '208': 甲\n", "missing-key", 1, "source"),
        ("year: 2021\nsource: [x]\nentries:\n  '208': 甲\n  '209' 乙\n", "bad-yaml", 6, "YAML"),
        ("- 208\n", "bad-catalogue", 1, "映射"),
    ],
)
def test_a_malformed_catalogue_is_named_with_file_and_line(tmp_path, text, code, line, words):
    path = _write(tmp_path, text)
    with pytest.raises(PackError) as raised:
        load_catalogue(path)
    assert (raised.value.code, raised.value.line) == (code, line), raised.value
    assert raised.value.path == str(path) and words in raised.value.message


def test_a_catalogue_is_found_by_bundled_name_or_inside_the_pack(tmp_path):
    assert find_catalogue("功能分类-2021", None) == BUNDLED_CATALOGUES / "功能分类-2021.yaml"
    _write(tmp_path, GOOD, "own.yaml")
    assert find_catalogue("own.yaml", tmp_path) == (tmp_path / "own.yaml").resolve()
    for spec, folder, code in [
        ("功能分类-1999", None, "unknown-catalogue"),
        ("absent.yaml", tmp_path, "missing-file"),
        ("../outside.yaml", tmp_path, "path-escape"),
        ("own.yaml", None, "missing-file"),
    ]:
        with pytest.raises(PackError) as raised:
            find_catalogue(spec, folder)
        assert raised.value.code == code, spec


def test_the_bundled_catalogues_cover_what_their_readme_says():
    readme = (BUNDLED_CATALOGUES / "README.md").read_text(encoding="utf-8")
    assert bundled_names() == ["功能分类-2021", "经济分类-2021"]
    for name in bundled_names():
        catalogue = load_catalogue(BUNDLED_CATALOGUES / f"{name}.yaml")
        counts = catalogue.counts()
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
        cells = [cell.strip() for cell in row.split("|")[2:5]]
        assert cells == [str(counts["类"]), str(counts["款"]), str(counts["项"] or "—")], name
        assert f"类 {counts['类']} 个" in catalogue.coverage and catalogue.sources
    functional = load_catalogue(BUNDLED_CATALOGUES / "功能分类-2021.yaml")
    assert functional.official("2080505") == "机关事业单位基本养老保险缴费支出"
    assert functional.official("215") == "资源勘探工业信息等支出"
    assert functional.official("21305") is None  # the 2021 name could not be verified (README)
    economic = load_catalogue(BUNDLED_CATALOGUES / "经济分类-2021.yaml")
    assert economic.official("30108") == "机关事业单位基本养老保险缴费"
    assert economic.accepts("30108", "机关事业单位基本养老保险费")  # the Chongqing template's wording


def _pack(tmp_path: Path, catalogue: str, catalogue_text: str | None = GOOD) -> Path:
    """A pack folder with the Chongqing layout, one catalogue rule and (optionally) its own catalogue."""
    folder = tmp_path / "pack"
    (folder / "rules").mkdir(parents=True)
    (folder / "catalogues").mkdir()
    shutil.copy(LAYOUT / "template.yaml", folder / "template.yaml")
    shutil.copytree(LAYOUT / "tables", folder / "tables")
    if catalogue_text is not None:
        (folder / "catalogues" / "own.yaml").write_text(catalogue_text, encoding="utf-8")
    rule = {"id": "T-01", "name": "目录", "kind": "catalogue", "severity": "警告", "catalogue": catalogue}
    rule["tables"] = ["公开05表"]
    (folder / "rules" / "r.yaml").write_text(yaml.safe_dump({"rules": [rule]}, allow_unicode=True), encoding="utf-8")
    manifest = {"id": "own-catalogue", "name": "自带目录", "version": "1.0.0", "rules": ["rules/r.yaml"]}
    (folder / "pack.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return folder


def test_a_pack_uses_its_own_catalogue(tmp_path):
    pack = load_pack(_pack(tmp_path, "catalogues/own.yaml"))
    assert pack.rules[0].prepared.catalogue.name == "own"
    located = locate_book(read_book(CORRECTED), pack.layout)
    findings = [f for f in run_pack(pack, located).findings if f.rule == "T-01"]
    assert findings == []  # every code of 公开05表 the own catalogue has is named as in it


def test_a_malformed_catalogue_in_a_pack_is_a_load_error_at_its_line(tmp_path):
    folder = _pack(tmp_path, "catalogues/own.yaml", GOOD.replace('"2080102"', '"20801020"'))
    with pytest.raises(PackError) as raised:
        load_pack(folder)
    error = raised.value
    assert (error.code, error.line) == ("bad-catalogue", 11)
    assert error.path.endswith("own.yaml") and "规则 T-01" in error.message


def test_a_missing_catalogue_in_a_pack_is_a_load_error_of_the_rule(tmp_path):
    with pytest.raises(PackError) as raised:
        load_pack(_pack(tmp_path, "catalogues/absent.yaml"))
    assert raised.value.code == "missing-file" and raised.value.path.endswith("r.yaml")
    with pytest.raises(PackError) as raised:
        load_pack(_pack(tmp_path / "again", "../outside.yaml"))
    assert raised.value.code == "path-escape"


def test_pack_show_says_what_a_catalogue_covers(tmp_path):
    result = run_cli("pack", "show", _pack(tmp_path, "功能分类-2021"))
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("科目目录："))
    assert "功能分类-2021（2021 年）类 26 个，款 15 个，项 35 个" in line and "不是完整目录" in line


def test_a_pack_whose_manifest_is_not_named_pack_yaml_finds_its_catalogue(tmp_path):
    folder = _pack(tmp_path, "catalogues/own.yaml")
    (folder / "pack.yaml").rename(folder / "本地区.yaml")
    pack = load_pack(folder / "本地区.yaml")
    assert pack.rules[0].prepared.catalogue.name == "own"
