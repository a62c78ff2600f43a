"""user language: the UI language a user chose, for their next session and their e-mails

Revision ID: a4c6e8f0b2d1
Revises: f3b8d5e1c2a4
Create Date: 2026-11-23 19:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'a4c6e8f0b2d1'
down_revision = 'f3b8d5e1c2a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')
