"""programme: programme, activities, goals, hours, status reports (issue 9)

Revision ID: d9e1a2b3c4d5
Revises: c8d2a2b3c4d5
Create Date: 2026-11-23 13:40:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate writes Text() for JSONB
from sqlalchemy.dialects import postgresql
import dmp_registry.core.db


revision = 'd9e1a2b3c4d5'
down_revision = 'c8d2a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('measure',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('programme', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('description', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('responsible_id', sa.Uuid(), nullable=True),
    sa.Column('further_plans', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['responsible_id'], ['person.id'], name=op.f('fk_measure_responsible_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure')),
    sa.UniqueConstraint('code', name=op.f('uq_measure_code'))
    )

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_responsible_id'), ['responsible_id'], unique=False)

    op.create_table('activity',
    sa.Column('measure_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('code_sort', sa.String(length=60), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('description', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('responsible_id', sa.Uuid(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('planned_hours', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=500), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('results', sa.Text(), nullable=True),
    sa.Column('risks', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('links', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('example', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_activity_measure_id_measure'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['responsible_id'], ['person.id'], name=op.f('fk_activity_responsible_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_code', ['code_sort', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_measure_id'), ['measure_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_responsible_id'), ['responsible_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_status'), ['status'], unique=False)
        batch_op.create_index('ix_activity_updated', ['updated_at', 'id'], unique=False)

    op.create_table('activity_unit',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('planned_hours', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_unit_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_activity_unit_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('activity_id', 'unit_id', name=op.f('pk_activity_unit'))
    )

    with op.batch_alter_table('activity_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('activity_dependency',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('depends_on_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_dependency_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['depends_on_id'], ['activity.id'], name=op.f('fk_activity_dependency_depends_on_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'depends_on_id', name=op.f('pk_activity_dependency'))
    )

    with op.batch_alter_table('activity_dependency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_dependency_depends_on_id'), ['depends_on_id'], unique=False)

    op.create_table('goal',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('indicator', sa.String(length=80), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('current_value', sa.Float(), nullable=True),
    sa.Column('current_date', sa.Date(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_goal_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal'))
    )

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_indicator'), ['indicator'], unique=False)

    op.create_table('goal_snapshot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('goal_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('taken_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['goal.id'], name=op.f('fk_goal_snapshot_goal_id_goal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_snapshot')),
    sa.UniqueConstraint('goal_id', 'day', name='uq_goal_snapshot_goal_day')
    )

    with op.batch_alter_table('goal_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_snapshot_goal_id'), ['goal_id'], unique=False)

    # ### end Alembic commands ###

    op.create_table('time_entry',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_time_entry_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_time_entry_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_time_entry_unit_id_unit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_entry')),
    sa.UniqueConstraint('person_id', 'activity_id', 'week', name='uq_time_entry_person_activity_week')
    )

    with op.batch_alter_table('time_entry', schema=None) as batch_op:
        batch_op.create_index('ix_time_entry_activity_week', ['activity_id', 'week'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entry_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entry_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_time_entry_week_start'), ['week_start'], unique=False)

    op.create_table('benefit',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=500), nullable=False),
    sa.Column('description', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('measured_by', sa.Text(), nullable=False),
    sa.Column('expected_value', sa.Float(), nullable=True),
    sa.Column('value_unit', sa.String(length=60), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_benefit_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit'))
    )

    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_activity_id'), ['activity_id'], unique=False)

    op.create_table('benefit_realisation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('benefit_id', sa.Uuid(), nullable=False),
    sa.Column('realised_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['benefit_id'], ['benefit.id'], name=op.f('fk_benefit_realisation_benefit_id_benefit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_realisation'))
    )

    with op.batch_alter_table('benefit_realisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefit_realisation_benefit_id'), ['benefit_id'], unique=False)

    op.create_table('status_report',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sections', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', dmp_registry.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_report')),
    sa.UniqueConstraint('subject_id', 'number', name='uq_status_report_subject_number')
    )

    with op.batch_alter_table('status_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_report_subject_id'), ['subject_id'], unique=False)


def downgrade():
    with op.batch_alter_table('status_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_report_subject_id'))

    op.drop_table('status_report')

    with op.batch_alter_table('benefit_realisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_realisation_benefit_id'))

    op.drop_table('benefit_realisation')

    with op.batch_alter_table('benefit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefit_activity_id'))

    op.drop_table('benefit')

    with op.batch_alter_table('time_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_entry_week_start'))
        batch_op.drop_index(batch_op.f('ix_time_entry_unit_id'))
        batch_op.drop_index(batch_op.f('ix_time_entry_person_id'))
        batch_op.drop_index('ix_time_entry_activity_week')

    op.drop_table('time_entry')

    with op.batch_alter_table('goal_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_snapshot_goal_id'))

    op.drop_table('goal_snapshot')

    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_indicator'))
        batch_op.drop_index(batch_op.f('ix_goal_activity_id'))

    op.drop_table('goal')

    with op.batch_alter_table('activity_dependency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_dependency_depends_on_id'))

    op.drop_table('activity_dependency')

    with op.batch_alter_table('activity_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_unit_unit_id'))

    op.drop_table('activity_unit')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_updated')
        batch_op.drop_index(batch_op.f('ix_activity_status'))
        batch_op.drop_index(batch_op.f('ix_activity_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_activity_measure_id'))
        batch_op.drop_index('ix_activity_code')

    op.drop_table('activity')

    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_responsible_id'))

    op.drop_table('measure')
