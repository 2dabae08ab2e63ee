"""Desk webhook events: suggestions made for a desk's event, what was written back, and staleness (issue 15).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('desk_suggestions',
    sa.Column('suggestion_id', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.String(length=200), nullable=False),
    sa.Column('desk', sa.String(length=50), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('write_back', sa.JSON(), nullable=True),
    sa.Column('stale_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.suggestion_id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.ticket_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('suggestion_id'),
    )
    op.create_index('ix_desk_suggestions_ticket_created', 'desk_suggestions', ['ticket_id', 'created_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_desk_suggestions_ticket_created', table_name='desk_suggestions')
    op.drop_table('desk_suggestions')
