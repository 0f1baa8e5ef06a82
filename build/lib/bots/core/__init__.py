"""The pure core: records, schema, validation and rendering. Imports no pywikibot."""
