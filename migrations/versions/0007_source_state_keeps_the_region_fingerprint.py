"""source state keeps the watched region's fingerprint

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A page whose bytes change on every request (tokens, nonces) but whose watched region
    # did not is recognised by the region's digest: nothing is parsed, diffed or written.
    # The region's size lets a run tell a page that lost its content from a short one.
    with op.batch_alter_table("source_state") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(64), nullable=True))
        batch.add_column(sa.Column("region_chars", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("source_state") as batch:
        batch.drop_column("region_chars")
        batch.drop_column("fingerprint")
