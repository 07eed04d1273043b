"""Actuals from CRM exports (`kpi collect`, `kpi fill`): COLLECT.md."""
