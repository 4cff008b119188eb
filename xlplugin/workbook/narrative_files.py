"""Reading a 情况说明 file into its paragraphs' texts (:func:`xlplugin.workbook.narrative.read_narrative_file`
makes them paragraphs): a .docx's body and table paragraphs in document order, a text file in UTF-8,
GB18030 or UTF-16 with a byte-order mark, its lines joined where PDF-to-text broke them. An empty
file, a workbook named .docx and a .doc or .wps file are refused, each with what to do."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from xlplugin.core.errors import WorkbookError
from xlplugin.workbook.sniff import read_head

__all__ = ["docx_paragraphs", "join_broken_lines", "narrative_texts", "unsupported_narrative"]

_SENTENCE_END = "。；！？;!?"


def narrative_texts(path: Path) -> list[str]:
    """The non-empty paragraphs of a .docx (body and tables: :func:`docx_paragraphs`), .txt or .md
    narrative (UTF-8, GB18030, or UTF-16 with a byte-order mark: Notepad's “Unicode”), stripped."""
    head = read_head(path, 1, "情况说明文件", "情况说明文件")  # missing, a folder, a pipe or a device: one sentence
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".txt", ".md"):
        raise unsupported_narrative(path)
    if not head:
        raise WorkbookError("empty-narrative", f"“{path.name}”是空文件（0 字节），没有可校验的情况说明。")
    if suffix == ".docx":
        texts = _docx_texts(path)
    else:
        texts = join_broken_lines(_decoded(path).splitlines(), markdown=suffix == ".md")
    return [t.strip() for t in texts if t.strip()]


def unsupported_narrative(path: Path) -> WorkbookError:
    """The refusal of a narrative that is no .docx, .txt or .md: a .doc or .wps is to be saved as .docx."""
    old = {".doc": "Word 97-2003 文档", ".wps": "WPS 文字文档"}.get(path.suffix.lower())
    if old:
        message = f"“{path.name}”是 {old}：情况说明请在 Word 或 WPS 中另存为 .docx 后再校验。"
    else:
        message = f"情况说明只支持 .docx、.txt、.md，不支持“{path.suffix}”。"
    return WorkbookError("unsupported-narrative", message)


def _docx_texts(path: Path) -> list[str]:
    try:
        from docx import Document

        return [p.text for p in docx_paragraphs(Document(str(path)))]
    except Exception as error:  # python-docx raises many types for broken files
        try:
            with zipfile.ZipFile(path) as package:
                workbook = "xl/workbook.xml" in package.namelist()
        except Exception:  # not a zip, or a damaged one
            workbook = False
        if workbook:
            message = f"“{path.name}”是 Excel 工作簿，不是 Word 文档：请改回 .xlsx 后校验。"
            raise WorkbookError("narrative-is-workbook", message) from None
        message = f"“{path.name}”无法作为 Word 文档读取（{type(error).__name__}）。"
        raise WorkbookError("unreadable-narrative", message) from None


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # neither can start UTF-8 or GB18030
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    what = "不是有效的 UTF-16 文本" if utf16 else "既不是 UTF-8 也不是 GB18030 编码的文本"
    raise WorkbookError("unreadable-narrative", f"“{path.name}”{what}。")


#: a figure in a paragraph: a body with one is the 情况说明 itself
_FIGURE = re.compile(r"\d")


def docx_paragraphs(document) -> list:
    """The paragraphs of python-docx ``document`` in document order. A 情况说明 written in body
    paragraphs is read from them alone — its tables (of figures, of the tables' own rows) are not
    sentences, and their cells would only give the arithmetic fragments to misread. A document whose
    body holds no figure (its text laid out in a table) is read with its cells' paragraphs too, where
    the table stands (row by row; nested tables in place; a merged cell once). Paragraph N of
    :func:`read_narrative_file` is the N-th with text, as :mod:`xlplugin.output.narrative_marks` reads."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph as DocxParagraph

    p, table, row, cell = (qn(f"w:{name}") for name in ("p", "tbl", "tr", "tc"))

    def walk(container):
        for child in container.iterchildren(p, table):
            if child.tag == p:
                yield DocxParagraph(child, document)
            else:
                for inner in (c for r in child.iterchildren(row) for c in r.iterchildren(cell)):
                    yield from walk(inner)

    body = [DocxParagraph(child, document) for child in document.element.body.iterchildren(p)]
    if any(_FIGURE.search(paragraph.text) for paragraph in body):
        return body
    return list(walk(document.element.body))


def join_broken_lines(lines: list[str], markdown: bool) -> list[str]:
    """A line that does not end a sentence (nor is a heading) continues on the next non-blank line."""
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        text = line.strip()
        if markdown:
            text = text.lstrip("#>*- ").strip()
        if not text:
            continue
        current += text
        if _ends_paragraph(current):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,6}、|（[一二三四五六七八九十]{1,6}）|\([一二三四五六七八九十]{1,6}\))[^。]{0,40}$"
)


def _ends_paragraph(text: str) -> bool:
    """Sentence end, a heading, or a short title line ending in a Chinese character. A line ending in
    a colon (``主要原因：``, ``其中：``) introduces what follows and continues into it."""
    last = text[-1]
    return last in _SENTENCE_END or bool(_HEADING.match(text)) or len(text) <= 20 and "\u4e00" <= last <= "\u9fff"
