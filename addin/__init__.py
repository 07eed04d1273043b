"""kpi-scorecard application: schema, readers, validation, consolidation, ribbon handlers and CLI."""
