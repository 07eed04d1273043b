"""Structure of a template workbook as plain data, for golden-file comparison.

Extracted with openpyxl: sheets, defined names, tables (headers, calculated
column formulas), data validations, conditional formats, protection, print
set-up, freeze panes, cell values and formulas of the scorecard, reviews and
settings sheets, and the lock state of input and formula cells. Nothing that
changes run to run (document timestamps) is extracted, so no masking is needed
beyond leaving docProps out.
"""

from __future__ import annotations

import openpyxl


def find_table(wb, name):
    """(worksheet, table) of the Excel table ``name`` in an openpyxl workbook, wherever it is."""
    for ws in wb.worksheets:
        if name in ws.tables:
            return ws, ws.tables[name]
    raise AssertionError(f"no table {name}")


def _validation(dv) -> dict:
    return {
        "sqref": str(dv.sqref), "type": dv.type, "operator": dv.operator,
        "formula1": dv.formula1, "formula2": dv.formula2, "allow_blank": bool(dv.allow_blank),
        "show_input": bool(dv.showInputMessage), "show_error": bool(dv.showErrorMessage),
        "error_style": dv.errorStyle, "prompt_title": dv.promptTitle, "prompt": dv.prompt,
        "error_title": dv.errorTitle, "error": dv.error,
    }


def structure(path) -> dict:
    """The golden-comparable structure of the workbook at ``path``."""
    wb = openpyxl.load_workbook(path)
    out = {"sheets": wb.sheetnames, "defined_names": {}, "tables": {}, "sheet": {}}
    for name, defined in sorted(wb.defined_names.items()):
        out["defined_names"][name] = defined.attr_text
    calculated = {}  # formula text -> "table[header]" (row formulas are stored once, not per row)
    for ws in wb.worksheets:
        for table in ws.tables.values():
            for c in table.tableColumns:
                if c.calculatedColumnFormula is not None:
                    calculated["=" + c.calculatedColumnFormula.attr_text] = f"<calculated {table.name}[{c.name}]>"
    for ws in wb.worksheets:
        for table in ws.tables.values():
            out["tables"][table.name] = {
                "sheet": ws.title, "ref": table.ref,
                "headers": [c.name for c in table.tableColumns],
                "calculated": {c.name: c.calculatedColumnFormula.attr_text if c.calculatedColumnFormula else None
                               for c in table.tableColumns if c.calculatedColumnFormula is not None},
            }
        setup = ws.page_setup
        info = {
            "protected": bool(ws.protection.sheet), "password": ws.protection.password,
            # False: allowed while protected (the add-in's highlighting, users' colours)
            "format_cells_locked": bool(ws.protection.formatCells),
            "page_header": [ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text],
            "freeze_panes": ws.freeze_panes,
            "print": {"orientation": setup.orientation, "paper": setup.paperSize,
                      "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
                      "fit_width": setup.fitToWidth, "fit_height": setup.fitToHeight,
                      "print_title_rows": ws.print_title_rows},
            "validations": sorted((_validation(dv) for dv in ws.data_validations.dataValidation),
                                  key=lambda d: d["sqref"]),
            "conditional_formats": sorted(
                [str(rng.sqref), [rule.type for rule in rules]] for rng, rules in ws.conditional_formatting._cf_rules.items()),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "columns": {k: round(v.width, 2) for k, v in sorted(ws.column_dimensions.items()) if v.width},
        }
        if ws.title not in ("填写说明", "Instructions"):
            cells, unlocked = {}, []
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        value = cell.value
                        cells[cell.coordinate] = calculated.get(value, value) if isinstance(value, str) else value
                    if not cell.protection.locked and (cell.value is not None or cell.has_style):
                        unlocked.append(cell.coordinate)
            info["cells"] = cells
            info["unlocked"] = unlocked
        else:
            info["paragraphs"] = sum(1 for row in ws.iter_rows() for c in row if c.value)
        out["sheet"][ws.title] = info
    return out
