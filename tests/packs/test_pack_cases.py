"""One parametrized test runs every case of every rule of every pack in rules/ (sqlfluff-style)."""

import pytest

from xlplugin.packs.load import load_pack
from xlplugin.packs.places import BUNDLED_PACKS
from xlplugin.packs.testing import CaseRunner, iter_cases

PACKS = {path.parent.name: load_pack(path.parent) for path in sorted(BUNDLED_PACKS.glob("*/pack.yaml"))}
CASES = [(name, case) for name, pack in PACKS.items() for case in iter_cases(pack)]
_runners: dict[str, CaseRunner] = {}


def test_there_are_packs_and_cases():
    assert "chongqing-2021" in PACKS
    assert len(CASES) >= 2 * len(PACKS["chongqing-2021"].rules)


@pytest.mark.parametrize("pack_name, case", CASES, ids=[f"{n}:{c.rule}:{c.expect}:{c.name}" for n, c in CASES])
def test_rule_case(pack_name, case):
    runner = _runners.get(pack_name) or _runners.setdefault(pack_name, CaseRunner(PACKS[pack_name]))
    result = runner.run(case)
    assert result.ok, f"{case.rule} {case.expect} “{result.case}”：{result.detail}"
