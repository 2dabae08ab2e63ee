"""Review fields: the urgency signals that fired and the override rules that applied, with each routing decision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('routing_decisions') as batch:
        batch.add_column(sa.Column('signals', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('applied_rules', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('routing_decisions') as batch:
        batch.drop_column('applied_rules')
        batch.drop_column('signals')
