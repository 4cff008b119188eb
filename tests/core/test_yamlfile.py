"""The safe YAML loader: line numbers for people, refusals for attackers."""

import pytest
import yaml

from xlplugin.core.errors import PackError
from xlplugin.core.yamlfile import MAX_DEPTH, line_of, load_yaml


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def composer(request, monkeypatch):
    """Every test runs with libyaml's composer and with the pure-Python fallback."""
    if request.param == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not available")
    return request.param


def test_values_and_lines():
    data = load_yaml("x.yaml", "id: a\nrows:\n  - 一\n  - {label: 二, at: 3}\n")
    assert data == {"id": "a", "rows": ["一", {"label": "二", "at": 3}]}
    assert line_of(data, "rows") == 2
    assert line_of(data["rows"], 1) == 4
    assert line_of(data["rows"][1], "at") == 4


@pytest.mark.parametrize(
    "text, code, line",
    [
        ("a: &x [1]\nb: *x\n", "yaml-anchor", 1),
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3),
        ("a: !!python/object/apply:os.system [ls]\n", "yaml-tag", 1),
        ("a:\n  - [1, 2\n", "bad-yaml", 3),
        ("a: 1\n---\nb: 2\n", "bad-yaml", 2),
        ("? [1, 2]\n: x\n", "bad-key", 1),
    ],
)
def test_refusals_name_the_line(text, code, line):
    with pytest.raises(PackError) as caught:
        load_yaml("bad.yaml", text)
    assert caught.value.code == code
    assert caught.value.line == line
    assert caught.value.message.startswith(f"bad.yaml:{line}: ")


def test_alias_bomb_is_refused_before_expansion():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 12):
        prev = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(
            f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
    with pytest.raises(PackError) as caught:
        load_yaml("bomb.yaml", "\n".join(lines))
    assert caught.value.code == "yaml-anchor"


def test_deep_nesting_is_refused():
    text = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(PackError) as caught:
        load_yaml("deep.yaml", text)
    assert caught.value.code == "too-deep"


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * (3 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_yaml(path)
    assert caught.value.code == "file-too-large"


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("名称: 收入".encode("gbk"))
    with pytest.raises(PackError) as caught:
        load_yaml(path)
    assert caught.value.code == "not-utf8"
