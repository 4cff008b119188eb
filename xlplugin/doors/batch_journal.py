"""What a batch remembers between runs, so that a run resumes where the last one stopped.

A batch streams one summary line per workbook, as each finishes, to ``out/汇总.jsonl.part`` — the
journal — and renames it ``汇总.jsonl`` only at the end. A run that is killed (``kill -9``, a closed
terminal, a full disk) leaves its journal behind; the next run reads the last complete summary *and*
that journal (a line cut off by the kill does not parse and is ignored) and reuses every workbook
:func:`unchanged` says it may: the same content (size, then SHA-256 — a new modification time alone
is no change), the same pack (id, version and :func:`pack_fingerprint` of every file), the same
``--annotate``, the same waivers file (its SHA-256; or none), and its report (and annotated copy) still
there. ``--force`` reads neither.

Each unit's report is written whole or not at all (:func:`write_json`), so a reused summary never
points at a truncated file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

__all__ = [
    "JOURNAL",
    "SUMMARY_FILE",
    "Journal",
    "file_hash",
    "pack_fingerprint",
    "previous",
    "remove_leftovers",
    "unchanged",
    "write_json",
]

SUMMARY_FILE = "汇总.jsonl"
#: the summary being written; what an interrupted run leaves behind
JOURNAL = SUMMARY_FILE + ".part"

_fingerprints: dict = {}
_UMASK = os.umask(0o022)  # reading the umask means setting it; put it straight back
os.umask(_UMASK)
_NEW_FILE_MODE = 0o666 & ~_UMASK


def pack_fingerprint(pack) -> str:
    """What the results depend on besides the workbook: the xlplugin version and every file of the pack
    and of the packs it extends. A pack edited without a new version number still counts as changed."""
    if pack.path not in _fingerprints:
        from xlplugin import __version__
        from xlplugin.packs.archive import pack_files

        digest = hashlib.sha256(__version__.encode())
        folders = [pack.path, *pack.bases]
        for folder in dict.fromkeys(Path(f).resolve() for f in folders):
            for name, data in pack_files(folder).items():  # the files `pack build` would package
                digest.update(name.encode() + b"\0" + data)
        _fingerprints[pack.path] = digest.hexdigest()[:24]
    return _fingerprints[pack.path]


def forget_fingerprints() -> None:
    """A new run reads the packs as they are now (they may have been edited)."""
    _fingerprints.clear()


def file_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def previous(out: Path) -> tuple[dict[str, dict], set[str]]:
    """The summaries of earlier runs by workbook path — the last complete run's, overridden by what an
    interrupted run after it finished — and the paths the interrupted run had finished."""
    found: dict[str, dict] = {}
    resumed: set[str] = set()
    for name in (SUMMARY_FILE, JOURNAL):
        try:
            lines = (out / name).read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            continue
        for line in lines:
            try:
                item = json.loads(line)
            except json.JSONDecodeError:  # the line a kill cut off
                continue
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                found[item["path"]] = item
                if name == JOURNAL:
                    resumed.add(item["path"])
    return found, resumed


def unchanged(item: dict | None, path: Path, pack, annotate: bool, out: Path, waivers: str | None = None) -> bool:
    """Whether ``item`` (an earlier summary of ``path``) is still this run's result for it. ``waivers``
    is the SHA-256 of this run's waivers file (``None``: none): a result computed with other waivers,
    or without, is not reused."""
    if not item or "error" in item or item.get("pack") != {"id": pack.id, "version": pack.version}:
        return False
    if item.get("waivers") != waivers or "remarked" not in item:  # (a summary from before 说明 were counted)
        return False
    if item.get("fingerprint") != pack_fingerprint(pack):
        return False
    if item.get("annotate") != annotate or not (out / item.get("report", "")).is_file():
        return False
    if annotate and not (out / item.get("annotated", "")).is_file():
        return False
    try:
        if "size" in item and os.stat(path).st_size != item["size"]:
            return False  # a different size is a different file: no need to read it
        return item.get("hash") == file_hash(path) and _same_companion(item, path)
    except OSError:  # gone or unreadable now: check it again, which says why
        return False


def _same_companion(item: dict, path: Path) -> bool:
    """Whether the workbook's companion 情况说明 is the one its earlier result was checked with (none
    then and none now, or the same file with the same content)."""
    from xlplugin.doors.batch_files import companion

    now, then = companion(path), item.get("companion")
    if now is None or then is None:
        return now is None and then is None
    return then.get("path") == str(now) and then.get("hash") == file_hash(now)


def write_json(target: Path, document: object) -> None:
    """Write ``document`` to ``target`` whole or not at all: a temporary file beside it, renamed."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=".json.part", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, ensure_ascii=False, indent=1)
        os.chmod(temporary, _NEW_FILE_MODE)  # a report people read, not mkstemp's private 0600
        os.replace(temporary, target)
    except OSError as error:
        raise _naming(error, target) from None
    finally:
        Path(temporary).unlink(missing_ok=True)


class Journal:
    """``汇总.jsonl.part``, replaced in one step by a journal that starts with the reused summaries (so
    that a run killed at any moment leaves a journal the next run can resume from), then one line per
    workbook as it finishes, flushed at once."""

    def __init__(self, out: Path, reused: list[dict]):
        self.out, self.reused = out, reused

    def __enter__(self) -> Journal:
        fresh = self.out / (JOURNAL + ".new")
        self.sink = fresh.open("w", encoding="utf-8")
        try:
            for item in self.reused:
                self.write(item)
            os.replace(fresh, self.out / JOURNAL)  # the open file goes on under its new name
        except BaseException:
            self.sink.close()
            fresh.unlink(missing_ok=True)
            raise
        return self

    def write(self, summary: dict) -> None:
        try:
            self.sink.write(json.dumps(summary, ensure_ascii=False) + "\n")
            self.sink.flush()
        except OSError as error:
            raise _naming(error, self.out / JOURNAL) from None

    def __exit__(self, *exc) -> None:
        self.sink.close()


def remove_leftovers(out: Path) -> None:
    """What a killed run was writing: a unit's files under their private names, temporary files."""
    for path in out.glob(".*"):
        if path.is_file() and (path.name.startswith((".work-", ".xlplugin-")) or ".part" in path.name):
            path.unlink(missing_ok=True)
    (out / (JOURNAL + ".new")).unlink(missing_ok=True)


def _naming(error: OSError, path: Path) -> OSError:
    """``error`` as raised by a write to an open file (which names none), naming ``path``."""
    if error.filename is None or error.filename2 is not None:  # a rename names our temporary file first
        return type(error)(error.errno, error.strerror, str(path))
    return error
