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
