"""What routes call: the network admin sets a year's questions (until the first answer) and reads the
results; a site's staff answer once a year. Nothing is saved half-way: every check comes first."""
from dataclasses import dataclass, field
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.api import record_event
from ..collation import french_key
from ..exports import Table
from ..extensions import db
from ..partners.models import Partner
from ..i18n import moment_text
from .exceptions import AlreadyAnswered, InvalidAnswer, InvalidSurvey, NoSurvey, SurveyLocked
from .models import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyReply

MAX_QUESTIONS = 10
MAX_QUESTION_CHARS = 300
MAX_INTRO_CHARS = 600
#: A free-text answer: a few paragraphs at most.
MAX_TEXT_CHARS = 2000


def survey_of_year(year: int) -> Optional[Survey]:
    return Survey.query.filter_by(year=year).one_or_none()


def is_locked(survey: Optional[Survey]) -> bool:
    """Questions are frozen once a site has answered: every answer must mean the same questions."""
    return survey is not None and db.session.scalar(
        select(SurveyAnswer.id).where(SurveyAnswer.survey_id == survey.id).limit(1)) is not None


def set_questions(admin, year: int, intro: str, questions: list[dict]) -> Survey:
    """The year's questions, in order, as [{text, kind: "rating" | "text", required}]; replaces the
    previous ones while no site has answered. Blank rows are ignored."""
    survey = survey_of_year(year)
    if is_locked(survey):
        raise SurveyLocked()
    intro = (intro or "").strip()
    rows = [q for q in questions if (q.get("text") or "").strip()]
    fields = {}
    if len(intro) > MAX_INTRO_CHARS:
        fields["intro"] = _l("%(max)s caractères au plus.", max=MAX_INTRO_CHARS)
    if not rows:
        fields["questions"] = _l("Écrivez au moins une question.")
    elif len(rows) > MAX_QUESTIONS:
        fields["questions"] = _l("%(max)s questions au plus.", max=MAX_QUESTIONS)
    for index, row in enumerate(rows, start=1):
        if len(row["text"].strip()) > MAX_QUESTION_CHARS:
            fields["questions"] = _l("Question %(n)s : %(max)s caractères au plus.", n=index, max=MAX_QUESTION_CHARS)
        if row.get("kind") not in {kind.value for kind in QuestionKind}:
            fields["questions"] = _l("Question %(n)s : choisissez une note de 1 à 5 ou un texte libre.", n=index)
    if fields:
        raise InvalidSurvey(fields=fields)
    if survey is None:
        survey = Survey(year=year)
        db.session.add(survey)
    survey.intro, survey.updated_by_id = intro, admin.id
    survey.questions.clear()
    db.session.flush()  # the old positions go before the new ones take them
    survey.questions.extend(SurveyQuestion(position=index, text=row["text"].strip(), kind=QuestionKind(row["kind"]),
                                           required=bool(row.get("required")))
                            for index, row in enumerate(rows, start=1))
    db.session.flush()
    record_event(admin, "survey.questions_set", "survey", survey.id, year=year, questions=len(rows))
    return survey


def open_survey_for_site(partner_id: int, year: int) -> Optional[Survey]:
    """The year's survey when it has questions and the site has not answered it yet, else None."""
    survey = survey_of_year(year)
    if survey is None or not survey.questions or answer_of_site(survey, partner_id) is not None:
        return None
    return survey


def answer_of_site(survey: Survey, partner_id: int) -> Optional[SurveyAnswer]:
    return SurveyAnswer.query.filter_by(survey_id=survey.id, partner_id=partner_id).one_or_none()


def answer_survey(user, survey: Optional[Survey], values: dict) -> SurveyAnswer:
    """The site's answer: `values` maps a question id to what was sent (a rating "1"–"5", a text).
    Refused whole when a required question is empty or a value is wrong; once per site and year."""
    if survey is None or not survey.questions:
        raise NoSurvey()
    if answer_of_site(survey, user.partner_id) is not None:
        raise AlreadyAnswered()
    replies, fields = [], {}
    for question in survey.questions:
        raw = values.get(question.id)
        text = raw.strip() if isinstance(raw, str) else ""
        name = f"q{question.id}"
        if not text:
            if question.required:
                fields[name] = _l("Cette question demande une réponse.")
            continue
        if question.kind is QuestionKind.rating:
            if text not in {"1", "2", "3", "4", "5"}:
                fields[name] = _l("Choisissez une note de 1 à 5.")
                continue
            replies.append(SurveyReply(question_id=question.id, rating=int(text)))
        else:
            if len(text) > MAX_TEXT_CHARS:
                fields[name] = _l("%(max)s caractères au plus.", max=MAX_TEXT_CHARS)
                continue
            replies.append(SurveyReply(question_id=question.id, text=text))
    if fields:
        raise InvalidAnswer(fields=fields)
    answer = SurveyAnswer(survey_id=survey.id, partner_id=user.partner_id, answered_by_id=user.id, replies=replies)
    db.session.add(answer)
    db.session.flush()
    record_event(user, "survey.answered", "partner", user.partner_id, survey_id=survey.id, year=survey.year)
    return answer


@dataclass
class QuestionResult:
    question: SurveyQuestion
    count: int = 0
    average: Optional[float] = None
    #: How many answers gave 1, 2, 3, 4, 5.
    spread: list[int] = field(default_factory=lambda: [0] * 5)
    #: (site, text) of the free-text answers, by site name.
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[QuestionResult]
    answered: list[SurveyAnswer]
    #: Active sites that have not answered yet, by name.
    waiting: list[Partner]


def survey_results(survey: Survey) -> SurveyResults:
    answers = sorted(SurveyAnswer.query.filter_by(survey_id=survey.id).all(),
                     key=lambda answer: french_key(answer.partner.name))
    results = {question.id: QuestionResult(question) for question in survey.questions}
    for answer in answers:
        for reply in answer.replies:
            result = results[reply.question_id]
            if reply.rating is not None:
                result.count += 1
                result.spread[reply.rating - 1] += 1
            elif reply.text:
                result.count += 1
                result.texts.append((answer.partner.name, reply.text))
    for result in results.values():
        ratings = sum(index * count for index, count in enumerate(result.spread, start=1))
        if result.question.kind is QuestionKind.rating and result.count:
            result.average = round(ratings / result.count, 1)
    answered_ids = {answer.partner_id for answer in answers}
    waiting = [p for p in Partner.query.filter(Partner.active.is_(True)).all() if p.id not in answered_ids]
    return SurveyResults(survey, [results[q.id] for q in survey.questions], answers,
                         sorted(waiting, key=lambda p: french_key(p.name)))


def answers_table(survey: Survey) -> Table:
    """Every answer, a line per site: site, commune, when, by whom, then one column per question."""
    columns = [str(_l("Site")), str(_l("Commune")), str(_l("Répondu le")), str(_l("Par"))]
    columns += [f"{question.position}. {question.text}" for question in survey.questions]
    rows = []
    for answer in survey_results(survey).answered:
        by_question = {reply.question_id: reply for reply in answer.replies}
        cells = []
        for question in survey.questions:
            reply = by_question.get(question.id)
            cells.append("" if reply is None else reply.rating if reply.rating is not None else reply.text)
        rows.append((answer.partner.name, answer.partner.commune, moment_text(answer.answered_at, "dd/MM/y HH:mm"),
                     answer.answered_by.full_name, *cells))
    return Table(str(_l("Enquête partenaires %(year)s", year=survey.year)), columns, rows)
