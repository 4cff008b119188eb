"""Where packs live and how they are named: the user's folder (``$XLPLUGIN_HOME``), the installed
and bundled packs, pack ids and versions."""

from __future__ import annotations

import os
import re
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import load_yaml

__all__ = [
    "BUNDLED_PACKS",
    "candidates",
    "check_pack_id",
    "home",
    "installed_root",
    "newest",
    "search_paths",
    "semver",
    "trusted_keys",
    "version_key",
    "find_by_id",
]


def home() -> Path:
    """The user's xlplugin folder: ``$XLPLUGIN_HOME``, default ``~/.xlplugin``."""
    return Path(os.environ.get("XLPLUGIN_HOME") or Path.home() / ".xlplugin")


def installed_root() -> Path:
    return home() / "packs"


def trusted_keys() -> list[Path]:
    folder = home() / "trusted"
    return sorted(folder.glob("*.pub")) if folder.is_dir() else []


def _bundled_packs() -> Path:
    """The packs that come with xlplugin: ``xlplugin/_rules`` in an installed wheel (setup.cfg maps
    ``rules/`` there), ``rules/`` beside the package in a checkout or an editable install."""
    package = Path(__file__).resolve().parents[1]
    wheel_copy = package / "_rules"
    return wheel_copy if wheel_copy.is_dir() else package.parent / "rules"


BUNDLED_PACKS = _bundled_packs()

_SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?")
#: a pack id is also a folder name under the installed packs: no separators, no "..", no drive letters
PACK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}", re.IGNORECASE)


def semver(text: str) -> tuple[int, int, int]:
    """``1.2.3`` → (1, 2, 3); anything else is not a version."""
    match = _SEMVER.fullmatch(str(text))
    if not match:
        raise ValueError(text)
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def check_pack_id(pack_id: object) -> str:
    """``pack_id`` if it is safe as a folder name (``cq-2021``); raise ValueError otherwise."""
    text = str(pack_id)
    if not PACK_ID.fullmatch(text) or ".." in text:
        raise ValueError(text)
    return text


def version_key(version: str) -> tuple[int, int, int]:
    """A version as a sort key; one that is not semantic sorts first."""
    try:
        return semver(version)
    except ValueError:
        return (0, 0, 0)


def search_paths() -> list[Path]:
    """Where packs are looked for by id: the user's installed packs, then the bundled ones."""
    return [installed_root(), BUNDLED_PACKS]


def candidates(wanted: str | None = None) -> list[tuple[str, str, Path]]:
    """(id, version, folder) of every installed and bundled pack (optionally of one id)."""
    found = []
    for root in search_paths():
        if not root.is_dir():
            continue
        for manifest in sorted(root.glob("*/pack.yaml")) + sorted(root.glob("*/*/pack.yaml")):
            try:
                data = load_yaml(manifest)
            except PackError:
                continue
            if isinstance(data, dict) and (wanted is None or str(data.get("id")) == wanted):
                found.append((str(data.get("id")), str(data.get("version")), manifest.parent))
    return found


def find_by_id(spec: str) -> Path:
    """The folder of an installed or bundled pack: ``cq-2021`` (its newest version) or ``cq-2021@1.2.0``."""
    wanted, _, version = str(spec).partition("@")
    matching = [(v, folder) for _, v, folder in candidates(wanted) if not version or v == version]
    if not matching:
        raise PackError("pack-not-found", f"找不到规则包“{spec}”：既不是存在的路径，也不是已安装或随附规则包的 id。")
    return max(matching, key=lambda item: version_key(item[0]))[1]


def newest() -> dict[str, tuple[str, Path]]:
    """The newest version of every installed and bundled pack: id → (version, folder)."""
    found: dict[str, tuple[str, Path]] = {}
    for pack_id, version, folder in candidates():
        if pack_id not in found or version_key(version) > version_key(found[pack_id][0]):
            found[pack_id] = (version, folder)
    return found
