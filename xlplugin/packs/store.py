"""Installed rule packs: a per-user directory with several versions side by side, and the keys the
department trusts.

``$XLPLUGIN_HOME`` (default ``~/.xlplugin``) holds ``packs/<id>/<version>/`` (unpacked, with their
``CONTENTS.json`` and ``SIGNATURE.json``), ``trusted/*.pub`` (the bureau public keys the department
trusts) and ``cache/`` (archives used directly with ``check --pack x.zip``). :func:`install` refuses an
unsigned, tampered or untrusted pack — saying which — unless ``allow_unsigned`` (which never admits a
tampered one): the same decision (:func:`~xlplugin.packs.archive.admit`) as for an archive used
directly. A pack with a bundled pack's id takes the bundled one's place only with ``replace_bundled``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import load_yaml
from xlplugin.packs.archive import admit, fingerprint, load_public, verify, write_entries
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS, check_pack_id, home, installed_root, semver, trusted_keys

__all__ = ["trust", "install", "installed", "remove", "bundled_versions", "replaces_bundled"]


def trust(public_key: str | Path) -> Path:
    """Add a bureau's public key to the keys this department trusts."""
    key = load_public(Path(public_key))
    target = home() / "trusted" / f"{fingerprint(key)}.pub"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(public_key, target)
    return target


@dataclass(frozen=True)
class Installed:
    id: str
    version: str
    name: str
    issuer: str
    path: Path
    signer: str


#: written into an installed pack's folder when it was installed with ``replace_bundled``: only then
#: does it take the place of the bundled pack of the same id
REPLACES_BUNDLED = ".replaces-bundled"


def bundled_versions() -> dict[str, str]:
    """id → version of every pack that comes with xlplugin."""
    found = {}
    for manifest in sorted(BUNDLED_PACKS.glob("*/pack.yaml")):
        try:
            data = load_yaml(manifest)
        except PackError:
            continue
        if isinstance(data, dict):
            found[str(data.get("id"))] = str(data.get("version"))
    return found


def replaces_bundled(folder: Path) -> bool:
    """Whether the installed pack in ``folder`` was installed to take the bundled pack's place."""
    return (Path(folder) / REPLACES_BUNDLED).is_file()


def install(
    archive: str | Path, extra_keys: list[Path] = (), allow_unsigned: bool = False, replace_bundled: bool = False
):
    """Verify, then unpack ``archive`` to ``packs/<id>/<version>/``; return (Installed, Verification).
    A pack with the id of a bundled pack is used instead of the bundled one only where named with its
    version (``cq-2021@1.2.0``) — unless installed with ``replace_bundled``, which is recorded in its
    folder: then also for the bare id and when recognised. Either way every check reports it."""
    verification = verify(archive, [*trusted_keys(), *map(Path, extra_keys)])
    admit(verification, allow_unsigned, "安装")
    target = _target(verification.pack_id, verification.version)
    bundled = bundled_versions().get(str(verification.pack_id))
    staging = target.with_name(f".{verification.version}.installing")
    if staging.exists():
        shutil.rmtree(staging)
    write_entries(verification.entries, staging)
    pack = load_pack(staging)  # it must load (and its base, if it extends one, must be installed)
    if (pack.id, pack.version) != (verification.pack_id, verification.version):
        shutil.rmtree(staging)
        raise PackError("bad-pack", "规则包清单中的 id/版本与 pack.yaml 不一致，拒绝安装。")
    if bundled is not None and replace_bundled:
        (staging / REPLACES_BUNDLED).write_text(f"{pack.id} {pack.version} 代替随附的 {bundled}\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
    return _describe(target), verification


def _target(pack_id: object, version: object) -> Path:
    """``packs/<id>/<version>``, refusing an id or version that would name a folder elsewhere."""
    try:
        check_pack_id(pack_id)
        semver(str(version))
        if not isinstance(pack_id, str) or not isinstance(version, str):
            raise ValueError(pack_id)
    except ValueError:
        raise PackError("bad-pack", f"规则包的 id“{pack_id}”或版本号“{version}”不合规范，拒绝安装。") from None
    root = installed_root().resolve()
    target = installed_root() / pack_id / version
    resolved = target.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise PackError("bad-pack", f"规则包的 id“{pack_id}”会把它安装到规则包目录之外，拒绝安装。")
    return target


def _describe(folder: Path) -> Installed:
    manifest = load_yaml(folder / "pack.yaml")
    signature = folder / "SIGNATURE.json"
    signer = json.loads(signature.read_text(encoding="utf-8")).get("key", "") if signature.exists() else ""
    return Installed(
        str(manifest["id"]),
        str(manifest["version"]),
        str(manifest.get("name", "")),
        str(manifest.get("issuer", "")),
        folder,
        signer,
    )


def installed() -> list[Installed]:
    root = installed_root()
    if not root.is_dir():
        return []
    return [_describe(p.parent) for p in sorted(root.glob("*/*/pack.yaml"))]


def remove(spec: str) -> list[Installed]:
    """Remove ``id`` (every version) or ``id@version``; return what was removed."""
    wanted, _, version = spec.partition("@")
    removed = [p for p in installed() if p.id == wanted and (not version or p.version == version)]
    if not removed:
        raise PackError("pack-not-found", f"没有安装规则包“{spec}”。")
    for pack in removed:
        shutil.rmtree(pack.path)
        if not any(pack.path.parent.iterdir()):
            pack.path.parent.rmdir()
    return removed
