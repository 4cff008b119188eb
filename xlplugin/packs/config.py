"""The project or bureau configuration file: ``xlplugin.yaml`` (or ``.xlplugin.yaml``) with the pack to
use, found the way tools usually find theirs — the current folder, then each folder above it, then the
user's home folder::

    # xlplugin.yaml
    pack: wansheng-2021          # an id (optionally @version) or a path, relative to this file

Read with :func:`~xlplugin.core.yamlfile.load_yaml`, so every problem names the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import YDict, check_keys, line_of, load_yaml

__all__ = ["CONFIG_NAMES", "Configured", "find_config", "read_config"]

#: the file names looked for in each folder, in this order
CONFIG_NAMES = ("xlplugin.yaml", ".xlplugin.yaml")
KEYS = {"pack"}


@dataclass(frozen=True)
class Configured:
    """The pack a configuration file names: ``spec`` as written (a relative path made absolute against
    the file's folder), and where it was written."""

    spec: str
    path: Path
    line: int


def find_config(start: str | Path | None = None, home: str | Path | None = None) -> Path | None:
    """The configuration file nearest ``start`` (default: the current folder): in it or a folder above
    it, else in ``home`` (default: the user's home folder); ``None`` when there is none."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    try:
        home = Path(home or Path.home())
    except RuntimeError:  # no home folder (a service account)
        return None
    for name in CONFIG_NAMES:
        if (home / name).is_file():
            return home / name
    return None


def read_config(path: str | Path) -> Configured | None:
    """The pack named by the configuration file at ``path`` (``None`` when it names none)."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        return None
    if not isinstance(data, YDict):
        raise PackError("bad-config", "配置文件应是“键: 值”的形式，如 pack: cq-2021。", str(path), line_of(data) or 1)
    check_keys(data, KEYS, set(), "配置文件")
    if "pack" not in data or data["pack"] in (None, ""):
        return None
    spec = data["pack"]
    line = line_of(data, "pack") or 1
    if not isinstance(spec, str):
        raise PackError("bad-config", f"pack 应是规则包的 id 或路径，而不是“{spec}”。", str(path), line)
    relative = path.parent / spec
    if not Path(spec).is_absolute() and ("@" not in spec and relative.exists()):
        spec = str(relative.resolve())
    return Configured(spec, path, line)
