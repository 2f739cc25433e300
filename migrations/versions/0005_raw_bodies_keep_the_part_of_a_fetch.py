"""raw bodies keep which part of a fetch they are

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "page" is the body the parser reads; other parts are named extras (EASA's RSS feed),
    # kept so that a new process can fall back on the last good one.
    with op.batch_alter_table("raw_bodies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("part", sa.String(length=40), server_default="page", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("raw_bodies", schema=None) as batch_op:
        batch_op.drop_column("part")
