"""annotate → clean on the hard-workbook corpus (:mod:`tests.output.hard_workbooks`): the annotated copy
holds our marks and only adds to the workbook, annotating it again changes nothing, and clean gives back
every part of the original — the same bytes, or the same canonical XML (C14N)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from lxml import etree

from tests.output.hard_workbooks import SIMPLE_BUILDERS, read_parts
from xlplugin.core.errors import WorkbookError
from xlplugin.core.findings import ERROR, WARNING, Finding, Report
from xlplugin.engine.run import run_pack
from xlplugin.output.annotate import MANIFEST_SHEET, annotate, clean
from xlplugin.output.marks import HEADING, RESULT_NAMES, cell_marks
from xlplugin.packs.load import load_pack
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.readers import read_book

WHEN = datetime.datetime(2022, 9, 1, 9, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CORPUS = [b.__name__ for b in SIMPLE_BUILDERS if b.__name__ != "strict"] + [
    "libreoffice_comments",
    "vba",
    "excel_written",
]
#: parts clean does not take back because they repair the package (Excel cannot open it without)
REPAIRS = {"no_content_types": {"[Content_Types].xml"}}


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


def _report(pack, name, path) -> Report:
    if name == "excel_written":  # no 决算 tables in it: findings on an empty sheet, two on one cell
        findings = [
            Finding(
                "T-01",
                "测试",
                severity,
                "Sheet1",
                ref,
                "Sheet1",
                "x",
                "值",
                Decimal(1),
                Decimal(2),
                None,
                [],
                "测试问题",
            )
            for severity, ref in ((ERROR, "B2"), (WARNING, "B2"), (WARNING, "D5"))
        ]
        return Report(path.name, "test", "1", findings)
    book = read_book(path)
    report = run_pack(pack, locate_book(book, pack.layout), path.name)
    assert report.count(ERROR) == 13  # the sample's errors: the workbook still reads as the sample
    return report


def canonical(data: bytes) -> bytes:
    """A part as canonical XML (lxml's C14N), or its bytes when it is not XML (media, VBA, VML)."""
    try:
        return etree.tostring(etree.fromstring(data), method="c14n")
    except etree.XMLSyntaxError:
        return data


def assert_restored(original: dict[str, bytes], cleaned: dict[str, bytes], repaired=frozenset()) -> None:
    assert set(cleaned) - set(repaired) == set(original), "parts added or lost"
    for name, data in original.items():
        assert cleaned[name] == data or canonical(cleaned[name]) == canonical(data), f"{name} differs after clean"


def _sheet_names(parts) -> list[str]:
    return [s.get("name") for s in etree.fromstring(parts["xl/workbook.xml"]).iter(f"{{{MAIN}}}sheet")]


def _our_notes(parts) -> int:
    count = 0
    for name, data in parts.items():
        if re.fullmatch(r"xl/(comments/)?comments?\d*\.xml", name):  # Excel's names and openpyxl's
            for comment in etree.fromstring(data).iter(f"{{{MAIN}}}comment"):
                count += HEADING in "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t"))
    return count


def _marked_cells(report: Report) -> int:
    """The cells the annotation colours and notes (those of findings a department should look at)."""
    sheets = {f.sheet for f in report.findings} | {place[0] for f in report.findings for place in f.also_mark}
    return sum(len(cells) for cells in cell_marks(report, sheets).values())


def assert_shape_ids_unique(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Our notes' shapes have ids no other shape of the workbook has, inside their drawing's idmap
    blocks (Excel repairs the file otherwise; LibreOffice's drawings have no idmap at all)."""
    theirs = {n for name, data in before.items() if name.endswith(".vml") for n in re.findall(rb"_x0000_s(\d+)", data)}
    ours = []
    for name, data in after.items():
        if not name.endswith(".vml"):
            continue
        text = data.decode("utf-8")
        idmap = re.search(r"idmap\b[^>]*data=[\"']([\d,\s]+)", text)
        blocks = {int(b) for b in re.findall(r"\d+", idmap.group(1))} if idmap else set()
        new = [n for n in re.findall(r'id="_x0000_s(\d+)"', text) if n.encode() not in theirs]
        assert all(int(n) // 1024 in blocks for n in new), name
        ours += new
    assert len(ours) == len(set(ours)), "two of our shapes share an id"


@pytest.mark.parametrize("name", CORPUS)
def test_annotate_then_clean_restores_every_part(name, hard_corpus, pack, tmp_path):
    source = hard_corpus[name]
    original = read_parts(source)
    report = _report(pack, name, source)
    annotated = annotate(source, report, tmp_path / f"a{source.suffix}", checked_at=WHEN).path
    assert read_parts(source) == original  # the input is only read
    marked = read_parts(annotated)
    assert set(original) - REPAIRS.get(name, set()) <= set(marked)
    names = _sheet_names(marked)
    assert names[: len(_sheet_names(original))] == _sheet_names(original)
    assert names[-1] == MANIFEST_SHEET and names[-2] in RESULT_NAMES
    assert _our_notes(marked) == _marked_cells(report)
    assert_shape_ids_unique(original, marked)
    for part in (
        "xl/vbaProject.bin",
        "xl/media/image1.png",
        "customXml/item1.xml",
        "xl/threadedComments/threadedComment1.xml",
    ):
        if part in original:
            assert marked[part] == original[part], part

    again = annotate(annotated, report, tmp_path / f"b{source.suffix}", checked_at=WHEN).path
    assert read_parts(again) == marked  # annotating an annotated copy replaces our marks, nothing piles up

    cleaned = clean(again, tmp_path / f"c{source.suffix}").path
    assert_restored(original, read_parts(cleaned), REPAIRS.get(name, set()))


def test_the_corpus_covers_the_hard_parts(hard_corpus):
    """What each workbook is meant to hold is really in it."""
    assert len(hard_corpus) >= 15
    parts = {name: read_parts(path) for name, path in hard_corpus.items()}
    assert "xl/persons/person.xml" in parts["threaded_comments"]
    lo = parts["libreoffice_comments"]
    drawings = [data for name, data in lo.items() if name.endswith(".vml")]
    assert drawings and not any(b"idmap" in d for d in drawings) and all(b'id="shape_0"' in d for d in drawings)
    assert b'<Default Extension="vml"' not in lo["[Content_Types].xml"]
    assert any(b"x14:dataBar" in data for data in parts["validation_extlst"].values())
    assert any(b"<xdr:sp " in data for data in parts["shapes"].values())
    assert any(name.startswith("xl/charts/") for name in parts["charts"])
    assert any(name.startswith("xl/chartsheets/") for name in parts["charts"])
    assert b'state="veryHidden"' in parts["hidden_sheets"]["xl/workbook.xml"]
    assert b"workbookProtection" in parts["protection"]["xl/workbook.xml"]
    assert b"<rPr>" in parts["rich_text"]["xl/sharedStrings.xml"]
    assert b"externalReference " in parts["external_links"]["xl/workbook.xml"]
    assert parts["vba"]["xl/vbaProject.bin"] == parts["excel_written"]["xl/vbaProject.bin"]
    assert "customXml/itemProps1.xml" in parts["custom_xml"]
    assert b"purl.oclc.org/ooxml/spreadsheetml/main" in parts["strict"]["xl/workbook.xml"]
    assert "docProps/app.xml" not in parts["missing_parts"] and "xl/theme/theme1.xml" not in parts["missing_parts"]
    assert "xl/styles.xml" not in parts["no_styles"] and "[Content_Types].xml" not in parts["no_content_types"]
    assert any(name.startswith("xl/tables/") for name in parts["tables_and_links"])


def test_a_strict_workbook_is_refused_untouched(hard_corpus, pack, tmp_path):
    """Strict Open XML is checked but not annotated: one Chinese sentence, no file written."""
    source = hard_corpus["strict"]
    original = read_parts(source)
    report = _report(pack, "strict", source)
    with pytest.raises(WorkbookError, match="Strict Open XML"):
        annotate(source, report, tmp_path / "a.xlsx", checked_at=WHEN)
    assert read_parts(source) == original and not list(tmp_path.iterdir())
