"""The network admin's dashboard, its CSV/XLSX exports and the printable yearly report (R9)."""
import re

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal

from ..accounts.models import Role
from ..collation import french_key
from ..exports import FORMATS, table_response
from ..reports.models import ReportStatus
from ..stats import api as stats
from ..stats import tables
from ..timeutil import paris_today
from .access import roles_required

bp = Blueprint("network_stats", __name__, url_prefix="/admin/stats")
network_only = roles_required(Role.network_admin)

#: Offices listed on the dashboard and the printed report (the exports have them all).
TOP_OFFICES = 25
#: Offices and partners drawn in the bar charts.
CHARTED = 10
#: Partners never visited listed on the dashboard.
UNVISITED_SHOWN = 30


@bp.app_template_filter("stat_number")
def stat_number(value):
    """12 345 or 12,5 in French; text is left as it is."""
    return format_decimal(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


@bp.route("")
@network_only
def dashboard():
    year = stats.parse_year(request.args.get("year"))
    figures = _figures(year)
    partners = tables.partners_table(year, stats.TOP_PARTNERS)
    return render_template("network/stats.html", **figures, years=stats.year_choices(), partners=partners,
                           unvisited=tables.unvisited_table(year, UNVISITED_SHOWN),
                           chart_data=_chart_data(figures, partners))


@bp.route("/report")
@network_only
def report():
    year = stats.parse_year(request.args.get("year"))
    return render_template("network/stats_report.html", **_figures(year), today=paris_today(),
                           partners=tables.partners_table(year, 10))


@bp.route("/<name>.<fmt>")
@network_only
def export(name, fmt):
    if name not in tables.TABLES or fmt not in FORMATS:
        abort(404)
    year = stats.parse_year(request.args.get("year"))
    return table_response(tables.export_table(name, year), fmt, f"passresot66-{name}-{year}")


def _figures(year: int) -> dict:
    """What both the dashboard and the report show, each query run once."""
    agent_rows = stats.agent_figures(year)
    months = stats.visits_by_month(year)
    offices = tables.offices_table(year, agent_rows)
    offices.rows = sorted(offices.rows, key=lambda row: (-row[4], french_key(row[0])))
    partners_active, partners_unvisited = stats.partners_counts(year)
    report_counts = stats.reports_by_status(year)
    return dict(year=year, months=tables.months_table(year, months), month_rows=months,
                staff=tables.staff_table(year, agent_rows), offices=offices, top_offices=TOP_OFFICES,
                total=stats.network_total(agent_rows), kinds=stats.by_kind(agent_rows),
                partners_active=partners_active, partners_unvisited=partners_unvisited,
                scans=tables.scans_table(year, stats.scan_flags(year)),
                reports=tables.reports_table(year, report_counts), report_counts=report_counts,
                reports_handled=sum(n for status, n in report_counts if status is not ReportStatus.new))


def _chart_data(figures: dict, partners) -> dict:
    """The series static/js/stats-charts.js draws (the same figures as the tables)."""
    year = figures["year"]
    return {
        "months": {"labels": [row[0] for row in figures["months"].rows],
                   "series": [{"label": str(year), "data": [row[1] for row in figures["months"].rows]},
                              {"label": str(year - 1), "data": [row[2] for row in figures["months"].rows]}]},
        "kinds": {"labels": [str(kind.label) for kind, _f in figures["kinds"]], "unit": "%", "max": 100,
                  "series": [{"label": str(figures["staff"].columns[3]),
                              "data": [f.participation for _kind, f in figures["kinds"]]}]},
        "offices": _bars(figures["offices"].rows[:CHARTED], 4, figures["offices"].columns[4]),
        "partners": _bars(partners.rows[:CHARTED], 2, partners.columns[2]),
        "reports": {"labels": [row[0] for row in figures["reports"].rows],
                    "series": [{"label": str(figures["reports"].columns[1]),
                                "data": [row[1] for row in figures["reports"].rows]}]},
    }


#: "Office de tourisme de " and the like, left out of the chart's labels (the table keeps the name).
_OFFICE_PREFIX = re.compile(r"^office (de |du )?tourisme( intercommunal)?( de | d'| du | des |\s)?", re.IGNORECASE)


def _bars(rows, column: int, label) -> dict:
    return {"labels": [_OFFICE_PREFIX.sub("", row[0]) or row[0] for row in rows], "horizontal": True,
            "series": [{"label": str(label), "data": [row[column] for row in rows]}]}
