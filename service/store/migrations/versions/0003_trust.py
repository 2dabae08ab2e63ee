"""Trust: ticket ownership (key id) and customer reference, key tenants, erasure audit, new labels.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 22:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('customer_ref', sa.String(length=64), nullable=True))
        batch.create_index('ix_tickets_customer_ref', ['customer_ref'])
    with op.batch_alter_table('api_keys') as batch:
        batch.add_column(sa.Column('tenant', sa.String(length=200), nullable=True))
    op.create_table('erasures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key_name', sa.String(length=200), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_erasures_erased_at', 'erasures', ['erased_at'])
    op.create_table('new_labels',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.Column('key_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_new_labels_kind_label', 'new_labels', ['kind', 'label'])
    op.create_index('ix_new_labels_created_at', 'new_labels', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_new_labels_created_at', table_name='new_labels')
    op.drop_index('ix_new_labels_kind_label', table_name='new_labels')
    op.drop_table('new_labels')
    op.drop_index('ix_erasures_erased_at', table_name='erasures')
    op.drop_table('erasures')
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_column('tenant')
    with op.batch_alter_table('tickets') as batch:
        batch.drop_index('ix_tickets_customer_ref')
        batch.drop_column('customer_ref')
        batch.drop_column('key_id')
