"""dataset list indexes: the public list and a unit's list, ordered by title

Revision ID: e2a7c4d9b1f3
Revises: d9e1a2b3c4d5
Create Date: 2026-11-23 14:50:00
"""
from alembic import op


revision = 'e2a7c4d9b1f3'
down_revision = 'd9e1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dataset', schema=None) as batch_op:
        batch_op.create_index('ix_dataset_listed_title', ['listed', 'title_sort', 'id'], unique=False)
        batch_op.create_index('ix_dataset_unit_title', ['unit_id', 'title_sort', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('dataset', schema=None) as batch_op:
        batch_op.drop_index('ix_dataset_unit_title')
        batch_op.drop_index('ix_dataset_listed_title')
