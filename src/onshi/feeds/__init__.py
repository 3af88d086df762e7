"""Feed formats (CSV/JSON) from insurers and others: parsing and validation, no I/O."""
