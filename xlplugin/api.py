"""Checking a workbook, the one way every door does it: open → choose the pack → locate → run.

The command line, the batch runner and both Excel buttons call :func:`check` and hand its
:class:`Checked` to their own output (console, JSON, annotated copy, live cells)::

    from xlplugin.api import check

    checked = check("万盛人社局-2021-部门决算公开.xlsx")           # the pack is recognised from the tables
    checked.report.verdict                                         # '不通过：13 个错误必须修改后再公开，…'
    checked.report.kind, checked.report.exit_code                  # ('不通过', 1)

A workbook the pack's layout does not describe (fewer than half its tables found …) gets the
verdict 表样不符 with the closest installed or bundled packs, exit code 2; a workbook in which not one
table is found raises ``not-this-template``, naming the closest packs too.

Annotated copies are :func:`xlplugin.output.annotate.write_annotated` (the Excel buttons write into the
open workbook instead, without lxml).

The department's 说明 travel with the workbook: each finding's ``remark`` is the 说明 written for it
(same rule, same 位置) in the workbook's 校验结果 or 校验说明 sheet
(:func:`xlplugin.output.marks.read_explanations`). A bureau's waivers (``waivers=``, a
:class:`~xlplugin.engine.waivers.Waivers` or the path of a ``豁免.yaml``) move the findings they accept
for this unit into ``report.waived``, out of the counts and the verdict
(:mod:`xlplugin.engine.waivers`)::

    checked = check("万盛人社局-2021-部门决算公开.xlsx", waivers="豁免.yaml")
    [w.reason for w in checked.report.waived]                      # ['职业年金按财政局口径列项目支出']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xlplugin.core.errors import WorkbookError
from xlplugin.core.findings import MISFIT, Report
from xlplugin.engine.fit import no_fit
from xlplugin.engine.model import Pack, builtin_pack
from xlplugin.engine.run import run_pack
from xlplugin.engine.waivers import Waiver, Waivers, apply_waivers, load_waivers
from xlplugin.output.marks import location, read_explanations
from xlplugin.packs.load import load_pack
from xlplugin.packs.order import PackSource, choose_for_narrative, choose_source
from xlplugin.packs.resolve import closest_packs
from xlplugin.workbook.book import Book
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.located import LocatedBook
from xlplugin.workbook.narrative import Paragraph, read_narrative_file
from xlplugin.workbook.readers import read_book

__all__ = ["NARRATIVE_SUFFIXES", "Checked", "check", "check_narrative", "choose_pack", "pack_notice", "unit_names"]

#: the files :func:`check_narrative` reads: a 情况说明 on its own
NARRATIVE_SUFFIXES = (".docx", ".txt", ".md")
_YEAR = re.compile(r"(20\d\d)年度")


@dataclass
class Checked:
    """One workbook checked: the book as read, the pack used, the located tables and the report;
    ``notices`` say what the reader must know about the pack's origin (an archive used without a
    trusted signature, an installed pack used instead of the bundled one of the same id); ``source``
    says which step of the pack order chose it (``None`` for a pack passed already loaded)."""

    book: Book
    pack: Pack
    located: LocatedBook
    report: Report
    notices: list[str] = field(default_factory=list)
    source: PackSource | None = None
    #: the waivers (of those given) that accepted a finding of this workbook
    waivers_used: list[Waiver] = field(default_factory=list)
    #: the 情况说明 as read, when it was checked on its own (:func:`check_narrative`)
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def unit(self) -> str:
        """The unit's name as the tables' heading gives it (表头“公开部门”), or ``""``."""
        return next((t.meta.get("department", "") for t in self.located.tables.values()), "")


def choose_pack(spec: str | Path | Pack | None, book: Book, allow_unsigned: bool = False) -> Pack:
    """The pack to check ``book`` with: a loaded pack as it is, one named by path, archive or id, or
    (``None``) the rest of the pack order (:mod:`xlplugin.packs.order`): ``XLPLUGIN_PACK``, the
    configuration file ``xlplugin.yaml``, then the installed or bundled pack whose template fits the book
    best. An archive must be signed by a trusted key unless ``allow_unsigned``."""
    return _choose(spec, book, allow_unsigned)[0]


def _choose(
    spec: str | Path | Pack | None, book: Book, allow_unsigned: bool
) -> tuple[Pack, list[str], PackSource | None]:
    if isinstance(spec, Pack):
        return spec, [], None
    source = choose_source(spec, book, allow_unsigned, given="指定的规则包")
    pack = load_pack(source.path)
    return pack, [*source.notices, *pack_notice(pack)], source


def pack_notice(pack: Pack) -> list[str]:
    """The pack's own notice (``notice`` in pack.yaml), said in every report made with it."""
    return [f"规则包 {pack.id} {pack.version}：{pack.notice}"] if pack.notice else []


def check(
    source: Book | str | Path,
    pack: str | Path | Pack | None = None,
    *,
    name: str = "",
    narrative: str | Path | list[Paragraph] | None = None,
    engine: str = "auto",
    allow_unsigned: bool = False,
    waivers: Waivers | str | Path | None = None,
    companion: str | Path | None = None,
) -> Checked:
    """Check a workbook (a path, or a :class:`Book` a door has already read) with ``pack`` — when it
    is ``None``, the pack the order of :mod:`xlplugin.packs.order` chooses (``XLPLUGIN_PACK``, then
    ``xlplugin.yaml``, then the best-fitting template).

    ``name`` is how the report names the workbook (default: its file name); ``narrative`` is a
    情况说明 file (.docx, .txt, .md) or its paragraphs, used instead of the workbook's own; ``engine``
    chooses the file reader (``auto``, ``calamine``, ``openpyxl``); ``allow_unsigned`` admits a pack
    archive that is unsigned or signed by an untrusted key (never a tampered one), as
    ``pack install --allow-unsigned`` does — said in ``notices``; ``waivers`` (a waivers file or one
    already read) accept findings for this unit, named by its file name or its unit name;
    ``companion`` is a 情况说明 file that came with the workbook, used only when the workbook has no
    情况说明 sheet of its own (a batch pairs them by name). Raises
    :class:`~xlplugin.core.errors.XlpluginError` for anything the user can fix."""
    if isinstance(waivers, (str, Path)):
        waivers = load_waivers(waivers)  # a bad waivers file is said before the workbook is read
    book = source if isinstance(source, Book) else read_book(source, engine=engine)
    chosen, notices, source = _choose(pack, book, allow_unsigned)
    paragraphs = read_narrative_file(narrative) if isinstance(narrative, (str, Path)) else narrative
    try:
        located = locate_book(book, chosen.layout)
    except WorkbookError as error:
        if error.code != "not-this-template":
            raise
        closest = closest_packs(book, no_fit(chosen.layout, chosen.id, chosen.name))
        if not closest:
            raise
        shown = "；".join(f"{fit.pack_id}（{fit.pack_name}，{fit.describe()}）" for fit in closest[:3])
        raise WorkbookError(
            error.code, f"{error.message}最接近的规则包：{shown}；请改用相符的规则包（命令行用 --pack 指定）。"
        ) from error
    if paragraphs is None and companion is not None and located.narrative is None:
        try:
            paragraphs = read_narrative_file(companion)
            notices.append(f"工作簿没有“情况说明”表，情况说明取自同名文件“{Path(companion).name}”。")
        except WorkbookError as error:  # the tables are still checked; the narrative's rules say not run
            notices.append(f"同名的情况说明文件无法读取，只校验了表格：{error.message}")
    report = run_pack(chosen, located, name or Path(book.source).name, paragraphs)
    if report.kind == MISFIT and report.fit is not None and not report.fit.fits:
        report.closest = closest_packs(book, report.fit)
    explanations = read_explanations(book)
    for finding in report.findings:  # matched exactly as the 校验结果 rows are written
        finding.remark = explanations.get((finding.rule, location(finding)), "")
    checked = Checked(book, chosen, located, report, notices, source)
    if waivers is not None:
        checked.waivers_used = apply_waivers(report, waivers, unit_names(checked))
    return checked


def check_narrative(
    source: str | Path,
    pack: str | Path | Pack | None = None,
    *,
    name: str = "",
    allow_unsigned: bool = False,
    waivers: Waivers | str | Path | None = None,
) -> Checked:
    """Check a 情况说明 on its own (a .docx, .txt or .md file): everything the text lets one check —
    the pack's narrative rules that need no table figure, and the built-in arithmetic (增减率、完成率、
    占比、合计…) — while every rule that needs the tables is listed as not run, never compared with
    blank cells::

        checked = check_narrative("某局2023年度部门决算情况说明.docx")
        checked.report.mode, checked.report.verdict   # ('narrative', '通过（有 1 个警告…）（只校验了情况说明…）')

    The pack is the one named (``pack``; ``XLPLUGIN_PACK``; ``xlplugin.yaml``) or the installed or
    bundled pack whose region the narrative's opening names; failing both, only the built-in checks
    run (``report.pack_id`` is ``builtin``) and ``notices`` says so. A file with no number in it is
    refused: nothing would be checked, and a silent 通过 would mislead."""
    if isinstance(waivers, (str, Path)):
        waivers = load_waivers(waivers)
    paragraphs = read_narrative_file(source)
    if not any(p.quantities for p in paragraphs):
        raise WorkbookError(
            "no-narrative-numbers",
            f"“{Path(source).name}”中没有任何数字，不像部门决算的情况说明，没有可核对的内容。",
        )
    notices: list[str] = []
    chosen_source = None
    if isinstance(pack, Pack):
        chosen = pack
    else:
        chosen_source = choose_for_narrative(pack, paragraphs, allow_unsigned, given="指定的规则包")
        if chosen_source is None:
            chosen = builtin_pack()
            notices.append(
                "情况说明开头没有写明哪个地区，或该地区没有已安装或随附的规则包：只做情况说明自身的算术核对"
                "（增减额、增减率、完成率、占比、合计）；要按某个规则包核对，请用 --pack 指定。"
            )
        else:
            chosen = load_pack(chosen_source.path)
            notices += [*chosen_source.notices, *pack_notice(chosen)]
            year = _narrative_year(paragraphs)
            if chosen_source.step >= 4 and year and chosen.year and year != chosen.year:
                notices.append(
                    f"情况说明写的是 {year} 年度，按地区选用的规则包 {chosen.id} 是 {chosen.year} 年度的；"
                    "请确认，或用 --pack 指定本年度的规则包。"
                )
    book = Book([], str(source))
    located = LocatedBook(chosen.layout, book, {}, {}, None)
    report = run_pack(chosen, located, name or Path(source).name, paragraphs, text_only=True)
    checked = Checked(book, chosen, located, report, notices, chosen_source, paragraphs=paragraphs)
    if waivers is not None:
        checked.waivers_used = apply_waivers(report, waivers, unit_names(checked))
    return checked


def _narrative_year(paragraphs: list[Paragraph]) -> int | None:
    """The year a 情况说明's opening states (``2023年度``), or ``None``."""
    found = _YEAR.search("".join(p.norm for p in paragraphs[:5]))
    return int(found.group(1)) if found else None


def unit_names(checked: Checked) -> list[str]:
    """The names a waiver may give a checked workbook's unit: its file name (as the report names it,
    and as it is on disk) and its unit name."""
    return list(dict.fromkeys(n for n in (checked.report.workbook, Path(checked.book.source).name, checked.unit) if n))
