"""eductour attendance by scan: a scan at a programme's stop names the stop (no free entry used)

Revision ID: 0023_eductour_scans
Revises: 0022_certificates
Create Date: 2026-12-05 08:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0023_eductour_scans'
down_revision = '0022_certificates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eductour_stop_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_scans_eductour_stop_id_eductour_stops', 'eductour_stops',
                                    ['eductour_stop_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint('eductour_admits_without_visit',
                                         "eductour_stop_id IS NULL OR (status = 'admitted' AND visit_id IS NULL)")


def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint('eductour_admits_without_visit', type_='check')
        batch_op.drop_constraint('fk_scans_eductour_stop_id_eductour_stops', type_='foreignkey')
        batch_op.drop_column('eductour_stop_id')
