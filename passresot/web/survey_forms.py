"""The forms of the partner survey: the network admin's questions, and a site's answer (one field
per question of the year, built from the survey)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, RadioField, SelectField, StringField, TextAreaField

from ..surveys.api import MAX_INTRO_CHARS, MAX_QUESTIONS, MAX_TEXT_CHARS
from ..surveys.models import QuestionKind

KIND_LABELS = {QuestionKind.rating: _l("Note de 1 à 5"), QuestionKind.text: _l("Texte libre")}


class QuestionRow(Form):
    text = StringField(_l("Question"))
    kind = SelectField(_l("Réponse"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
                       validate_choice=False)
    required = BooleanField(_l("Obligatoire"), default=True)


class SurveyQuestionsForm(FlaskForm):
    intro = TextAreaField(_l("Présentation (facultatif)"), render_kw={"maxlength": MAX_INTRO_CHARS, "rows": 3})
    questions = FieldList(FormField(QuestionRow), min_entries=MAX_QUESTIONS, max_entries=MAX_QUESTIONS)

    def load(self, survey):
        """Filled with the year's questions (then blank rows)."""
        if survey is not None:
            self.intro.data = survey.intro
            for row, question in zip(self.questions, survey.questions):
                row.form.text.data, row.form.kind.data = question.text, question.kind.value
                row.form.required.data = question.required
        return self

    def values(self) -> list[dict]:
        return [{"text": row.form.text.data or "", "kind": row.form.kind.data, "required": row.form.required.data}
                for row in self.questions]


class _AnswerForm(FlaskForm):
    pass


def answer_form(survey, **kwargs) -> FlaskForm:
    """A form with a field `q<id>` per question: five choices for a rating, a text area for a text."""
    fields = {}
    for question in survey.questions:
        label = question.text if question.required else _l("%(text)s (facultatif)", text=question.text)
        if question.kind is QuestionKind.rating:
            fields[f"q{question.id}"] = RadioField(label, choices=[(str(n), str(n)) for n in range(1, 6)],
                                                   validate_choice=False)
        else:
            fields[f"q{question.id}"] = TextAreaField(label, render_kw={"maxlength": MAX_TEXT_CHARS, "rows": 4})
    form_class = type("SurveyAnswerForm", (_AnswerForm,), fields)
    return form_class(**kwargs)


def answer_values(form, survey) -> dict:
    return {question.id: form[f"q{question.id}"].data for question in survey.questions}
