"""madmp: maDMP fields kept on plans and plan datasets (issue 8)

Revision ID: c8d2a2b3c4d5
Revises: c8d1a2b3c4d5
Create Date: 2026-11-23 13:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate writes Text() for JSONB
import dmp_registry.core.db
from sqlalchemy.dialects import postgresql


revision = 'c8d2a2b3c4d5'
down_revision = 'c8d1a2b3c4d5'
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade():
    op.create_table('madmp_document',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('root', _json(), nullable=False),
    sa.Column('original', _json(), nullable=False),
    sa.Column('links', _json(), nullable=False),
    sa.Column('baseline', _json(), nullable=False),
    sa.Column('losses', _json(), nullable=False),
    sa.Column('imported_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('imported_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_madmp_document_imported_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_madmp_document_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_madmp_document')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_madmp_document_plan_id'))
    )
    with op.batch_alter_table('madmp_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_madmp_document_imported_by_id'), ['imported_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('madmp_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_madmp_document_imported_by_id'))

    op.drop_table('madmp_document')
