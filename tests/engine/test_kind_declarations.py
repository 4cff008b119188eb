"""Rule kinds are declared, not re-coded: every module is a KindModule, its parameters are Param
declarations applied by one function, and the guide's tables and the docstrings say what the
declarations say."""

import dataclasses
import inspect
import re
import string
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import load_yaml
from xlplugin.doors.cli import cli
from xlplugin.engine.kinds import KINDS, TOPICS, KindModule, kinds_of_topic
from xlplugin.engine.kinds.base import COMMON_PLACEHOLDERS
from xlplugin.engine.kinds.params import (
    NO_DEFAULT,
    Param,
    Where,
    checks_param,
    params_table,
    refresh_guide,
    signature,
    validate_params,
    with_defaults,
)
from xlplugin.packs.load import RULE_KEYS, load_pack
from xlplugin.packs.places import BUNDLED_PACKS

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "规则编写指南.md"
NARRATIVE = {"claim", "claim_change", "claim_consistent", "claim_reasons", "narrative_wording", "narrative_statement"}

# ---------------------------------------------------------------------------------------------
# The kind modules


@pytest.mark.parametrize("name", list(KINDS))
def test_every_registered_module_is_a_kind_module(name):
    module = KINDS[name]
    assert isinstance(module, KindModule)
    assert name == module.NAME
    assert isinstance(module.TITLE, str) and re.fullmatch(r"[\u4e00-\u9fff/]+", module.TITLE)
    assert module.TOPIC in TOPICS
    assert module.LOCALITY in (1, 2, 3)
    assert isinstance(module.PARAMS, dict) and module.PARAMS
    assert all(isinstance(key, str) and isinstance(p, Param) for key, p in module.PARAMS.items())
    assert not set(module.PARAMS) & RULE_KEYS, "a parameter may not shadow a key every rule has"
    assert isinstance(module.PLACEHOLDERS, tuple) and all(isinstance(p, str) for p in module.PLACEHOLDERS)
    used = {field for _, field, _, _ in string.Formatter().parse(module.MESSAGE) if field is not None}
    assert used <= set(COMMON_PLACEHOLDERS) | set(module.PLACEHOLDERS)
    assert list(inspect.signature(module.prepare).parameters) == ["params", "layout", "where"]
    assert list(inspect.signature(module.check).parameters) == ["prepared", "context"]


@pytest.mark.parametrize("name", list(KINDS))
def test_prepare_returns_a_frozen_dataclass_that_check_takes(name):
    module = KINDS[name]
    prepared = inspect.signature(module.prepare).return_annotation
    assert dataclasses.is_dataclass(prepared) and prepared.__dataclass_params__.frozen
    assert inspect.signature(module.check).parameters["prepared"].annotation is prepared


def test_the_bundled_pack_prepares_each_rule_into_its_kinds_dataclass():
    pack = load_pack(BUNDLED_PACKS / "chongqing-2021")
    for rule in pack.rules:
        assert type(rule.prepared) is inspect.signature(rule.module.prepare).return_annotation, rule.id
        with pytest.raises(dataclasses.FrozenInstanceError):
            rule.prepared.__setattr__(dataclasses.fields(rule.prepared)[0].name, None)
    # defaults are filled in the params a rule keeps (and compares in `pack diff`)
    cqx05 = pack.rule("CQX-05")
    assert cqx05.params["codes"] == "类" and cqx05.params["relation"] == "=="
    cqp20 = pack.rule("CQP-20")
    assert cqp20.params["indicator_weights"] == Decimal(100) and cqp20.params["total"] == "scaled"
    assert cqp20.prepared.weights is None and cqp20.prepared.indicator_weights == Decimal(100)


def test_topics_partition_the_kinds_and_the_narrative_kinds_are_the_six():
    assert kinds_of_topic("narrative") == NARRATIVE
    assert kinds_of_topic("selfeval") == {"selfeval_funds", "selfeval_indicators", "selfeval_totals"}
    assert kinds_of_topic("table") == set(KINDS) - NARRATIVE - kinds_of_topic("selfeval")
    with pytest.raises(ValueError, match="unknown topic"):
        kinds_of_topic("narratives")


@pytest.mark.parametrize("name", [n for n, m in KINDS.items() if any(p.has_default for p in m.PARAMS.values())])
def test_a_prepare_called_by_hand_still_sees_the_defaults(name):
    """Tests and tools call ``prepare`` with params they wrote: the declared defaults are filled."""
    assert KINDS[name].prepare.declared is KINDS[name].PARAMS


# ---------------------------------------------------------------------------------------------
# validate_params: one place for names, types, choices, required parameters and defaults

DEMO = SimpleNamespace(
    NAME="demo",
    PARAMS={
        "table": Param("str", required=True),
        "parts": Param("list"),
        "count": Param("int", default=2),
        "weight": Param("decimal"),
        "mode": Param("str", default="sum", choices=("sum", "scaled")),
        "checks": checks_param(("rate", "score"), ""),
        "template": Param("any"),
        "expr": Param("expr"),
        "side": Param("dict"),
    },
)


def _validate(text: str, module=DEMO) -> dict:
    item = load_yaml("rules/demo.yaml", text)
    return validate_params(module, item, Where("rules/demo.yaml", 1, "X-01"), skip=RULE_KEYS)


def _refused(text: str, module=DEMO) -> PackError:
    """The error, its ``message`` stripped of the ``file:line: `` every PackError starts with."""
    with pytest.raises(PackError) as caught:
        _validate(text, module)
    error = caught.value
    prefix = f"rules/demo.yaml:{error.line}: "
    assert error.path == "rules/demo.yaml" and error.message.startswith(prefix + "规则 X-01：")
    error.message = error.message.removeprefix(prefix)
    return error


def test_valid_params_are_converted_and_completed_with_the_defaults():
    params = _validate(
        "id: X-01\nseverity: 错误\ntable: 2080199\nparts: [甲, 229]\nweight: 10.5\ntemplate: [一句, 两句]\n"
        "expr: A == B\nside: {table: 公开01表}\n"
    )
    assert params == {
        "table": "2080199",  # YAML reads a code as a number; a rule means its text
        "parts": ["甲", "229"],
        "weight": Decimal("10.5"),
        "template": ["一句", "两句"],
        "expr": "A == B",
        "side": {"table": "公开01表"},
        "count": 2,
        "mode": "sum",
        "checks": ["rate", "score"],
    }
    assert "id" not in params and "severity" not in params


@pytest.mark.parametrize(
    "written, number",
    [("1", Decimal(1)), ("0.1", Decimal("0.1")), ("'12.50'", Decimal("12.50")), ("1e2", Decimal("1e2"))],
)
def test_a_decimal_is_read_from_its_text_never_through_float_arithmetic(written, number):
    value = _validate(f"table: t\nweight: {written}\n")["weight"]
    assert isinstance(value, Decimal) and value == number and str(value) == str(number)


@pytest.mark.parametrize("written", ["true", ".nan", ".inf", "-.inf", "abc", "[1]"])
def test_a_decimal_refuses_what_is_no_finite_number(written):
    error = _refused(f"table: t\nweight: {written}\n")
    assert error.code == "bad-param" and error.line == 2 and "参数“weight”应为数字" in error.message


def test_an_unknown_parameter_is_refused_with_the_available_ones():
    error = _refused("table: t\n\ncolour: red\n")
    assert error.code == "unknown-param" and error.line == 3
    assert (
        "规则类型 demo 没有参数“colour”（可用：table、parts、count、weight、mode、checks、template、expr、side）"
        in (error.message)
    )


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("table: t\nparts: 甲\n", 2, "参数“parts”应为列表，不是文字。"),
        ("table: t\ncount: true\n", 2, "参数“count”应为整数，不是“true”。"),
        ("table: t\ncount: 1.5\n", 2, "参数“count”应为整数，不是小数。"),
        ("table: [t]\n", 1, "参数“table”应为文字，不是列表。"),
        ("table: t\nexpr: 3\n", 2, "参数“expr”应为表达式，不是整数。"),
        ("table: t\nside: [a]\n", 2, "参数“side”应为映射，不是列表。"),
        ("table: t\ntemplate: {a: 1}\n", 2, "参数“template”应为文字或列表，不是映射。"),
        # a wrong item is named, at its own line
        ("table: t\nparts:\n  - 甲\n  - {a: 1}\n", 4, "参数“parts”的第 2 项应为文字，不是映射。"),
        ("table: t\nparts: [甲, ~]\n", 2, "参数“parts”的第 2 项应为文字，不是空值。"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_its_line(text, line, words):
    error = _refused(text)
    assert (error.code, error.line) == ("bad-param", line)
    assert error.message == f"规则 X-01：{words}"


def test_choices_are_checked_and_named():
    error = _refused("table: t\nmode: half\n")
    assert (error.code, error.line) == ("bad-param", 2)
    assert error.message == "规则 X-01：mode 只能是 sum、scaled，不是“half”。"
    error = _refused("table: t\nchecks:\n  - rate\n  - scores\n")
    assert (error.code, error.line) == ("bad-param", 4)
    assert error.message == "规则 X-01：未知的检查“scores”（可用：rate、score）。"
    assert _validate("table: t\nchecks: []\n")["checks"] == []  # none of them: allowed


def test_a_missing_required_parameter_is_named():
    error = _refused("parts: [a]\n")
    assert (error.code, error.line) == ("missing-param", 1)
    assert error.message == "规则 X-01：规则类型 demo 需要参数“table”。"


def test_the_cross_check_sees_what_the_rule_wrote_not_the_defaults():
    seen = []

    def check_params(params, where):
        seen.append(dict(params))
        if "count" in params and "parts" in params:
            raise where.error("bad-param", "count 与 parts 只能写一个。")

    module = SimpleNamespace(NAME=DEMO.NAME, PARAMS=DEMO.PARAMS, check_params=check_params)
    _validate("table: t\nparts: [a]\n", module)
    assert seen == [{"table": "t", "parts": ["a"]}]
    error = _refused("table: t\nparts: [a]\ncount: 3\n", module)
    assert error.code == "bad-param" and error.message == "规则 X-01：count 与 parts 只能写一个。"


def test_defaults_are_fresh_for_every_rule():
    first, second = with_defaults(DEMO.PARAMS, {}), with_defaults(DEMO.PARAMS, {})
    first["checks"].append("more")
    assert second["checks"] == ["rate", "score"] and DEMO.PARAMS["checks"].default == ("rate", "score")


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Param("float"), "unknown parameter type"),
        (lambda: Param("str", required=True, default="x"), "required parameter has no default"),
        (lambda: Param("int", choices=("1",)), "only str and list"),
        (lambda: Param("str", default="x", choices=("a", "b")), "not among the choices"),
        (lambda: Param("list", default=("a", "c"), choices=("a", "b")), "not among the choices"),
    ],
)
def test_a_wrong_declaration_fails_when_the_kind_is_imported(make, words):
    with pytest.raises(ValueError, match=words):
        make()


# ---------------------------------------------------------------------------------------------
# The declarations as documentation: the guide's tables, the docstrings, pack show


def test_a_parameter_table_is_rendered_from_the_declarations():
    table = params_table(
        {
            "table": Param("str", required=True, doc="表 id"),
            "codes": Param("str", default="全部", choices=("类", "全部"), doc="哪一级"),
            "checks": checks_param(("rate", "score"), "做哪些检查"),
            "weights": Param("decimal", default=Decimal(100), doc="权重合计"),
            "template": Param("any", doc="写法 `[甲|乙]`"),
        }
    )
    assert table.splitlines() == [
        "| 参数 | 类型 | 必填 | 默认 | 说明 |",
        "|---|---|---|---|---|",
        "| `table` | 文字 | 是 |  | 表 id |",
        "| `codes` | `类`、`全部` 之一 | 否 | `全部` | 哪一级 |",
        "| `checks` | 列表，取自 `rate`、`score` | 否 | 全部 | 做哪些检查 |",
        "| `weights` | 数字 | 否 | `100` | 权重合计 |",
        "| `template` | 文字或列表 | 否 |  | 写法 `[甲\\|乙]` |",
    ]


def test_the_guides_parameter_tables_are_the_declarations():
    guide = GUIDE.read_text(encoding="utf-8")
    assert refresh_guide(guide, KINDS) == guide, (
        "docs/规则编写指南.md 的参数表与规则类型的 PARAMS 不一致；重新生成：\n"
        '.venv/bin/python -c "from pathlib import Path; from xlplugin.engine.kinds import KINDS; '
        "from xlplugin.engine.kinds.params import refresh_guide; p = Path('docs/规则编写指南.md'); "
        "p.write_text(refresh_guide(p.read_text(encoding='utf-8'), KINDS), encoding='utf-8')\""
    )


def test_refreshing_the_guide_replaces_only_the_kinds_tables():
    module = SimpleNamespace(TITLE="示例", PARAMS={"table": Param("str", required=True, doc="表 id")})
    text = "### 4.1 `demo` 示例\n\n| 参数 | 必填 | 说明 |\n|---|---|---|\n| `x` | 否 | 旧 |\n\n| 检查 | 内容 |\n|---|---|\n"
    assert refresh_guide(text, {"demo": module}) == (
        "### 4.1 `demo` 示例\n\n" + params_table(module.PARAMS) + "\n\n| 检查 | 内容 |\n|---|---|\n"
    )
    with pytest.raises(ValueError, match="no section"):
        refresh_guide("### 4.1 `demo` 别的\n", {"demo": module})
    with pytest.raises(ValueError, match="no table"):
        refresh_guide("### 4.1 `demo` 示例\n\n文字\n\n### 4.2 `other` 别的\n\n| 参数 |\n", {"demo": module})


def test_the_guides_overview_of_kinds_is_the_registry():
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"## 4. 规则类型（{len(KINDS)} 种）" in guide
    overview = re.search(r"^\| 类型 \| 中文名 \| 检查什么 \|\n\|---\|---\|---\|\n((?:\|.*\n)+)", guide, re.M)
    rows = [re.match(r"\| `(\w+)` \| ([^|]+) \|", line).groups() for line in overview.group(1).splitlines()]
    assert rows == [(name, module.TITLE) for name, module in KINDS.items()]
    headings = re.findall(r"^### 4\.(\d+) `(\w+)` (\S+)$", guide, re.M)
    assert headings == [(str(i), n, m.TITLE) for i, (n, m) in enumerate(KINDS.items(), start=1)]


@pytest.mark.parametrize("name", ["narrative_wording", "selfeval_indicators"])
def test_the_guides_tables_of_checks_list_the_declared_choices(name):
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split(f"`{name}` {KINDS[name].TITLE}\n", 1)[1].split("\n### ", 1)[0]
    listed = re.findall(r"^\| `(\w+)` \|", section.split("| 检查 |", 1)[1], re.M)
    assert tuple(listed) == KINDS[name].PARAMS["checks"].choices


@pytest.mark.parametrize("name", list(KINDS))
def test_each_docstring_introduces_each_parameter_as_declared(name):
    """``name`` (type or choices; required / default / optional), as :func:`signature` says."""
    module = KINDS[name]
    doc = " ".join(module.__doc__.split())
    assert doc.startswith(f"{module.TITLE} ``{name}``")
    for key, param in module.PARAMS.items():
        assert signature(key, param) in doc, f"{name}: {signature(key, param)}"


def test_signature_says_type_need_and_default():
    assert signature("table", Param("str", required=True)) == "``table`` (text; required)"
    assert signature("rows", Param("list")) == "``rows`` (list; optional)"
    assert signature("min", Param("int", default=2)) == "``min`` (integer; default ``2``)"
    assert signature("codes", Param("str", default="全部", choices=("类", "全部"))) == (
        "``codes`` (one of ``类`` ``全部``; default ``全部``)"
    )
    assert signature("checks", checks_param(("a", "b"), "")) == "``checks`` (list of ``a`` ``b``; default all)"
    assert NO_DEFAULT is Param("str").default


def test_pack_show_names_each_kind_with_its_title_by_topic():
    result = CliRunner().invoke(cli, ["pack", "show", "cq-2021"])
    assert result.exit_code == 0, result.output
    pack = load_pack(BUNDLED_PACKS / "chongqing-2021")
    lines = result.output.splitlines()
    start = lines.index("类型：")
    for topic, title in TOPICS.items():
        line = next(line for line in lines[start:] if line.startswith(f"  {title}："))
        expected = [
            f"{name}（{module.TITLE}）{sum(r.kind == name for r in pack.rules)}"
            for name, module in KINDS.items()
            if topic == module.TOPIC and any(r.kind == name for r in pack.rules)
        ]
        assert line == f"  {title}：" + "，".join(expected)
