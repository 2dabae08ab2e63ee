"""Initial schema: tickets, routing decisions, suggestions, feedback events, resolutions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 01:01:08.692508
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tickets',
    sa.Column('ticket_id', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('tenant', sa.String(length=200), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id')
    )
    op.create_table('resolutions',
    sa.Column('ticket_id', sa.String(length=200), nullable=False),
    sa.Column('suggestion_id', sa.String(length=40), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('urgency', sa.String(length=32), nullable=True),
    sa.Column('queue', sa.String(length=200), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('agent_id', sa.String(length=200), nullable=True),
    sa.Column('indexed', sa.Boolean(), nullable=False),
    sa.Column('index_version', sa.String(length=100), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.ticket_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id')
    )
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolutions_resolved_at'), ['resolved_at'], unique=False)

    op.create_table('routing_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('ticket_id', sa.String(length=200), nullable=False),
    sa.Column('suggestion_id', sa.String(length=40), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('topic_confidence', sa.Float(), nullable=False),
    sa.Column('alternatives', sa.JSON(), nullable=False),
    sa.Column('urgency', sa.String(length=32), nullable=False),
    sa.Column('queue', sa.String(length=200), nullable=False),
    sa.Column('priority', sa.String(length=32), nullable=False),
    sa.Column('sla_minutes', sa.Integer(), nullable=False),
    sa.Column('needs_human', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('model_version', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.ticket_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_decisions_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_routing_ticket_created', ['ticket_id', 'created_at'], unique=False)

    op.create_table('suggestions',
    sa.Column('suggestion_id', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('queue', sa.String(length=200), nullable=False),
    sa.Column('model_version', sa.String(length=100), nullable=False),
    sa.Column('index_version', sa.String(length=100), nullable=True),
    sa.Column('drafter', sa.String(length=100), nullable=True),
    sa.Column('draft_text', sa.Text(), nullable=True),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('draft_error', sa.Text(), nullable=True),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.ticket_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('suggestion_id')
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('feedback_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('suggestion_id', sa.String(length=40), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('agent_id', sa.String(length=200), nullable=False),
    sa.Column('final_text', sa.Text(), nullable=True),
    sa.Column('edit_distance', sa.Float(), nullable=True),
    sa.Column('reason_code', sa.String(length=64), nullable=True),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('corrected_topic', sa.String(length=200), nullable=True),
    sa.Column('corrected_urgency', sa.String(length=32), nullable=True),
    sa.Column('corrected_queue', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.suggestion_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_feedback_idempotency_key')
    )
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_feedback_suggestion_created', ['suggestion_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_suggestion_created')
        batch_op.drop_index(batch_op.f('ix_feedback_events_created_at'))

    op.drop_table('feedback_events')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestions_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_suggestions_created_at'))

    op.drop_table('suggestions')
    with op.batch_alter_table('routing_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_routing_ticket_created')
        batch_op.drop_index(batch_op.f('ix_routing_decisions_created_at'))

    op.drop_table('routing_decisions')
    with op.batch_alter_table('resolutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolutions_resolved_at'))

    op.drop_table('resolutions')
    op.drop_table('tickets')
