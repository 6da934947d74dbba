"""partner survey: the network's yearly questions to partner sites, one answer per site

Revision ID: 0024_partner_survey
Revises: 0023_eductour_scans
Create Date: 2026-12-05 08:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = '0024_partner_survey'
down_revision = '0023_eductour_scans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partner_surveys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('intro', sa.String(length=600), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_partner_surveys_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_surveys')),
        sa.UniqueConstraint('year', name=op.f('uq_partner_surveys_year')),
    )
    op.create_table(
        'partner_survey_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.Enum('rating', 'text', name='survey_question_kind', native_enum=False,
                                  create_constraint=True, length=10), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['partner_surveys.id'], ondelete='CASCADE',
                                name=op.f('fk_partner_survey_questions_survey_id_partner_surveys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_survey_questions')),
        sa.UniqueConstraint('survey_id', 'position', name='one_question_per_position'),
    )
    op.create_table(
        'partner_survey_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_partner_survey_answers_answered_by_id_users')),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'],
                                name=op.f('fk_partner_survey_answers_partner_id_partners')),
        sa.ForeignKeyConstraint(['survey_id'], ['partner_surveys.id'],
                                name=op.f('fk_partner_survey_answers_survey_id_partner_surveys')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_survey_answers')),
        sa.UniqueConstraint('survey_id', 'partner_id', name='one_answer_per_site'),
    )
    op.create_table(
        'partner_survey_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5',
                           name=op.f('ck_partner_survey_replies_rating_range')),
        sa.ForeignKeyConstraint(['answer_id'], ['partner_survey_answers.id'], ondelete='CASCADE',
                                name=op.f('fk_partner_survey_replies_answer_id_partner_survey_answers')),
        sa.ForeignKeyConstraint(['question_id'], ['partner_survey_questions.id'],
                                name=op.f('fk_partner_survey_replies_question_id_partner_survey_questions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_survey_replies')),
        sa.UniqueConstraint('answer_id', 'question_id', name='one_reply_per_question'),
    )


def downgrade():
    op.drop_table('partner_survey_replies')
    op.drop_table('partner_survey_answers')
    op.drop_table('partner_survey_questions')
    op.drop_table('partner_surveys')
