"""A patched workbook asks to be recalculated (its cached results no longer fit its inputs)."""

from __future__ import annotations

from addin.xlsx.recalc import ask_to_recalculate


def test_an_existing_calc_pr_gets_full_calc_on_load_once():
    assert ask_to_recalculate(b'<workbook><calcPr calcId="124519"/></workbook>') == \
        b'<workbook><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    assert ask_to_recalculate(b'<workbook><calcPr fullCalcOnLoad="0" calcId="1"></calcPr></workbook>') == \
        b'<workbook><calcPr calcId="1" fullCalcOnLoad="1"></calcPr></workbook>'


def test_a_missing_calc_pr_is_added_where_the_schema_wants_it():
    assert ask_to_recalculate(b"<workbook><sheets/><extLst/></workbook>") == \
        b'<workbook><sheets/><calcPr fullCalcOnLoad="1"/><extLst/></workbook>'
    assert ask_to_recalculate(b"<workbook><sheets/></workbook>") == \
        b'<workbook><sheets/><calcPr fullCalcOnLoad="1"/></workbook>'
