"""Placeholder, replaced below."""
PRESETS = {"cordys": None}


def write_rules_workbook(path, preset, size, lang):
    raise NotImplementedError
