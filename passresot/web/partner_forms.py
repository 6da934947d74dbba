"""Forms for a partner listing: every field for the network admin, practical ones for the site's staff."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..partners.exceptions import InvalidListing
from ..partners.listing import clean_listing, clean_periods
from ..partners.models import BOOKING_LABELS, CATEGORY_LABELS

EXTRA_PERIOD_ROWS = 2


class PeriodForm(Form):
    starts_on = DateField(_l("Du"), validators=[Optional()])
    ends_on = DateField(_l("Au"), validators=[Optional()])
    recurring = BooleanField(_l("Chaque année"))


class PartnerPracticalForm(FlaskForm):
    """What partner staff may change on their own site."""

    phone = StringField(_l("Téléphone"))
    website = StringField(_l("Site web"))
    socials = TextAreaField(_l("Réseaux sociaux (une adresse par ligne)"))
    manager_name = StringField(_l("Responsable du site"))
    booking = SelectField(_l("Réservation"), default="unknown", validate_choice=False,
                          choices=[(b.value, label) for b, label in BOOKING_LABELS.items()])
    accepts_all_year = BooleanField(_l("Accueille les pass toute l'année"))
    periods = FieldList(FormField(PeriodForm), min_entries=1)
    description = TextAreaField(_l("Présentation courte"))
    opening_info = TextAreaField(_l("Horaires et informations d'ouverture"))

    PRACTICAL = ("phone", "website", "socials", "manager_name", "booking", "accepts_all_year",
                 "description", "opening_info")

    def listing_values(self) -> dict:
        """The typed values as the domain expects them (periods checked; may raise InvalidListing)."""
        values = {name: getattr(self, name).data for name in self._listing_names()}
        rows = [(entry.starts_on.data, entry.ends_on.data, entry.recurring.data) for entry in self.periods]
        errors = {}
        for check in (lambda: clean_listing(values), lambda: values.update(periods=clean_periods(rows))):
            try:
                check()
            except InvalidListing as error:  # report every wrong field at once, not the first only
                errors.update(error.fields)
        if errors:
            raise InvalidListing(fields=errors)
        return values

    def _listing_names(self):
        return self.PRACTICAL

    def load(self, partner):
        """Fill the form from a partner, with a couple of blank period rows to add more."""
        for name in self._listing_names():
            value = getattr(partner, name)
            if name == "socials":
                value = "\n".join(value or [])
            getattr(self, name).data = getattr(value, "value", value)
        while len(self.periods):
            self.periods.pop_entry()
        for period in partner.periods:
            self.periods.append_entry({"starts_on": period.starts_on, "ends_on": period.ends_on,
                                       "recurring": period.recurring})
        for _ in range(EXTRA_PERIOD_ROWS):
            self.periods.append_entry()
        return self


class PartnerForm(PartnerPracticalForm):
    """The whole listing, for the network admin."""

    name = StringField(_l("Nom du site"), validators=[InputRequired(message=_l("Ce champ est obligatoire."))])
    category = SelectField(_l("Catégorie"), validate_choice=False,
                           choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()])
    commune = StringField(_l("Commune"), validators=[InputRequired(message=_l("Ce champ est obligatoire."))])
    insee_code = StringField(_l("Code INSEE de la commune"))
    address = StringField(_l("Adresse"))
    postal_code = StringField(_l("Code postal"))
    latitude = StringField(_l("Latitude"))
    longitude = StringField(_l("Longitude"))
    email = StringField(_l("E-mail"))
    visit_minutes = StringField(_l("Durée de visite habituelle"))

    def _listing_names(self):
        return ("name", "category", "commune", "insee_code", "address", "postal_code", "latitude",
                "longitude", "email", "visit_minutes") + self.PRACTICAL
