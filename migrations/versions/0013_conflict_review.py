"""a conflict counts nowhere until the network admin accepts it; accepted or voided, with who and when

Conflicts recorded before this revision already made their visit: they are kept as accepted (their
figures do not change), with no reviewer.

Revision ID: 0013_conflict_review
Revises: 0012_after_withdrawal
Create Date: 2026-12-04 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0013_conflict_review'
down_revision = '0012_after_withdrawal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review', sa.Enum('accepted', 'voided', native_enum=False,
                                                        create_constraint=True, length=10, name='scan_review'),
                                      nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_scans_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'])
        batch_op.create_check_constraint('review_is_of_a_conflict', 'review IS NULL OR conflict')
        batch_op.create_check_constraint('review_has_date', '(review IS NULL) = (reviewed_at IS NULL)')
    op.execute("UPDATE scans SET review = 'accepted', reviewed_at = received_at "
               "WHERE conflict AND visit_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scans_review_has_date'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_scans_review_is_of_a_conflict'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_scans_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_scans_scan_review'), type_='check')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('review')
