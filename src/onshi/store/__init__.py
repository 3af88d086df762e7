"""Storage: SQLAlchemy tables, repositories and migrations (SQLite and PostgreSQL)."""
