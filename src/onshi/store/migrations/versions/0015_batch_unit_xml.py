"""batch chunks keep their units' XML (the BulkConfirmUnit elements of OQSmuquc02res) and
status counts, rendered by the worker, so a download only joins them

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_chunks") as table:
        table.add_column(sa.Column("results_xml", sa.Text()))
        table.add_column(sa.Column("results_normal", sa.Integer()))
        table.add_column(sa.Column("results_error", sa.Integer()))
    if op.get_bind().dialect.name == "postgresql":  # ≈ 1 MB per chunk, written once, read whole
        op.execute("ALTER TABLE batch_chunks ALTER COLUMN results_xml SET STORAGE EXTERNAL")


def downgrade() -> None:
    with op.batch_alter_table("batch_chunks") as table:
        table.drop_column("results_error")
        table.drop_column("results_normal")
        table.drop_column("results_xml")
