"""Templates print well: LibreOffice renders each to PDF, the scorecard fits one A4 landscape page wide.

One soffice run converts a template of every size and language; poppler's
pdfinfo/pdftotext read the result. (Also look at the pages yourself:
``pdftoppm -png -r 60 file.pdf page`` — see docs/templates.md.)
"""

from __future__ import annotations

import re
import subprocess

import pytest
from support import required
from support.libreoffice import convert, requires_libreoffice

from addin.contract.schema import KPI
from workbook_templates.generator import write_template
from workbook_templates.texts import T

VARIANTS = [("small", "zh", "addin"), ("medium", "en", "portable"), ("large", "zh", "portable"),
            ("large", "en", "addin")]
HEADER = {"manager_id": "AM001", "manager_name": "张伟", "team": "华东一组", "region": "华东",
          "period": "2026Q3", "reviewer": "李经理"}


def _poppler(tool: str) -> str:
    return required.tool(tool, "poppler-utils")


def _pages(pdf) -> list[str]:
    """Text of each page (layout kept), via pdftotext."""
    text = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    files = [write_template(root / f"{s}-{l}-{m}.xlsx", s, l, m, header=HEADER) for s, l, m in VARIANTS]
    return list(zip(VARIANTS, convert(files, root / "pdf", "pdf")))


@requires_libreoffice
def test_scorecard_prints_on_one_a4_landscape_page_wide(pdfs):
    for (_size, lang, _mode), pdf in pdfs:
        info = subprocess.run([_poppler("pdfinfo"), "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                              text=True, check=True).stdout
        width, height = map(float, re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert (round(width), round(height)) == (842, 595), f"{pdf.name}: page 1 is {width} x {height}, not A4 landscape"
        pages = _pages(pdf)
        first = pages[0]
        headers = KPI.headers(lang)
        # every column of tblKPI (first to last) is on page 1: nothing spilled onto a page to the right
        for header in (headers[0], headers[2], KPI.column("score").label(lang), headers[-1]):
            assert header in first.replace("\n", " ") or header.split()[0] in first, (pdf.name, header)
        assert T[lang]["title"] in first, pdf.name
        # page 2 is the reviews sheet, so the scorecard took exactly one page
        assert T[lang]["review_title"].split("（")[0].split(" (")[0] in pages[1], pdf.name
        assert "AM001" in first


@requires_libreoffice
def test_chinese_text_is_rendered_with_a_cjk_font(pdfs):
    for (_size, lang, _mode), pdf in pdfs:
        if lang != "zh":
            continue
        fonts = subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"wqy|WenQuanYi|Noto.*CJK|Source Han|DengXian|YaHei|SimSun|Droid", fonts, re.I), fonts
        assert "绩效考核" in _pages(pdf)[0]
