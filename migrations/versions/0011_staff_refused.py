"""a refusal the staff chose offline with no rule behind it is recorded as `staff_refused`

Until now the scanner sent such refusals as `malformed`, which counted them among unreadable codes.

Revision ID: 0011_staff_refused
Revises: 0010_sessions_devices
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op


revision = '0011_staff_refused'
down_revision = '0010_sessions_devices'
branch_labels = None
depends_on = None

OLD_REASONS = ('malformed', 'unknown_key', 'invalid_signature', 'revoked', 'not_yet_valid', 'expired',
               'already_visited', 'outside_accepted_period', 'not_a_partner_account')
NEW_REASONS = OLD_REASONS + ('staff_refused',)


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _allow(reasons):
    # The columns stay VARCHAR(30): only their CHECK of the allowed values changes.
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_scans_scan_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_scans_scan_offline_reason'), type_='check')
        batch_op.create_check_constraint('scan_reason', _in('reason', reasons))
        batch_op.create_check_constraint('scan_offline_reason', _in('offline_reason', reasons))


def upgrade():
    _allow(NEW_REASONS)


def downgrade():
    op.execute("UPDATE scans SET reason = 'malformed' WHERE reason = 'staff_refused'")
    op.execute("UPDATE scans SET offline_reason = 'malformed' WHERE offline_reason = 'staff_refused'")
    _allow(OLD_REASONS)
