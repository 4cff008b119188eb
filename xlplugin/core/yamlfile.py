"""Safe YAML with line numbers, for layouts and rule packs written by people.

:func:`load_yaml` returns plain data built from PyYAML's *safe* node graph, with three additions that
a rule author needs and an attacker must not exploit:

- every mapping and sequence is a :class:`YDict` / :class:`YList` that remembers the line of the
  node and of each key/item, so errors read ``rules/x.yaml:12: 未知的规则类型“sum”``;
- anchors and aliases are refused (they are never needed in a pack, and aliases are the way to a
  "billion laughs" memory bomb); so are duplicate keys, over-deep nesting and oversized files;
- only plain scalars: strings, integers, floats, booleans and null — no tags, no objects.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from xlplugin.core.errors import PackError

__all__ = ["YDict", "YList", "load_yaml", "line_of", "check_keys", "yaml_problem"]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40


class YDict(dict):
    """A mapping that knows its source: ``path``, ``line`` and ``key_lines[key]``."""

    path: str = ""
    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}


class YList(list):
    """A sequence that knows its source: ``path``, ``line`` and ``item_lines[index]``."""

    path: str = ""
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []


def line_of(container: object, key: object = None) -> int | None:
    """The line of ``container[key]`` (or of the container itself), if known."""
    if isinstance(container, YDict):
        return container.key_lines.get(key, container.line) if key is not None else container.line
    if isinstance(container, YList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None


def check_keys(data: YDict, allowed: set[str], required: set[str], what: str) -> None:
    """Refuse unknown keys and report missing required ones, each at its line."""
    for key in data:
        if key not in allowed:
            raise PackError(
                "unknown-key",
                f"{what}中有未知的键“{key}”（可用：{'、'.join(sorted(allowed))}）。",
                data.path,
                line_of(data, key),
            )
    for key in sorted(required):
        if key not in data:
            raise PackError("missing-key", f"{what}缺少必填的键“{key}”。", data.path, data.line)


def load_yaml(path: str | Path, text: str | None = None) -> object:
    """Parse one YAML document safely; raise :class:`PackError` with file and line on any problem."""
    path = Path(path)
    shown = str(path)
    if text is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise PackError("file-too-large", f"文件超过 {MAX_BYTES // 1024 // 1024} MB，拒绝读取。", shown)
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise PackError("not-utf8", "文件不是 UTF-8 编码。", shown) from None
        except OSError as exc:
            raise PackError("unreadable", f"无法读取：{exc.strerror or exc}", shown) from None
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise PackError("file-too-large", "文件过大，拒绝读取。", shown)
    loader = _StrictLoader(text, shown)
    try:
        node = _compose(text, loader)
        if node is None:
            return None
        return _build(node, loader, 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f"第 {mark.column + 1} 列：" if mark else ""
        raise PackError(
            "bad-yaml", f"YAML 语法错误：{column}{yaml_problem(exc.problem or str(exc))}", shown, line
        ) from None
    except yaml.YAMLError as exc:
        raise PackError("bad-yaml", f"YAML 语法错误：{yaml_problem(str(exc))}", shown) from None
    finally:
        loader.dispose()


#: PyYAML's and libyaml's descriptions of a syntax error (a part of each), in Chinese
_PROBLEMS = [
    ("mapping values are not allowed", "这里不能出现“键: 值”：上一行的值可能缺了引号，或冒号后少了空格、缩进不对"),
    ("could not find expected ':'", "缺少冒号“:”：键后面要写“: ”"),
    ("found a tab character", "不能用制表符（Tab）缩进，请改用空格"),
    ("'\\t' that cannot start any token", "不能用制表符（Tab）缩进，请改用空格"),
    (
        "that cannot start any token",
        "这个字符不能出现在这里：缩进不能用制表符（Tab），请改用空格；以 @、` 等开头的文字请加引号",
    ),
    ("did not find expected key", "缩进不对或缺少键：同一层的键要对齐"),
    ("did not find expected '-' indicator", "列表项缩进不对：同一列表的“- ”要对齐"),
    ("did not find expected node content", "这里缺少内容"),
    ("expected ',' or ']'", "方括号列表没有正确结束：缺少“,”或“]”"),
    ("expected ',' or '}'", "花括号映射没有正确结束：缺少“,”或“}”"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有配对"),
    ("found unknown escape character", "双引号中的反斜杠“\\”后面是无效的转义字符（文字中的反斜杠请用单引号）"),
    ("found undefined tag handle", "未定义的标签（以“!”开头的写法）"),
    ("block sequence entries are not allowed", "这里不能开始列表（“- ”）：缩进不对"),
    ("expected <block end>", "缩进不对：这一行与上面的层级对不上"),
    ("but found another document", "文件中只能有一个文档（不要用“---”分隔多个）"),
    ("expected a single document", "文件中只能有一个文档（不要用“---”分隔多个）"),
    ("found unexpected ':'", "多余的冒号：含冒号的文字请加引号"),
]


def yaml_problem(problem: str) -> str:
    """PyYAML's description of a syntax error, said in Chinese (an unknown one is kept, in brackets)."""
    for part, chinese in _PROBLEMS:
        if part in problem:
            return chinese + "。"
    return f"无法解析（{problem.strip()}）。"


def _compose(text: str, loader: _StrictLoader):
    """The node graph, composed by libyaml when available (6× faster) after an event scan that
    refuses anchors and aliases before anything is built; else by the pure-Python loader."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return loader.get_single_node()
    for event in yaml.parse(text, Loader=fast):
        loader.refuse_anchor(event)
    return yaml.compose(text, Loader=fast)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases as they are read, before any expansion; it also
    constructs the scalars of either composer's nodes."""

    def __init__(self, text: str, path: str):
        super().__init__(text)
        self.path = path

    def refuse_anchor(self, event) -> None:
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise PackError(
                "yaml-anchor", "规则文件不允许使用锚点/别名（& 和 *）。", self.path, event.start_mark.line + 1
            )

    def compose_node(self, parent, index):
        self.refuse_anchor(self.peek_event())
        return super().compose_node(parent, index)


def _build(node: yaml.Node, loader: _StrictLoader, depth: int) -> object:
    path = loader.path
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise PackError("too-deep", f"嵌套超过 {MAX_DEPTH} 层，拒绝读取。", path, line)
    if node.tag not in _ALLOWED_TAGS:
        raise PackError("yaml-tag", f"不允许的 YAML 标签“{node.tag}”。", path, line)
    if isinstance(node, yaml.MappingNode):
        result = YDict()
        result.path, result.line = path, line
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise PackError("yaml-merge", "规则文件不允许使用合并键（<<）。", path, key_node.start_mark.line + 1)
            key = _build(key_node, loader, depth + 1)
            if isinstance(key, (dict, list)):
                raise PackError("bad-key", "键必须是简单文字。", path, key_node.start_mark.line + 1)
            if key in result:
                raise PackError("duplicate-key", f"键“{key}”重复出现。", path, key_node.start_mark.line + 1)
            result[key] = _build(value_node, loader, depth + 1)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = YList()
        result.path, result.line = path, line
        for item in node.value:
            result.append(_build(item, loader, depth + 1))
            result.item_lines.append(item.start_mark.line + 1)
        return result
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_object(node)
    raise PackError("bad-yaml", "无法识别的 YAML 结构。", path, line)


_ALLOWED_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
