"""Asking spreadsheet programs to recalculate a workbook whose inputs were patched.

The templates store the engine's results as cached values and do not ask for a full
recalculation on load, so viewers that never recalculate show the right numbers. A tool that
then changes an input cell in the XML (``kpi fill``, the demo's planted problems) leaves those
cached results stale: it must ask for a recalculation on load (``<calcPr fullCalcOnLoad="1">``),
which Excel, WPS and LibreOffice honour, and which tells our reader that the cached values are
not results (they are then not compared).
"""

from __future__ import annotations

import re

_CALC_PR = re.compile(rb"<calcPr\b([^>]*?)(/?)>")
# the elements that follow calcPr in CT_Workbook (ECMA-376 Part 1, 18.2.27), where a new one goes before
_AFTER_CALC_PR = re.compile(rb"<(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|webPublishing|"
                            rb"fileRecoveryPr|webPublishObjects|extLst)\b|</workbook>")


def ask_to_recalculate(workbook_xml: bytes) -> bytes:
    """``xl/workbook.xml`` with ``fullCalcOnLoad="1"`` on its calcPr (added when it has none)."""
    if _CALC_PR.search(workbook_xml):
        def patched(match: re.Match) -> bytes:
            attrs = re.sub(rb'\s+fullCalcOnLoad="[^"]*"', b"", match.group(1))
            return b'<calcPr' + attrs + b' fullCalcOnLoad="1"' + match.group(2) + b">"
        return _CALC_PR.sub(patched, workbook_xml, count=1)
    found = _AFTER_CALC_PR.search(workbook_xml)
    if found is None:  # not a workbook part we understand: leave it as it is
        return workbook_xml
    at = found.start()
    return workbook_xml[:at] + b'<calcPr fullCalcOnLoad="1"/>' + workbook_xml[at:]
