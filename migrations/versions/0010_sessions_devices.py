"""sessions the server can end, entrance devices and entrance staff, enrolment codes, site PINs

Every sign-in (browser session, bearer token, entrance device) is a row of api_tokens with its
kind; users gains two site roles (entrance_staff, entrance_device).

Revision ID: 0010_sessions_devices
Revises: 0009_partner_import_jobs
Create Date: 2026-12-03 20:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0010_sessions_devices'
down_revision = '0009_partner_import_jobs'
branch_labels = None
depends_on = None

OLD_ROLES = ('network_admin', 'office_admin', 'agent', 'partner_staff')
NEW_ROLES = OLD_ROLES + ('entrance_staff', 'entrance_device')


def _in(values):
    return "role IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_partner_matches_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_user_role'), type_='check')
        # The column stays VARCHAR(20): only its CHECK of the allowed values changes (an alter_column
        # with Enum types would drop that CHECK a second time on PostgreSQL).
        batch_op.create_check_constraint('user_role', _in(NEW_ROLES))
        batch_op.create_check_constraint(
            'partner_matches_role',
            "(role IN ('partner_staff', 'entrance_staff', 'entrance_device')) = (partner_id IS NOT NULL)")
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='token', nullable=False))
        batch_op.add_column(sa.Column('last_sync_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_scans', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('app_version', sa.String(length=40), nullable=True))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_check_constraint('sign_in_kind', "kind IN ('token', 'browser', 'device')")
    op.create_table(
        'enrolment_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('device_name', sa.String(length=80), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('device_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_enrolment_codes_created_by_id_users')),
        sa.ForeignKeyConstraint(['device_id'], ['users.id'], name=op.f('fk_enrolment_codes_device_id_users')),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_enrolment_codes_partner_id_partners'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_enrolment_codes_code_hash')),
    )
    with op.batch_alter_table('enrolment_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_codes_partner_id'), ['partner_id'], unique=False)
    op.create_table(
        'site_pins',
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('pin_hash', sa.String(length=255), nullable=False),
        sa.Column('set_at', sa.DateTime(), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_site_pins_partner_id_partners'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_site_pins_set_by_id_users')),
        sa.PrimaryKeyConstraint('partner_id', name=op.f('pk_site_pins')),
    )
    # Browser sessions were signed cookies only: everyone signs in once more after this upgrade.


def downgrade():
    op.drop_table('site_pins')
    with op.batch_alter_table('enrolment_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_codes_partner_id'))
    op.drop_table('enrolment_codes')
    op.execute("DELETE FROM api_tokens WHERE kind <> 'token'")
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_tokens_sign_in_kind'), type_='check')
        batch_op.drop_column('app_version')
        batch_op.drop_column('pending_scans')
        batch_op.drop_column('last_sync_at')
        batch_op.drop_column('kind')
    op.execute("DELETE FROM users WHERE role IN ('entrance_staff', 'entrance_device')")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_partner_matches_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_user_role'), type_='check')
        batch_op.create_check_constraint('user_role', _in(OLD_ROLES))
        batch_op.create_check_constraint('partner_matches_role', "(role = 'partner_staff') = (partner_id IS NOT NULL)")
