"""What a batch checks: the workbooks under the paths given, the 情况说明 files that stand alone, and
the 情况说明 file that comes with a workbook.

A folder a bureau collects holds workbooks (.xlsx, .xls, WPS .et, .ods …) and often each unit's
情况说明 as a Word or text file beside its workbook (``某局2023年度部门决算.xlsx`` and
``某局2023年度部门决算-情况说明.docx``). Such a companion — a narrative whose name begins with a
workbook's name, in the same folder — belongs to that workbook: it is checked with it (when the
workbook has no 情况说明 sheet of its own), not on its own a second time. A narrative without a
workbook is checked alone (:func:`xlplugin.api.check_narrative`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from xlplugin.api import NARRATIVE_SUFFIXES

__all__ = ["WORKBOOK_SUFFIXES", "companion", "discover", "is_narrative_file"]

#: Files a department might send as its workbook: .xlsx/.xlsm, and .xls, WPS .et/.ett, .ods/.ots, .xlsb,
#: which are read too (their annotated copies are .xlsx); the wrong kinds (.csv, a damaged or
#: encrypted file) are listed as "could not check".
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlsb", ".ods", ".ots", ".csv"}


#: Word 97-2003 and WPS documents: 情况说明 in a format not read, refused with the advice to save as .docx
#: (not the workbook sniffer's advice to save as Excel)
_OLD_DOCUMENTS = (".doc", ".wps")


def is_narrative_file(path: str | Path) -> bool:
    """Whether ``path`` is a 情况说明 file, checked on its own (by its suffix: .docx, .txt, .md, and
    .doc/.wps, which are refused with what to do)."""
    return Path(path).suffix.lower() in (*NARRATIVE_SUFFIXES, *_OLD_DOCUMENTS)


def discover(paths: Iterable[str | Path], out_dir: str | Path | None = None) -> list[Path]:
    """Workbook-like files and standalone 情况说明 files (named so: :func:`_named_as_narrative`) under
    the given files and folders (recursive, sorted), without Office's lock files (``~$…``), hidden files, companions of a workbook and
    anything inside the output folder. Whatever is given that is not a folder is taken as it is — a
    named pipe or a device too, which the check then refuses with its reason, rather than being
    skipped without a word."""
    out = Path(out_dir).resolve() if out_dir else None
    groups = []
    for given in map(Path, paths):
        candidates = [given] if not given.is_dir() else sorted(p for p in given.rglob("*") if not p.is_dir())
        groups.append((given, candidates))
    # a companion is its workbook's, however the two were given (a folder, or a shell's 收件/*)
    workbooks = [p for _, candidates in groups for p in candidates if p.suffix.lower() in WORKBOOK_SUFFIXES]
    found: list[Path] = []
    for given, candidates in groups:
        for path in candidates:
            if path.name.startswith(("~$", ".")) or (out and out in path.resolve().parents):
                continue
            if is_narrative_file(path) and any(_accompanies(path, w) for w in workbooks):
                continue
            if path == given or path.suffix.lower() in WORKBOOK_SUFFIXES or _named_as_narrative(path):
                found.append(path)
    return list(dict.fromkeys(found))


def _named_as_narrative(path: Path) -> bool:
    """A 情况说明 file found in a folder: a .docx/.txt/.md whose name says 情况说明 or 决算. A folder
    also holds cover letters and 填报说明 — documents with numbers that are not a disclosure and
    would pass the built-in checks meaninglessly; a file given by name is always checked."""
    return is_narrative_file(path) and ("情况说明" in path.name or "决算" in path.name)


def companion(workbook: str | Path) -> Path | None:
    """The 情况说明 file that comes with ``workbook`` (same folder, name beginning with the workbook's),
    or ``None``; with several, the one with the shortest name (``X-情况说明.docx`` before
    ``X-情况说明-旧.docx``)."""
    workbook = Path(workbook)
    try:
        siblings = [p for p in workbook.parent.iterdir() if is_narrative_file(p) and not p.name.startswith(("~$", "."))]
    except OSError:
        return None
    found = sorted(
        (p for p in siblings if _accompanies(p, workbook) and p.is_file()), key=lambda p: (len(p.name), p.name)
    )
    return found[0] if found else None


#: what may follow a workbook's name in its 情况说明's name: ``X-情况说明``, ``X_情况说明``, ``X（情况说明）``,
#: ``X 情况说明``, ``X.情况说明`` — not any longer name (``1.xlsx`` must not claim ``12-情况说明.docx``)
_SEPARATORS = ("-", "_", "（", "(", " ", ".", "—", "·")


def _accompanies(narrative: Path, workbook: Path) -> bool:
    """Whether ``narrative`` is ``workbook``'s 情况说明: same folder, named as a 情况说明, and its name is
    the workbook's followed by a separator."""
    if narrative.parent != workbook.parent or narrative == workbook or not _named_as_narrative(narrative):
        return False
    rest = narrative.stem[len(workbook.stem) :] if narrative.stem.startswith(workbook.stem) else None
    return rest is not None and (rest == "" or rest.startswith(_SEPARATORS))
