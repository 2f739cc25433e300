"""items keep whether they are still in view

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:07:41.787309
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_items_active"), ["active"], unique=False)
    # Notices closed before this column existed are out of view; so are withdrawn flights.
    op.execute(
        "UPDATE items SET active = false WHERE (kind <> 'flight' AND status IN "
        "('cancelled', 'expired', 'withdrawn', 'replaced')) OR "
        "(kind = 'flight' AND status = 'withdrawn')"
    )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_items_active"))
        batch_op.drop_column("active")
