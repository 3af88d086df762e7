"""batches: 一括照会 / 一括登録 uploads and their chunks

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _key(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("reception_number", _key(32), nullable=False),
        sa.Column("facility_code", _key(10), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("request_digest", _key(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("credential_id", _id(), nullable=True),
        sa.Column("arbitrary_file_identifier", sa.Text(), nullable=True),
        sa.Column("confirmation_date", sa.Date(), nullable=True),
        sa.Column("encoding", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entries_total", sa.Integer(), nullable=False),
        sa.Column("entries_done", sa.Integer(), nullable=False),
        sa.Column("entries_normal", sa.Integer(), nullable=False),
        sa.Column("entries_error", sa.Integer(), nullable=False),
        sa.Column("request", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_code"], ["facilities.code"], name=op.f("fk_batches_facility_code_facilities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint("reception_number", name=op.f("uq_batches_reception_number")),
    )
    op.create_index("uq_batches_upload", "batches", ["facility_code", "kind", "request_digest"], unique=True)
    op.create_table(
        "batch_chunks",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("batch_id", _id(), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("entries", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name=op.f("fk_batch_chunks_batch_id_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_chunks")),
    )
    op.create_index("uq_batch_chunks_no", "batch_chunks", ["batch_id", "chunk_no"], unique=True)
    op.create_index("ix_batch_chunks_state", "batch_chunks", ["state", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # Written once, read once, up to a megabyte each: compressing them costs more CPU
        # than the disk it saves.
        op.execute("ALTER TABLE batch_chunks ALTER COLUMN entries SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE batch_chunks ALTER COLUMN results SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("batch_chunks")
    op.drop_table("batches")
