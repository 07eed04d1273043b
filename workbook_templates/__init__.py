"""Standard assessment workbook templates: definitions per team size and the generator."""
