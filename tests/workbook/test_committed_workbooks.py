"""The committed template and sample workbooks are what their sources build, and the sample's
narrative sits beside it identically as sheet, .txt and .docx."""

import pytest
from docx import Document
from openpyxl import load_workbook

from tools.build_workbooks import write_sample
from xlplugin.output.template import write_workbook
from xlplugin.workbook.readers import read_book


def _content(path):
    """Everything a reader sees: sheet order, values, merges, number formats, widths."""
    workbook = load_workbook(path)
    result = []
    for sheet in workbook.worksheets:
        cells = [
            (c.coordinate, c.value, c.number_format) for row in sheet.iter_rows() for c in row if c.value is not None
        ]
        merges = sorted(str(r) for r in sheet.merged_cells.ranges)
        widths = {k: v.width for k, v in sheet.column_dimensions.items()}
        result.append((sheet.title, cells, merges, widths))
    return result


def test_template_is_up_to_date(tmp_path, layout, template_path):
    fresh = write_workbook(layout, tmp_path / "t.xlsx")
    assert _content(fresh) == _content(template_path)


@pytest.mark.parametrize("which", ["sample", "corrected"])
def test_samples_are_up_to_date(tmp_path, layout, which, request):
    source = request.getfixturevalue(f"{which}_source")
    committed = request.getfixturevalue(f"{which}_path")
    fresh = tmp_path / committed.name
    write_sample(layout, source, fresh)
    assert _content(fresh) == _content(committed)
    stem = committed.with_suffix("")
    for suffix in ("-情况说明.txt",):
        assert (tmp_path / (fresh.stem + suffix)).read_text(encoding="utf-8") == committed.with_name(
            stem.name + suffix
        ).read_text(encoding="utf-8")


def test_narrative_is_identical_in_sheet_txt_and_docx(sample_path, sample_source):
    book = read_book(sample_path)
    sheet = [row[0] for row in book.sheet("情况说明").rows]
    txt = sample_path.with_name(sample_path.stem + "-情况说明.txt").read_text(encoding="utf-8").splitlines()
    docx = [p.text for p in Document(sample_path.with_name(sample_path.stem + "-情况说明.docx")).paragraphs]
    assert sheet == txt == docx == sample_source.narrative
    assert sheet[0] == "重庆市万盛经开区人力资源和社会保障局"
    assert any(p.startswith("七、决算公开联系方式") for p in sheet)
    assert all("\n" not in p for p in sheet)


def test_corrections_list_is_generated_from_the_corrections(sample_path):
    text = sample_path.with_name("更正说明.md").read_text(encoding="utf-8")
    assert "| 公开03表 | 229 | 项目支出 | （空） | 35.00 |" in text
    assert "减少 2343.3 万元、下降 19.1%" in text


def test_pack_test_base_is_the_corrected_sample(corrected_path):
    from tools.build_workbooks import PACK_BASE

    assert _content(PACK_BASE) == _content(corrected_path)
