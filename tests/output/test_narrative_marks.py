"""Annotated copies of a 情况说明: Word comments on the words a finding is about, and the HTML page.

A real .docx is built with python-docx (bold and differently fonted runs, a tab, a hyperlink, leading
full-width spaces, an empty paragraph, a comment by the department), read back by the narrative reader,
annotated from findings located the way the engine locates them, and read back again.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from xlplugin.core.errors import WorkbookError
from xlplugin.core.files import file_mode
from xlplugin.core.findings import ERROR, INFO, WARNING, Finding, NarrativeNumber, Report
from xlplugin.output.narrative_marks import (
    AUTHOR,
    annotated_narrative_name,
    comment_text,
    write_annotated_docx,
    write_marked_html,
)
from xlplugin.workbook.narrative import Paragraph, read_narrative_file

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def _run(paragraph, text, bold=False, font=None, size=None, italic=False, highlight=None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if font:
        run.font.name = font
    if size:
        run.font.size = Pt(size)
    if highlight is not None:
        run.font.highlight_color = highlight
    return run


def _hyperlink(paragraph, text: str) -> None:
    """A w:hyperlink holding one run (python-docx cannot add one; Word documents have them)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), "top")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


@pytest.fixture()
def narrative(tmp_path) -> Path:
    return build_narrative(tmp_path / "情况说明.docx")


def build_narrative(path: Path) -> Path:
    """The test narrative, written to ``path``."""
    document = Document()
    _run(document.add_paragraph(), "2023年度部门决算情况说明", bold=True, size=16)
    document.add_paragraph("")  # empty: not a paragraph as read
    second = document.add_paragraph()
    _run(second, "2023年度收入总计")
    _run(second, "11772.45万元", bold=True, font="黑体")
    _run(second, "，较上年决算数减少")
    _run(second, "1863.3万元", italic=True, size=14)
    _run(second, "、下降15.80%。")
    third = document.add_paragraph()
    _run(third, "\u3000\u3000机关运行经费")
    _run(third, "\t支出")
    mine = _run(third, "96.52万元", highlight=WD_COLOR_INDEX.BRIGHT_GREEN)
    _run(third, "，详见")
    _hyperlink(third, "公开08表的说明")
    _run(third, "。")
    document.add_comment(mine, text="请财务科核实", author="张三", initials="ZS")
    fourth = document.add_paragraph()
    _run(fourth, "本年度无<script>alert(1)</script>政府性基金预算财政拨款。")
    document.save(path)
    return path


def _finding(paragraph, severity, rule, needle=None, message="", expected=None, cell=None) -> Finding:
    """A finding located like the engine locates it: on the paragraph, at the needle's span."""
    span = None
    if needle is not None:
        start = paragraph.text.index(needle)
        span = (start, start + len(needle))
    return Finding(
        rule=rule,
        name=f"{rule} 的规则",
        severity=severity,
        sheet=paragraph.sheet,
        cell=paragraph.cell if cell is None else cell,
        table=paragraph.sheet,
        row=paragraph.cell,
        column="增减率",
        expected=expected,
        actual=needle,
        difference=None,
        operands=[],
        message=message or f"“{needle}”不对。",
        explanation="按所写的金额重新计算后改正。",
        span=span,
        quote=needle,
    )


def _report(paragraphs, *findings) -> Report:
    return Report(paragraphs[0].sheet, "cq-2021", "1.0", findings=list(findings), mode="narrative")


def _findings(paragraphs) -> list[Finding]:
    title, money, funds, fund = paragraphs
    return [
        _finding(money, ERROR, "CQW-50", "下降15.80%", expected="15.83%"),
        _finding(money, WARNING, "CQW-60", "45万元，较上年"),
        _finding(funds, INFO, "CQW-70", None, message="增减未说明原因。"),
        _finding(funds, WARNING, "CQW-71", "支出96.52"),
        _finding(funds, INFO, "CQW-72", "08表"),
        _finding(title, ERROR, "CQW-80", None, message="未写明公开08表为空的原因。", cell=""),
    ]


def _comments(path: Path) -> dict[str, list]:
    """Author → comments of the document at ``path``."""
    comments: dict[str, list] = {}
    for comment in Document(path).comments:
        comments.setdefault(comment.author, []).append(comment)
    return comments


def _anchored(path: Path, comment_id: int) -> str:
    """The text between a comment's range start and end."""
    body = Document(path).element.body
    inside, text = False, []
    for element in body.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t"), qn("w:tab")):
        if element.tag in (qn("w:commentRangeStart"), qn("w:commentRangeEnd")):
            if element.get(qn("w:id")) == str(comment_id):
                inside = element.tag == qn("w:commentRangeStart")
        elif inside:
            text.append("\t" if element.tag == qn("w:tab") else element.text or "")
    return "".join(text)


def _runs_of(path: Path, text: str):
    """The runs of the document whose text is ``text``."""
    runs = []
    for paragraph in Document(path).paragraphs:
        for item in paragraph.iter_inner_content():  # runs, and hyperlinks holding runs
            runs += [item] if hasattr(item, "font") else item.runs
    return [r for r in runs if r.text == text]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copy_has_our_comments_on_the_words(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    assert [p.cell for p in paragraphs] == ["第 1 段", "第 2 段", "第 3 段", "第 4 段"]
    before = _digest(narrative)
    target = tmp_path / "copy.docx"
    assert write_annotated_docx(narrative, paragraphs, _report(paragraphs, *_findings(paragraphs)), target) == 6
    assert _digest(narrative) == before
    assert stat.S_IMODE(target.stat().st_mode) == file_mode(tmp_path / "new")  # not mkstemp's 0600
    comments = _comments(target)
    assert [c.text for c in comments["张三"]] == ["请财务科核实"]
    ours = {c.text.split("：")[0]: c for c in comments[AUTHOR]}
    assert set(ours) == {"【错误】CQW-50 的规则", "【警告】CQW-60 的规则", "【提示】CQW-70 的规则"} | {
        "【警告】CQW-71 的规则",
        "【提示】CQW-72 的规则",
        "（全文）【错误】CQW-80 的规则",
    }
    assert all(c.initials == "XL" for c in comments[AUTHOR])
    assert ours["【错误】CQW-50 的规则"].text == "【错误】CQW-50 的规则：“下降15.80%”不对。\n应为 15.83%"
    anchored = {key: _anchored(target, c.comment_id) for key, c in ours.items()}
    assert anchored["【错误】CQW-50 的规则"] == "下降15.80%"
    assert anchored["【警告】CQW-60 的规则"] == "45万元，较上年"
    assert anchored["【警告】CQW-71 的规则"] == "支出96.52"  # after the leading spaces and a tab
    assert anchored["【提示】CQW-72 的规则"] == "08表"  # inside the hyperlink
    assert anchored["【提示】CQW-70 的规则"] == "\u3000\u3000机关运行经费\t支出96.52万元，详见公开08表的说明。"
    assert anchored["（全文）【错误】CQW-80 的规则"] == "2023年度部门决算情况说明"
    # the text reads as before: the same paragraphs, so the copy can be checked again
    assert [p.text for p in read_narrative_file(target)] == [p.text for p in paragraphs]


def test_split_runs_keep_their_formatting_and_highlight_by_severity(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    target = tmp_path / "copy.docx"
    write_annotated_docx(narrative, paragraphs, _report(paragraphs, *_findings(paragraphs)), target)
    (head,) = _runs_of(target, "11772.")
    (tail,) = _runs_of(target, "45万元")
    for run in (head, tail):
        assert run.bold and run.font.name == "黑体"
    assert head.font.highlight_color is None and tail.font.highlight_color == WD_COLOR_INDEX.YELLOW
    (error,) = _runs_of(target, "下降15.80%")
    assert error.font.highlight_color == WD_COLOR_INDEX.RED
    (rest,) = _runs_of(target, "。")[-1:]
    assert rest.font.highlight_color is None
    (italic,) = _runs_of(target, "1863.3万元")
    assert italic.italic and italic.font.size == Pt(14) and italic.font.highlight_color is None
    (link,) = _runs_of(target, "08表")
    assert link.font.highlight_color == WD_COLOR_INDEX.GRAY_25
    # the department's own highlight is theirs: the comment marks the words, the colour stays
    (green,) = _runs_of(target, "96.52")
    assert green.font.highlight_color == WD_COLOR_INDEX.BRIGHT_GREEN
    # a whole-paragraph finding is a comment, not a highlight
    assert all(r.font.highlight_color is None for r in Document(target).paragraphs[0].runs)


def test_annotating_a_copy_again_replaces_our_comments(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    write_annotated_docx(narrative, paragraphs, _report(paragraphs, *_findings(paragraphs)), first)
    before = _digest(first)
    again = read_narrative_file(first)
    fewer = _report(again, _finding(again[1], ERROR, "CQW-50", "下降15.80%", expected="15.83%"))
    assert write_annotated_docx(first, again, fewer, second) == 1
    assert _digest(first) == before
    comments = _comments(second)
    assert [c.text.split("：")[0] for c in comments[AUTHOR]] == ["【错误】CQW-50 的规则"]
    assert [c.text for c in comments["张三"]] == ["请财务科核实"]
    assert _anchored(second, comments["张三"][0].comment_id) == "96.52万元"
    assert _anchored(second, comments[AUTHOR][0].comment_id) == "下降15.80%"
    # the highlights of the comments that went are gone, the department's stays
    (tail,) = _runs_of(second, "45万元")
    assert tail.font.highlight_color is None and tail.bold
    (green,) = _runs_of(second, "96.52")
    assert green.font.highlight_color == WD_COLOR_INDEX.BRIGHT_GREEN
    xml = zipfile.ZipFile(second).read("word/document.xml").decode()
    assert xml.count("commentReference") == 2 and xml.count("commentRangeStart") == 2
    # and the same report again writes the same comments, not twice as many
    third, latest = tmp_path / "third.docx", read_narrative_file(second)
    same = _report(latest, _finding(latest[1], ERROR, "CQW-50", "下降15.80%", expected="15.83%"))
    assert write_annotated_docx(second, latest, same, third) == 1
    assert len(_comments(third)[AUTHOR]) == 1


def _as_word_saves_it(path: Path) -> None:
    """Give the comments paragraph ids and a commentsExtended part, as Word does on saving, with the
    department's comment a reply to our first one: re-annotation must not leave a reply to nothing."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    comments = etree.fromstring(parts["word/comments.xml"])
    entries, ours = [], None
    for number, comment in enumerate(comments.findall(qn("w:comment"))):
        for paragraph in comment.findall(qn("w:p")):
            paragraph.set(f"{{{W14}}}paraId", f"{number + 1:08X}")
        if comment.get(qn("w:author")) == AUTHOR and ours is None:
            ours = f"{number + 1:08X}"
        entries.append((f"{number + 1:08X}", comment.get(qn("w:author"))))
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    extended = "".join(
        f'<w15:commentEx w15:paraId="{pid}" w15:done="0"'
        + ("" if author == AUTHOR else f' w15:paraIdParent="{ours}"')
        + "/>"
        for pid, author in entries
    )
    parts["word/commentsExtended.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx xmlns:w15="{W15}">{extended}</w15:commentsEx>'
    ).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdX1" Type="http://schemas.microsoft.com/office/2011/relationships/commentsExtended"'
        ' Target="commentsExtended.xml"/></Relationships>',
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/word/commentsExtended.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>',
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_reannotation_cleans_what_word_adds_beside_comments(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    write_annotated_docx(narrative, paragraphs, _report(paragraphs, *_findings(paragraphs)[:2]), first)
    _as_word_saves_it(first)
    assert write_annotated_docx(first, read_narrative_file(first), _report(paragraphs), second) == 0
    assert [c.author for c in Document(second).comments] == ["张三"]
    extended = etree.fromstring(zipfile.ZipFile(second).read("word/commentsExtended.xml"))
    (left,) = list(extended)
    assert left.get(f"{{{W15}}}paraIdParent") is None  # the reply stands alone
    theirs = etree.fromstring(zipfile.ZipFile(second).read("word/comments.xml")).find(qn("w:comment"))
    assert left.get(f"{{{W15}}}paraId") == theirs.find(qn("w:p")).get(f"{{{W14}}}paraId")


def test_copy_refuses_a_changed_file_and_its_own_source(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    report = _report(paragraphs, *_findings(paragraphs))
    before = _digest(narrative)
    with pytest.raises(WorkbookError) as error:
        write_annotated_docx(narrative, paragraphs, report, narrative)
    assert error.value.code == "cannot-annotate" and "原文件" in error.value.message
    changed = Document(narrative)
    changed.paragraphs[2].runs[0].text = "2024年度收入总计"
    edited = tmp_path / "edited.docx"
    changed.save(edited)
    with pytest.raises(WorkbookError) as error:
        write_annotated_docx(edited, paragraphs, report, tmp_path / "copy.docx")
    assert error.value.code == "cannot-annotate" and "第 2 段" in error.value.message
    assert not (tmp_path / "copy.docx").exists() and _digest(narrative) == before
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(WorkbookError) as error:
        write_annotated_docx(broken, paragraphs, report, tmp_path / "copy.docx")
    assert error.value.code == "unreadable-narrative"


def test_annotated_names():
    assert annotated_narrative_name(Path("/d/情况说明.docx")) == Path("/d/情况说明.校验.docx")
    assert annotated_narrative_name(Path("说明.txt")) == Path("说明.校验.html")
    assert annotated_narrative_name(Path("说明.MD")) == Path("说明.校验.html")
    with pytest.raises(WorkbookError) as error:
        annotated_narrative_name(Path("说明.pdf"))
    assert error.value.code == "unsupported-narrative"


def test_comment_text_does_not_repeat_the_expected_value():
    paragraph = Paragraph("说明.txt", "第 1 段", "下降15.80%")
    stated = _finding(
        paragraph, WARNING, "NARR.arithmetic", "15.80%", message="按所写数字应为 15.83%。", expected=Decimal("15.8300")
    )
    assert comment_text(stated) == "【警告】NARR.arithmetic 的规则：按所写数字应为 15.83%。"
    bare = _finding(paragraph, ERROR, "CQW-50", "15.80%", expected=Decimal("15.8300"))
    assert comment_text(bare).endswith("\n应为 15.83")


# -- HTML ----------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The elements of a page, each with its attributes and the text inside it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.open, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("meta", "br"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        for element in self.open:
            element["text"] += data

    def find(self, tag, **attrs):
        return [e for e in self.elements if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())]


def _numbers(paragraph, checked: dict[str, tuple[str, ...]]) -> list[NarrativeNumber]:
    return [
        NarrativeNumber(paragraph.sheet, paragraph.cell, (s, s + len(t)), t, Decimal(0), "万元", rules)
        for t, rules in checked.items()
        for s in [paragraph.text.index(t)]
    ]


def test_html_page_marks_numbers_and_findings(tmp_path):
    source = tmp_path / "情况说明.txt"
    source.write_text(
        "2023年度收入总计11772.45万元，较上年决算数\n减少1863.3万元、下降15.80%。\n\n本年度无<script>alert(1)</script>政府性基金，其他 & 其余。\n",
        encoding="utf-8",
    )
    paragraphs = read_narrative_file(source)
    money, fund = paragraphs
    report = _report(
        paragraphs,
        _finding(money, ERROR, "CQW-50", "下降15.80%", expected="15.83%"),
        _finding(fund, WARNING, "CQW-90", None, message="<b>不是标签</b>：模板残留。"),
    )
    report.numbers = _numbers(money, {"11772.45万元": ("CQW-40",), "1863.3万元": (), "15.80%": ("CQW-50",)})
    target = tmp_path / "out" / annotated_narrative_name(source).name
    write_marked_html(paragraphs, report, target, source.name)
    text = target.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert page.find("html")[0]["attrs"]["lang"] == "zh-CN" and page.find("meta", charset="utf-8")
    assert page.find("title")[0]["text"] == page.find("h1")[0]["text"] == "情况说明校验：情况说明.txt"
    assert page.find("p", **{"class": "verdict fail"})[0]["text"] == "结论：" + report.verdict
    assert "错误 1 个，警告 1 个，提示 0 个；文中 3 个数字，2 个由规则核对" in "".join(page.text)
    # nothing fetched, nothing run: no script, no stylesheet link, no source anywhere
    assert not page.find("script") and not page.find("link") and not any("src" in e["attrs"] for e in page.elements)
    assert "<script>alert(1)</script>" in "".join(page.text) and "&lt;script&gt;" in text
    assert "<b>不是标签</b>" in "".join(page.text) and not page.find("b")
    (mark,) = page.find("mark", **{"class": "error", "title": "【错误】CQW-50 的规则：“下降15.80%”不对。\n应为 15.83%"})
    assert mark["text"] == "下降15.80%"
    checked = [e["text"] for e in page.find("span", **{"class": "num checked"}) if "title" in e["attrs"]]
    assert checked == ["11772.45万元", "15.80%"]
    unchecked = [e for e in page.find("span", **{"class": "num unchecked"}) if "title" in e["attrs"]]
    assert [e["text"] for e in unchecked] == ["1863.3万元"] and unchecked[0]["attrs"]["title"] == "没有规则核对这个数字"
    (note,) = page.find("li", id="n1")
    assert note["attrs"]["class"] == "error" and "应为 15.83%" in note["text"] and "（CQW-50）" in note["text"]
    assert page.find("a", href="#n1")[0]["text"] == "[1]"
    (whole,) = page.find("li", id="n2")
    assert whole["text"].startswith("（整段）【警告】") and page.find("div", **{"class": "para warning"})
    assert not list(tmp_path.joinpath("out").glob(".xlplugin-*"))  # no temporary file left


def test_html_page_of_a_docx_and_a_whole_document_finding(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    report = _report(paragraphs, _findings(paragraphs)[-1])
    target = tmp_path / "page.html"
    write_marked_html(paragraphs, report, target, "情况说明校验：情况说明.docx")
    page = _Page()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.find("h1")[0]["text"] == "情况说明校验：情况说明.docx"
    (block,) = page.find("div", id="whole")
    assert block["text"].strip().startswith("全文") and "未写明公开08表为空的原因" in block["text"]
    assert len(page.find("div", **{"class": "para"})) == 4  # every paragraph, none marked


def test_severities_limit_what_is_marked(narrative, tmp_path):
    paragraphs = read_narrative_file(narrative)
    report = _report(paragraphs, *_findings(paragraphs))
    target, page_path = tmp_path / "copy.docx", tmp_path / "page.html"
    assert write_annotated_docx(narrative, paragraphs, report, target, severities=(ERROR, WARNING)) == 4
    assert all(not c.text.startswith("【提示】") for c in Document(target).comments)
    (link,) = _runs_of(target, "公开08表的说明")  # the 提示 on it left the run whole and unmarked
    assert link.font.highlight_color is None
    write_marked_html(paragraphs, report, page_path, narrative.name, severities=(ERROR,))
    page = _Page()
    page.feed(page_path.read_text(encoding="utf-8"))
    assert [e["attrs"]["class"] for e in page.find("li")] == ["error", "error"]
    assert "警告 2 个，提示 2 个" in "".join(page.text)  # the counts are the report's
