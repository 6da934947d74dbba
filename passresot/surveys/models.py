"""One survey a year: its questions (a 1–5 rating or a free text), and one answer per partner site."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class QuestionKind(enum.Enum):
    rating = "rating"
    text = "text"


class Survey(db.Model):
    """The network's survey of partner sites for a calendar year."""

    __tablename__ = "partner_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    #: Shown above the questions (why the network asks, how long it takes).
    intro: Mapped[str] = mapped_column(String(600), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    questions = relationship("SurveyQuestion", order_by="SurveyQuestion.position", cascade="all, delete-orphan",
                             back_populates="survey")
    answers = relationship("SurveyAnswer", back_populates="survey")


class SurveyQuestion(db.Model):
    __tablename__ = "partner_survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position", name="one_question_per_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("partner_surveys.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[QuestionKind] = mapped_column(
        Enum(QuestionKind, native_enum=False, create_constraint=True, length=10, name="survey_question_kind"))
    required: Mapped[bool] = mapped_column(default=True)

    survey = relationship("Survey", back_populates="questions")


class SurveyAnswer(db.Model):
    """A site's answer for the year: once, by its manager or entrance staff."""

    __tablename__ = "partner_survey_answers"
    __table_args__ = (UniqueConstraint("survey_id", "partner_id", name="one_answer_per_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("partner_surveys.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey = relationship("Survey", back_populates="answers")
    partner = relationship("Partner")
    answered_by = relationship("User")
    replies = relationship("SurveyReply", cascade="all, delete-orphan", back_populates="answer")


class SurveyReply(db.Model):
    """The answer to one question: a rating 1–5 or a text (an optional question may stay empty)."""

    __tablename__ = "partner_survey_replies"
    __table_args__ = (
        UniqueConstraint("answer_id", "question_id", name="one_reply_per_question"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("partner_survey_answers.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("partner_survey_questions.id"))
    rating: Mapped[Optional[int]]
    text: Mapped[Optional[str]] = mapped_column(Text)

    answer = relationship("SurveyAnswer", back_populates="replies")
    question = relationship("SurveyQuestion")
