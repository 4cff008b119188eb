"""The official 政府收支分类科目 catalogues (功能分类 类/款/项, 经济分类 类/款) as pack data.

A catalogue is a YAML file (safe, with line numbers: :mod:`xlplugin.core.yamlfile`)::

    year: 2021
    source:                      # where the entries were taken from, one line each
      - 财政部《2021年政府收支分类科目》…
    coverage: 类 26 个（全部）；款 12 个、项 35 个（部分）    # optional: said by `pack show`
    entries:                     # code → official name, copied exactly (全角括号 etc.)
      "208": 社会保障和就业支出
      "2080505": 机关事业单位基本养老保险缴费支出
    aliases:                     # optional: other names accepted for a code
      "30108": [机关事业单位基本养老保险费]

Codes are strings of 3, 5 or 7 digits (类, 款, 项); YAML reads an unquoted ``208`` as a number, which
is taken as its digits. Every malformed part is a :class:`~xlplugin.core.errors.PackError` with the
file and line (``bad-catalogue``).

A rule names a catalogue by a path inside its pack folder (``catalogues/功能分类-2023.yaml``) or by
the name of a bundled one (``功能分类-2021``: ``rules/catalogues/功能分类-2021.yaml`` in a checkout,
``xlplugin/_rules/catalogues/`` in an installed wheel). :func:`find_catalogue` resolves either,
:func:`load_catalogue` reads one; loaded catalogues are cached by path and modification time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core.amounts import normalize_text
from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import YDict, check_keys, line_of, load_yaml

__all__ = ["BUNDLED_CATALOGUES", "Catalogue", "bundled_names", "find_catalogue", "load_catalogue", "name_key"]

_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_KEYS = {"year", "source", "coverage", "entries", "aliases"}
_REQUIRED = {"year", "source", "entries"}
#: the parenthesised level marks narratives add to names: 社会保障和就业支出（类）
_LEVEL_MARK = re.compile(r"\((?:类|款|项)\)$")


def _bundled_catalogues() -> Path:
    """``xlplugin/_rules/catalogues`` in an installed wheel (setup.cfg maps ``rules/`` there),
    ``rules/catalogues`` beside the package in a checkout (as :mod:`xlplugin.packs.places` finds
    the bundled packs; the engine may not import that layer)."""
    package = Path(__file__).resolve().parents[1]
    wheel_copy = package / "_rules"
    return (wheel_copy if wheel_copy.is_dir() else package.parent / "rules") / "catalogues"


BUNDLED_CATALOGUES = _bundled_catalogues()


def name_key(name: str) -> str:
    """What two names are compared by: no spaces, full-width folded to half-width (NFKC), no
    trailing （类）/（款）/（项）."""
    return _LEVEL_MARK.sub("", normalize_text(name))


@dataclass(frozen=True)
class Catalogue:
    """One loaded catalogue: its official names by code, the other names it accepts, and an index
    of codes by name (to say whose name a wrong one is)."""

    name: str
    path: str
    year: int
    sources: tuple[str, ...]
    coverage: str
    entries: dict[str, str] = field(compare=False)
    aliases: dict[str, tuple[str, ...]] = field(compare=False)
    #: name_key(official name) → codes with that name, in catalogue order
    by_name: dict[str, tuple[str, ...]] = field(compare=False, repr=False)

    def official(self, code: str) -> str | None:
        return self.entries.get(code)

    def accepts(self, code: str, name: str) -> bool:
        """True if ``name`` is the official name of ``code`` or one of its aliases (compared by
        :func:`name_key`)."""
        wanted = name_key(name)
        return any(name_key(known) == wanted for known in (self.entries[code], *self.aliases.get(code, ())))

    def owners(self, name: str, code: str) -> tuple[str, ...]:
        """The codes other than ``code`` whose official name is ``name``: those of ``code``'s level
        that share the longest prefix with it (``行政运行`` written at 2080102 → 2080101, not every
        行政运行 of the catalogue), at most three."""
        others = [c for c in self.by_name.get(name_key(name), ()) if c != code and len(c) == len(code)]
        if not others:
            return ()
        shared = {c: _common_prefix(c, code) for c in others}
        best = max(shared.values())
        return tuple(c for c in others if shared[c] == best)[:3]

    def counts(self) -> dict[str, int]:
        """How many entries of each level: ``{"类": 26, "款": …, "项": …}``."""
        levels = {3: "类", 5: "款", 7: "项"}
        found = dict.fromkeys(levels.values(), 0)
        for code in self.entries:
            found[levels[len(code)]] += 1
        return found


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b):
        if x != y:
            break
        length += 1
    return length


def bundled_names() -> list[str]:
    """The names of the bundled catalogues (``功能分类-2021`` …)."""
    if not BUNDLED_CATALOGUES.is_dir():
        return []
    return sorted(path.stem for path in BUNDLED_CATALOGUES.glob("*.yaml"))


def find_catalogue(spec: str, pack_folder: Path | None) -> Path:
    """The file a rule's ``catalogue`` names: a path (it has a ``/`` or ends in ``.yaml``/``.yml``)
    inside ``pack_folder``, else the name of a bundled catalogue. Raises ``PackError``
    (``path-escape``, ``missing-file``, ``unknown-catalogue``) without file and line: the caller
    adds the rule's."""
    text = str(spec).strip()
    if "/" in text or "\\" in text or text.endswith((".yaml", ".yml")):
        if pack_folder is None:
            raise PackError("missing-file", f"找不到目录文件“{text}”：无法确定规则包所在的文件夹。")
        folder = pack_folder.resolve()
        path = (folder / text).resolve()
        if not path.is_relative_to(folder):
            raise PackError("path-escape", f"目录文件“{text}”不在规则包目录内。")
        if not path.is_file():
            raise PackError("missing-file", f"规则包中找不到目录文件“{text}”。")
        return path
    path = BUNDLED_CATALOGUES / f"{text}.yaml"
    if not path.is_file():
        available = "、".join(bundled_names()) or "无"
        raise PackError(
            "unknown-catalogue", f"没有名为“{text}”的随附目录（可用：{available}；规则包自带的目录请写相对路径）。"
        )
    return path


_CACHE: dict[tuple[str, int], Catalogue] = {}


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and check one catalogue file (cached by path and modification time)."""
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    catalogue = _read(path)
    if key is not None:
        _CACHE[key] = catalogue
    return catalogue


def _bad(message: str, container, key=None) -> PackError:
    return PackError("bad-catalogue", message, getattr(container, "path", ""), line_of(container, key))


def _read(path: Path) -> Catalogue:
    data = load_yaml(path)
    if not isinstance(data, YDict):
        raise PackError("bad-catalogue", "目录文件应是含 year、source、entries 的映射。", str(path), 1)
    check_keys(data, _KEYS, _REQUIRED, "目录文件")  # unknown-key / missing-key, at the line
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise _bad(f"year 应是年度数字（如 2021），不是“{year}”。", data, "year")
    sources = data["source"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise _bad("source 应是列表，逐项写明条目的出处。", data, "source")
    coverage = data.get("coverage", "")
    if not isinstance(coverage, str):
        raise _bad("coverage 应是一句文字。", data, "coverage")
    entries = _entries(data)
    aliases = _aliases(data, entries)
    by_name: dict[str, tuple[str, ...]] = {}
    for code, name in entries.items():
        by_name[name_key(name)] = (*by_name.get(name_key(name), ()), code)
    return Catalogue(path.stem, str(path), year, tuple(sources), coverage.strip(), entries, aliases, by_name)


def _code(value: object, container, key) -> str:
    """A code as written (``"2080505"`` or an unquoted ``208``), checked: 3, 5 or 7 digits."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _CODE.fullmatch(text):
        raise _bad(f"科目编码应是 3、5 或 7 位数字，不是“{value}”。", container, key)
    return text


def _entries(data: YDict) -> dict[str, str]:
    written = data["entries"]
    if not isinstance(written, YDict) or not written:
        raise _bad("entries 应是“编码: 名称”的映射。", data, "entries")
    entries: dict[str, str] = {}
    for key, name in written.items():
        code = _code(key, written, key)
        if code in entries:
            raise _bad(f"科目编码 {code} 重复出现。", written, key)
        if not isinstance(name, str) or not name.strip():
            raise _bad(f"科目 {code} 的名称应是文字。", written, key)
        entries[code] = name.strip()
    return entries


def _aliases(data: YDict, entries: dict[str, str]) -> dict[str, tuple[str, ...]]:
    written = data.get("aliases") or YDict()
    if not isinstance(written, YDict):
        raise _bad("aliases 应是“编码: [别名, …]”的映射。", data, "aliases")
    aliases: dict[str, tuple[str, ...]] = {}
    for key, names in written.items():
        code = _code(key, written, key)
        if code not in entries:
            raise _bad(f"aliases 中的科目 {code} 不在 entries 中。", written, key)
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise _bad(f"科目 {code} 的别名应是文字的列表。", written, key)
        aliases[code] = tuple(n.strip() for n in names)
    return aliases
