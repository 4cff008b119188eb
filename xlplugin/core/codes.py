"""Every code xlplugin gives a problem, in one catalogue: its Chinese title and what to do about it.

Codes are stable English identifiers for scripts (the JSON ``code`` of a workbook that cannot be
checked, ``READ.<code>`` in a report's findings, :attr:`XlpluginError.code`); titles and fixes are
what people read. Messages themselves are written where the problem is found, because they name
the file, line, cell or rule; the catalogue says what kind of problem it is. ``docs/问题代码.md`` is
rendered from it (:func:`render_markdown`), and a test checks that every code raised anywhere in the
package is catalogued here and every entry here is raised somewhere.

Families:

- ``reading``: what the reader doubted in a workbook (findings ``READ.<code>``: text in a number cell,
  a formula without a value, a table it could not find …). Each is either about the **content** (a
  cell the document got wrong: ``not-a-number``, ``duplicate-row``, ``unit-mismatch`` …) or about the
  **layout** (``structural``: the pack's layout does not describe this part of the workbook — a table,
  header or row it cannot find, a row it cannot place). Layout problems are counted apart from
  错误/警告 and never make a verdict 不通过 on their own (:class:`~xlplugin.core.findings.Report`);
  a missing row or a duplicated code in a workbook that otherwise fits is still reported, but only
  a content code (``duplicate-row``, ``unit-mismatch``) counts as an error of the document;
- ``workbook``: a file that cannot be checked at all (the check stops with exit code 2);
- ``narrative``: a 情况说明 file that cannot be read;
- ``pack``: a rule pack, layout or case file that is malformed, unsafe or not found (file and line
  in the message);
- ``rule``: a rule that does not fit its kind or the layout (loading the pack stops, naming the rule);
- ``finding``: findings the engine makes itself, besides the pack's rules;
- ``door``: what a door refuses (an Excel without notes, a batch worker's own failure).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CODES", "Code", "fix", "is_structural", "render_markdown", "title"]


@dataclass(frozen=True)
class Code:
    code: str
    family: str
    title: str
    fix: str = ""
    #: reading codes only: the problem says the pack's layout does not fit the workbook here (a
    #: table, header or row not found, a row that cannot be placed), not that a cell is wrong
    structural: bool = False


FAMILIES = {
    "reading": "读取问题（报告中为 READ.代码）",
    "workbook": "无法校验的工作簿",
    "narrative": "无法读取的情况说明",
    "pack": "规则包、表样与测试用例",
    "rule": "规则与规则类型、表样不符",
    "finding": "引擎自身给出的提示",
    "door": "入口（Excel、批量）",
}

_ENTRIES = [
    # reading: findings READ.<code>
    Code("not-a-number", "reading", "单元格内容不是数字", "把该单元格改为数字（可带千位分隔符），或留空。"),
    Code(
        "amount-out-of-range",
        "reading",
        "数值超出金额的合理范围",
        "核对该单元格：金额的整数部分不应超过 15 位，也不能是无穷大；改为正确的金额。",
    ),
    Code(
        "no-cached-value",
        "reading",
        "公式没有计算结果",
        "在 Excel 或 WPS 中打开工作簿并保存，使公式得到计算结果后再校验。",
    ),
    Code(
        "note-inside-table",
        "reading",
        "表格中间有说明行",
        "把“注：”“说明：”“备注：”等说明文字移到表格末尾，不要插在表格各行之间。",
    ),
    Code(
        "error-value",
        "reading",
        "单元格是错误值",
        "改正产生 #REF!、#DIV/0!、#N/A 等错误值的公式（或引用），或直接填入数值。",
    ),
    Code(
        "far-cell",
        "reading",
        "表格区域之外很远处有内容",
        "核对这些单元格（多是误输入）并删除；xlplugin 只读取每张工作表的 A1:CV20000，其外的内容不参与校验。",
    ),
    Code("unit-mismatch", "reading", "单位与表样不符", "按表样的金额单位（通常为万元）填写，并改正表头的单位。"),
    Code("row-missing", "reading", "缺少表样中的行", "按表样补齐缺少的行，不要删除表样中的行。", structural=True),
    Code(
        "unexpected-row", "reading", "表样之外的行", "删除表样之外的行，或核对科目编码、行名是否写错。", structural=True
    ),
    Code("bad-row-key", "reading", "行没有有效的科目编码", "填写 3、5 或 7 位的功能分类科目编码。", structural=True),
    Code("duplicate-row", "reading", "科目编码重复", "合并重复的科目行，或改正写错的编码。"),
    Code(
        "number-as-text",
        "reading",
        "数字以文本形式存储",
        "把这些单元格转换为数字（Excel：数据 → 分列，或“转换为数字”）。",
    ),
    Code("table-not-found", "reading", "缺少表格", "按表样补齐缺少的表，不要改动表名、表号和表头。", structural=True),
    Code("header-not-found", "reading", "表头无法识别", "恢复表样原有的表头文字，不要删除或合并列。", structural=True),
    # workbook: the file cannot be checked
    Code("file-not-found", "workbook", "文件不存在", "检查路径和文件名。"),
    Code("is-directory", "workbook", "给出的是文件夹", "给出工作簿文件；要检查整个文件夹请用 xlplugin batch。"),
    Code("empty-file", "workbook", "文件是空的", "重新导出或重新下载该工作簿。"),
    Code(
        "not-a-regular-file",
        "workbook",
        "不是普通文件（命名管道、设备等）",
        "给出工作簿或情况说明文件本身的路径，不要给命名管道、设备或套接字。",
    ),
    Code(
        "far-content",
        "workbook",
        "非 .xlsx 工作簿在表格区域之外很远处有内容",
        "删除该处的内容后保存，或另存为 .xlsx 后再校验（.xlsx 中这样的单元格会被略过并报告）。",
    ),
    Code("unreadable", "workbook", "文件无法读取", "检查文件权限，或确认文件没有被其他程序占用。"),
    Code("not-a-workbook", "workbook", "不是 Excel 工作簿", "在 Excel 或 WPS 中打开后另存为 .xlsx 再校验。"),
    Code("csv-not-workbook", "workbook", "是文本/CSV 文件而不是工作簿", "请提交 Excel 工作簿（.xlsx）。"),
    Code(
        "legacy-format",
        "workbook",
        "无法读取的旧格式文件，或所选引擎不能读取该格式",
        "在 Excel 或 WPS 中打开后另存为 .xlsx 再校验；用 --engine openpyxl 时改用默认引擎。",
    ),
    Code("corrupt-workbook", "workbook", "工作簿已损坏", "在 Excel 中打开并另存；打不开时请重新导出。"),
    Code("encrypted-workbook", "workbook", "工作簿设置了密码", "清除密码后另存再校验。"),
    Code(
        "strict-workbook",
        "workbook",
        "Strict Open XML 格式的工作簿不能标注",
        "在 Excel 中另存为普通的“Excel 工作簿(*.xlsx)”后再标注；校验不受影响。",
    ),
    Code("unreadable-workbook", "workbook", "工作簿内容无法读取", "在 Excel 中打开并另存后再校验。"),
    Code(
        "not-this-template",
        "workbook",
        "工作簿与规则包的表样不符",
        "确认提交的是部门决算公开表，并选用对应地区、年度的规则包（--pack）。",
    ),
    # narrative files
    Code(
        "no-narrative-numbers",
        "narrative",
        "情况说明中没有数字",
        "确认给出的是部门决算的情况说明（.docx、.txt、.md），而不是别的文件。",
    ),
    Code("unsupported-narrative", "narrative", "情况说明的文件格式不支持", "把情况说明保存为 .docx、.txt 或 .md。"),
    Code("empty-narrative", "narrative", "情况说明文件是空的", "重新导出或重新下载该情况说明。"),
    Code(
        "narrative-is-workbook",
        "narrative",
        "作为情况说明给出的 .docx 其实是 Excel 工作簿",
        "把扩展名改回 .xlsx，作为工作簿校验。",
    ),
    Code(
        "unreadable-narrative", "narrative", "情况说明无法读取", "在 Word 或 WPS 中打开后另存为 .docx 或 UTF-8 文本。"
    ),
    # packs, layouts, case files
    Code(
        "pack-not-found",
        "pack",
        "找不到规则包",
        "用 xlplugin pack list 查看已安装和随附的规则包，或给出规则包目录、.zip 的路径。",
    ),
    Code("no-pack-fits", "pack", "没有相符的规则包", "安装本地区、本年度的规则包，或用 --pack 指定。"),
    Code("bad-yaml", "pack", "YAML 语法错误", "按所指的行改正缩进、冒号或引号。"),
    Code("not-utf8", "pack", "文件不是 UTF-8 编码", "用 UTF-8 编码另存该文件。"),
    Code("unreadable", "pack", "文件无法读取", "检查文件权限。"),
    Code("file-too-large", "pack", "文件过大", "规则包中的文件应是小的数据文件。"),
    Code("too-deep", "pack", "嵌套层次过深", "减少 YAML 的嵌套层次。"),
    Code("yaml-tag", "pack", "使用了 YAML 标签", "规则包是纯数据：去掉 !! 标签。"),
    Code("yaml-anchor", "pack", "使用了 YAML 锚点或别名", "把重复的内容直接写出来。"),
    Code("yaml-merge", "pack", "使用了 YAML 合并键", "把要合并的键直接写出来。"),
    Code("duplicate-key", "pack", "键重复", "删除或改名重复的键。"),
    Code("bad-key", "pack", "键不是文字", "键应是文字。"),
    Code("unknown-key", "pack", "未知的键", "按提示中可用的键改正拼写。"),
    Code("missing-key", "pack", "缺少必填的键", "补上提示中缺少的键。"),
    Code("bad-pack", "pack", "pack.yaml 写法有误", "按规则编写指南改正 pack.yaml。"),
    Code("bad-id", "pack", "规则包 id 不合规", "id 只用字母、数字和 . _ -，如 cq-2021。"),
    Code("bad-version", "pack", "版本号不合规", "写语义化版本号，如 1.2.0。"),
    Code("bad-engine", "pack", "engine 写法有误", "写成 >=0.1 这样的最低版本。"),
    Code("engine-too-old", "pack", "xlplugin 版本过旧", "升级 xlplugin 后再使用该规则包。"),
    Code("extends-loop", "pack", "extends 形成循环", "去掉循环继承。"),
    Code("extends-not-found", "pack", "找不到所继承的规则包", "先安装所继承的规则包，或改正 extends。"),
    Code("unknown-rule", "pack", "规则不在规则包中", "核对规则 id。"),
    Code("duplicate-rule", "pack", "规则 id 重复", "给每条规则一个唯一的 id。"),
    Code("bad-rules", "pack", "规则文件写法有误", "规则文件只有一个键 rules，其值为规则列表。"),
    Code("bad-rule", "pack", "规则写法有误", "每条规则写成“键: 值”的映射。"),
    Code("bad-severity", "pack", "级别写法有误", "级别只能是 错误、警告 或 提示。"),
    Code("bad-tolerance", "pack", "tolerance 写法有误", "写 rounding、strict 或非负金额。"),
    Code("path-escape", "pack", "路径指向规则包之外", "只引用规则包目录内的文件。"),
    Code("missing-file", "pack", "找不到引用的文件", "补上文件或改正文件名。"),
    Code("bad-layout", "pack", "表样定义写法有误", "按规则编写指南中“表样”一节改正。"),
    Code(
        "bad-catalogue",
        "pack",
        "科目目录文件写法有误",
        "按规则编写指南中 catalogue 一节改正目录文件：year、source、entries（编码: 名称），编码是 3、5 或 7 位数字。",
    ),
    Code(
        "unknown-catalogue",
        "pack",
        "没有这个随附的科目目录",
        "写随附目录的名称（如 功能分类-2021），或规则包自带目录的相对路径。",
    ),
    Code("duplicate-id", "pack", "表样中的 id 重复", "给每张表、每个区块、每列、每行一个唯一的 id。"),
    Code("unknown-block", "pack", "区块不存在", "按提示中可用的区块改正。"),
    Code("unknown-column", "pack", "列不存在", "按提示中可用的列改正。"),
    Code("bad-cases", "pack", "测试用例写法有误", "按规则编写指南中“测试用例”一节改正。"),
    Code("no-tests", "pack", "规则包没有测试用例", "在 pack.yaml 中写明 tests，并为每条规则写通过和不通过两种用例。"),
    Code("no-test-base", "pack", "没有测试底稿", "在 pack.yaml 中写明 test_base（一份填好且正确的工作簿）。"),
    Code("bad-waivers", "pack", "豁免文件写法有误", "按提示的文件和行改正豁免文件：每条写明 单位、规则、理由。"),
    Code("bad-config", "pack", "配置文件写法有误", "按提示的文件和行改正 xlplugin.yaml（只有一个键 pack）。"),
    Code(
        "no-pack-configured",
        "pack",
        "没有指定规则包",
        "用 --pack、环境变量 XLPLUGIN_PACK 或 xlplugin.yaml 指定规则包，或给出工作簿以便自动选择。",
    ),
    Code("key-exists", "pack", "密钥已经存在", "换一个名字；确需替换时加 --force（此前签名的规则包将不再受信任）。"),
    Code("folder-not-empty", "pack", "目标文件夹不是空的", "换一个新的文件夹。"),
    Code(
        "no-tables-drafted",
        "pack",
        "工作簿中没有可据以起草表样的表",
        "给出按本地区表样填好的部门决算公开工作簿（每张表一个工作表，有表号、表头和金额列）。",
    ),
    Code("file-exists", "pack", "文件已经存在", "换一个文件夹，或确认可以覆盖后加 --force。"),
    # pack archives
    Code("bad-archive", "pack", "规则包文件无法使用", "重新从发布单位获取规则包。"),
    Code("corrupt-archive", "pack", "规则包文件已损坏", "重新从发布单位获取规则包。"),
    Code("not-a-pack", "pack", "不是规则包", "确认文件是用 xlplugin pack build 生成的 .zip。"),
    Code("not-data", "pack", "规则包含有非数据文件", "规则包只能含 YAML、表格和文字等数据文件。"),
    Code("tampered", "pack", "规则包已被改动", "规则包在签名后被改过：重新从发布单位获取。"),
    Code("pack-tampered", "pack", "规则包或其签名已被改动", "规则包已被拒绝；请向发布单位重新索取。"),
    Code(
        "pack-unsigned", "pack", "规则包没有签名", "向发布单位索取签名的规则包；确认来源可靠时可加 --allow-unsigned。"
    ),
    Code(
        "pack-untrusted",
        "pack",
        "规则包的签名者不受信任",
        "信任发布单位的公钥后再用；确认来源可靠时可加 --allow-unsigned。",
    ),
    Code("symlink", "pack", "规则包含有链接", "规则包不能含符号链接。"),
    Code("path-traversal", "pack", "规则包中的路径越界", "规则包已被拒绝；请向发布单位核实。"),
    Code("too-large", "pack", "规则包过大", "规则包应只含数据文件。"),
    Code("too-many-files", "pack", "规则包文件过多", "规则包应只含数据文件。"),
    Code("zip-bomb", "pack", "规则包解压后过大", "规则包已被拒绝；请向发布单位核实。"),
    # rules against their kind and the layout
    Code("unknown-kind", "rule", "未知的规则类型", "按提示中可用的规则类型改正。"),
    Code("unknown-param", "rule", "规则类型没有这个参数", "按提示中可用的参数改正。"),
    Code("missing-param", "rule", "缺少必填参数", "补上提示中缺少的参数。"),
    Code("bad-param", "rule", "参数值有误", "按规则类型的说明改正参数。"),
    Code("bad-message", "rule", "message 写法有误", "只用提示中列出的 {占位符}，花括号成对。"),
    Code("bad-expression", "rule", "表达式写法有误", "按规则编写指南中“表达式”一节改正。"),
    Code("bad-template", "rule", "句式写法有误", "按规则编写指南中“句式”一节改正。"),
    Code("unknown-slot", "rule", "句式中没有这个槽位", "只用句式中写出的 {槽位}。"),
    Code("text-slot", "rule", "文字槽位不能参与计算", "参与计算的槽位应是 {金额}、{百分比}、{百分点} 或 {数}。"),
    Code("unknown-table", "rule", "表样中没有这张表", "按提示中可用的表改正。"),
    Code("ambiguous-block", "rule", "没有写明区块", "表有多个区块时用 block 写明。"),
    Code("unknown-row", "rule", "行不存在", "核对行的编码、id 或行名。"),
    Code("unknown-cell", "rule", "单格不存在", "核对表样 cells 中的名称。"),
    # the engine's own findings
    Code(
        "NARR.arithmetic",
        "finding",
        "情况说明中的计算",
        "按所写的金额重新计算增减额、增减率、完成率、占比或合计，四舍五入到所写的位数后改正。",
    ),
    Code("NARR.uncovered", "finding", "情况说明中未核对的数字", "如需核对，请在规则包中为这类句子添加规则。"),
    # doors
    Code(
        "excel-without-notes",
        "door",
        "Excel 版本不支持批注接口",
        "使用支持 ExcelApi 1.18 的 Excel（Microsoft 365 或新版 Excel 网页版）。",
    ),
    Code("not-annotated", "door", "非 .xlsx 工作簿没有可清除的标注", "对标注副本（<文件名>.校验.xlsx）运行 clean。"),
    Code(
        "cannot-annotate",
        "door",
        "不能这样标注这个工作簿",
        "去掉 --in-place，用 --annotate 另存一份 .xlsx 标注副本（原文件不变）；--annotate-to 的目标须是 .xlsx。",
    ),
    Code("missing-extra", "door", "缺少可选组件", '按提示运行 pip install "xlplugin[组件]" 后再试。'),
    Code(
        "xlwings-too-old",
        "door",
        "xlwings 版本太旧",
        'pip install -U "xlwings>=0.37,<1"，再用 xlplugin addin 重新生成并安装加载项；工作簿没有被改动。',
    ),
    Code(
        "cannot-write",
        "door",
        "无法写入文件",
        "检查文件夹是否存在、有无写入权限、文件是否被其他程序打开、文件名是否过长，然后重试。",
    ),
    Code("disk-full", "door", "磁盘空间不足", "腾出磁盘空间或换一个输出文件夹后重新运行；批量校验会沿用已完成的结果。"),
    Code("internal-error", "door", "内部错误", "请把出错的文件和提示报告给 xlplugin 的维护者。"),
]

#: code → entry. A code used by two families (``unreadable``: a workbook or a pack file) keeps the
#: first entry's words, which must fit both.
CODES: dict[str, Code] = {}
for _entry in _ENTRIES:
    CODES.setdefault(_entry.code, _entry)


def title(code: str) -> str:
    """The Chinese title of ``code`` (``READ.`` prefix allowed); the code itself if unknown."""
    entry = CODES.get(code.removeprefix("READ."))
    return entry.title if entry else code


def fix(code: str) -> str:
    """What to do about ``code`` (``READ.`` prefix allowed); empty if the catalogue says nothing."""
    entry = CODES.get(code.removeprefix("READ."))
    return entry.fix if entry else ""


def is_structural(code: str) -> bool:
    """True for a reading code about the layout's fit (``READ.`` prefix allowed), not the content."""
    entry = CODES.get(code.removeprefix("READ."))
    return bool(entry and entry.family == "reading" and entry.structural)


def render_markdown() -> str:
    """The catalogue as the Markdown page ``docs/问题代码.md``."""
    lines = [
        "# 问题代码",
        "",
        "xlplugin 给每类问题一个稳定的英文代码，供脚本使用（JSON 报告的 `code`、发现中的 `READ.代码`），",
        "并给出中文名称和处理办法。本页由 `xlplugin.core.codes` 生成，测试保证两者一致。",
    ]
    for family, heading in FAMILIES.items():
        lines += ["", f"## {heading}", ""]
        if family == "reading":
            lines += [
                "“类别”为 **表样** 的代码说明规则包的表样与工作簿不符（找不到表、表头或行，行无法对应），",
                "不是单元格填错：它们单独计数（“表样问题”），不计入错误、警告，单凭它们不会得出“不通过”；",
                "缺少表或表头时结论为“表样不符”。类别为 **内容** 的代码是工作簿本身的问题，按级别计入。",
                "",
                "| 代码 | 名称 | 类别 | 怎么办 |",
                "|---|---|---|---|",
            ]
        else:
            lines += ["| 代码 | 名称 | 怎么办 |", "|---|---|---|"]
        for entry in _ENTRIES:
            if entry.family != family:
                continue
            if family == "reading":
                kind = "表样" if entry.structural else "内容"
                lines.append(f"| `READ.{entry.code}` | {entry.title} | {kind} | {entry.fix} |")
            else:
                lines.append(f"| `{entry.code}` | {entry.title} | {entry.fix} |")
    return "\n".join(lines) + "\n"
