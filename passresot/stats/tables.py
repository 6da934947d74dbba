"""The dashboard's figures as titled tables: shown beside the charts and exported to CSV and XLSX."""
from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _

from ..exports import Table
from . import api

#: Export name → builder; the names appear in the download URLs (/admin/stats/<name>.csv).
TABLES = ("months", "offices", "staff", "partners", "unvisited", "scans", "reports")


def month_names() -> list[str]:
    names = get_month_names("wide", locale=get_locale())
    return [names[m] for m in range(1, 13)]


def months_table(year: int, rows=None) -> Table:
    rows = rows if rows is not None else api.visits_by_month(year)
    names = month_names()
    return Table(_("Visites par mois %(year)s", year=year), [_("Mois"), str(year), str(year - 1)],
                 [(names[month - 1], this, last) for month, this, last in rows])


def _figures_columns(first: str) -> list[str]:
    return [first, _("Agents"), _("Agents ayant visité"), _("Participation (%)"), _("Visites"),
            _("Agents à 14 h ou plus"), _("Heures moyennes par agent")]


def _figures_row(label, figures) -> tuple:
    return (label, figures.agents, figures.participants, figures.participation, figures.visits,
            figures.at_target, figures.average_hours)


def offices_table(year: int, agent_rows=None) -> Table:
    agent_rows = agent_rows if agent_rows is not None else api.agent_figures(year)
    return Table(_("Offices %(year)s", year=year), _figures_columns(_("Office")),
                 [_figures_row(name, figures) for name, figures in api.by_office(agent_rows)])


def staff_table(year: int, agent_rows=None) -> Table:
    agent_rows = agent_rows if agent_rows is not None else api.agent_figures(year)
    rows = [_figures_row(str(kind.label), figures) for kind, figures in api.by_kind(agent_rows)]
    rows.append(_figures_row(_("Tout le réseau"), api.network_total(agent_rows)))
    return Table(_("Personnel %(year)s", year=year), _figures_columns(_("Type de personnel")), rows)


def partners_table(year: int, limit=None) -> Table:
    return Table(_("Visites par partenaire %(year)s", year=year), [_("Partenaire"), _("Commune"), _("Visites")],
                 api.visits_by_partner(year, limit))


def unvisited_table(year: int, limit=None) -> Table:
    return Table(_("Partenaires jamais visités %(year)s", year=year), [_("Partenaire"), _("Commune")],
                 api.partners_not_visited(year, limit))


def scans_table(year: int, flags=None) -> Table:
    conflicts, overrides = flags if flags is not None else api.scan_flags(year)
    return Table(_("Contrôles %(year)s", year=year), [_("Cas"), _("Nombre")],
                 [(_("Conflits (admis hors ligne, refusés par le serveur)"), conflicts),
                  (_("Entrées acceptées quand même"), overrides)])


def reports_table(year: int, counts=None) -> Table:
    counts = counts if counts is not None else api.reports_by_status(year)
    return Table(_("Signalements %(year)s", year=year), [_("Statut"), _("Nombre")],
                 [(str(status.label), count) for status, count in counts])


def export_table(name: str, year: int) -> Table:
    """The full table `name` (one of TABLES) for `year`; KeyError for an unknown name."""
    builders = {"months": months_table, "offices": offices_table, "staff": staff_table,
                "partners": partners_table, "unvisited": unvisited_table, "scans": scans_table,
                "reports": reports_table}
    return builders[name](year)
