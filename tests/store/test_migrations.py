import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from onshi.store.engine import DatabaseUrl, create_sync
from onshi.store.migrate import current_revision, head_revision, upgrade
from onshi.store.schema import metadata


def test_migrations_build_exactly_the_declared_schema(database_url: str) -> None:
    url = DatabaseUrl.parse(database_url)
    assert current_revision(url) == head_revision()
    engine = create_sync(url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(database_url: str) -> None:
    url = DatabaseUrl.parse(database_url)
    upgrade(url)
    assert current_revision(url) == head_revision()


def test_batch_units_are_stored_compressed_with_lz4_on_postgresql(database_url: str) -> None:
    """≈ 1.5 MB of units per chunk: lz4 writes them ≈ 3× faster than uncompressed (0016)."""
    url = DatabaseUrl.parse(database_url)
    if url.is_sqlite:
        pytest.skip("SQLite stores text as it is")
    engine = create_sync(url)
    try:
        with engine.connect() as connection:
            lz4 = connection.exec_driver_sql(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
            ).scalar()
            found = connection.exec_driver_sql(
                "SELECT attname, attstorage, attcompression FROM pg_attribute "
                "WHERE attrelid = 'batch_chunks'::regclass AND attname IN ('entries', 'results', 'results_xml')"
            ).all()
    finally:
        engine.dispose()
    expected = ("x", "l") if lz4 else ("e", "")
    assert sorted(found) == [(name, *expected) for name in ("entries", "results", "results_xml")]
