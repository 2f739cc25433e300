"""alerts are found by watchlist and key

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "Did this watchlist hear of this key lately?" is asked per change and watchlist (the
    # same hazard from two sources is one alert); by watchlist and time alone it scanned
    # every recent alert of the watchlist.
    op.create_index("ix_alerts_watchlist_key_created", "alerts",
                    ["watchlist", "item_key", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alerts_watchlist_key_created", table_name="alerts")
