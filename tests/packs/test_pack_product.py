"""Rule packs as a product: build, sign, verify, install, derive, diff — and hostile packs refused."""

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from tests.helpers import CITY, run_cli
from xlplugin.core.errors import PackError
from xlplugin.packs.archive import build, generate_keys, safe_extract, sign, verify
from xlplugin.packs.diff import diff
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import installed_root
from xlplugin.packs.resolve import find_pack
from xlplugin.packs.store import install, installed
from xlplugin.packs.testing import run_cases


@pytest.fixture
def keys(tmp_path):
    bureau = generate_keys(tmp_path / "keys", "财政局")
    stranger = generate_keys(tmp_path / "keys", "别人")
    return {"bureau": bureau, "stranger": stranger}


@pytest.fixture
def signed(tmp_path, keys):
    archive = build(CITY, tmp_path / "dist" / "cq-2021-1.0.0.zip")
    return sign(archive, keys["bureau"][0])


def test_round_trip_build_sign_install_check(tmp_path, signed, keys, sample_path):
    assert run_cli("pack", "trust", keys["bureau"][1]).exit_code == 0
    result = run_cli("pack", "install", signed)
    assert result.exit_code == 0 and "已安装 cq-2021 1.2.0" in result.output and "签名可信" in result.output
    assert find_pack("cq-2021@1.2.0").is_relative_to(installed_root())  # the installed copy is used
    result = run_cli("check", sample_path, "--pack", "cq-2021@1.2.0", "--level", "error")
    assert result.exit_code == 1 and "错误 13 · 警告 13" in result.output
    assert [p.id for p in installed()] == ["cq-2021"] and installed()[0].signer
    assert "cq-2021" in run_cli("pack", "list").output and "已安装" in run_cli("pack", "list").output
    assert "规则：122 条" in run_cli("pack", "show", "cq-2021").output
    assert run_cli("pack", "remove", "cq-2021@1.2.0").exit_code == 0 and installed() == []


def test_build_is_deterministic(tmp_path):
    first = build(CITY, tmp_path / "a.zip").read_bytes()
    copy = tmp_path / "copy"
    shutil.copytree(CITY, copy)
    for path in copy.rglob("*"):
        path.touch()  # other modification times, other folder
    assert build(copy, tmp_path / "b.zip").read_bytes() == first
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        contents = json.loads(archive.read("CONTENTS.json"))
    assert contents["pack"] == {"id": "cq-2021", "version": "1.2.0"} and "pack.yaml" in contents["files"]


def test_one_changed_byte_makes_install_fail(tmp_path, signed, keys):
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0x01
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    result = verify(broken, [keys["bureau"][1]])
    assert result.status == "tampered"
    with pytest.raises(PackError) as caught:
        install(broken, [keys["bureau"][1]], allow_unsigned=True)  # never, even when allowing unsigned
    assert caught.value.code == "pack-tampered"


def test_changed_content_with_rebuilt_archive_is_caught(tmp_path, signed, keys):
    """Someone edits a rule and re-zips, keeping the old manifest and signature."""
    with zipfile.ZipFile(signed) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["rules/公开01表.yaml"] = entries["rules/公开01表.yaml"].replace(
        "severity: 错误".encode(), "severity: 提示".encode(), 1
    )
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(edited, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    result = verify(edited, [keys["bureau"][1]])
    assert result.status == "tampered" and "rules/公开01表.yaml" in result.message


def test_untrusted_and_unsigned_packs(tmp_path, keys):
    unsigned = build(CITY, tmp_path / "unsigned.zip")
    assert verify(unsigned, [keys["bureau"][1]]).status == "unsigned"
    result = run_cli("pack", "install", unsigned)
    assert result.exit_code == 2 and "没有签名" in result.output
    other = sign(build(CITY, tmp_path / "other.zip"), keys["stranger"][0])
    result = run_cli("pack", "install", other, "--trust", keys["bureau"][1])
    assert result.exit_code == 2 and "不在受信任的公钥中" in result.output
    result = run_cli("pack", "install", other, "--allow-unsigned")
    assert result.exit_code == 0 and "注意" in result.output
    assert run_cli("pack", "verify", other, "--trust", keys["stranger"][1]).exit_code == 0


def test_derived_pack_disables_regrades_and_adds(tmp_path, sample_path):
    folder = tmp_path / "district"
    assert run_cli("pack", "new", folder, "--id", "district-2021", "--name", "某区补充规则").exit_code == 0
    manifest = folder / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace("# disable: [规则 id, …]        停用所继承的规则", "disable: [CQN-02]").replace(
            "# severity: {规则 id: 警告}      改变所继承规则的级别", "severity: {CQ03-01: 警告}"
        ),
        encoding="utf-8",
    )
    pack = load_pack(folder)
    assert pack.extends == "cq-2021@1.2.0" and pack.rule("CQN-02") is None
    assert pack.rule("CQ03-01").severity == "警告" and pack.rule("LOCAL-01").kind == "expression"
    assert all(r.ok for r in run_cases(pack))  # inherited cases (without CQN-02) and the new rule's
    result = run_cli("check", sample_path, "--pack", folder, "--format", "json")
    report = json.loads(result.output)
    rules = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert ("CQ03-01", "warning") in rules and not any(r == "CQN-02" for r, _ in rules)
    assert report["pack"]["id"] == "district-2021"


def test_extends_loop_is_refused(tmp_path):
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pack.yaml").write_text(
            f"id: {name}\nname: {name}\nversion: 1.0.0\nextends: ../{other}\n", encoding="utf-8"
        )
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path / "a")
    assert caught.value.code == "extends-loop"


def test_diff_lists_exactly_the_changes(tmp_path):
    old = tmp_path / "v1"
    run_cli("pack", "new", old, "--id", "district-2021", "--name", "某区补充规则")
    new = tmp_path / "v2"
    shutil.copytree(old, new)
    (new / "pack.yaml").write_text(
        (new / "pack.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 0.1.0", "version: 0.2.0")
        .replace("# disable: [规则 id, …]        停用所继承的规则", "disable: [CQ09-20]")
        .replace("# severity: {规则 id: 警告}      改变所继承规则的级别", "severity: {CQN-01: 错误}"),
        encoding="utf-8",
    )
    rules = new / "rules" / "本地规则.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("<= 5", "<= 8")
        + """
  - id: LOCAL-02
    name: 培训费不超过 10 万元
    kind: expression
    severity: 提示
    expr: 公开09表[培训费].决算数 <= 10
""",
        encoding="utf-8",
    )
    changes = diff(load_pack(old), load_pack(new))
    assert changes.as_dict() == {
        "old": "district-2021 0.1.0",
        "new": "district-2021 0.2.0",
        "added": ["LOCAL-02"],
        "removed": ["CQ09-20"],
        "severity": [{"rule": "CQN-01", "from": "警告", "to": "错误"}],
        "enabled": [],
        "changed": [{"rule": "LOCAL-01", "fields": ["params"]}],
    }
    text = run_cli("pack", "diff", old, new).output
    assert (
        "新增规则（1）" in text
        and "删除规则（1）" in text
        and "CQN-01 同一科目编码在各表中名称一致：警告 → 错误" in text
    )


def test_check_recognises_the_template(sample_path, tmp_path):
    import openpyxl

    result = run_cli("check", sample_path, "--level", "error")
    assert result.exit_code == 1 and "cq-2021 1.2.0" in result.output
    other = tmp_path / "roster.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "花名册"
    workbook.save(other)
    result = run_cli("check", other)
    assert result.exit_code == 2 and "没有哪个已安装或随附的规则包的表样与这个工作簿相符" in result.output


def test_engine_version_and_semver(tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(CITY, copy, ignore=shutil.ignore_patterns("*.xlsx"))
    manifest = copy / "pack.yaml"
    original = manifest.read_text(encoding="utf-8")
    manifest.write_text(original.replace("version: 1.2.0", 'version: 1.2.0\nengine: ">=9.0"'), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    assert caught.value.code == "engine-too-old" and "升级 xlplugin" in caught.value.message
    manifest.write_text(original.replace("version: 1.2.0", "version: 一版"), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    assert caught.value.code == "bad-version" and caught.value.line


# ---------------------------------------------------------------------------------------------
# Hostile packs


def _zip(path: Path, entries: dict, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    "entries, symlink, code",
    [
        ({"../evil.yaml": "a: 1"}, None, "path-traversal"),
        ({"/etc/cron.d/evil.yaml": "a: 1"}, None, "path-traversal"),
        ({"C:/evil.yaml": "a: 1"}, None, "path-traversal"),
        ({"pack.yaml": "a: 1"}, "link.yaml", "symlink"),
        ({"rules/run.py": "import os"}, None, "not-data"),
        ({"bomb.yaml": "a" * (30 * 1024 * 1024)}, None, "file-too-large"),
        ({"bomb.yaml": "a" * (5 * 1024 * 1024)}, None, "zip-bomb"),
        ({f"f{i}.yaml": "a: 1" for i in range(1001)}, None, "too-many-files"),
    ],
)
def test_hostile_archives_are_refused(tmp_path, entries, symlink, code):
    archive = _zip(tmp_path / "hostile.zip", entries, symlink)
    with pytest.raises(PackError) as caught:
        safe_extract(archive, tmp_path / "out")
    assert caught.value.code == code
    assert not (tmp_path / "evil.yaml").exists()
    with pytest.raises(PackError):
        install(archive, allow_unsigned=True)


@pytest.mark.parametrize(
    "rule, code",
    [
        ("  - id: X-01\n    name: &a 炸弹\n    kind: expression\n    severity: 错误\n    expr: *a\n", "yaml-anchor"),
        (
            "  - id: X-01\n    name: 深\n    kind: expression\n    severity: 错误\n    expr: "
            + "[" * 60
            + "]" * 60
            + "\n",
            "too-deep",
        ),
        (
            '  - id: X-01\n    name: 慢\n    kind: claim\n    severity: 错误\n    template: 甲……{数:a}……{数:b}……{数:c}…{数:d}\n    checks: ["{a} == 1"]\n',
            "bad-template",
        ),
        (
            "  - id: X-01\n    name: 长\n    kind: expression\n    severity: 错误\n    expr: "
            + "1 + " * 1500
            + "1 == 1\n",
            "bad-expression",
        ),
    ],
)
def test_hostile_rule_files_are_refused(tmp_path, rule, code):
    folder = tmp_path / "pack"
    run_cli("pack", "new", folder, "--id", "x", "--name", "x")
    (folder / "rules" / "本地规则.yaml").write_text("rules:\n" + rule, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    assert caught.value.code == code and caught.value.line
