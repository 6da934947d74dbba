"""Forms with their French validation messages (CSRF included by Flask-WTF)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import AnyOf, Email, EqualTo, InputRequired, Length, Optional, Regexp, ValidationError

from ..accounts.models import AgentKind, Role
from ..agents import photos
from ..partners.listing import minutes_or_none
from ..partners.models import CATEGORY_LABELS
from ..reports.models import ReportStatus

REQUIRED = _l("Ce champ est obligatoire.")
PHONE_PATTERN = r"^\+?[0-9 .()-]{6,20}$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _required():
    return InputRequired(message=REQUIRED)


def _email_field(label=_l("Adresse e-mail")):
    return EmailField(label, validators=[
        _required(), Length(max=254, message=_l("254 caractères au plus.")),
        Email(message=_l("Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."),
              check_deliverability=False)], filters=[_strip])


def _name_field(label):
    return StringField(label, validators=[
        _required(), Length(max=80, message=_l("80 caractères au plus."))], filters=[_strip])


class ActionForm(FlaskForm):
    """A button that posts: only the CSRF token."""


class ActiveForm(FlaskForm):
    """The « Désactiver » / « Réactiver » button of an office, a site or an account."""

    active = HiddenField()

    @property
    def wanted(self) -> bool:
        return self.active.data == "1"


class PassCloseForm(FlaskForm):
    """« Marquer comme rendu » (a note) or « Révoquer » (a reason, the domain requires it), from the
    agent's page or the office view (`next`)."""

    note = StringField(_l("Note"), filters=[_strip])
    reason = StringField(_l("Motif"), filters=[_strip])
    next = HiddenField()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Mot de passe"), validators=[_required()])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nouveau mot de passe"), validators=[
        _required(), Length(min=10, max=200,
                            message=_l("Choisissez un mot de passe d'au moins 10 caractères."))])
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        _required(), EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))])


class OfficeForm(FlaskForm):
    name = StringField(_l("Nom de l'office"), validators=[
        _required(), Length(max=120, message=_l("120 caractères au plus."))])
    commune = _name_field(_l("Commune"))
    email = _email_field(_l("E-mail de l'office"))
    phone = StringField(_l("Téléphone"), validators=[Optional(), Regexp(
        PHONE_PATTERN, message=_l("Saisissez un numéro de téléphone, par exemple 04 68 12 34 56."))])


PHOTO_LABEL = _l("Photo (JPEG, PNG, WebP ou HEIC, %(mb)s Mo au plus)", mb=photos.MAX_MB)
#: static/js/photo-shrink.js shrinks what the browser can decode and says the limit beside the field
#: before sending, so the rest of the form is never lost to a refused upload.
PHOTO_INPUT = {"accept": photos.ACCEPT, "data-shrink-photo": "", "data-max-bytes": photos.MAX_BYTES,
               "data-too-big": photos.too_big_message()}


class PersonForm(FlaskForm):
    first_name = _name_field(_l("Prénom"))
    last_name = _name_field(_l("Nom"))
    email = _email_field()


class SiteStaffForm(PersonForm):
    """A person of a partner site: its manager, or entrance staff who only scan."""
    role = SelectField(_l("Rôle"), choices=[
        (Role.partner_staff.value, _l("Responsable du site (fiche, entrées, appareils)")),
        (Role.entrance_staff.value, _l("Personnel d'entrée (scanner seulement)"))],
        default=Role.partner_staff.value, validators=[Optional()])  # absent: the site's manager


class AgentForm(PersonForm):
    kind = SelectField(_l("Type de contrat"), choices=[
        (AgentKind.permanent.value, _l("Permanent")),
        (AgentKind.seasonal.value, _l("Saisonnier"))], validators=[_required()])
    contract_start = DateField(_l("Début du contrat"), validators=[Optional()])
    contract_end = DateField(_l("Fin du contrat"), validators=[Optional()])
    photo = FileField(PHOTO_LABEL, render_kw=PHOTO_INPUT)

    def validate_contract_end(self, field):
        if self.kind.data == AgentKind.seasonal.value and not field.data:
            raise ValidationError(_l("La date de fin est obligatoire pour un saisonnier."))
        if field.data and self.contract_start.data and field.data < self.contract_start.data:
            raise ValidationError(_l("La fin du contrat doit suivre son début."))


class PartnerForm(FlaskForm):
    name = StringField(_l("Nom du site"), validators=[
        _required(), Length(max=160, message=_l("160 caractères au plus."))])
    commune = _name_field(_l("Commune"))
    category = SelectField(_l("Catégorie"), validators=[_required()],
                           choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()])


class PhotoForm(FlaskForm):
    photo = FileField(PHOTO_LABEL, validators=[_required()], render_kw=PHOTO_INPUT)


class ImportForm(FlaskForm):
    file = FileField(_l("Fichier CSV"), validators=[_required()])


class ImportConfirmForm(FlaskForm):
    #: The file as sent at preview time, base64; parsed and checked again before writing.
    payload = TextAreaField(validators=[_required()])


class TriageForm(FlaskForm):
    """The network admin's handling of a report: its status and, optionally, an answer to the agent
    (its length is the domain's rule: reports.api.triage)."""

    status = RadioField(_l("Statut"), choices=[(status.value, status.label) for status in ReportStatus],
                        validators=[InputRequired(message=_l("Choisissez un statut.")),
                                    AnyOf([status.value for status in ReportStatus],
                                          message=_l("Choisissez un statut."))],
                        validate_choice=False)
    answer = TextAreaField(_l("Réponse à l'agent"), filters=[_strip])


class ReportForm(FlaskForm):
    """An agent's report when sent without the page's script (the script writes it to the outbox and
    the API): the raw fields, checked by the domain (reports.api.record_report) like the API's, its
    messages placed beside them by apply_domain_error."""

    id = HiddenField()
    partner_id = StringField(_l("Site partenaire"))
    kind = StringField(_l("Problème"))
    text = TextAreaField(_l("Ce qui s'est passé"))

    def sent(self) -> dict:
        return {"id": self.id.data or "", "partner_id": int_or_none(self.partner_id.data),
                "kind": self.kind.data, "text": self.text.data or ""}


def int_or_none(value):
    """A form's or a query's number, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class OtherVisitForm(FlaskForm):
    """A visit without the pass recorded by the OT admin (an eductour...): raw fields checked by the
    domain (hours.api.record_other_visit); the length as in the partner form and CSV (90, 1h30)."""

    partner_id = StringField(_l("Site partenaire"))
    visited_on = StringField(_l("Date"))
    minutes = StringField(_l("Durée"))
    note = StringField(_l("Précision (facultatif)"), filters=[_strip])

    def sent(self) -> dict:
        try:
            visited_on = date.fromisoformat(self.visited_on.data or "")
        except ValueError:
            visited_on = None
        return {"partner_id": int_or_none(self.partner_id.data), "visited_on": visited_on,
                "minutes": minutes_or_none(self.minutes.data), "note": self.note.data or ""}
