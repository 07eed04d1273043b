"""The test helpers' rule for what lives outside the repository: skip locally, fail in CI."""

from __future__ import annotations

import pytest
from support import required


@pytest.mark.parametrize("call", [lambda: required.tool("no-such-tool-kpi"),
                                  lambda: required.shared("no-such-contract.md")])
def test_missing_tools_and_contracts_skip_locally_but_fail_in_ci(call, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        call()
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="not available"):
        call()


def test_what_exists_is_returned():
    assert required.tool("python3") or required.tool("python")
    assert required.shared("SCORING.md").is_file()
