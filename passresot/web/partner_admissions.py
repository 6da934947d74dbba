"""Partner staff see their own site's admissions for a period and export them (never another site's);
everyone at the site's entrance (manager, entrance staff, entrance device) sees today's."""
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..exports import FORMATS, Table, table_response
from ..surveys.api import open_survey_for_site
from ..timeutil import paris_today
from ..visits import site_stats
from .access import roles_required

bp = Blueprint("partner_admissions", __name__, url_prefix="/site")

#: How many lines of the list the page shows; the exports always hold them all.
LIST_ON_PAGE = 300
TABLES = ("days", "months", "offices", "list")


def _page(period, errors, status=200, **figures):
    """The page: the period form (with what was sent when it is wrong) and, for a good period, the figures."""
    if errors:
        shown = {name: request.args.get(name, "")[:40] for name in ("year", "start", "end")}
    else:
        whole_year = (period.start, period.end) == (date(period.start.year, 1, 1), date(period.start.year, 12, 31))
        shown = {"year": period.start.year if whole_year else "", "start": period.start.isoformat(),
                 "end": period.end.isoformat()}
    day = paris_today()  # today's first: on a phone, what the site asks most often
    today_rows = site_stats.admission_list(current_user.partner_id, site_stats.Period(day, day))[::-1]
    return render_template("partner_site/admissions.html", partner=current_user.partner, period=period,
                           errors=errors, shown=shown, this_year=day.year, day=day, today_rows=today_rows,
                           today_counted=sum(1 for row in today_rows if row.counted), **figures), status


def _period():
    """The period the query string asks for, or the field errors to show beside the form."""
    args = request.args
    try:
        return site_stats.parse_period(args.get("year"), args.get("start"), args.get("end"),
                                       today=paris_today()), {}
    except site_stats.InvalidPeriod as error:
        return None, {name: str(message) for name, message in error.fields.items()}


@bp.route("/admissions")
@roles_required(Role.partner_staff)
def admissions():
    partner_id = current_user.partner_id  # never from the request: staff see their own site only
    period, errors = _period()
    if period is None:
        return _page(None, errors, 400)
    per_day = site_stats.admissions_per_day(partner_id, period)
    rows = site_stats.admission_list(partner_id, period)
    return _page(period, {}, per_day=per_day,
                 per_month=site_stats.admissions_per_month(partner_id, period, per_day),
                 per_office=_offices_table(partner_id, period),
                 totals=site_stats.admission_totals(partner_id, period),
                 rows=rows[::-1][:LIST_ON_PAGE], row_count=len(rows))


@bp.route("/today")
@roles_required(Role.partner_staff, Role.entrance_staff, Role.entrance_device)
def today():
    """Today's admissions at the site, the latest first: what the entrance needs, no export."""
    day = paris_today()
    rows = site_stats.admission_list(current_user.partner_id, site_stats.Period(day, day))
    survey = open_survey_for_site(current_user.partner_id, day.year) if current_user.role is Role.entrance_staff else None
    return render_template("partner_site/today.html", partner=current_user.partner, day=day, rows=rows[::-1],
                           counted=sum(1 for row in rows if row.counted), open_survey=survey)


@bp.route("/admissions/<table>.<fmt>")
@roles_required(Role.partner_staff)
def export(table, fmt):
    if table not in TABLES or fmt not in FORMATS:
        abort(404)
    period, errors = _period()
    if period is None:
        return _page(None, errors, 400)
    built = _TABLE_BUILDERS[table](current_user.partner_id, period)
    filename = f"entrees-{table}-{period.start.isoformat()}-{period.end.isoformat()}"
    return table_response(built, fmt, filename)


def _days_table(partner_id, period) -> Table:
    rows = site_stats.admissions_per_day(partner_id, period)
    return Table(_("Entrées par jour"), [_("Jour"), _("Entrées")], rows)


def _months_table(partner_id, period) -> Table:
    rows = site_stats.admissions_per_month(partner_id, period)
    return Table(_("Entrées par mois"), [_("Mois"), _("Entrées")],
                 [(format_date(month, "MMMM y"), count) for month, count in rows])


def _offices_table(partner_id, period) -> Table:
    """The site's yearly sheet: admissions per office (rows) and month (columns), with the totals."""
    months = period.months()
    rows = site_stats.admissions_by_office_and_month(partner_id, period)
    columns = [_("Office")] + [format_date(month, "MMM y") for month in months] + [_("Total")]
    body = [(office or _("Sans office"), *counts, sum(counts)) for office, counts in rows]
    totals = [sum(counts[index] for _office, counts in rows) for index in range(len(months))]
    body.append((_("Total"), *totals, sum(totals)))
    return Table(_("Entrées par office et par mois"), columns, body)


def network_sheet(partner_id, fmt, year):
    """The same yearly sheet of any site, for the network admin (web/network.py)."""
    period = site_stats.Period(date(year, 1, 1), date(year, 12, 31))
    return table_response(_offices_table(partner_id, period), fmt, f"entrees-offices-site-{partner_id}-{year}")


def _list_table(partner_id, period) -> Table:
    yes, no = _("oui"), _("non")
    columns = [_("Date"), _("Heure"), _("Titulaire"), _("Office"), _("Hors connexion"), _("Conflit"),
               _("Acceptée quand même"), _("Annulée"), _("Comptée")]
    rows = [(row.paris_at.date(), row.paris_at.strftime("%H:%M"), row.holder, row.office or "",
             *[yes if flag else no for flag in (row.offline, row.conflict, row.override, row.undone,
                                                row.counted)])
            for row in site_stats.admission_list(partner_id, period)]
    return Table(_("Liste des entrées"), columns, rows)


_TABLE_BUILDERS = {"days": _days_table, "months": _months_table, "offices": _offices_table, "list": _list_table}
