"""The department a table is printed for, read from its heading line in the wordings printed by
Chongqing (公开部门：) and by the national template (部门: / 编制部门: / 单位名称:, often with the money
unit on the same line)."""

import pytest

from xlplugin.workbook.locate import _META


@pytest.mark.parametrize(
    ("line", "department"),
    [
        ("公开部门:重庆市万盛经开区人力社保局", "重庆市万盛经开区人力社保局"),
        ("部门:南漳县招商服务中心", "南漳县招商服务中心"),
        ("部门:南漳县招商服务中心金额单位:万元", "南漳县招商服务中心"),
        ("编制部门:某局", "某局"),
        ("单位名称:某中心", "某中心"),
        ("单位:万元", None),
        ("金额单位:万元", None),
    ],
)
def test_department_from_the_heading_line(line, department):
    match = _META["department"].search(line)
    assert (match.group(1) if match else None) == department
