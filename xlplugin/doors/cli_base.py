"""What every ``xlplugin`` command shares: Chinese help and usage errors, exit codes, ``NO_COLOR``.

Click asks :func:`gettext.gettext` for each of its messages, in the process-wide default domain
(``messages``) — it has no domain of its own. Installing a translation there would mean shipping a
compiled ``.mo`` catalogue and changing the domain for every library in the process, and it would
still follow the user's locale. So :func:`chinese_click` gives click's modules a lookup in
:data:`CLICK_ZH` instead, only while one of our commands runs (the names are put back afterwards);
:class:`ZhFormatter` writes the usage line and the section headings with full-width colons, and
:class:`ZhContext` switches colours off under ``NO_COLOR``.

Exit codes (also in the README)::

    0   done: passed (warnings and notes allowed)
    1   errors found (batch: some department's workbook has errors)
    2   cannot check: a file missing, unreadable or of the wrong kind, a bad pack, 表样不符
        (batch: some files could not be checked; 3 = both)
    64  usage error: an unknown option, a missing argument, options that exclude each other

An :class:`OSError` that reaches the top (a full disk, a read-only or locked file, a name too long) is
one sentence naming the path (:func:`xlplugin.doors.os_errors.sentence`) and exit 2.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterator

import click

from xlplugin.core.errors import EXIT_CANNOT_CHECK, XlpluginError
from xlplugin.doors.os_errors import sentence

__all__ = [
    "EXIT_ERRORS",
    "EXIT_CANNOT_CHECK",
    "EXIT_USAGE",
    "CLICK_ZH",
    "ZhContext",
    "ZhFormatter",
    "ZhCommand",
    "ZhGroup",
    "EXTRAS",
    "chinese_click",
    "missing_library",
    "no_color",
    "require_extra",
]

EXIT_ERRORS = 1
#: a command line that cannot be understood (BSD sysexits EX_USAGE), distinct from "cannot check"
EXIT_USAGE = 64

#: click's messages (its gettext msgids) in Chinese; the placeholders are filled by click afterwards
CLICK_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "No such option {name!r}.": "没有这个选项：{name}。",
    "No such command {name!r}.": "没有这个命令：{name}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是以下之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可用：{states}",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”不可读。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "deprecated": "已弃用",
    "Aborted!": "已取消。",
    "unknown error": "未知错误",
    "integer": "整数",
    "float": "小数",
}

#: the extras of setup.cfg a command needs: what for, and the libraries (import names) the extra installs
#: ``--engine``: the file reader, for every command that reads a workbook
ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["auto", "calamine", "openpyxl"]),
    default="auto",
    show_default=True,
    help="读取引擎。",
)

EXTRAS = {
    "excel": ("Excel 加载项", ("xlwings", "olefile")),
}


def _extra_message(extra: str) -> str:
    purpose, modules = EXTRAS[extra]
    return f'{purpose}需要 {" 和 ".join(modules)}：请运行 pip install "xlplugin[{extra}]"。'


def require_extra(extra: str) -> None:
    """Stop, with one sentence naming the extra to install, unless every library of ``extra`` is
    installed. A door checks before it writes anything, so a missing library never leaves half its
    output behind."""
    if any(importlib.util.find_spec(module) is None for module in EXTRAS[extra][1]):
        raise XlpluginError("missing-extra", _extra_message(extra))


def missing_library(error: ModuleNotFoundError) -> str | None:
    """The sentence for a library that is not installed, or ``None`` when the missing module is ours
    (a bug, reported as one)."""
    name = (error.name or "").partition(".")[0]
    if not name or name == "xlplugin":
        return None
    for extra, (_, modules) in EXTRAS.items():
        if name in modules:
            return _extra_message(extra)
    # a dependency xlplugin declares but that is not there: an installation broken or made with --no-deps
    return f"缺少 Python 包“{name}”：xlplugin 的安装不完整，请重新运行 pip install xlplugin。"


_CLICK_MODULES = ("core", "exceptions", "formatting", "types", "parser", "decorators", "termui")


def _zh(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


@contextlib.contextmanager
def chinese_click() -> Iterator[None]:
    """Click speaks Chinese while the block runs: its modules' ``_`` and ``ngettext`` look up
    :data:`CLICK_ZH` (falling back to English for a message not listed), and are put back after."""
    saved = []
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        for attribute, ours in (("_", _zh), ("ngettext", _zh_plural)):
            if hasattr(module, attribute):
                saved.append((module, attribute, getattr(module, attribute)))
                setattr(module, attribute, ours)
    try:
        yield
    finally:
        for module, attribute, original in reversed(saved):
            setattr(module, attribute, original)


def no_color() -> bool:
    """Whether the user asked for no colours (https://no-color.org: ``NO_COLOR`` set and not empty)."""
    return bool(os.environ.get("NO_COLOR"))


class ZhFormatter(click.HelpFormatter):
    """Help in Chinese typography: ``用法：xlplugin check …`` and ``选项：`` with full-width colons."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if no_color() and self.color is None:
            self.color = False  # every click.echo of this command strips ANSI styles


class ZhCommand(click.Command):
    """A command in Chinese. Its path parameters are not checked for access by click: a file that
    cannot be read is the command's to report (one Chinese sentence naming it, exit 2, and for
    ``check`` of several workbooks, only that workbook's), not a usage error (exit 64)."""

    context_class = ZhContext

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param.type, click.Path):
                param.type.readable = False


class ZhGroup(click.Group):
    """A command group whose commands, subgroups and errors follow the conventions above. Its
    :meth:`main` (the console script, ``python -m xlplugin`` and click's test runner alike) turns
    every error a user can cause into one Chinese sentence and the exit codes above."""

    context_class = ZhContext
    command_class = ZhCommand
    group_class = type  # subgroups are ZhGroups too

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        with chinese_click():
            if not standalone_mode:  # the caller handles the exceptions
                return super().main(args, prog_name, complete_var, False, **extra)
            sys.exit(_run(lambda: super(ZhGroup, self).main(args, prog_name, complete_var, False, **extra)))


def _hint(error: click.UsageError) -> str:
    param = getattr(error, "param", None)
    if getattr(error, "param_hint", None):
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint)
    if param is None:
        return ""
    return " / ".join(param.opts) if isinstance(param, click.Option) else param.human_readable_name


def _in_chinese(error: click.UsageError) -> None:
    """Click builds the sentences of a missing or bad parameter around English punctuation and quotes
    (``Missing argument 'WORKBOOK'.``): say them as Chinese sentences instead."""
    if isinstance(error, click.MissingParameter):
        kind = "参数" if isinstance(error.param, click.Argument) else "选项"
        error.format_message = lambda: f"缺少{kind} {_hint(error)}。"
    elif isinstance(error, click.BadParameter):
        hint = _hint(error)
        error.format_message = lambda: f"{hint} 的值无效：{error.message}" if hint else f"值无效：{error.message}"


def _run(command) -> int:
    """Run ``command`` (click without standalone mode); its exit code, every error said in Chinese."""
    try:
        result = command()
        return result if isinstance(result, int) else 0
    except XlpluginError as error:
        click.echo(f"错误：{error.message}", err=True)
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        return EXIT_CANNOT_CHECK
    except click.UsageError as error:
        _in_chinese(error)
        error.show()
        return EXIT_USAGE
    except click.ClickException as error:
        error.show()
        return EXIT_CANNOT_CHECK if error.exit_code == 1 else error.exit_code
    except SystemExit:
        raise
    except OSError as error:  # a full disk, a locked file, a name too long: the path and why, in Chinese
        if os.environ.get("XLPLUGIN_DEBUG"):
            traceback.print_exc()
        click.echo(f"错误：{sentence(error)}", err=True)
        return EXIT_CANNOT_CHECK
    except Exception as error:
        if os.environ.get("XLPLUGIN_DEBUG"):
            traceback.print_exc()
        missing = missing_library(error) if isinstance(error, ModuleNotFoundError) else None
        if missing:
            click.echo(f"错误：{missing}", err=True)
        else:  # a bug of ours: say so plainly, keep the details for a report
            click.echo(
                f"内部错误：{type(error).__name__}: {error}。请设置环境变量 XLPLUGIN_DEBUG=1 重试并把输出反馈给维护者。",
                err=True,
            )
        return EXIT_CANNOT_CHECK
