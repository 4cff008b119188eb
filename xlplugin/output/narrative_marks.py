"""Annotated copies of a 情况说明 (narrative) file: a Word copy with comments, or an HTML page.

Checking a narrative alone (``xlplugin check 情况说明.docx|.txt|.md``) locates each finding in a
paragraph (``第 N 段``, N counting the paragraphs as :func:`xlplugin.workbook.narrative.read_narrative_file`
reads them) and, mostly, at a character span of it. This module puts them back on the text:

- :func:`write_annotated_docx` — a copy of the ``.docx`` with one Word comment per finding (author
  ``xlplugin``), anchored on the words the finding is about and those words highlighted by severity
  (错误 red, 警告 yellow, 提示 grey). Runs are split at the span's ends with their own formatting, so
  the comment covers exactly the figure or sentence, and the bold, fonts and sizes stay as written. A
  finding about a whole paragraph is a comment on that paragraph; one about the whole document (a
  statement the narrative lacks) is a comment on its first paragraph.
- :func:`write_marked_html` — a self-contained page (inline CSS, nothing fetched): the verdict and
  counts, then every paragraph with the numbers rules checked lightly marked, those no rule checked
  dotted-underlined, and each finding's words marked by severity with a tooltip and a numbered note
  below the paragraph. The annotated output of ``.txt`` and ``.md`` narratives, and a handy view of a
  ``.docx`` too.
- :func:`annotated_narrative_name` — where the copy goes by default: ``x.docx`` → ``x.校验.docx``,
  ``x.txt``/``x.md`` → ``x.校验.html``.

**Re-annotation.** The copy is meant to be written from the department's own, unannotated file.
When it is written from an annotated copy instead (checked again after corrections), our earlier
comments — every comment whose author is ``xlplugin`` — are deleted first, with their highlights
(:mod:`xlplugin.output.narrative_docx`; python-docx cannot delete comments, so this is done in the XML),
and the department's comments and replies stay. Our split runs stay split: they print the same.

The input file is never written: the copy is saved beside a temporary name and renamed over
``target`` (a full disk leaves no half-written copy). An :class:`OSError` while writing propagates for
the door to say in Chinese (:func:`xlplugin.doors.os_errors.user_error`).
"""

from __future__ import annotations

import html
import itertools
import os
import tempfile
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path

from docx.enum.text import WD_COLOR_INDEX

from xlplugin.core.errors import WorkbookError
from xlplugin.core.files import file_mode
from xlplugin.core.findings import ERROR, INFO, SEVERITIES, WARNING, Finding, Report
from xlplugin.output.narrative_docx import highlight, remove_comments, split_at, text_runs
from xlplugin.workbook.narrative_files import docx_paragraphs, unsupported_narrative

__all__ = [
    "AUTHOR",
    "annotated_narrative_name",
    "comment_text",
    "write_annotated_docx",
    "write_marked_html",
]

#: the author and initials of our comments: what re-annotation recognises as ours
AUTHOR, INITIALS = "xlplugin", "XL"
HIGHLIGHTS = {ERROR: WD_COLOR_INDEX.RED, WARNING: WD_COLOR_INDEX.YELLOW, INFO: WD_COLOR_INDEX.GRAY_25}
_CLASSES = {ERROR: "error", WARNING: "warning", INFO: "info"}
_TITLE = "情况说明校验："


def annotated_narrative_name(source: Path) -> Path:
    """The default annotated copy of narrative ``source``: ``x.docx`` → ``x.校验.docx``, ``x.txt`` and
    ``x.md`` → ``x.校验.html`` (a text file cannot hold comments), beside it."""
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix == ".docx":
        return source.with_name(f"{source.stem}.校验.docx")
    if suffix in (".txt", ".md"):
        return source.with_name(f"{source.stem}.校验.html")
    raise unsupported_narrative(source)


def _shown(value) -> str:
    """An expected value as a reader reads it: a Decimal without trailing zeros, text as it is."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def comment_text(finding: Finding) -> str:
    """``【错误】规则名：message``, and ``应为 X`` on a second line when the finding has an expected value
    the message does not already state."""
    text = f"【{finding.severity}】{finding.name or finding.rule}：{finding.message}"
    if finding.expected not in (None, "") and "应为" not in finding.message:
        text += f"\n应为 {_shown(finding.expected)}"
    return text


# -- placing findings on paragraphs --------------------------------------------------------------


def _placed(
    paragraphs: list, report: Report, severities: Collection[str] = SEVERITIES
) -> list[tuple[Finding, int, tuple[int, int] | None]]:
    """The report's findings of ``severities`` about these paragraphs, each with the index of its paragraph (-1 for a
    finding about the whole document: its cell names no paragraph) and its span in the paragraph's text
    (None: the whole of it), in the order of the text."""
    sheets = {p.sheet for p in paragraphs}
    index = {p.cell: i for i, p in enumerate(paragraphs)}
    placed = []
    for finding in report.findings:
        if finding.sheet not in sheets or finding.severity not in severities:
            continue
        position = index.get(finding.cell)
        span = None
        if position is not None and finding.span is not None:
            length = len(paragraphs[position].text)
            start, end = (min(max(int(v), 0), length) for v in finding.span)
            span = (start, end) if start < end else None  # an empty span marks no words: the paragraph
        placed.append((finding, position if position is not None else -1, span))
    placed.sort(key=lambda item: (item[1], item[2] or (-1, -1)))
    return placed


# -- Word ----------------------------------------------------------------------------------------


def write_annotated_docx(
    source: Path, paragraphs: list, report: Report, target: Path, *, severities: Collection[str] = SEVERITIES
) -> int:
    """Write ``target``: a copy of the ``.docx`` ``source`` with a comment for each of ``report``'s
    findings about ``paragraphs`` (as :func:`~xlplugin.workbook.narrative.read_narrative_file` read
    ``source``), see the module's docstring. Returns the number of comments written. ``source`` is
    only read; ``target`` must be another file. ``severities`` limits the comments to findings of those
    severities (a door's ``--level``: the 提示 of a long narrative can run to dozens)."""
    from docx import Document
    from docx.text.run import Run

    source, target = Path(source), Path(target)
    if source.suffix.lower() != ".docx":
        raise WorkbookError("cannot-annotate", f"只有 .docx 情况说明能写批注副本，“{source.name}”不是 .docx。")
    if target.exists() and os.path.samefile(source, target):
        raise WorkbookError("cannot-annotate", f"标注副本不能写在情况说明原文件“{source.name}”上，请换一个文件名。")
    try:
        document = Document(str(source))
    except Exception as error:  # python-docx raises many types for broken files
        raise WorkbookError(
            "unreadable-narrative", f"“{source.name}”无法作为 Word 文档读取（{type(error).__name__}）。"
        ) from None
    remove_comments(document, AUTHOR)
    proxies = _match(document, paragraphs, source.name)
    placed = _placed(paragraphs, report, severities)
    leads = [len(p.text) - len(p.text.lstrip()) for p in proxies]
    # cut every run at every span's ends first: then a span is a whole number of runs
    for _, position, span in placed:
        if span is not None:
            for offset in span:
                split_at(proxies[position]._p, offset + leads[position])
    anchors = []
    for finding, position, span in placed:
        text = comment_text(finding) if position >= 0 else "（全文）" + comment_text(finding)
        position = max(position, 0)  # a finding about the whole document: on its first paragraph
        runs = text_runs(proxies[position]._p)
        covered = None
        if span is not None:
            low, high = span[0] + leads[position], span[1] + leads[position]
            covered = [r for r, start, end in runs if start < high and low < end] or None
        anchors.append((finding, position, covered, runs, text))
    # the worst severity of overlapping findings shows: highlights go on worst first and never over another
    for finding, _, covered, _, _ in sorted(anchors, key=lambda a: SEVERITIES.index(a[0].severity)):
        for run in covered or ():
            highlight(run, HIGHLIGHTS[finding.severity])
    for _, position, covered, runs, text in anchors:
        ends = covered or [runs[0][0], runs[-1][0]]
        document.add_comment(
            [Run(ends[0], proxies[position]), Run(ends[-1], proxies[position])],
            text=text,
            author=AUTHOR,
            initials=INITIALS,
        )
    _write_atomically(target, document.save)
    return len(anchors)


def _match(document, paragraphs: list, name: str) -> list:
    """The document's paragraphs that are ``paragraphs`` (the non-empty ones, in order), after
    checking that they are: annotating a file changed since it was checked would mark wrong words."""
    proxies = [p for p in docx_paragraphs(document) if p.text.strip()]  # tables' too, as the reader
    for number, read in enumerate(paragraphs, start=1):
        if number > len(proxies) or proxies[number - 1].text.strip() != read.text:
            raise WorkbookError(
                "cannot-annotate",
                f"“{name}”第 {number} 段与校验时读到的不同（文件在校验后被改动），请重新校验后再标注。",
            )
    return proxies


def _write_atomically(target: Path, save: Callable) -> None:
    """Call ``save`` with an open binary file beside ``target`` and rename it over ``target`` once it
    is whole; the file gets ``target``'s permissions, or those of a new file (not mkstemp's 0600)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".xlplugin-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        os.chmod(name, file_mode(target))
        with open(name, "wb") as stream:
            save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)


# -- HTML ----------------------------------------------------------------------------------------

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px auto;max-width:960px;
padding:0 16px;color:#222;line-height:1.9}
h1{font-size:22px;margin:0 0 8px} .verdict{font-size:17px;font-weight:bold;margin:4px 0}
.verdict.fail{color:#c00000} .verdict.pass{color:#217346} .meta{color:#555;font-size:13px;margin:2px 0}
.legend{font-size:13px;color:#555;margin:8px 0 20px} .legend span{margin-right:14px}
.para{margin:12px 0;padding:4px 12px;border-left:4px solid #eee} .no{color:#888;font-size:12px;margin-right:6px}
.para.error{border-left-color:#c00000} .para.warning{border-left-color:#e0b000} .para.info{border-left-color:#9db3c8}
mark{padding:1px 0;color:inherit} mark.error{background:#ffc7ce} mark.warning{background:#ffeb9c}
mark.info{background:#dde8f3} .num.checked{background:#e6f2e0} .num.unchecked{border-bottom:1px dotted #555}
sup a{color:#555;text-decoration:none;font-size:11px} ol.notes{font-size:13px;margin:4px 0 0;padding-left:28px}
ol.notes li.error{color:#9c0006} ol.notes li.warning{color:#7a5600} ol.notes li.info{color:#3f5870}
.fix{color:#555} .whole{color:#555;font-size:12px}
"""


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def write_marked_html(
    paragraphs: list, report: Report, target: Path, title: str, *, severities: Collection[str] = SEVERITIES
) -> None:
    """Write ``target``: the HTML page of ``report`` over ``paragraphs`` (see the module's
    docstring). ``title`` is the narrative's file name (the page is titled ``情况说明校验：<title>``;
    a title that already begins so is used as it is). ``severities`` limits the findings marked, as
    for :func:`write_annotated_docx`; the counts at the top are the report's."""
    target = Path(target)
    heading = title if title.startswith(_TITLE) else _TITLE + title
    placed = _placed(paragraphs, report, severities)
    notes: dict[int, list[tuple[int, Finding, tuple[int, int] | None]]] = {}
    for number, (finding, position, span) in enumerate(placed, start=1):
        notes.setdefault(position, []).append((number, finding, span))
    index = {p.cell: i for i, p in enumerate(paragraphs)}
    numbers: dict[int, list] = {}
    for quoted in getattr(report, "numbers", None) or ():
        position = index.get(quoted.paragraph)
        if position is not None and quoted.sheet in (paragraphs[position].sheet, ""):
            numbers.setdefault(position, []).append(quoted)
    body = [_header(report, heading)]
    if -1 in notes:
        body.append(_whole_document(notes[-1]))
    body += [
        _paragraph(paragraph, notes.get(position, []), numbers.get(position, []))
        for position, paragraph in enumerate(paragraphs)
    ]
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(heading)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    _write_atomically(target, lambda stream: stream.write(page.encode("utf-8")))


def _header(report: Report, heading: str) -> str:
    counts = "，".join(f"{s} {report.count(s)} 个" for s in SEVERITIES)
    total = getattr(report, "narrative_numbers", 0)
    coverage = f"；文中 {total} 个数字，{report.narrative_checked} 个由规则核对" if total else ""
    pack = f"规则包：{report.pack_id}" + (f" {report.pack_version}" if report.pack_version else "")
    return (
        f"<h1>{_e(heading)}</h1>\n"
        f'<p class="verdict {"pass" if report.valid else "fail"}">结论：{_e(report.verdict)}</p>\n'
        f'<p class="meta">{_e(counts + coverage)}</p>\n<p class="meta">{_e(pack)}</p>\n'
        '<p class="legend"><span><mark class="error">错误</mark></span><span><mark class="warning">警告</mark></span>'
        '<span><mark class="info">提示</mark></span><span class="num checked">规则核对过的数字</span>'
        '<span class="num unchecked">没有规则核对的数字</span></p>'
    )


def _paragraph(paragraph, notes: list, numbers: list) -> str:
    """One paragraph: its text with the numbers and the findings' words marked, then its notes."""
    pieces = _marked(paragraph.text, [(n, f, s) for n, f, s in notes if s is not None], numbers)
    # the bar beside a paragraph has the colour of its worst finding: a reader scanning the page sees it
    worst = min((SEVERITIES.index(f.severity) for _, f, _ in notes), default=None)
    css = "para" + (f" {_CLASSES[SEVERITIES[worst]]}" if worst is not None else "")
    refs = "".join(f'<sup><a href="#n{n}">[{n}]</a></sup>' for n, _, s in notes if s is None)
    block = [
        f'<div class="{css}" id="p{_e(paragraph.cell.replace(" ", ""))}">',
        f'<p><span class="no">{_e(paragraph.cell)}</span>{pieces}{refs}</p>',
    ]
    block += _notes(notes)
    block.append("</div>")
    return "\n".join(block)


def _marked(text: str, spans: list, numbers: list) -> str:
    """``text`` escaped, each quoted number in a ``span`` (checked or not, with the rules that checked it
    as its tooltip) and the words of each finding in one ``mark`` of the worst severity over them (its
    tooltip the findings' comments), followed by the findings' note numbers."""
    quoted = [(min(max(n.span[0], 0), len(text)), min(max(n.span[1], 0), len(text)), n) for n in numbers]
    cuts = sorted({0, len(text)} | {v for _, _, s in spans for v in s} | {v for s, e, _ in quoted for v in (s, e)})
    segments = []
    for low, high in zip(cuts, cuts[1:]):
        piece = _e(text[low:high])
        on = [n for s, e, n in quoted if s <= low and high <= e]
        if on:
            checked = on[0].checked_by
            tip = f"由 {'、'.join(checked)} 核对" if checked else "没有规则核对这个数字"
            piece = f'<span class="num {"checked" if checked else "unchecked"}" title="{_e(tip)}">{piece}</span>'
        segments.append((tuple(n for n, _, s in spans if s[0] <= low and high <= s[1]), piece, high))
    # a finding's words are one mark, numbers inside it; every finding ends where a group of segments ends
    out = []
    for covering, group in itertools.groupby(segments, key=lambda segment: segment[0]):
        group = list(group)
        inner = "".join(piece for _, piece, _ in group)
        if covering:
            findings = [f for n, f, _ in spans if n in covering]
            worst = min(findings, key=lambda f: SEVERITIES.index(f.severity))
            tip = "\n".join(comment_text(f) for f in findings)
            inner = f'<mark class="{_CLASSES[worst.severity]}" title="{_e(tip)}">{inner}</mark>'
        out.append(inner)
        out += [f'<sup><a href="#n{n}">[{n}]</a></sup>' for n, _, s in spans if s[1] == group[-1][2]]
    return "".join(out)


def _whole_document(notes: list) -> str:
    """The findings about the narrative as a whole (a statement it lacks), before its paragraphs."""
    worst = min(SEVERITIES.index(f.severity) for _, f, _ in notes)
    block = [f'<div class="para {_CLASSES[SEVERITIES[worst]]}" id="whole">', '<p><span class="no">全文</span></p>']
    return "\n".join(block + _notes(notes, whole="") + ["</div>"])


def _notes(notes: list, whole: str = "（整段）") -> list[str]:
    """The numbered notes of a paragraph's findings: severity, rule name, message, how to fix it."""
    if not notes:
        return []
    lines = ['<ol class="notes">']
    for number, finding, span in notes:
        scope = f'<span class="whole">{whole}</span>' if span is None and whole else ""
        fix = f'<br><span class="fix">{_e(finding.explanation)}</span>' if finding.explanation else ""
        lines.append(
            f'<li id="n{number}" value="{number}" class="{_CLASSES[finding.severity]}">{scope}'
            f"{_e(comment_text(finding)).replace(chr(10), '；')}（{_e(finding.rule)}）{fix}</li>"
        )
    return lines + ["</ol>"]
