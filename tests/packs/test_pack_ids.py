"""Pack ids and versions are folder names under the installed packs: `pack lint` and loading refuse an
id that is not one, and `pack install` never writes outside the packs folder."""

import hashlib
import json
import shutil
import zipfile

import pytest

from tests.helpers import CITY, run_cli
from xlplugin.core.errors import PackError
from xlplugin.packs.archive import build
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import installed_root
from xlplugin.packs.resolve import find_pack
from xlplugin.packs.store import install

HOSTILE_IDS = ["/tmp/xlplugin-hostile", "../../victim", "..", "a/b", "C:x", ""]


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
    result = run_cli("pack", "lint", folder)
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
    entries["pack.yaml"] = (
        entries["pack.yaml"]
        .decode("utf-8")
        .replace("\nid: cq-2021\n", f"\nid: {json.dumps(pack_id)}\n")
        .replace("\nversion: 1.2.0\n", f"\nversion: {json.dumps(version)}\n")
        .encode("utf-8")
    )
    files = {name: data for name, data in entries.items() if name != "CONTENTS.json"}
    entries["CONTENTS.json"] = json.dumps(
        {
            "format": 1,
            "pack": {"id": pack_id, "version": version},
            "files": {n: hashlib.sha256(d).hexdigest() for n, d in sorted(files.items())},
        }
    ).encode("utf-8")
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
    result = run_cli("pack", "install", archive, "--allow-unsigned")
    assert result.exit_code == 2 and "拒绝安装" in result.output
    assert (doomed / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in doomed.parent.iterdir() if p.name.endswith(".installing")]  # nor a staging folder beside it


def test_a_good_pack_still_installs(tmp_path):
    result = run_cli("pack", "install", build(CITY, tmp_path / "good.zip"), "--allow-unsigned")
    assert result.exit_code == 0 and find_pack("cq-2021@1.2.0").is_relative_to(installed_root())
