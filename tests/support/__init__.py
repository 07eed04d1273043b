"""Helpers shared by the tests: fixture workbooks, LibreOffice, worked examples."""
