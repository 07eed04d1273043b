"""The names of the CRM presets of `kpi collect --init`, in the order of ``presets.PRESETS``.

A module of its own so that the command line lists them without loading the collector.
"""

PRESET_NAMES = ("cordys", "wukong", "salesforce", "hubspot")
