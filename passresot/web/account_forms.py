"""Forms of one's own account and of entrance devices (CSRF included by Flask-WTF)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, Length, Regexp

from .forms import REQUIRED, _email_field, _name_field, _required, _strip

PIN_MESSAGE = _l("Le code PIN compte de 4 à 6 chiffres.")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[_required()])
    password = PasswordField(_l("Nouveau mot de passe"), validators=[
        _required(), Length(min=10, max=200,
                            message=_l("Choisissez un mot de passe d'au moins 10 caractères."))])
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        _required(), EqualTo("password", message=_l("Les deux mots de passe ne sont pas identiques."))])


class ResetRequestForm(FlaskForm):
    email = _email_field()


class DeviceNameForm(FlaskForm):
    name = _name_field(_l("Nom de l'appareil"))


class EnrolCodeForm(FlaskForm):
    code = StringField(_l("Code d'appareil"), validators=[
        _required(), Length(max=80, message=_l("80 caractères au plus."))], filters=[_strip])


class SitePinForm(FlaskForm):
    pin = PasswordField(_l("Nouveau code PIN du site"), validators=[
        _required(), Regexp(r"^[0-9]{4,6}$", message=PIN_MESSAGE)])


__all__ = ["ChangePasswordForm", "ResetRequestForm", "DeviceNameForm", "EnrolCodeForm", "SitePinForm",
           "REQUIRED"]
