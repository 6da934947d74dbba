"""partner imports as background jobs; DATAtourisme sites keep their regional SIT identifier

Revision ID: 0009_partner_import_jobs
Revises: 0008_rate_limits
Create Date: 2026-12-03 20:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_partner_import_jobs'
down_revision = '0008_rate_limits'
branch_labels = None
depends_on = None

STATUSES = ('queued', 'reading', 'ready', 'confirmed', 'importing', 'done', 'failed')


def upgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sit_id', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_partners_sit_id', ['sit_id'], unique=False)
    op.create_table(
        'partner_import_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('origin', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('file_path', sa.String(length=500), nullable=False),
        sa.Column('format', sa.String(length=30), nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='partner_import_job_status', native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column('done', sa.BigInteger(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('info', sa.JSON(), nullable=False),
        sa.Column('apply_periods', sa.Boolean(), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ondelete='SET NULL',
                                name=op.f('fk_partner_import_jobs_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_import_jobs')),
    )
    with op.batch_alter_table('partner_import_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_partner_import_jobs_created_at', ['created_at'], unique=False)
    op.create_table(
        'partner_import_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['partner_import_jobs.id'], ondelete='CASCADE',
                                name=op.f('fk_partner_import_rows_job_id_partner_import_jobs')),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ondelete='SET NULL',
                                name=op.f('fk_partner_import_rows_partner_id_partners')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_import_rows')),
    )
    with op.batch_alter_table('partner_import_rows', schema=None) as batch_op:
        batch_op.create_index('ix_partner_import_rows_job_status', ['job_id', 'status', 'position'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('partner_import_rows', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_import_rows_job_status')
    op.drop_table('partner_import_rows')
    with op.batch_alter_table('partner_import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_import_jobs_created_at')
    op.drop_table('partner_import_jobs')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index('ix_partners_sit_id')
        batch_op.drop_column('sit_id')
