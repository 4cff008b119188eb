"""A department's text in a note is never deleted (#19 item 1): our block in a note runs from our heading
to an end marker carrying its digest; clean and re-annotating take out only blocks that are exactly as
we wrote them, and keep everything else — a reply typed into our note, a line above it, a reply below
our block in their own note, and the whole text of a block someone edited."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl.comments import Comment

from tests.helpers import copy_to, edit_workbook, run_cli
from xlplugin.output.marks import HEADING, SEPARATOR, end_marker, merge_note, note_block, note_spans, strip_note

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BLOCK = note_block(f"{HEADING}错误 1", "[错误] CQ03-01 本年支出合计等于各类支出之和\n应为 0.00；实际 35.00；差 35.00")

# ---------------------------------------------------------------------------------------------
# The string functions both doors use


def test_our_block_ends_with_a_marker_of_its_own_digest():
    heading, body = f"{HEADING}警告 1", "[警告] CQN-01 名称一致"
    block = f"{heading}\n{body}"
    assert note_block(heading, body) == f"{block}\n{end_marker(block)}"
    assert end_marker("甲") != end_marker("乙") and end_marker("a\r\nb") == end_marker("a\nb")


def test_what_is_kept():
    assert strip_note(BLOCK) is None  # only ours: the note goes
    assert strip_note(f"{BLOCK}\n已核对，见附件。") == "已核对，见附件。"
    assert strip_note(f"张会计：\n{BLOCK}") == "张会计："
    assert strip_note(f"张会计：\n{BLOCK}\n已补。") == "张会计：\n已补。"
    assert strip_note(merge_note("请复核", BLOCK)) == "请复核"
    assert strip_note(merge_note("请复核", BLOCK) + "\n已补填。") == "请复核\n已补填。"
    assert strip_note(merge_note("", BLOCK)) == ""  # their empty note stays a (empty) note
    edited = BLOCK.replace("实际 35.00", "实际 35.01")
    assert strip_note(edited) == edited and strip_note(f"{edited}\n回复") == f"{edited}\n回复"
    assert strip_note(BLOCK.rsplit("\n", 1)[0]) == BLOCK.rsplit("\n", 1)[0]  # end marker deleted: kept whole
    assert strip_note("一条普通批注") == "一条普通批注"
    # line ends another program stored as CR LF
    assert strip_note(merge_note("请复核", BLOCK).replace("\n", "\r\n") + "\r\n已补") == "请复核\r\n已补"


def test_merge_replaces_our_block_and_keeps_theirs():
    assert merge_note(None, BLOCK) == BLOCK
    assert merge_note(BLOCK, BLOCK) == BLOCK
    assert merge_note("请复核", BLOCK) == f"请复核\n\n{SEPARATOR}\n{BLOCK}"
    assert merge_note(merge_note("请复核", BLOCK), BLOCK) == merge_note("请复核", BLOCK)
    replied = f"{BLOCK}\n已核对"
    assert merge_note(replied, BLOCK) == f"已核对\n\n{SEPARATOR}\n{BLOCK}"


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(theirs=_text, reply=_text)
def test_their_text_and_their_reply_always_survive(theirs, reply):
    shared = merge_note(theirs, BLOCK)
    assert strip_note(shared) == theirs
    assert strip_note(f"{shared}\n{reply}") == f"{theirs}\n{reply}"
    assert strip_note(f"{BLOCK}\n{reply}") in (None, reply) and (strip_note(f"{BLOCK}\n{reply}") is None) == (
        not reply.strip()
    )


@given(position=st.integers(min_value=1, max_value=len(BLOCK) - 1), typed=st.text(min_size=1, max_size=5))
def test_a_block_edited_anywhere_is_kept_whole(position, typed):
    edited = BLOCK[:position] + typed + BLOCK[position:]
    spans, _ = note_spans(edited)
    if spans:  # only when the typing left our block exactly as it was (e.g. a line above our heading)
        kept = strip_note(edited)
        assert kept is not None and kept.strip() and BLOCK not in kept
    else:
        assert strip_note(edited) == edited


# ---------------------------------------------------------------------------------------------
# The file door, as a department meets it


def _sheet_comments_part(parts: dict[str, bytes], sheet: str) -> str:
    book = etree.fromstring(parts["xl/workbook.xml"])
    rel_id = next(s.get(f"{{{REL}}}id") for s in book.iter(f"{{{MAIN}}}sheet") if s.get("name") == sheet)
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    target = "xl/" + next(r.get("Target") for r in rels if r.get("Id") == rel_id).lstrip("/").removeprefix("xl/")
    folder, name = target.rsplit("/", 1)
    sheet_rels = etree.fromstring(parts[f"{folder}/_rels/{name}.rels"])
    found = next(r.get("Target") for r in sheet_rels if r.get("Type", "").endswith("/comments"))
    return found.lstrip("/") if found.startswith("/") else _join(folder, found)


def _join(folder: str, target: str) -> str:
    parts = folder.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def type_into_note(path: Path, sheet: str, ref: str, change) -> None:
    """What a department does in Excel: edit the text of the note on ``sheet!ref`` (``change`` gets
    the comment's ``<text>`` element); every other part stays as it is."""
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info) for info in archive.infolist()}
    by_name = {info.filename: data for info, data in parts.items()}
    part = _sheet_comments_part(by_name, sheet)
    root = etree.fromstring(by_name[part])
    comment = next(c for c in root.iter(f"{{{MAIN}}}comment") if c.get("ref") == ref)
    change(comment.find(f"{{{MAIN}}}text"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts.items():
            archive.writestr(info, etree.tostring(root) if info.filename == part else data)


def run(text: str) -> etree._Element:
    element = etree.Element(f"{{{MAIN}}}r")
    t = etree.SubElement(element, f"{{{MAIN}}}t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def notes(path: Path) -> dict[tuple[str, str], str]:
    workbook = openpyxl.load_workbook(path)
    return {
        (sheet.title, cell.coordinate): cell.comment.text
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def annotate_cli(source: Path) -> Path:
    result = run_cli("check", source, "--annotate")
    assert result.exit_code == 1, result.output  # the sample has errors
    return source.with_name(f"{source.stem}.校验{source.suffix}")


def clean_cli(source: Path, target: Path) -> Path:
    result = run_cli("clean", source, "-o", target)
    assert result.exit_code == 0, result.output
    return target


def test_a_reply_typed_into_our_note_survives_clean_and_reannotation(tmp_path, sample_path):
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))
    type_into_note(annotated, "公开03表", "C22", lambda text: text.append(run("\n已核对：基本支出漏填，已补。")))

    cleaned = notes(clean_cli(annotated, tmp_path / "清除.xlsx"))
    assert cleaned == {("公开03表", "C22"): "已核对：基本支出漏填，已补。"}  # every other note was only ours

    edited = tmp_path / "已回复.xlsx"
    annotated.rename(edited)
    again = notes(annotate_cli(edited))
    reply, separator, ours = again[("公开03表", "C22")].partition(f"\n\n{SEPARATOR}\n")
    assert reply == "已核对：基本支出漏填，已补。" and separator and ours.count(HEADING) == 1
    assert strip_note(again[("公开03表", "C22")]) == reply
    assert notes(clean_cli(tmp_path / "已回复.校验.xlsx", tmp_path / "再清除.xlsx")) == cleaned


def test_a_line_typed_above_our_heading_survives(tmp_path, sample_path):
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))
    type_into_note(annotated, "公开03表", "C60", lambda text: text.insert(0, run("张会计：已转项目科\n")))
    assert notes(clean_cli(annotated, tmp_path / "清除.xlsx")) == {("公开03表", "C60"): "张会计：已转项目科"}


def test_a_reply_below_our_block_in_their_note_survives(tmp_path, sample_path):
    source = edit_workbook(
        sample_path,
        lambda wb: wb["公开03表"]["C60"].__setattr__("comment", Comment("请财务科复核 229 的分列。", "张会计")),
        tmp_path / "带批注.xlsx",
    )
    annotated = annotate_cli(source)
    shared = notes(annotated)[("公开03表", "C60")]
    assert shared.startswith(f"请财务科复核 229 的分列。\n\n{SEPARATOR}\n{HEADING}")
    type_into_note(annotated, "公开03表", "C60", lambda text: text.append(run("\n财务科：已补填分列。")))
    assert notes(clean_cli(annotated, tmp_path / "清除.xlsx")) == {
        ("公开03表", "C60"): "请财务科复核 229 的分列。\n财务科：已补填分列。"
    }


def test_a_block_someone_edited_is_kept_whole(tmp_path, sample_path):
    annotated = annotate_cli(copy_to(sample_path, tmp_path, "单位.xlsx"))

    def edit(text):
        for t in text.iter(f"{{{MAIN}}}t"):
            t.text = t.text.replace("实际 35.00", "实际 35.00（已更正为 0）")

    type_into_note(annotated, "公开03表", "C60", edit)
    before = notes(annotated)[("公开03表", "C60")]
    assert "已更正为 0" in before
    cleaned = notes(clean_cli(annotated, tmp_path / "清除.xlsx"))
    assert cleaned == {("公开03表", "C60"): before}

    edited = tmp_path / "已改.xlsx"
    annotated.rename(edited)
    again = notes(annotate_cli(edited))[("公开03表", "C60")]
    assert again.startswith(before + f"\n\n{SEPARATOR}\n") and strip_note(again) == before
