"""The partner survey: the network admin sets the year's questions and reads the answers (and
exports them); a site's manager or entrance staff answer once a year (/site/survey)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..errors import DomainError
from ..exports import FORMATS, table_response
from ..extensions import db
from ..stats.api import parse_year, year_choices
from ..surveys.api import (answer_of_site, answer_survey, answers_table, is_locked, set_questions, survey_of_year,
                           survey_results)
from ..timeutil import paris_today
from .access import roles_required
from .survey_forms import SurveyQuestionsForm, answer_form, answer_values
from .validation import apply_domain_error, form_status

bp = Blueprint("surveys", __name__)

SITE_PEOPLE = (Role.partner_staff, Role.entrance_staff)


@bp.route("/site/survey", methods=["GET", "POST"])
@roles_required(*SITE_PEOPLE)
def answer():
    """This year's survey for the person's own site (never another's: the site comes from the account)."""
    survey = survey_of_year(paris_today().year)
    if survey is None or not survey.questions:
        return render_template("surveys/answer.html", survey=None, form=None, answered=None), 404
    answered = answer_of_site(survey, current_user.partner_id)
    form = answer_form(survey)
    if answered is None and form.validate_on_submit():
        try:
            answer_survey(current_user, survey, answer_values(form, survey))
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Merci ! La réponse de votre site est enregistrée."), "success")
            return redirect(url_for("surveys.answer"))
    elif answered is not None and request.method == "POST":
        flash(_("Votre site a déjà répondu à l'enquête de cette année : merci !"), "info")
        return redirect(url_for("surveys.answer"), 303)
    return render_template("surveys/answer.html", survey=survey, form=form, answered=answered), form_status(form)


@bp.route("/admin/survey")
@roles_required(Role.network_admin)
def results():
    year = parse_year(request.args.get("year"))
    survey = survey_of_year(year)
    return render_template("surveys/results.html", year=year, years=year_choices(), survey=survey,
                           results=survey_results(survey) if survey else None, locked=is_locked(survey))


@bp.route("/admin/survey/questions", methods=["GET", "POST"])
@roles_required(Role.network_admin)
def questions():
    year = parse_year(request.args.get("year"))
    survey = survey_of_year(year)
    form = SurveyQuestionsForm() if request.method == "POST" else SurveyQuestionsForm(formdata=None).load(survey)
    if form.validate_on_submit():
        try:
            set_questions(current_user, year, form.intro.data, form.values())
        except DomainError as error:
            db.session.rollback()
            apply_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Questions de l'enquête %(year)s enregistrées.", year=year), "success")
            return redirect(url_for("surveys.results", year=year))
    return render_template("surveys/questions.html", year=year, form=form, locked=is_locked(survey)), form_status(form)


@bp.route("/admin/survey/answers.<fmt>")
@roles_required(Role.network_admin)
def export(fmt):
    if fmt not in FORMATS:
        abort(404)
    year = parse_year(request.args.get("year"))
    survey = survey_of_year(year)
    if survey is None:
        abort(404)
    return table_response(answers_table(survey), fmt, f"passresot66-enquete-partenaires-{year}")
