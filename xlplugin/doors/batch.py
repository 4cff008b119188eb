"""Batch checking for a finance bureau: hundreds of department workbooks, one command.

:func:`check_workbook` is the unit of work — a pure function of a path, a pack folder and options
that returns a small summary (and writes that workbook's JSON report and, if asked, its annotated
copy). It imports nothing the caller has to set up, so any executor can run it: the built-in process
pool here, or later an existing distributed one (``dask.bag.from_sequence(paths).map(check_workbook,
pack_dir, out_dir)``).

:func:`run_batch` finds the workbooks (files and folders, recursively), skips those whose content and
pack are unchanged since the last run (unless ``force``), checks the rest in worker processes with a
bounded number of tasks in flight, and streams every summary to ``out/汇总.jsonl`` as it arrives, so
memory stays flat however many workbooks there are. A workbook that cannot be read never stops the
batch: its summary carries the error. The overviews (:mod:`xlplugin.output.overview`) are built from the
JSONL afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from xlplugin.core.display import clip, display_width, pad
from xlplugin.core.errors import XlpluginError

__all__ = ["batch_pack", "check_workbook", "run_batch", "discover", "BatchResult", "SUMMARY_FILE", "WORKBOOK_SUFFIXES"]

SUMMARY_FILE = "汇总.jsonl"
#: Files a department might send as its workbook: .xlsx/.xlsm, and .xls, WPS .et/.ett, .ods/.ots, .xlsb,
#: which are read too (their annotated copies are .xlsx); the wrong kinds (.csv, a damaged or
#: encrypted file) are listed as "could not check".
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlsb", ".ods", ".ots", ".csv"}
# Not in file names: what Windows forbids, and "#", which Excel's HYPERLINK and a browser's link
# both take as the start of a place inside the file.
_UNSAFE = re.compile(r'[\\/:*?"<>|#\x00-\x1f]')
_packs: dict[str, object] = {}


def _pack(pack_dir: str):
    """The pack, loaded once per process (workers keep it between tasks)."""
    if pack_dir not in _packs:
        from xlplugin.packs.load import load_pack

        _packs[pack_dir] = load_pack(pack_dir)
    return _packs[pack_dir]


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


_fingerprints: dict = {}


def file_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .") or "工作簿"


def check_workbook(
    path: str, pack_dir: str, out_dir: str, annotate: bool = False, output_name: str | None = None
) -> dict:
    """Check one workbook; write ``<单位>.json`` (and ``<单位>.校验.xlsx``); return its summary.

    Never raises for a bad workbook: the summary then has ``error`` and ``code`` instead of counts.
    ``output_name`` fixes the output file stem (the batch makes unit names unique with it)."""
    from xlplugin.api import check
    from xlplugin.core.findings import ERROR, INFO, WARNING
    from xlplugin.workbook.sniff import sniff_workbook

    started = time.perf_counter()
    pack = _pack(pack_dir)
    summary = {
        "path": str(path),
        "file": Path(path).name,
        "pack": {"id": pack.id, "version": pack.version},
        "fingerprint": pack_fingerprint(pack),
        "annotate": annotate,
    }
    try:
        sniffed = sniff_workbook(path)  # a missing or unreadable file is a user's problem, said plainly
        summary["hash"] = file_hash(path)
        checked = check(path, pack, name=Path(path).name)
        located, report = checked.located, checked.report
    except Exception as error:
        return _failed(summary, error, started)
    try:
        first = next(iter(located.tables.values()))
        unit = first.meta.get("department") or Path(path).stem
        stem = output_name or safe_name(unit)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        document = report.as_dict() | {"source": {"path": str(path), "hash": summary["hash"]}}
        (out / f"{stem}.json").write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        rules = Counter(f.rule for f in report.findings if f.severity in (ERROR, WARNING))
        summary.update(
            unit=unit,
            year=first.meta.get("year", ""),
            stem=stem,
            verdict=report.verdict,
            valid=report.valid,
            errors=report.count(ERROR),
            warnings=report.count(WARNING),
            infos=report.count(INFO),
            not_run=len(report.not_run),
            failed_rules=dict(rules.most_common()),
            report=f"{stem}.json",
        )
        if annotate:
            from xlplugin.output.annotate import annotated_name, write_annotated
            from xlplugin.output.convert import write_annotated_copy

            suffix = Path(path).suffix.lower()
            if sniffed.is_xlsx:  # annotated part by part, .xlsm keeps its macros
                target = annotated_name(out / f"{stem}{suffix if suffix in ('.xlsx', '.xlsm') else '.xlsx'}")
                write_annotated(path, target, checked.report, checked.pack, checked.book)
            else:  # .xls, .et, .ods, .xlsb: an .xlsx copy of the values, annotated
                target = annotated_name(out / f"{stem}.xlsx")
                write_annotated_copy(checked.book, target, checked.report, checked.pack)
            summary["annotated"] = target.name
    except Exception as error:
        return _failed(summary, error, started)
    summary["seconds"] = round(time.perf_counter() - started, 4)
    return summary


def _failed(summary: dict, error: BaseException, started: float) -> dict:
    """The summary of a workbook that could not be checked (or whose outputs could not be written)."""
    if isinstance(error, XlpluginError):
        summary.update(error=error.message, code=error.code)
    else:  # a bug of ours: say what it was
        summary.update(error=f"内部错误：{type(error).__name__}: {error}", code="internal-error")
    summary["seconds"] = round(time.perf_counter() - started, 4)
    return summary


def discover(paths: Iterable[str | Path], out_dir: str | Path | None = None) -> list[Path]:
    """Workbook-like files under the given files and folders (recursive, sorted), without Office's
    lock files (``~$…``), hidden files, and anything inside the output folder."""
    out = Path(out_dir).resolve() if out_dir else None
    found: list[Path] = []
    for given in paths:
        given = Path(given)
        candidates = (
            [given] if given.is_file() or not given.exists() else sorted(p for p in given.rglob("*") if p.is_file())
        )
        for path in candidates:
            if path.name.startswith(("~$", ".")) or (out and out in path.resolve().parents):
                continue
            if path.suffix.lower() in WORKBOOK_SUFFIXES or path == given:
                found.append(path)
    return list(dict.fromkeys(found))


def batch_pack(pack_spec: str | None, paths: Iterable[str | Path], out_dir: str | Path, allow_unsigned: bool = False):
    """The pack of a batch, by the order every door follows (:mod:`xlplugin.packs.order`): ``--pack``,
    ``XLPLUGIN_PACK``, ``xlplugin.yaml``, then the pack whose template fits the first workbook that can
    be read; when none can be read or none fits, the bundled ``cq-2021`` (said in ``why``).

    The workbook is read in a short-lived worker process, never in this one: the batch forks its
    workers from this process, which must not have started a reader's threads (a fork copies their
    locks, not the threads, and a worker could then hang)."""
    from xlplugin.packs.order import PackSource, configured_source
    from xlplugin.packs.resolve import DEFAULT_PACK, resolve_pack

    chosen = configured_source(pack_spec, allow_unsigned)
    if chosen is not None:
        return chosen
    with ProcessPoolExecutor(max_workers=1) as pool:
        chosen = pool.submit(_recognise_first, [str(p) for p in paths], str(out_dir)).result()
    if chosen is not None:
        return chosen
    return PackSource(
        resolve_pack(DEFAULT_PACK), 5, f"没有指定规则包，第一个可读的工作簿也没有相符的；用随附的 {DEFAULT_PACK}"
    )


def _recognise_first(paths: list[str], out_dir: str):
    """The pack whose template fits the first readable workbook best, or ``None``."""
    from xlplugin.core.errors import PackError
    from xlplugin.packs.order import choose_source
    from xlplugin.workbook.readers import read_book

    for path in discover(paths, out_dir):
        try:
            book = read_book(path)
        except Exception:  # an unreadable workbook is reported by the batch itself
            continue
        try:
            return choose_source(None, book)
        except PackError:
            return None
    return None


@dataclass
class BatchResult:
    """Counts of one batch run; the details are in ``out/汇总.jsonl``."""

    total: int
    checked: int
    skipped: int
    failed: int
    seconds: float
    summary_path: Path


def _previous(out: Path) -> dict[str, dict]:
    path = out / SUMMARY_FILE
    if not path.exists():
        return {}
    previous = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        previous[item.get("path", "")] = item
    return previous


def _unchanged(item: dict | None, path: Path, pack, annotate: bool, out: Path) -> bool:
    if not item or "error" in item or item.get("pack") != {"id": pack.id, "version": pack.version}:
        return False
    if item.get("fingerprint") != pack_fingerprint(pack):
        return False
    if item.get("annotate") != annotate or not (out / item.get("report", "")).exists():
        return False
    if annotate and not (out / item.get("annotated", "")).exists():
        return False
    return item.get("hash") == file_hash(path)


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    pack_dir: str | Path,
    *,
    annotate: bool = False,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[int, int, dict], None] | None = None,
) -> BatchResult:
    """Check every workbook found under ``paths``; summaries stream to ``out/汇总.jsonl``."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pack_dir = str(Path(pack_dir).resolve())
    _packs.pop(pack_dir, None)  # a new run reads the pack as it is now (it may have been edited)
    _fingerprints.clear()
    pack = _pack(pack_dir)
    files = discover(paths, out)
    previous = {} if force else _previous(out)
    names = _NameBook()
    temporary = out / (SUMMARY_FILE + ".part")
    counts = Counter()
    with temporary.open("w", encoding="utf-8") as sink:

        def emit(summary: dict, kind: str) -> None:
            sink.write(json.dumps(summary, ensure_ascii=False) + "\n")
            sink.flush()
            counts[kind] += 1
            if progress:
                progress(sum(counts.values()), len(files), summary)

        todo = []
        for path in files:
            item = previous.get(str(path))
            if _unchanged(item, path, pack, annotate, out):
                names.keep(item)
                emit(item | {"skipped": True}, "skipped")
            else:
                todo.append(path)
        for summary in _execute(todo, pack_dir, str(out), annotate, jobs, names):
            emit(summary, "failed" if "error" in summary else "checked")
    os.replace(temporary, out / SUMMARY_FILE)
    return BatchResult(
        len(files),
        counts["checked"],
        counts["skipped"],
        counts["failed"],
        time.perf_counter() - started,
        out / SUMMARY_FILE,
    )


class _NameBook:
    """Output stems unique per unit: the second workbook of one unit becomes ``单位-2``."""

    def __init__(self):
        self.owner: dict[str, str] = {}

    def keep(self, item: dict) -> None:
        if item.get("stem"):
            self.owner[item["stem"]] = item["path"]

    def claim(self, stem: str, path: str) -> str:
        candidate, number = stem, 1
        while self.owner.get(candidate, path) != path:
            number += 1
            candidate = f"{stem}-{number}"
        self.owner[candidate] = path
        return candidate


def _execute(paths: list[Path], pack_dir: str, out: str, annotate: bool, jobs: int, names: _NameBook) -> Iterator[dict]:
    """Run the checks, at most ``2 × jobs`` in flight, yielding summaries as they finish. Workers
    write under a name private to their input; the files get the unit's (unique) name here, so two
    workbooks of one unit never overwrite each other."""

    def task(path: Path):
        private = ".work-" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]
        return str(path), pack_dir, out, annotate, private

    def finish(summary: dict) -> dict:
        private = summary.get("stem")
        if not private:
            return summary
        stem = names.claim(safe_name(summary["unit"]), summary["path"])
        for key, suffix in (("report", ".json"), ("annotated", summary.get("annotated", "")[len(private) :])):
            if summary.get(key):
                final = f"{stem}{suffix}"
                os.replace(Path(out) / summary[key], Path(out) / final)
                summary[key] = final
        summary["stem"] = stem
        return summary

    if jobs <= 1:
        for path in paths:
            yield finish(check_workbook(*task(path)))
        return
    waiting = deque(paths)
    while waiting:
        # a worker that dies (killed, out of memory) breaks its pool: the workbooks it had in flight are
        # listed as failed and the rest go on in a fresh pool
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            pending: dict = {}
            broken = False
            while waiting or pending:
                while waiting and not broken and len(pending) < 2 * jobs:
                    path = waiting.popleft()
                    try:
                        pending[pool.submit(check_workbook, *task(path))] = path
                    except BrokenProcessPool:
                        waiting.appendleft(path)
                        broken = True
                if not pending:
                    break
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    path = pending.pop(future)
                    try:
                        summary = future.result()
                    except Exception as error:
                        broken = broken or isinstance(error, BrokenProcessPool)
                        if isinstance(error, BrokenProcessPool):
                            error = RuntimeError("校验进程意外退出")
                        pack = _pack(pack_dir)
                        summary = _failed(
                            {
                                "path": str(path),
                                "file": path.name,
                                "pack": {"id": pack.id, "version": pack.version},
                                "annotate": annotate,
                            },
                            error,
                            time.perf_counter(),
                        )
                    yield finish(summary)


#: terminal columns of the bar itself, between its brackets
BAR_WIDTH = 30


def _columns(stream) -> int:
    """The width of the terminal ``stream`` writes to (not necessarily stdout's); 80 if unknown."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns


def progress_printer(stream=sys.stderr, columns: int | None = None) -> Callable[[int, int, dict], None]:
    """A progress bar on a terminal (``columns`` wide, default the terminal's), one plain line per
    workbook otherwise.

    The bar is redrawn in place, after a carriage return. Widths are terminal columns, not characters
    (a Chinese unit name takes two columns a character): the names start in one column, a name is
    clipped so that the line never reaches the terminal's last column (a line that wraps cannot be
    redrawn in place), and each line is padded to cover the one before it, so no character of a
    longer earlier line is left on screen."""
    tty = stream.isatty()
    width = (columns or _columns(stream)) if tty else 0
    shown = 0  # columns of the line now on the terminal

    def show(done: int, total: int, summary: dict) -> None:
        nonlocal shown
        if "error" in summary:
            state = f"无法校验：{summary['error']}"
        elif summary.get("skipped"):
            state = "未变化，跳过"
        else:
            state = (
                f"{'通过' if summary['valid'] else '不通过'}（错误 {summary['errors']}，警告 {summary['warnings']}）"
            )
        name = summary.get("unit") or summary.get("file")
        if tty:
            filled = int(BAR_WIDTH * done / max(total, 1))
            head = f"[{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done:>{len(str(total))}}/{total} "
            line = head + clip(name, width - 1 - display_width(head))
            stream.write("\r" + pad(line, shown))
            shown = display_width(line)
            if done == total:
                stream.write("\n")
                shown = 0
        else:
            stream.write(f"[{done}/{total}] {name} — {state}\n")
        stream.flush()

    return show
