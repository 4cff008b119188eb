"""Annotating and cleaning workbooks whose package is unusual: a missing [Content_Types].xml or
styles part (files `check` accepts) are annotated; a broken sheet part or a Strict Open XML
workbook is refused with one Chinese sentence, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from xlplugin.output.ooxml.package import STRICT_MAIN, Package
from xlplugin.workbook.readers import read_book


def _variant(source, target, drop=(), patch=None):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in original.namelist():
            if name in drop:
                continue
            data = original.read(name)
            if patch and name in patch:
                data = patch[name](data)
            out.writestr(name, data)
    return target


def _run(*args):
    """The real command, as a user runs it."""
    done = subprocess.run([sys.executable, "-m", "xlplugin", *map(str, args)], capture_output=True, text=True)
    done.output = done.stdout + done.stderr
    assert "Traceback" not in done.output and "内部错误" not in done.output, done.output
    return done


@pytest.mark.parametrize("missing", ["[Content_Types].xml", "xl/styles.xml"])
def test_a_package_missing_a_part_is_annotated_and_cleaned(tmp_path, sample_path, missing):
    source = _variant(sample_path, tmp_path / "样例.xlsx", drop=(missing,))
    annotated = tmp_path / "样例.校验.xlsx"
    done = _run("check", source, "--annotate-to", annotated)
    assert done.returncode == 1 and annotated.exists()
    with zipfile.ZipFile(annotated) as package:
        assert "[Content_Types].xml" in package.namelist() and "xl/styles.xml" in package.namelist()
        comments = [package.read(n).decode() for n in package.namelist() if "comments" in n]
    assert "校验结果" in read_book(annotated).sheet_names
    assert any('ref="C60"' in part for part in comments)  # the 229 error on 公开03表, marked
    cleaned = tmp_path / "样例.已清除.xlsx"
    assert _run("clean", annotated, "-o", cleaned).returncode == 0
    assert "校验结果" not in read_book(cleaned).sheet_names


def test_content_types_made_for_a_package_without_them(tmp_path, sample_path):
    source = _variant(sample_path, tmp_path / "样例.xlsx", drop=("[Content_Types].xml",))
    package = Package(source)
    types = package.xml("[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/xl/workbook.xml"].endswith("sheet.main+xml")
    assert overrides["/xl/worksheets/sheet1.xml"].endswith("worksheet+xml")
    assert any(o.get("Extension") == "rels" for o in types)


def test_a_broken_sheet_part_is_refused_in_one_sentence(tmp_path, sample_path):
    source = _variant(sample_path, tmp_path / "坏.xlsx", patch={"xl/worksheets/sheet2.xml": lambda d: d[: len(d) // 2]})
    done = _run("clean", source)
    assert done.returncode == 2
    assert "xl/worksheets/sheet2.xml" in done.output and "损坏" in done.output


def test_a_strict_open_xml_workbook_is_not_annotated(tmp_path, sample_path):
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    source = _variant(
        sample_path, tmp_path / "严格.xlsx", patch={"xl/workbook.xml": lambda d: d.replace(main, STRICT_MAIN.encode())}
    )
    done = _run("clean", source)
    assert done.returncode == 2 and "Strict Open XML" in done.output
