"""Odd and hostile shapes of a pack archive: each is one Chinese refusal in ``pack verify``, ``pack
install`` and ``check --pack x.zip`` — never an internal error, and never 通过 for an archive that is
not a whole pack, even when its manifest is consistent and signed by a trusted key."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import warnings
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.helpers import CITY, run_cli
from xlplugin.packs.archive import build, fingerprint, generate_keys, sign, verify
from xlplugin.packs.places import installed_root


def _entries(tmp_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(build(CITY, tmp_path / "good.zip")) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _consistent(entries: dict[str, bytes], pack=("cq-2021", "1.2.0")) -> dict[str, bytes]:
    """The entries with a CONTENTS.json that lists exactly their files: passes the tampering check."""
    files = {n: hashlib.sha256(d).hexdigest() for n, d in entries.items() if n not in ("CONTENTS.json",)}
    contents = {"format": 1, "pack": {"id": pack[0], "version": pack[1]}, "files": files}
    return {**entries, "CONTENTS.json": json.dumps(contents).encode()}


def _signed(entries: dict[str, bytes], private_key: Path) -> dict[str, bytes]:
    """Signed the way ``pack sign`` signs — done here because ``pack sign`` refuses a broken pack."""
    key = serialization.load_pem_private_key(private_key.read_bytes(), password=None)
    signature = {
        "algorithm": "Ed25519",
        "key": fingerprint(key.public_key()),
        "signature": base64.b64encode(key.sign(entries["CONTENTS.json"])).decode("ascii"),
    }
    return {**entries, "SIGNATURE.json": json.dumps(signature).encode()}


def _zip(path: Path, items) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            archive.writestr(name, data)
    return path


def _patch_central(path: Path, field_offset: int, value: int) -> None:
    """Set a 2-byte field of every central-directory record (10: compression method, 8: flags)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        position = archive.start_dir
    while data[position : position + 4] == b"PK\x01\x02":
        old = struct.unpack_from("<H", data, position + field_offset)[0]
        struct.pack_into("<H", data, position + field_offset, value if field_offset == 10 else old | value)
        name, extra, comment = struct.unpack_from("<HHH", data, position + 28)
        position += 46 + name + extra + comment
    path.write_bytes(bytes(data))


def _gbk_name(path: Path, entries: dict[str, bytes]) -> Path:
    """An archive with a file named in GBK bytes and no UTF-8 flag, as some Windows zip tools write."""
    placeholder = "rules/QQQQ.yaml"
    _zip(path, [*entries.items(), (placeholder, b"rules: []\n")])
    data = path.read_bytes().replace(placeholder.encode(), "rules/规则.yaml".encode("gbk"))
    path.write_bytes(data)
    return path


def _shape(name: str, tmp_path: Path, key: Path) -> Path:
    entries = _entries(tmp_path)
    target = tmp_path / f"{name}.zip"
    inner = {n: d for n, d in entries.items() if n != "CONTENTS.json"}
    if name == "empty":
        return _zip(target, [])
    if name == "folder-only":
        return _zip(target, [(zipfile.ZipInfo("cq-2021/"), b"")])
    if name == "one-folder-deep":
        return _zip(target, [(f"cq-2021/{n}", d) for n, d in entries.items()])
    if name == "two-folders-deep":
        return _zip(target, [(f"dist/cq-2021/{n}", d) for n, d in entries.items()])
    if name == "pack-yaml-is-a-folder":
        moved = {("pack.yaml/pack.yaml" if n == "pack.yaml" else n): d for n, d in inner.items()}
        return _zip(target, _signed(_consistent(moved), key).items())
    if name == "file-and-folder":
        both = {**inner, "pack.yaml/x.yaml": b"a: 1\n"}
        return _zip(target, _consistent(both).items())
    if name == "non-utf8-name":
        return _gbk_name(target, entries)
    if name == "duplicate-entry":
        with warnings.catch_warnings():  # zipfile warns of the very thing this archive is made to have
            warnings.simplefilter("ignore", UserWarning)
            return _zip(target, [*_consistent(inner).items(), ("pack.yaml", inner["pack.yaml"])])
    if name == "case-duplicate":
        return _zip(target, _consistent({**inner, "PACK.yaml": inner["pack.yaml"]}).items())
    if name == "encrypted-entry":
        _zip(target, _signed(_consistent(inner), key).items())
        _patch_central(target, 8, 0x1)
        return target
    if name == "unsupported-compression":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
            for entry, data in _consistent(inner).items():
                archive.writestr(entry, data)
        _patch_central(target, 10, 9)  # Deflate64, which Python cannot decompress
        return target
    if name == "no-pack-yaml":
        rest = {n: d for n, d in inner.items() if n != "pack.yaml"}
        return _zip(target, _signed(_consistent(rest), key).items())
    if name == "manifest-names-another-pack":
        return _zip(target, _signed(_consistent(inner, ("wansheng-2021", "9.0.0")), key).items())
    if name == "pack-yaml-not-utf8":
        return _zip(target, _signed(_consistent({**inner, "pack.yaml": "id: 重庆".encode("gbk")}), key).items())
    if name == "files-listed-as-a-list":
        contents = {"format": 1, "pack": {"id": "cq-2021", "version": "1.2.0"}, "files": sorted(inner)}
        return _zip(target, [*inner.items(), ("CONTENTS.json", json.dumps(contents).encode())])
    if name == "manifest-not-json":
        return _zip(target, [*inner.items(), ("CONTENTS.json", b"\xff\xfe{")])
    if name == "not-a-zip":
        target.write_bytes(b"PK\x03\x04 but nothing after")
        return target
    if name == "a-folder":
        target.mkdir()
        return target
    raise AssertionError(name)


SHAPES = [
    ("empty", "没有任何文件"),
    ("folder-only", "没有任何文件"),
    ("one-folder-deep", "多了一层文件夹"),
    ("two-folders-deep", "“dist/cq-2021/”"),
    ("pack-yaml-is-a-folder", "没有 pack.yaml"),
    ("file-and-folder", "既是文件又是文件夹"),
    ("non-utf8-name", "不是 UTF-8 编码"),
    ("duplicate-entry", "同一个文件出现了两次"),
    ("case-duplicate", "只差大小写"),
    ("encrypted-entry", "设置了密码"),
    ("unsupported-compression", "不支持的压缩方式"),
    ("no-pack-yaml", "没有 pack.yaml"),
    ("manifest-names-another-pack", "与内容清单（wansheng-2021 9.0.0）不一致"),
    ("pack-yaml-not-utf8", "pack.yaml 不是 UTF-8 编码"),
    ("files-listed-as-a-list", "内容清单 CONTENTS.json 无法读取"),
    ("manifest-not-json", "内容清单 CONTENTS.json 无法读取"),
    ("not-a-zip", "不是完整的 .zip 规则包"),
    ("a-folder", "是文件夹，不是 .zip 规则包"),
]


@pytest.fixture
def trusted_key(tmp_path):
    private, public = generate_keys(tmp_path / "keys", "财政局")
    assert run_cli("pack", "trust", public).exit_code == 0
    return private


@pytest.mark.parametrize(("shape", "words"), SHAPES, ids=[s for s, _ in SHAPES])
def test_every_door_refuses_the_shape_in_one_sentence(tmp_path, trusted_key, sample_path, shape, words):
    archive = _shape(shape, tmp_path, trusted_key)
    verdict = verify(archive, [trusted_key.with_suffix(".pub")])
    assert verdict.status == "invalid" and words in verdict.message
    checked = run_cli("pack", "verify", archive)
    assert checked.exit_code == 1 and checked.output.startswith("无法使用：") and words in checked.output
    installing = run_cli("pack", "install", archive, "--allow-unsigned")
    assert installing.exit_code == 2 and "拒绝安装" in installing.output and words in installing.output
    assert not installed_root().exists() or not any(installed_root().rglob("pack.yaml"))
    using = run_cli("check", sample_path, "--pack", archive, "--allow-unsigned")
    assert using.exit_code == 2 and "拒绝使用" in using.output and words in using.output
    for result in (checked, installing, using):
        assert "内部错误" not in result.output and "Traceback" not in result.output


def test_sign_refuses_what_is_not_a_whole_pack(tmp_path, trusted_key):
    archive = _shape("no-pack-yaml", tmp_path, trusted_key)
    signed = run_cli("pack", "sign", archive, "--key", trusted_key)
    assert signed.exit_code == 2 and "没有 pack.yaml" in signed.output and "拒绝签名" in signed.output


def test_a_whole_pack_still_verifies_and_installs(tmp_path, trusted_key):
    archive = sign(build(CITY, tmp_path / "cq.zip"), trusted_key)
    checked = run_cli("pack", "verify", archive)
    assert checked.exit_code == 0 and checked.output.startswith("通过：")
    assert run_cli("pack", "install", archive).exit_code == 0
