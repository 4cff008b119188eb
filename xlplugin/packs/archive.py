"""A rule pack as one file: deterministic .zip, content hashes, Ed25519 signatures, safe unpacking.

- :func:`build` checks the pack (it must load) and writes a .zip whose bytes depend only on the pack's
  files: entries sorted, fixed timestamps and permissions, plus ``CONTENTS.json`` — the pack's id and
  version and the SHA-256 of every file.
- :func:`sign` adds ``SIGNATURE.json``: an Ed25519 signature of ``CONTENTS.json`` and the signer's key
  fingerprint. :func:`verify` answers one of ``ok``, ``unsigned``, ``tampered`` (a file differs from
  its hash, a file was added or removed, or the signature does not match) or ``untrusted`` (a valid
  signature by a key the department does not trust).
- :func:`safe_extract` refuses what a hostile archive could do: paths outside the target (``../``,
  absolute, drive letters), links, more files or bytes than a pack ever needs, compression ratios of a
  zip bomb, and file types that are not data (a pack never carries code); :mod:`xlplugin.packs.archive_read`
  also refuses archives that different readers would read differently. :func:`verify` calls a
  well-formed .zip that is not a whole pack ``invalid`` (never ``ok``): ``pack verify``, ``pack install``
  and ``check --pack x.zip`` all refuse it in one sentence.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from xlplugin.core.errors import PackError
from xlplugin.packs.archive_read import (
    CONTENTS,
    DATA_SUFFIXES,
    SIGNATURE,
    manifest_problem,
    read_entries,
    read_manifest,
    shape_problem,
)
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import home, trusted_keys

__all__ = [
    "build",
    "sign",
    "verify",
    "safe_extract",
    "write_entries",
    "unpack_for_use",
    "admit",
    "generate_keys",
    "fingerprint",
    "Verification",
    "STATUS_TITLES",
]

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def pack_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir() or any(
            part.startswith(".") or part == "__pycache__" for part in PurePosixPath(relative).parts
        ):
            continue
        if path.is_symlink():
            raise PackError("symlink", f"规则包中不能有链接：“{relative}”。")
        if path.suffix.lower() not in DATA_SUFFIXES:
            raise PackError(
                "not-data", f"规则包只能包含数据文件（{'、'.join(sorted(DATA_SUFFIXES))}），不能包含“{relative}”。"
            )
        if relative in (CONTENTS, SIGNATURE):
            continue
        files[relative] = path.read_bytes()
    return files


def _contents(pack_id: str, version: str, files: dict[str, bytes]) -> bytes:
    document = {
        "format": 1,
        "pack": {"id": pack_id, "version": version},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def _write_zip(target: Path, entries: dict[str, bytes]) -> Path:
    """Same entries, same bytes: sorted names, fixed times, permissions and compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3
            archive.writestr(info, entries[name], compresslevel=9)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.part")
    temporary.write_bytes(buffer.getvalue())
    os.replace(temporary, target)
    return target


def build(folder: str | Path, target: str | Path) -> Path:
    """Check the pack in ``folder`` and write it as one deterministic .zip."""
    folder = Path(folder)
    pack = load_pack(folder)  # a derived pack carries only its own files; its base is installed separately
    files = pack_files(folder)
    return _write_zip(Path(target), {**files, CONTENTS: _contents(pack.id, pack.version, files)})


# ---------------------------------------------------------------------------------------------
# Keys and signatures


def generate_keys(folder: str | Path, name: str, force: bool = False) -> tuple[Path, Path]:
    """A new Ed25519 key pair: ``name.key`` (private, keep it safe) and ``name.pub`` (give it out).

    Refuses (``key-exists``) to replace an existing key unless ``force``: every pack signed with the old
    key would no longer be trusted. Each file is written whole under a temporary name, then renamed;
    the private key is never readable by others, not even while it is written."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = Path(folder)
    private = folder / f"{name}.key"
    public = folder / f"{name}.pub"
    existing = [path for path in (private, public) if path.exists()]
    if existing and not force:
        raise PackError(
            "key-exists",
            f"已有密钥“{'”“'.join(str(p) for p in existing)}”，拒绝覆盖：覆盖后，用原私钥签名的规则包在各单位都将不受信任"
            "（须重新签名，各单位须重新信任新公钥）。确需重新生成请加 --force，或换一个名称。",
        )
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    _write_private(
        private,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    _write_private(
        public,
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        mode=0o644,
    )
    return private, public


def _write_private(target: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``target`` atomically, the file created with ``mode`` from the start."""
    temporary = target.with_name(f".{target.name}.part")
    temporary.unlink(missing_ok=True)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _load_private(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (ValueError, TypeError, OSError) as error:
        raise PackError("bad-key", f"无法读取私钥“{path}”：{error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PackError("bad-key", f"“{path}”不是 Ed25519 私钥。")
    return key


def load_public(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (ValueError, TypeError, OSError) as error:
        raise PackError("bad-key", f"无法读取公钥“{path}”：{error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise PackError("bad-key", f"“{path}”不是 Ed25519 公钥。")
    return key


def fingerprint(public_key) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(archive_path: str | Path, private_key: str | Path, target: str | Path | None = None) -> Path:
    """Add (or replace) the signature of a built pack; refuse an archive that is not one, or whose files
    no longer match its manifest."""
    archive_path = Path(archive_path)
    entries = read_entries(archive_path)
    problem = _problem(archive_path, entries)
    if problem:
        raise PackError("not-a-pack", f"{problem[1]}拒绝签名。")
    key = _load_private(Path(private_key))
    signature = {
        "algorithm": "Ed25519",
        "key": fingerprint(key.public_key()),
        "signature": base64.b64encode(key.sign(entries[CONTENTS])).decode("ascii"),
    }
    entries[SIGNATURE] = json.dumps(signature, sort_keys=True, indent=1).encode("utf-8")
    return _write_zip(Path(target or archive_path), entries)


#: what ``pack verify`` calls each status
STATUS_TITLES = {
    "ok": "通过",
    "unsigned": "未签名",
    "untrusted": "不受信任",
    "tampered": "已被改动",
    "invalid": "无法使用",
}


@dataclass(frozen=True)
class Verification:
    """``status`` is ok, unsigned, untrusted, tampered (its files or signature changed since it was
    built or signed) or invalid (not a pack ``pack build`` makes: empty, one folder too deep, no or an
    unreadable manifest, no ``pack.yaml``, or one that is not the manifest's pack); ``message`` says it
    in Chinese."""

    status: str
    message: str
    pack_id: str = ""
    version: str = ""
    signer: str = ""
    #: the archive's files as they were checked: install writes these, not a second read of a file
    #: that could have changed in between
    entries: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def verify(archive_path: str | Path, trusted_keys: list[Path]) -> Verification:
    """Whether ``archive_path`` is a whole pack, unchanged, signed by one of ``trusted_keys``. Never
    raises for a bad archive: every way an archive can be wrong is a status with its sentence."""
    from cryptography.exceptions import InvalidSignature

    archive_path = Path(archive_path)
    try:
        entries = read_entries(archive_path)
    except PackError as error:
        return Verification("tampered" if error.code == "corrupt-archive" else "invalid", error.message)
    problem = _problem(archive_path, entries)
    if problem:
        status, message = problem
        manifest = read_manifest(entries) if CONTENTS in entries else None
        return Verification(status, message, *(manifest[:2] if manifest else ()))
    pack_id, version, _ = read_manifest(entries)
    if SIGNATURE not in entries:
        return Verification(
            "unsigned",
            f"规则包 {pack_id} {version} 没有签名，无法确认来自发布单位。",
            pack_id,
            version,
            entries=entries,
        )
    try:
        signature = json.loads(entries[SIGNATURE].decode("utf-8"))
        raw = base64.b64decode(signature["signature"], validate=True)
        signer = str(signature["key"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return Verification("tampered", "签名文件已损坏。", pack_id, version)
    for path in trusted_keys:
        key = load_public(path)
        if fingerprint(key) != signer:
            continue
        try:
            key.verify(raw, entries[CONTENTS])
        except InvalidSignature:
            return Verification(
                "tampered", f"签名与内容不符（签名者 {signer}）：规则包或签名已被改动。", pack_id, version, signer
            )
        return Verification(
            "ok",
            f"规则包 {pack_id} {version} 由受信任的密钥 {signer}（{path.name}）签名，内容完整。",
            pack_id,
            version,
            signer,
            entries,
        )
    return Verification(
        "untrusted",
        f"规则包 {pack_id} {version} 由密钥 {signer} 签名，但该密钥不在受信任的公钥中。",
        pack_id,
        version,
        signer,
        entries,
    )


def _problem(archive_path: Path, entries: dict[str, bytes]) -> tuple[str, str] | None:
    """(status, sentence) for entries that are not a whole, unchanged pack; ``None`` when they are."""
    shape = shape_problem(archive_path, entries)
    if shape:
        return "invalid", shape
    pack_id, version, listed = read_manifest(entries)
    changed = _tampering(entries, listed)
    if changed:
        return "tampered", f"规则包已被改动：{changed}。请向发布单位重新索取。"
    wrong = manifest_problem(archive_path, entries, pack_id, version)
    return ("invalid", wrong) if wrong else None


def _tampering(entries: dict[str, bytes], listed: dict[str, str]) -> str | None:
    present = {name for name in entries if name not in (CONTENTS, SIGNATURE)}
    for name in sorted(set(listed) - present):
        return f"缺少文件“{name}”"
    for name in sorted(present - set(listed)):
        return f"多出文件“{name}”"
    for name in sorted(present):
        if hashlib.sha256(entries[name]).hexdigest() != listed[name]:
            return f"文件“{name}”的内容与清单中的哈希不符"
    return None


def safe_extract(archive_path: str | Path, target: str | Path) -> Path:
    """Unpack a checked archive into ``target`` (created; must be empty or absent)."""
    return write_entries(read_entries(Path(archive_path)), target)


def write_entries(entries: dict[str, bytes], target: str | Path) -> Path:
    """Write files read by the hostile-archive checks into ``target``, never outside it."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    for name, data in entries.items():
        destination = (target / name).resolve()
        if not destination.is_relative_to(root):
            raise PackError("path-traversal", f"规则包中的路径“{name}”试图写到规则包目录之外，拒绝读取。")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    return target


def admit(verification: Verification, allow_unsigned: bool, use: str) -> str:
    """The one trust decision, for installing an archive and for using one directly
    (``check --pack x.zip``): a tampered pack never; an unsigned one, or one signed by a key the
    department does not trust, only with ``allow_unsigned``. Returns what the report must say about
    the pack's trust: ``""`` for a pack signed by a trusted key."""
    if verification.ok:
        return ""
    if verification.status == "invalid":
        raise PackError("bad-archive", f"拒绝{use}：{verification.message}")
    if verification.status not in ("unsigned", "untrusted"):
        raise PackError("pack-tampered", f"拒绝{use}：{verification.message}")
    if not allow_unsigned:
        code = "pack-unsigned" if verification.status == "unsigned" else "pack-untrusted"
        raise PackError(code, f"拒绝{use}：{verification.message}如确认来源可靠，可加 --allow-unsigned {use}。")
    return f"{verification.message}按 --allow-unsigned {use}，其规则未经受信任的发布单位确认。"


def unpack_for_use(archive_path: str | Path, allow_unsigned: bool = False) -> tuple[Path, str]:
    """A pack archive given directly (``check --pack x.zip``): verified against the trusted keys and
    admitted by :func:`admit` exactly as installing it would be, then unpacked once into the user's
    cache by content hash. Returns (folder, what the report must say about its trust)."""
    archive_path = Path(archive_path)
    verification = verify(archive_path, trusted_keys())
    notice = admit(verification, allow_unsigned, "使用")
    entries = verification.entries  # the files as they were verified, not a second read
    content = hashlib.sha256()
    for name in sorted(entries):
        content.update(name.encode("utf-8") + b"\0" + hashlib.sha256(entries[name]).digest())
    target = home() / "cache" / content.hexdigest()[:24]
    if not (target / "pack.yaml").is_file():  # unpacked whole under another name, then renamed
        shutil.rmtree(target, ignore_errors=True)  # what an older version left half-written
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=_made(target.parent)))
        try:
            write_entries(entries, staging)
            os.replace(staging, target)
        except OSError:
            if not target.is_dir():  # not a second process that unpacked the same pack first
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target, notice


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
