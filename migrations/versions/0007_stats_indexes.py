"""indexes for the network dashboard at national scale (issue 6 part 6): a year's visits per partner,
per agent and per month read from the indexes alone;
partners by name

Revision ID: 0007_stats_indexes
Revises: 0006_reports_other_visits
Create Date: 2026-11-29 23:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_stats_indexes'
down_revision = '0006_reports_other_visits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_year_partner', ['year', 'partner_id'], unique=False)
        batch_op.create_index('ix_visits_year_user_partner', ['year', 'user_id', 'partner_id'], unique=False)
        batch_op.create_index('ix_visits_admitted_at', ['admitted_at'], unique=False)
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_index('ix_partners_name', ['name'], unique=False)


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index('ix_partners_name')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_admitted_at')
        batch_op.drop_index('ix_visits_year_user_partner')
        batch_op.drop_index('ix_visits_year_partner')
