"""Nothing that lints clean can crash or stall a check: narrative templates whose matching could
blow up, stray brackets in templates and format specs in messages are refused at load, with file
and line."""

import shutil
import time
from pathlib import Path

import pytest

from xlplugin.core.errors import PackError
from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS
from xlplugin.workbook.narrative import MAX_ADJACENT_FREE, Paragraph, Template, TemplateError

PACK = BUNDLED_PACKS / "chongqing-2021"
CLAIM = "    template: 人均接待费{金额:人均},车均购置费{金额:车均购置},车均维护费{金额:车均维护}"
RULE = "    kind: column_total\n    severity: 错误\n    table: 公开01表\n    block: 收入\n    total: 本年收入合计"


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK, target, ignore=shutil.ignore_patterns("*.xlsx"))
    return target


def _replace(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new``; the line number where ``old`` started."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _load_error(pack_copy: Path) -> PackError:
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    return caught.value


# --- templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "".join(f"{{文字:t{i}}}" for i in range(12)),  # the reported one: 65 s on 30 characters
        "{文字:a}{文字:b}{文字:c}",
        "{文字:a}…{文字:b}",
        "……{文字:a}{数:n}{文字:b}",  # a number between free pieces does not separate them
        "{文字:a}[|，]{文字:b}…",  # nor does a choice that may be empty
    ],
)
def test_adjacent_free_pieces_are_refused(template):
    with pytest.raises(TemplateError, match="相邻"):
        Template.compile(template, {}, {})


@pytest.mark.parametrize("template", ["……X……Z", "{文字:a}X{文字:b}X{文字:c}X{文字:d}", "{文字:a}……X{文字:b}"])
def test_free_pieces_whose_lengths_multiply_are_refused(template):
    with pytest.raises(TemplateError, match="太多"):
        Template.compile(template, {}, {})


@pytest.mark.parametrize(
    "template",
    [
        "{文字:a}{文字:b}X{文字:c}Z",  # the most a template may have …
        "…X{文字:a}X{文字:b}Z",
        "……X{文字:a}Z",
        "{文字:种类}用车{数:值}辆",  # … and what packs write
        "较[上年决算数|上年]{方向:方向}{金额:变动}[，|、]{方向:方向2}{百分比:幅度}",
    ],
)
def test_accepted_templates_match_hostile_paragraphs_quickly(template):
    compiled = Template.compile(template, {}, {})
    for text in ("X" * 1000, "X1" * 500, ("X" * 30 + "。") * 30, "甲" * 40):
        start = time.perf_counter()
        list(compiled.match(Paragraph("情况说明", "A1", text)))
        # a wall-clock bound on a shared machine, far above the normal milliseconds and far below
        # the 65 s the unbounded templates took on a 30-character paragraph
        assert time.perf_counter() - start < 20, (template, text[:10])


def test_at_most_two_adjacent_free_pieces():
    assert MAX_ADJACENT_FREE == 2
    Template.compile("{文字:a}{文字:b}元", {}, {})
    Template.compile("{文字:a}{方向:方向}{文字:b}元", {}, {})  # a direction word separates them


@pytest.mark.parametrize(
    "template",
    [
        "人均接待费{金额:人均",
        "人均接待费金额:人均}",
        "较[上年{方向:方向}",
        "较上年]{方向:方向}",
        "{很长很长很长的槽类型名字}",
    ],
)
def test_stray_brackets_are_refused(template):
    with pytest.raises(TemplateError, match="没有配成"):
        Template.compile(template, {}, {})


def test_unclosed_slot_in_a_pack_is_bad_template_with_file_and_line(pack_copy):
    line = _replace(pack_copy / "rules/情况说明.yaml", CLAIM, "    template: 人均接待费{金额:人均")
    error = _load_error(pack_copy)
    assert error.code == "bad-template" and "规则 CQW-29：" in error.message and "“{”" in error.message
    assert error.path.endswith("情况说明.yaml") and error.line is not None and error.line <= line


def test_slow_template_in_a_pack_is_bad_template(pack_copy):
    slots = "".join(f"{{文字:t{i}}}" for i in range(12))
    _replace(pack_copy / "rules/情况说明.yaml", CLAIM, f"    template: '{slots}'")
    error = _load_error(pack_copy)
    assert error.code == "bad-template" and "规则 CQW-29：" in error.message and "匹配可能极慢" in error.message
    assert error.path.endswith("情况说明.yaml") and error.line is not None


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "{expected:d}",
        "{table:>2000000000}",
        "{table!r}",
        "{table.__class__}",
        "{table[0]}",
        "{}",
        "{0}",
        "{expected:{table}}",
    ],
)
def test_message_placeholders_must_be_plain(pack_copy, message):
    line = _replace(pack_copy / "rules/公开01表.yaml", RULE, RULE + f"\n    message: '差额 {message}'")
    error = _load_error(pack_copy)
    assert error.code == "bad-message" and "规则 CQ01-01：" in error.message
    assert error.path.endswith("公开01表.yaml") and error.line == line + 5


def test_plain_placeholders_and_escaped_braces_are_accepted(pack_copy):
    shutil.copytree(PACK / "tests", pack_copy / "tests", dirs_exist_ok=True)
    _replace(
        pack_copy / "rules/公开01表.yaml", RULE, RULE + "\n    message: '{{注}} {table} 应为 {expected}，实为 {actual}'"
    )
    rule = next(r for r in load_pack(pack_copy).rules if r.id == "CQ01-01")
    assert rule.message.startswith("{{注}}")
