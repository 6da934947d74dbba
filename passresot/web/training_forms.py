"""The training entry and work settings forms: raw fields, checked by the domain (training.api)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField

from ..training import certificates
from ..training.api import parse_duration
from ..training.settings import work_settings
from ..training.models import SERVICE_LABELS
from .forms import int_or_none
from .uploads import uploaded_bytes


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TrainingForm(FlaskForm):
    trained_on = StringField(_l("Date de la formation"))
    minutes = StringField(_l("Durée"))
    title = StringField(_l("Intitulé"), filters=[_strip])
    organisation = StringField(_l("Organisme"), filters=[_strip])
    accredited = RadioField(_l("Organisme de formation agréé ?"), default="0", validate_choice=False,
                            choices=[("1", _l("Oui, organisme agréé")), ("0", _l("Non (formation interne…)"))])
    certificate = FileField(_l("Attestation (PDF ou photo, %(mb)s Mo au plus, facultatif)", mb=certificates.MAX_MB),
                            render_kw={"accept": certificates.ACCEPT})

    def sent(self) -> dict:
        try:
            trained_on = date.fromisoformat(self.trained_on.data or "")
        except ValueError:
            trained_on = None
        return {"trained_on": trained_on, "minutes": parse_duration(self.minutes.data),
                "title": self.title.data or "", "organisation": self.organisation.data or "",
                "accredited": self.accredited.data == "1",
                "certificate": uploaded_bytes(self.certificate.data, certificates.MAX_BYTES)}


class WorkSettingsForm(FlaskForm):
    working_percent = StringField(_l("Temps de travail (%)"))
    service = SelectField(_l("Service"), choices=[(s.value, label) for s, label in SERVICE_LABELS.items()],
                          validate_choice=False)
    administrative = BooleanField(_l("Purement administratif (hors objectif de 14 h de visites)"))

    def sent(self) -> dict:
        return {"working_percent": int_or_none((self.working_percent.data or "").strip().rstrip("%").strip()),
                "service": self.service.data or "", "administrative": bool(self.administrative.data)}


def work_settings_form(agent) -> WorkSettingsForm:
    """The agent form's « Temps de travail et service » card, filled with the agent's settings."""
    settings = work_settings(agent.id)
    return WorkSettingsForm(prefix="w", formdata=None, data={
        "working_percent": str(settings.working_percent), "service": settings.service.value,
        "administrative": settings.administrative})
