"""`kpi collect --json`: the result as one JSON document (summary, actuals, sources, unmatched, findings)."""

from __future__ import annotations

import json
import math

from addin.collect.collector import CollectResult


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def collect_json(result: CollectResult) -> str:
    """The report text: UTF-8 JSON, Chinese kept as it is, blank actuals as null."""
    return json.dumps(_clean(result.as_dict()), ensure_ascii=False, indent=2)


def is_collect_json(path) -> bool:
    """A report written by `kpi collect --json` (an object with ``summary``, ``actuals`` and
    ``sources``): re-running replaces it without ``--force``."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"summary", "actuals", "sources"} <= data.keys()
