"""``xlplugin check`` on a 情况说明 file alone (.docx, .txt, .md): the check, and its annotated copy.

A .docx gets a copy with Word comments on the sentences found wrong (``x.校验.docx``); a .txt or .md
has nowhere to hold a comment, so it gets a marked-up page instead (``x.校验.html``). The narrative
itself is never written to: ``--in-place`` is refused."""

from __future__ import annotations

from pathlib import Path

import click

from xlplugin.core.errors import XlpluginError
from xlplugin.doors.os_errors import user_error

__all__ = ["annotated_narrative_target", "write_narrative_annotation", "write_narrative_copy"]


def annotated_narrative_target(source: Path, annotate_to: Path | None, in_place: bool) -> Path:
    """Where the annotated copy of ``source`` goes, refusing what cannot be written before checking."""
    from xlplugin.output.narrative_marks import annotated_narrative_name

    if in_place:
        raise XlpluginError(
            "cannot-annotate",
            f"情况说明“{source.name}”不能直接标注；请改用 --annotate，另存一份"
            f"“{annotated_narrative_name(source).name}”，原文件不变。",
        )
    target = annotate_to or annotated_narrative_name(source)
    suffix = target.suffix.lower()
    if suffix not in (".docx", ".html") or suffix == ".docx" and source.suffix.lower() != ".docx":
        raise XlpluginError(
            "cannot-annotate",
            f"情况说明的标注是网页（.html），原文件是 Word 文档时也可以是 Word 副本（.docx）："
            f"“{target.name}”的扩展名不对。",
        )
    if target.exists() and target.resolve() == source.resolve():
        raise XlpluginError("cannot-annotate", "标注副本不能覆盖原文件。")
    return target


def write_narrative_copy(source: Path, checked, target: Path, level: str = "warning") -> Path:
    """Write the annotated copy of a 情况说明 checked alone: Word comments in a .docx ``target``, else
    the marked-up page; returns ``target``. ``level`` (``--level``) is the least severity marked: by
    default 错误 and 警告, as the workbook's copy colours them — a comment on every paragraph with an
    unchecked number would bury the ones that matter."""
    from xlplugin.output.narrative_marks import write_annotated_docx, write_marked_html
    from xlplugin.output.render import LEVELS

    severities = LEVELS[level]
    if target.suffix.lower() == ".docx":
        write_annotated_docx(source, checked.paragraphs, checked.report, target, severities=severities)
    else:
        write_marked_html(checked.paragraphs, checked.report, target, source.name, severities=severities)
    return target


def write_narrative_annotation(source: Path, checked, target: Path, level: str = "warning") -> None:
    """:func:`write_narrative_copy`, saying where; what the system refuses is one sentence."""
    try:
        write_narrative_copy(source, checked, target, level)
    except OSError as error:
        raise user_error(error, target) from None
    kind = "Word 批注副本" if target.suffix.lower() == ".docx" else "标注网页"
    click.echo(f"已写入{kind}：{target}（{len(checked.report.findings)} 条结果；原文件未改动）", err=True)
