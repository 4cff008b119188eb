"""The errors xlplugin shows to people.

Every failure a user can cause (a wrong file, a broken workbook, a malformed rule pack) is raised as an
:class:`XlpluginError` whose ``message`` is a complete Chinese sentence that says what is wrong and,
where it helps, what to do. The CLI prints the message and exits with :attr:`XlpluginError.exit_code`;
nothing a user can cause ends in a traceback.
"""

from __future__ import annotations

#: Exit status for "could not check": bad workbook, bad rule pack, bad arguments.
EXIT_CANNOT_CHECK = 2


class XlpluginError(Exception):
    """A problem the user can fix, described in Chinese.

    ``code`` is a stable English identifier for scripts and tests (``file-not-found``,
    ``encrypted-workbook`` …); ``message`` is the sentence shown to people.
    """

    exit_code = EXIT_CANNOT_CHECK

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class WorkbookError(XlpluginError):
    """The workbook cannot be opened or is not a 部门决算公开 workbook."""


class TableNotFound(WorkbookError):
    """A table of the layout could not be located in the workbook."""


class PackError(XlpluginError):
    """A rule pack or layout file is malformed; the message names file and line."""

    def __init__(self, code: str, message: str, path: str | None = None, line: int | None = None):
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(code, where + message)
        self.path = path
        self.line = line


class NotRunnable(Exception):
    """An input of a rule is absent or unreadable; the rule is reported as not run, with why."""


class ZeroDivisor(NotRunnable):
    """A division whose divisor is (or may be) zero: not computable. ``exact`` when the divisor is
    exactly zero — a figure printed as the quotient of nothing (车均购置费 with no car bought) is then
    itself a finding, not merely unchecked."""

    def __init__(self, message: str, exact: bool):
        super().__init__(message)
        self.exact = exact
