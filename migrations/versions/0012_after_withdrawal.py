"""scans sent by an entrance device after its withdrawal, made before it, are kept and flagged

The network admin's review (and its partial index) takes them with conflicts and overrides.

Revision ID: 0012_after_withdrawal
Revises: 0011_staff_refused
Create Date: 2026-12-04 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0012_after_withdrawal'
down_revision = '0011_staff_refused'
branch_labels = None
depends_on = None

OLD_FLAGGED = "conflict OR override"
NEW_FLAGGED = "conflict OR override OR after_withdrawal"


def _flagged_index(predicate):
    op.create_index('ix_scans_flagged', 'scans', ['received_at'], unique=False,
                    sqlite_where=sa.text(predicate), postgresql_where=sa.text(predicate))


def upgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('after_withdrawal', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.drop_index('ix_scans_flagged', table_name='scans')
    _flagged_index(NEW_FLAGGED)


def downgrade():
    op.drop_index('ix_scans_flagged', table_name='scans')
    _flagged_index(OLD_FLAGGED)
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_column('after_withdrawal')
