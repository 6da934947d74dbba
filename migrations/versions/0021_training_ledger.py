"""training: per-agent work settings (working time, service, purely administrative) and training entries

Revision ID: 0021_training_ledger
Revises: 0019_hand_edited
Create Date: 2026-12-05 01:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0021_training_ledger'
down_revision = '0019_hand_edited'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agent_work_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('working_percent', sa.Integer(), nullable=False),
    sa.Column('service', sa.Enum('front_desk', 'other', name='agent_service', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('administrative', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('working_percent BETWEEN 1 AND 100', name=op.f('ck_agent_work_settings_working_percent_range')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_work_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_work_settings'))
    )
    op.create_table('training_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('accredited', sa.Boolean(), nullable=False),
    sa.Column('certificate_file', sa.String(length=64), nullable=True),
    sa.Column('certificate_kind', sa.Enum('pdf', 'jpeg', name='certificate_kind', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 15 AND 4200', name=op.f('ck_training_entries_minutes_range')),
    sa.CheckConstraint('(certificate_file IS NULL) = (certificate_kind IS NULL)', name=op.f('ck_training_entries_certificate_complete')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_training_entries_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_entries')),
    sa.UniqueConstraint('certificate_file', name=op.f('uq_training_entries_certificate_file'))
    )
    with op.batch_alter_table('training_entries', schema=None) as batch_op:
        batch_op.create_index('ix_training_entries_user_day', ['user_id', 'trained_on'], unique=False)


def downgrade():
    with op.batch_alter_table('training_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_training_entries_user_day')
    op.drop_table('training_entries')
    op.drop_table('agent_work_settings')
