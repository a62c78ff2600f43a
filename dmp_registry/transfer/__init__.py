"""Moving data in and out: full JSON export/import and spreadsheet inventories."""
