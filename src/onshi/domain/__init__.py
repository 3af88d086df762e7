"""Pure domain: value objects, code tables and rules. Imports nothing from web, DB or files."""
