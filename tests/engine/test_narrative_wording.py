"""The 情况说明 wording check (元 written as 万元) on a narrative with 亿元 amounts, through `xlplugin check`."""

import subprocess
import sys


def test_a_narrative_with_yi_yuan_does_not_crash_check(tmp_path, corrected_path):
    """The 元-written-as-万元 check used to read “1.5亿元” as the number “1.5亿” (InvalidOperation)."""
    source = corrected_path.with_name(corrected_path.stem + "-情况说明.txt")
    path = tmp_path / "情况说明.txt"
    path.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n本年度共安排资金1.5亿元。\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "xlplugin", "check", str(corrected_path), "--narrative", str(path)],
        capture_output=True,
        text=True,
    )
    assert "内部错误" not in done.stdout + done.stderr
    assert done.returncode == 0, done.stderr
