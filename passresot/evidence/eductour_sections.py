"""The pack's eductour section: each stop an agent attended, with how attendance was taken (the site's
scan recorded by the server, or the organiser's roll call) and the programme minutes it counts."""
from flask_babel import gettext as _

from ..agents.listing import french_key
from ..exports import Table
from .base import Section, _hours


def eductour_section(by_id: dict, stops: list) -> Section:
    """The office's agents' attended eductour stops (eductours.attendance.AttendedStop) of the period."""
    rows = []
    for stop in stops:
        agent = by_id[stop.user_id]
        rows.append((stop.day, agent.last_name, agent.first_name, stop.programme_title, stop.partner_name,
                     _hours(stop.minutes), _("scan du site") if stop.source == "scan" else _("appel de l'organisateur"),
                     stop.scan_id or ""))
    rows.sort(key=lambda row: (row[0], french_key(row[1]), french_key(row[2])))
    columns = [_("Date"), _("Nom"), _("Prénom"), _("Éductour"), _("Site partenaire"), _("Heures"),
               _("Présence relevée par"), _("Identifiant du scan")]
    return Section(_("Éductours : présence à chaque étape"), "7_eductours.csv",
                   Table(_("Éductours"), columns, rows),
                   _("Chaque étape suivie compte les heures du programme ; la présence vient du scan du pass par le "
                     "site (enregistré par le serveur) ou de l'appel fait par l'organisateur."),
                   (8, 11, 9, 16, 16, 5, 12, 23), {"stops": len(rows)})
