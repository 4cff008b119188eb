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

import contextlib
import hashlib
import json
import os
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core.errors import XlpluginError
from xlplugin.doors.batch_files import WORKBOOK_SUFFIXES, companion, discover, is_narrative_file
from xlplugin.doors.batch_journal import (
    JOURNAL,
    SUMMARY_FILE,
    Journal,
    file_hash,
    forget_fingerprints,
    pack_fingerprint,
    previous,
    remove_leftovers,
    unchanged,
    write_json,
)
from xlplugin.doors.batch_workers import worker_pool
from xlplugin.doors.cli_narrative import write_narrative_copy
from xlplugin.doors.os_errors import is_disk_full, user_error

__all__ = [
    "batch_pack",
    "check_workbook",
    "file_hash",
    "pack_fingerprint",
    "run_batch",
    "discover",
    "BatchResult",
    "failures",
    "SUMMARY_FILE",
    "WORKBOOK_SUFFIXES",
]

# Not in file names: what Windows forbids, and "#", which Excel's HYPERLINK and a browser's link
# both take as the start of a place inside the file.
_UNSAFE = re.compile(r'[\\/:*?"<>|#\x00-\x1f]')
_packs: dict[str, object] = {}
_waiver_files: dict[str, object] = {}


def _pack(pack_dir: str):
    """The pack, loaded once per process (workers keep it between tasks)."""
    if pack_dir not in _packs:
        from xlplugin.packs.load import load_pack

        _packs[pack_dir] = load_pack(pack_dir)
    return _packs[pack_dir]


def safe_name(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .") or "工作簿"


def _waivers(path: str):
    """The waivers file ``path`` as it is now, read once per content (workers keep it between tasks)."""
    from xlplugin.engine.waivers import load_waivers

    digest = file_hash(path)
    if digest not in _waiver_files:
        _waiver_files[digest] = load_waivers(path)
    return _waiver_files[digest]


def check_workbook(
    path: str,
    pack_dir: str,
    out_dir: str,
    annotate: bool = False,
    output_name: str | None = None,
    waivers: str | None = None,
    narrative_pack: bool = True,
) -> dict:
    """Check one workbook; write ``<单位>.json`` (and ``<单位>.校验.xlsx``); return its summary.

    A 情况说明 file (.docx/.txt/.md) is checked alone (:func:`xlplugin.api.check_narrative`): with the
    batch's pack when ``narrative_pack`` (the pack was named), else with the pack its own opening names
    (or the built-in checks); its annotation is ``<名称>.校验.docx`` or ``.校验.html``. A workbook
    without a 情况说明 sheet is checked with its companion 情况说明 file, if it has one
    (:func:`xlplugin.doors.batch_files.companion`).

    Never raises for a bad workbook: the summary then has ``error`` and ``code`` instead of counts.
    ``output_name`` fixes the output file stem (the batch makes unit names unique with it);
    ``waivers`` is a waivers file (``豁免.yaml``): the findings it accepts for this unit are moved to
    the report's ``waived``, and the summary records the file's SHA-256 (``waivers``), how many
    findings were waived and the lines of the waivers that matched (``waivers_used``). The summary
    also counts the errors and warnings the department explained (``remarked``) and those it did not
    (``unremarked``)."""
    from xlplugin.api import check, check_narrative
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
        accepted = _waivers(waivers) if waivers else None
    except Exception as error:  # the waivers file changed under the batch and is broken now
        return _failed(summary, error, started, "读取")
    if accepted is not None:
        summary["waivers"] = accepted.sha256
    alone = is_narrative_file(path)
    try:
        # a missing or unreadable file is a user's problem, said plainly
        sniffed = None if alone else sniff_workbook(path)
        summary["size"] = os.stat(path).st_size
        summary["hash"] = file_hash(path)
        if alone:
            given = pack if narrative_pack else None
            checked = check_narrative(path, given, name=Path(path).name, waivers=accepted)
            summary["pack"] = {"id": checked.pack.id, "version": checked.pack.version}
        else:
            narrative = companion(path)
            if narrative is not None:  # its content is part of the result: a new version is checked again
                summary["companion"] = {"path": str(narrative), "hash": file_hash(narrative)}
            checked = check(path, pack, name=Path(path).name, waivers=accepted, companion=narrative)
        report = checked.report
    except Exception as error:
        return _failed(summary, error, started, "读取")
    try:
        unit = checked.unit or Path(path).stem
        stem = output_name or safe_name(unit)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        document = report.as_dict() | {"source": {"path": str(path), "hash": summary["hash"]}}
        write_json(out / f"{stem}.json", document)
        serious = [f for f in report.findings if f.severity in (ERROR, WARNING) and not f.layout]
        rules = Counter(f.rule for f in report.findings if f.severity in (ERROR, WARNING))
        remarked = sum(1 for f in serious if f.remark)
        summary.update(
            unit=unit,
            year=next((t.meta.get("year", "") for t in checked.located.tables.values()), ""),
            stem=stem,
            verdict=report.verdict,
            valid=report.valid,
            errors=report.count(ERROR),
            warnings=report.count(WARNING),
            infos=report.count(INFO),
            not_run=len(report.not_run),
            remarked=remarked,
            unremarked=len(serious) - remarked,
            failed_rules=dict(rules.most_common()),
            report=f"{stem}.json",
        )
        summary["waived"] = len(report.waived)
        if accepted is not None:
            summary["waivers_used"] = [w.line for w in checked.waivers_used]
        if annotate and alone:
            kind = ".docx" if Path(path).suffix.lower() == ".docx" else ".html"
            summary["annotated"] = write_narrative_copy(Path(path), checked, out / f"{stem}.校验{kind}").name
        elif annotate:
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
    except Exception as error:  # the outputs go under private names: the folder is what a person knows
        return _failed(summary, error, started, "写入", out_dir)
    summary["seconds"] = round(time.perf_counter() - started, 4)
    return summary


def _failed(summary: dict, error: BaseException, started: float, doing: str = "写入", where=None) -> dict:
    """The summary of a workbook that could not be checked (or whose outputs could not be written)."""
    if isinstance(error, OSError):  # a full disk, a read-only folder, a name too long: said in Chinese
        error = user_error(error, where, "写入" if is_disk_full(error) else doing)
    if isinstance(error, XlpluginError):
        summary.update(error=error.message, code=error.code)
    else:  # a bug of ours: say what it was
        summary.update(error=f"内部错误：{type(error).__name__}: {error}", code="internal-error")
    summary["seconds"] = round(time.perf_counter() - started, 4)
    return summary


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
    with worker_pool(1) as pool:
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
    """Counts of one batch run; the details are in ``out/汇总.jsonl``. ``skipped`` workbooks were
    reused from earlier runs, ``resumed`` of them from a run that was interrupted. ``waivers`` is the
    waivers file the results were computed with (``None``: none), ``stale_waivers`` the notices for its
    entries that matched no finding of any workbook of the batch (a file that could not be checked
    does not make its waivers stale)."""

    total: int
    checked: int
    skipped: int
    failed: int
    seconds: float
    summary_path: Path
    resumed: int = 0
    waivers: object | None = None
    stale_waivers: list = field(default_factory=list)


def run_batch(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    pack_dir: str | Path,
    *,
    annotate: bool = False,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[int, int, dict], None] | None = None,
    waivers: str | Path | None = None,
    narrative_pack: bool = True,
) -> BatchResult:
    """Check every workbook found under ``paths``; summaries stream to ``out/汇总.jsonl``.

    Resumes: what an earlier run — finished or killed — checked is reused while the workbook, the
    pack and the waivers file are unchanged (:mod:`xlplugin.doors.batch_journal`); ``force`` checks
    everything again. ``waivers`` (``豁免.yaml``, :mod:`xlplugin.engine.waivers`) is read first: a
    mistake in it stops the batch before anything is checked (:class:`XlpluginError`, ``file:line``).
    A full disk stops the run with one :class:`XlpluginError` (``disk-full``, exit 2) whose sentence
    names the file; what was finished before it is kept for the next run. ``narrative_pack``: the
    情况说明 files found alone are checked with this pack (it was named), not with their own region's."""
    started = time.perf_counter()
    accepted = None
    if waivers is not None:
        from xlplugin.engine.waivers import load_waivers

        accepted = load_waivers(waivers)
        waivers = str(Path(waivers).resolve())
    digest = accepted.sha256 if accepted is not None else None
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise user_error(error, out) from None
    pack_dir = str(Path(pack_dir).resolve())
    _packs.pop(pack_dir, None)  # a new run reads the pack as it is now (it may have been edited)
    forget_fingerprints()
    pack = _pack(pack_dir)
    files = discover(paths, out)
    earlier, interrupted = ({}, set()) if force else previous(out)
    remove_leftovers(out)
    names = _NameBook()
    counts = Counter()
    used: set[int] = set()  # lines of the waivers that matched some finding
    unread: set[str] = set()  # files that could not be checked: their waivers are not stale, just untried
    units: set[str] = set()  # the names a waiver may give the workbooks checked
    reused, todo = [], []
    for path in files:
        item = earlier.get(str(path))
        if unchanged(item, path, pack, annotate, out, digest):
            names.keep(item)
            reused.append(item | {"skipped": True})
        else:
            todo.append(path)
    try:
        with (
            Journal(out, reused) as journal,
            contextlib.closing(
                _execute(todo, (pack_dir, str(out), annotate), jobs, names, waivers, narrative_pack)
            ) as summaries,
        ):

            def emit(summary: dict, kind: str) -> None:
                journal.write(summary)
                counts[kind] += 1
                used.update(summary.get("waivers_used", ()))
                (unread if "error" in summary else units).update((summary["file"], summary.get("unit", "")))
                if progress:
                    progress(sum(counts.values()), len(files), summary)

            for item in reused:
                counts["skipped"] += 1
                used.update(item.get("waivers_used", ()))
                units.update((item["file"], item.get("unit", "")))
                if progress:
                    progress(sum(counts.values()), len(files), item)
            for summary in summaries:
                if summary.get("code") == "disk-full":
                    raise _Stopped(f"{summary['error'].rstrip('。')}（正在写“{summary['file']}”的结果）。")
                emit(summary, "failed" if "error" in summary else "checked")
        os.replace(out / JOURNAL, out / SUMMARY_FILE)
    except _Stopped as stop:
        raise _disk_full(str(stop), counts, out) from None
    except OSError as error:  # the journal itself, or renaming a unit's files
        if is_disk_full(error):
            raise _disk_full(user_error(error).message, counts, out) from None
        raise user_error(error) from None
    return BatchResult(
        len(files),
        counts["checked"],
        counts["skipped"],
        counts["failed"],
        time.perf_counter() - started,
        out / SUMMARY_FILE,
        sum(1 for item in reused if item["path"] in interrupted),
        accepted,
        [
            accepted.stale_notice(w, w.unit in units)
            for w in accepted.entries
            if w.line not in used and w.unit not in unread - units
        ]
        if accepted
        else [],
    )


class _Stopped(Exception):
    """A workbook's outputs could not be written because the disk is full: no other one can be."""


def _disk_full(sentence: str, counts: Counter, out: Path) -> XlpluginError:
    done = counts["checked"] + counts["failed"] + counts["skipped"]
    return XlpluginError(
        "disk-full",
        f"{sentence}批量校验已停止：已完成的 {done} 个工作簿的结果保存在“{out}”，腾出空间后重新运行同一命令，"
        "会沿用这些结果，接着校验其余的。",
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


def _execute(
    paths: list[Path], where: tuple, jobs: int, names: _NameBook, waivers: str | None, narrative_pack: bool
) -> Iterator[dict]:
    """Run the checks, at most ``2 × jobs`` in flight, yielding summaries as they finish. Workers
    write under a name private to their input; the files get the unit's (unique) name here, so two
    workbooks of one unit never overwrite each other."""
    pack_dir, out, annotate = where

    def task(path: Path):
        private = ".work-" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:16]
        return str(path), pack_dir, out, annotate, private, waivers, narrative_pack

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
        pool = worker_pool(jobs)
        try:
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
        finally:  # also when the caller stops early (a full disk): what has not started never starts
            pool.shutdown(wait=True, cancel_futures=True)


def failures(summary_path: str | Path) -> Iterator[dict]:
    """The summaries of the files a batch could not check, read from its ``汇总.jsonl`` one line at a
    time (the run's memory does not grow with its size)."""
    with open(summary_path, encoding="utf-8") as lines:
        for line in lines:
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and "error" in item:
                yield item
