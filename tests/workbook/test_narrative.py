"""情况说明: sources, normalisation, quantities, templates, quoted-figure judgement, CLI."""

import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner

from xlplugin.core.errors import PackError, WorkbookError
from xlplugin.core.findings import ERROR, WARNING
from xlplugin.core.intervals import Interval, Verdict
from xlplugin.doors.cli import cli
from xlplugin.engine.kinds.claimbase import quoted_compare
from xlplugin.engine.run import run_pack
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS
from xlplugin.packs.resolve import find_pack
from xlplugin.workbook.locate import locate_book
from xlplugin.workbook.narrative import (
    Paragraph,
    Template,
    TemplateError,
    find_quantities,
    quantity,
    read_narrative_file,
)
from xlplugin.workbook.readers import read_book


@pytest.fixture(scope="module")
def pack():
    return load_pack(find_pack("cq-2021"))


def narrative_findings(report):
    return [
        (f.rule, f.severity, f.quote)
        for f in report.findings
        if f.rule.startswith("CQW") and f.severity in (ERROR, WARNING)
    ]


# ---------------------------------------------------------------------------------------------
# Text


def test_normalisation_keeps_a_map_to_the_original():
    paragraph = Paragraph("情况说明", "A1", "收入总计 ９９０９．１５ 万元，较上年减少 1863.\n3 万元")
    assert paragraph.norm == "收入总计9909.15万元,较上年减少1863.3万元"
    start = paragraph.norm.index("9909.15")
    assert paragraph.span(start, start + len("9909.15万元")) == (5, 15)
    assert paragraph.text[5:15] == "９９０９．１５ 万元"
    assert paragraph.sentence(start, start + 7) == paragraph.text


def test_quantities_units_and_what_is_not_a_quantity():
    paragraph = Paragraph(
        "x",
        "A1",
        "截至 2021 年 12 月 31 日，（1）人均接待费 96.52 元，占 57%，增加 2 个百分点，共 33 批次 288 人，资金 1.2 亿元。",
    )
    found = {q.text: q for _, _, q in find_quantities(paragraph)}
    assert set(found) == {"96.52元", "57%", "2个百分点", "33批次", "288人", "1.2亿元"}
    assert found["96.52元"].value == Decimal("0.009652") and found["96.52元"].decimals == 6
    assert found["1.2亿元"].value == Decimal("12000.0") and found["1.2亿元"].decimals == -3  # ±0.05 亿元 = ±500 万元
    assert found["288人"].interval() == Interval.exact(Decimal(288))
    assert quantity("9,909.15", "万元").value == Decimal("9909.15")


def test_txt_source_joins_lines_broken_mid_sentence_and_mid_number(tmp_path):
    path = tmp_path / "说明.txt"
    path.write_text(
        "一、部门决算情况说明\n\n2021 年度收入总计 9909.\n15 万元，较上年决算数减少 2343.3 万元、\n下降 19.1%。\n（二）财政拨款\n",
        encoding="utf-8",
    )
    paragraphs = read_narrative_file(path)
    assert [p.text for p in paragraphs] == [
        "一、部门决算情况说明",
        "2021 年度收入总计 9909.15 万元，较上年决算数减少 2343.3 万元、下降 19.1%。",
        "（二）财政拨款",
    ]
    assert paragraphs[1].cell == "第 2 段" and paragraphs[1].sheet == "说明.txt"


def test_gbk_text_and_markdown(tmp_path):
    path = tmp_path / "说明.md"
    path.write_bytes("## 一、收入\n\n收入总计 9909.15 万元。\n".encode("gb18030"))
    assert [p.text for p in read_narrative_file(path)] == ["一、收入", "收入总计 9909.15 万元。"]


def test_a_line_ending_in_a_colon_continues_into_what_it_introduces(tmp_path):
    """``主要原因：`` on its own line (as PDF-to-text breaks it) belongs with the reasons below it, so
    a rule that looks for the reason of a change finds it in the same paragraph."""
    path = tmp_path / "说明.txt"
    path.write_text(
        "一、收入支出决算总体情况：\n2021年度收入总计9909.15万元，较上年减少1863.3万元，主要原因：\n一是工资政策调整。\n",
        encoding="utf-8",
    )
    assert [p.text for p in read_narrative_file(path)] == [
        "一、收入支出决算总体情况：",
        "2021年度收入总计9909.15万元，较上年减少1863.3万元，主要原因：一是工资政策调整。",
    ]


def test_docx_source_equals_the_sheet(sample_path, located_sample):
    paragraphs = read_narrative_file(sample_path.with_name(sample_path.stem + "-情况说明.docx"))
    assert [p.text for p in paragraphs] == [text for _, text in located_sample.narrative]


@pytest.mark.parametrize("name, content", [("x.pdf", b"%PDF"), ("x.docx", b"not a zip"), ("missing.txt", None)])
def test_bad_narrative_sources(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WorkbookError):
        read_narrative_file(path)


@pytest.mark.parametrize("name", ["情况说明.docx", "情况说明.txt", "情况说明.md"])
def test_an_empty_narrative_file_is_said_to_be_empty(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(WorkbookError) as error:
        read_narrative_file(path)
    assert error.value.code == "empty-narrative"
    assert f"“{name}”是空文件" in error.value.message


def test_a_workbook_named_docx_is_said_to_be_a_workbook(tmp_path, sample_path):
    path = tmp_path / "情况说明.docx"
    shutil.copyfile(sample_path, path)
    with pytest.raises(WorkbookError) as error:
        read_narrative_file(path)
    assert error.value.code == "narrative-is-workbook"
    assert error.value.message == "“情况说明.docx”是 Excel 工作簿，不是 Word 文档：请改回 .xlsx 后校验。"


@pytest.mark.parametrize("name", ["情况说明.doc", "情况说明.WPS"])
def test_a_doc_or_wps_narrative_is_to_be_saved_as_docx(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))  # an OLE2 container, as Word writes
    with pytest.raises(WorkbookError) as error:
        read_narrative_file(path)
    assert error.value.code == "unsupported-narrative"
    assert "情况说明请在 Word 或 WPS 中另存为 .docx" in error.value.message
    assert "Excel" not in error.value.message


def test_docx_paragraphs_inside_tables_are_read_in_document_order(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("一、收入支出决算总体情况")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "2023年度收入总计100.00万元，较上年增加10.00万元，增长11.11%。"
    table.cell(0, 1).paragraphs[0].add_run("")  # an empty cell is no paragraph
    table.cell(1, 0).merge(table.cell(1, 1)).text = "合并单元格只读一次。"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "嵌套表格中的段落。"
    document.add_paragraph("二、其他说明")
    path = tmp_path / "情况说明.docx"
    document.save(str(path))
    paragraphs = read_narrative_file(path)
    assert [p.text for p in paragraphs] == [
        "一、收入支出决算总体情况",
        "2023年度收入总计100.00万元，较上年增加10.00万元，增长11.11%。",
        "嵌套表格中的段落。",
        "合并单元格只读一次。",
        "二、其他说明",
    ]
    assert [p.cell for p in paragraphs][-1] == "第 5 段"
    assert len(paragraphs[1].quantities) == 3


def test_a_docx_written_in_paragraphs_leaves_its_tables_of_figures_out(tmp_path):
    """A 情况说明 in body paragraphs with a table of figures: the cells (项目 / 金额 / 合计 / 100.00)
    are not sentences, and are not read as narrative."""
    from docx import Document

    document = Document()
    document.add_paragraph("2023年度收入总计100.00万元，较上年增加10.00万元，增长11.11%。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额"
    table.cell(1, 0).text, table.cell(1, 1).text = "合计", "100.00"
    document.add_paragraph("二、其他说明")
    path = tmp_path / "情况说明.docx"
    document.save(str(path))
    assert [p.text for p in read_narrative_file(path)] == [
        "2023年度收入总计100.00万元，较上年增加10.00万元，增长11.11%。",
        "二、其他说明",
    ]


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    text = "一、收入支出决算总体情况\r\n2023年度收入总计9909.15万元。\r\n"
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):  # Notepad's “Unicode” and “Unicode big endian”
        path = tmp_path / f"情况说明-{encoding}.txt"
        bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
        path.write_bytes(bom + text.encode(encoding))
        paragraphs = read_narrative_file(path)
        assert [p.text for p in paragraphs] == ["一、收入支出决算总体情况", "2023年度收入总计9909.15万元。"]
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate
    with pytest.raises(WorkbookError, match="UTF-16"):
        read_narrative_file(broken)


# ---------------------------------------------------------------------------------------------
# Templates and the quoted-figure rule


def test_template_slots_choices_aliases_and_subjects():
    template = Template.compile(
        "{科目:类}{金额:金额},占{百分比:占比},较[上年决算数|年初预算数]{方向:方向}{金额:变动}",
        {"社会保障和就业支出": ["社会保障与就业支出"]},
        {"社会保障和就业支出": "208", "社会保障与就业支出": "208", "卫生健康支出": "210"},
    )
    paragraph = Paragraph(
        "x", "A1", "（1）社会保障与就业支出 5557.64 万元，占 57%，较年初预算数增加 1024.99 万元，增长 22.6%"
    )
    [(start, end, values, spans)] = list(template.match(paragraph))
    assert values["类"] == "208" and values["方向"] == "增加" and values["变动"].value == Decimal("1024.99")
    assert paragraph.norm[slice(*spans["占比"])] == "57"


def test_a_whole_number_in_a_count_slot_is_exact():
    """共有车辆 9 辆 is nine vehicles, not 8.5 to 9.5: a count compared with 7 + 1 must fail, not be
    explained by rounding; a decimal in the same slot (a score, 95.54) keeps its printed precision."""
    template = Template.compile("共有车辆{数:车辆}辆,其中:[一般|其他]用车{数:其他}辆,得分{数:得分}", {}, {})
    [(_, _, values, _)] = list(template.match(Paragraph("x", "A1", "共有车辆 9 辆，其中：其他用车 7 辆，得分 95.54")))
    vehicles, others, score = values["车辆"], values["其他"], values["得分"]
    assert vehicles.kind == others.kind == "count" and vehicles.interval() == Interval.exact(Decimal(9))
    assert quoted_compare(vehicles, others.interval() + Interval.exact(Decimal(1))) is Verdict.FAIL
    assert score.kind == "number" and score.interval().radius == Decimal("0.005")


@pytest.mark.parametrize(
    "text, words",
    [
        ("{金钱:值}", "未知的槽类型“金钱”"),
        ("{金额:值}{金额:值}", "槽名重复"),
    ],
)
def test_template_errors(text, words):
    with pytest.raises(TemplateError, match=words):
        Template.compile(text, {}, {})


def test_template_matching_is_linear_on_hostile_text():
    template = Template.compile("{文字:种类}用车……{数:值}辆", {}, {})
    paragraph = Paragraph("x", "A1", "车" * 20000 + "用" * 20000)
    assert list(template.match(paragraph)) == []


@pytest.mark.parametrize(
    "quoted, computed, verdict",
    [
        (("57", "%"), Decimal("56.98"), Verdict.PASS),  # 占 57% of 5557.65 / 9754.15
        (("1", "%"), Decimal("1.0013"), Verdict.PASS),
        (("65.3", "%"), Decimal("65.25"), Verdict.PASS),  # half up
        (("0.4", "%"), Decimal("0.4142"), Verdict.PASS),
        (("15.80", "%"), Decimal("15.8276"), Verdict.FAIL),  # off by 0.03 points
        (("19.2", "%"), Decimal("19.125"), Verdict.FAIL),
    ],
)
def test_quoted_figures(quoted, computed, verdict):
    assert quoted_compare(quantity(*quoted), Interval.exact(computed)) is verdict


def test_a_figure_the_tables_rounding_can_explain_is_a_remark():
    per_head = Interval.of(
        __import__("xlplugin.core.amounts", fromlist=["Amount"]).Amount(Decimal("2.78"), 2)
    ) / Interval.exact(Decimal(288))
    assert quoted_compare(quantity("96.52", "元"), per_head) is Verdict.ROUNDING
    assert quoted_compare(quantity("96.53", "元"), per_head) is Verdict.PASS
    assert quoted_compare(quantity("95.52", "元"), per_head) is Verdict.FAIL


# ---------------------------------------------------------------------------------------------
# End to end


def test_narrative_from_a_txt_file_finds_the_same_problems(tmp_path, pack, sample_path):
    """The sample's narrative as a .txt with lines broken mid-number and full-width digits."""
    located = locate_book(read_book(sample_path), pack.layout)
    from_sheet = run_pack(pack, located)
    text = "\n".join(p for _, p in located.narrative)
    text = (
        text.replace("1863.3 万元", "1863.\n3 万元").replace("15.80%", "１５．８０％").replace("2572.01", "2572.\n01")
    )
    path = tmp_path / "情况说明.txt"
    path.write_text(text + "\n", encoding="utf-8")
    from_file = run_pack(pack, located, paragraphs=read_narrative_file(path))
    assert [(r, s) for r, s, _ in narrative_findings(from_file)] == [
        (r, s) for r, s, _ in narrative_findings(from_sheet)
    ]
    rate = next(f for f in from_file.findings if f.rule == "CQW-50")
    assert rate.sheet == "情况说明.txt" and rate.cell.startswith("第 ") and "１５．８０％" in rate.quote


def test_cli_narrative_option(tmp_path, sample_path, corrected_path):
    docx = corrected_path.with_name(corrected_path.stem + "-情况说明.docx")
    result = CliRunner().invoke(cli, ["check", str(sample_path), "--narrative", str(docx), "--format", "json"])
    import json

    report = json.loads(result.output)
    narrative = [f for f in report["findings"] if f["rule"].startswith("CQW") and f["severity"] != "info"]
    assert narrative == []  # the corrected narrative against the published tables: no narrative problem
    assert report["summary"]["narrative_numbers"] > 150
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(sample_path), "--narrative", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "找不到情况说明文件" in done.stderr


def test_without_a_narrative_its_rules_are_not_run(tmp_path, pack, corrected_path):
    from helpers import copy_to, edit_workbook

    path = edit_workbook(copy_to(corrected_path, tmp_path), lambda wb: wb.remove(wb["情况说明"]))
    report = run_pack(pack, locate_book(read_book(path), pack.layout))
    narrative_rules = {r.id for r in pack.rules if r.kind.startswith(("claim", "narrative"))}
    assert {n.rule for n in report.not_run} == narrative_rules
    assert all("没有情况说明" in n.reason for n in report.not_run)


def test_malformed_claims_name_file_line_and_rule(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACKS / "chongqing-2021", target, ignore=shutil.ignore_patterns("*.xlsx"))
    path = target / "rules" / "情况说明.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'checks: ["{值} == 公开03表[合计].本年支出合计"]', 'checks: ["{数值} == 公开03表[合计].本年支出合计"]'
        ),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as caught:
        load_pack(target)
    assert caught.value.code == "unknown-slot" and "规则 CQW-04" in caught.value.message and caught.value.line
    path.write_text(text.replace("template: 培训费支出{金额:值}", "template: 培训费支出{金钱:值}"), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(target)
    assert caught.value.code == "bad-template" and "规则 CQW-31" in caught.value.message


@pytest.mark.parametrize(
    "before, after, code, rule, says",
    [
        # a 文字 slot used as a number in a check: refused when the pack loads, not "not run" at check time
        ("template: 培训费支出{金额:值}", "template: 培训费支出{文字:值}", "text-slot", "CQW-31", "{值}（文字）"),
        (
            'checks: [direction, rate]\n    template:\n      - "{金额:本年},较[上年决算数|上年支出数|上年|年初预算数|年初预算]{方向:方向}{金额:变动}',
            'checks: [direction, rate]\n    template:\n      - "{金额:本年},较[上年决算数|上年支出数|上年|年初预算数|年初预算]{方向:方向}{文字:变动}',
            "bad-template",
            "CQW-50",
            "{文字:变动}",
        ),
        (
            "收入总计{金额},较上年决算数{方向:方向}{金额:值}",
            "收入总计{金额},较上年决算数{方向:方向}{文字:值}",
            "bad-template",
            "CQW-60",
            "数字槽",
        ),
    ],
)
def test_a_slot_that_is_not_a_number_cannot_be_computed_with(tmp_path, before, after, code, rule, says):
    target = tmp_path / "pack"
    shutil.copytree(BUNDLED_PACKS / "chongqing-2021", target, ignore=shutil.ignore_patterns("*.xlsx"))
    path = target / "rules" / "情况说明.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(before) == 1
    path.write_text(text.replace(before, after), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(target)
    error = caught.value
    assert error.code == code and f"规则 {rule}" in error.message and says in error.message
    assert error.line and str(error.path).endswith("情况说明.yaml")
