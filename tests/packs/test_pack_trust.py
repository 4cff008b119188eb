"""One signature policy for installing a pack and for using an archive directly (``check --pack
x.zip``), and no silent replacement of a bundled pack by an installed one of the same id."""

import json
import shutil
from types import SimpleNamespace

import pytest

from tests.helpers import CITY, run_cli
from xlplugin.api import check
from xlplugin.core.errors import PackError
from xlplugin.packs.archive import build, generate_keys, sign
from xlplugin.packs.places import installed_root
from xlplugin.packs.resolve import find_pack, resolve_pack


@pytest.fixture
def keys(tmp_path):
    return {"bureau": generate_keys(tmp_path / "keys", "财政局"), "stranger": generate_keys(tmp_path / "keys", "别人")}


@pytest.fixture
def archives(tmp_path, keys):
    """The bundled pack as an unsigned, a trusted-signed, an untrusted-signed and a tampered archive;
    the bureau's key is trusted."""
    assert run_cli("pack", "trust", keys["bureau"][1]).exit_code == 0
    unsigned = build(CITY, tmp_path / "unsigned.zip")
    trusted = sign(build(CITY, tmp_path / "trusted.zip"), keys["bureau"][0])
    untrusted = sign(build(CITY, tmp_path / "untrusted.zip"), keys["stranger"][0])
    data = bytearray(trusted.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(bytes(data))
    return SimpleNamespace(unsigned=unsigned, trusted=trusted, untrusted=untrusted, tampered=tampered)


def _demo_pack(tmp_path, keys, version: str = "99.0.0"):
    """A trusted-signed pack with the bundled pack's id, a higher version and most rules disabled."""
    folder = tmp_path / "demo"
    shutil.copytree(CITY, folder)
    manifest = folder / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("version: 1.2.0", f"version: {version}", 1), encoding="utf-8")
    for rules in (folder / "rules").glob("*.yaml"):
        if rules.name != "公开01表.yaml":
            rules.write_text("rules: []\n", encoding="utf-8")
    return sign(build(folder, tmp_path / f"cq-2021-{version}.zip"), keys["bureau"][0])


# --- A: the same signature policy for check --pack x.zip as for install ------------------------


@pytest.mark.parametrize(("which", "words"), [("unsigned", "没有签名"), ("untrusted", "不在受信任的公钥中")])
def test_check_refuses_an_archive_install_refuses(archives, sample_path, which, words):
    archive = getattr(archives, which)
    installing = run_cli("pack", "install", archive)
    assert installing.exit_code == 2 and words in installing.output
    result = run_cli("check", sample_path, "--pack", archive)
    assert result.exit_code == 2 and "拒绝使用" in result.output and words in result.output
    assert "--allow-unsigned" in result.output and "错误 13" not in result.output
    with pytest.raises(PackError) as caught:
        check(sample_path, archive)
    assert caught.value.code == f"pack-{which}"


def test_a_tampered_archive_is_refused_even_when_allowing_unsigned(archives, sample_path):
    for extra in ((), ("--allow-unsigned",)):
        result = run_cli("check", sample_path, "--pack", archives.tampered, *extra)
        assert result.exit_code == 2 and "拒绝使用" in result.output
    with pytest.raises(PackError) as caught:
        check(sample_path, archives.tampered, allow_unsigned=True)
    assert caught.value.code == "pack-tampered"


def test_allowing_unsigned_is_said_in_the_text_and_json_reports(archives, sample_path):
    result = run_cli("check", sample_path, "--pack", archives.unsigned, "--allow-unsigned", "--level", "error")
    assert result.exit_code == 1 and "错误 13" in result.output
    first = result.output.splitlines()[0]
    assert first.startswith("注意：") and "没有签名" in first and "--allow-unsigned" in first
    result = run_cli("check", sample_path, "--pack", archives.untrusted, "--allow-unsigned", "--format", "json")
    notices = json.loads(result.output)["pack"]["notices"]
    assert result.exit_code == 1 and len(notices) == 1 and "不在受信任的公钥中" in notices[0]
    assert check(sample_path, archives.unsigned, allow_unsigned=True).notices


def test_a_trusted_archive_is_used_without_a_notice(archives, sample_path):
    result = run_cli("check", sample_path, "--pack", archives.trusted, "--format", "json")
    assert result.exit_code == 1 and "notices" not in json.loads(result.output)["pack"]
    assert check(sample_path, archives.trusted).notices == []


def test_batch_applies_the_same_policy(archives, sample_path, tmp_path):
    result = run_cli("batch", sample_path, "--out", tmp_path / "out", "--pack", archives.unsigned, "--jobs", 1)
    assert result.exit_code == 2 and "拒绝使用" in result.output and not (tmp_path / "out").exists()


def test_reading_an_unsigned_archive_is_still_allowed(archives):
    # lint, show, diff and test read a pack (a bureau lints its own archive before signing it)
    assert run_cli("pack", "show", archives.unsigned).exit_code == 0
    assert find_pack(archives.unsigned, allow_unsigned=True).is_dir()
    with pytest.raises(PackError):
        find_pack(archives.unsigned)


# --- B: an installed pack never silently replaces a bundled one -------------------------------


def test_an_installed_pack_with_a_bundled_id_is_not_used_unless_named(tmp_path, keys, sample_path):
    assert run_cli("pack", "trust", keys["bureau"][1]).exit_code == 0
    result = run_cli("pack", "install", _demo_pack(tmp_path, keys))
    assert result.exit_code == 0 and "仍用随附的" in result.output and "--replace-bundled" in result.output
    for args in ((), ("--pack", "cq-2021")):
        result = run_cli("check", sample_path, *args, "--level", "error")
        assert result.exit_code == 1 and "错误 13" in result.output and "cq-2021 1.2.0" in result.output
        assert "注意" not in result.output
    assert not find_pack("cq-2021").is_relative_to(installed_root())
    # named with its version: an explicit choice, and reported
    result = run_cli("check", sample_path, "--pack", "cq-2021@99.0.0", "--format", "json")
    data = json.loads(result.output)
    assert data["pack"]["version"] == "99.0.0" and "随附的 cq-2021 1.2.0" in data["pack"]["notices"][0]


def test_replacing_the_bundled_pack_is_explicit_and_reported(tmp_path, keys, sample_path):
    assert run_cli("pack", "trust", keys["bureau"][1]).exit_code == 0
    result = run_cli("pack", "install", _demo_pack(tmp_path, keys), "--replace-bundled")
    assert result.exit_code == 0 and "代替随附的规则包 cq-2021 1.2.0" in result.output
    result = run_cli("check", sample_path)
    first = result.output.splitlines()[0]
    assert first.startswith("注意：") and "cq-2021 99.0.0" in first and "随附的 cq-2021 1.2.0" in first
    resolved = resolve_pack("cq-2021")
    assert resolved.path.is_relative_to(installed_root()) and resolved.notices
    checked = check(sample_path)
    assert checked.pack.version == "99.0.0" and checked.notices
    assert run_cli("pack", "remove", "cq-2021@99.0.0").exit_code == 0
    result = run_cli("check", sample_path, "--level", "error")
    assert "错误 13" in result.output and "注意" not in result.output
