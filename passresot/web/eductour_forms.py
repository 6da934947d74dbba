"""The planning form of an eductour programme; the domain (eductours/api.py) checks every value."""
from datetime import date, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms import widgets

from ..accounts.models import Role, User
from ..collation import by_name
from ..offices.models import Office
from ..partners.models import Partner

STOP_ROWS = 5


class StopForm(Form):
    partner_id = SelectField(_l("Site partenaire"), coerce=str, validate_choice=False)
    starts_at = StringField(_l("Début"), render_kw={"type": "time"})
    ends_at = StringField(_l("Fin"), render_kw={"type": "time"})


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProgrammeForm(FlaskForm):
    title = StringField(_l("Titre"))
    day = StringField(_l("Date"), render_kw={"type": "date"})
    offices = CheckboxesField(_l("Offices concernés"), coerce=int, validate_choice=False)
    stops = FieldList(FormField(StopForm), min_entries=STOP_ROWS, max_entries=STOP_ROWS)
    agents = CheckboxesField(_l("Agents invités"), coerce=int, validate_choice=False)
    guests = TextAreaField(_l("Invités sans compte"),
                           description=_l("Un par ligne : Nom ; Organisme ; e-mail (facultatif)."))

    def fill_choices(self, admin: User) -> None:
        partners = by_name(Partner.query.filter(Partner.active.is_(True)).all(), "name", "commune")
        for row in self.stops:
            row.partner_id.choices = [("", _l("— aucun —"))] + [(str(p.id), f"{p.name} ({p.commune})") for p in partners]
        agents = User.query.filter(User.role == Role.agent, User.active.is_(True)).all()
        # the admin's own office first, then the others, each by name
        agents = sorted(by_name(agents, "last_name", "first_name"), key=lambda a: a.office_id != admin.office_id)
        self.agents.choices = [(a.id, f"{a.last_name} {a.first_name} — {a.office.name}") for a in agents]
        self.offices.choices = [(o.id, o.name) for o in Office.query.order_by(Office.name).all()]

    def values(self) -> dict:
        """What plan_programme / update_programme take; unreadable dates and times stay as text."""
        stops = []
        for row in self.stops:
            if not (row.partner_id.data or row.starts_at.data or row.ends_at.data):
                continue
            stops.append({"partner_id": _int(row.partner_id.data), "starts_at": _time(row.starts_at.data),
                          "ends_at": _time(row.ends_at.data)})
        guests = []
        for line in (self.guests.data or "").splitlines():
            parts = [part.strip() for part in line.split(";")] + ["", ""]
            if any(parts):
                guests.append({"name": parts[0], "organisation": parts[1], "email": parts[2]})
        return {"title": self.title.data, "day": _date(self.day.data), "stops": stops,
                "agent_ids": list(self.agents.data or []), "guests": guests, "office_ids": list(self.offices.data or [])}

    def load(self, programme) -> None:
        self.title.data, self.day.data = programme.title, programme.day.isoformat()
        self.offices.data = [o.id for o in programme.offices]
        for row, stop in zip(self.stops, programme.stops):
            row.partner_id.data = str(stop.partner_id)
            row.starts_at.data, row.ends_at.data = stop.starts_at.strftime("%H:%M"), stop.ends_at.strftime("%H:%M")
        self.agents.data = [i.user_id for i in programme.invitations if i.user_id]
        self.guests.data = "\n".join(f"{i.guest_name} ; {i.guest_organisation} ; {i.guest_email}".rstrip(" ;")
                                     for i in programme.invitations if i.guest_name)


def _int(text):
    return int(text) if text and str(text).isdigit() else None


def _date(text):
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return text


def _time(text):
    try:
        return time.fromisoformat(text or "")
    except ValueError:
        return text
