"""The audit evidence pack downloads (OT admin: own office; network admin: any or all) and the indicator review."""
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..evidence.indicators import current_half, parse_half, review
from ..evidence.pack import pack_pdf, pack_zip
from ..evidence.base import rolling_period, year_period
from ..evidence.sections import office_sections
from ..offices.models import Office
from ..stats.api import parse_year
from ..timeutil import paris_today
from .access import roles_required

bp = Blueprint("audit_pack", __name__)
FORMATS = ("pdf", "zip")
ROLLING = "3ans"


@bp.app_context_processor
def _audit_years():
    """The years the pack form offers (newest first), for the office overview and the network's office page."""
    return {"audit_years": lambda: list(range(paris_today().year, paris_today().year - 4, -1))}


def _period():
    raw = request.args.get("period", "")
    if raw == ROLLING:
        return rolling_period(paris_today())
    return year_period(parse_year(raw))


def _period_text(period) -> str:
    if period.label.isdigit():
        return _("année %(year)s", year=period.label)
    return _("du %(since)s au %(until)s (3 ans glissants)", since=period.since.strftime("%d/%m/%Y"),
             until=period.until.strftime("%d/%m/%Y"))


def _download(body: bytes, fmt: str, name: str) -> Response:
    mimetype = "application/pdf" if fmt == "pdf" else "application/zip"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _office_pack(office: Office, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    period = _period()
    sections, text = office_sections(office.id, period), _period_text(period)
    name = f"passresot66-preuves-office-{office.id}-{period.label}"
    if fmt == "pdf":
        return _download(pack_pdf(office.name, text, current_user.full_name, sections), fmt, name)
    return _download(pack_zip([(office.name, sections)], current_user.full_name, text), fmt, name)


@bp.route("/office/audit-pack.<fmt>")
@roles_required(Role.office_admin)
def office_pack(fmt):
    """The admin's own office only: the office comes from the account, never from the URL."""
    return _office_pack(Office.query.get_or_404(current_user.office_id), fmt)


@bp.route("/admin/offices/<int:office_id>/audit-pack.<fmt>")
@roles_required(Role.network_admin)
def network_office_pack(office_id, fmt):
    return _office_pack(Office.query.get_or_404(office_id), fmt)


@bp.route("/admin/audit-pack.zip")
@roles_required(Role.network_admin)
def network_pack():
    """Every open office's pack, a folder each, in one ZIP."""
    period = _period()
    offices = Office.query.filter(Office.active.is_(True)).order_by(Office.name).all()
    packs = [(office.name, office_sections(office.id, period)) for office in offices]
    body = pack_zip(packs, current_user.full_name, _period_text(period))
    return _download(body, "zip", f"passresot66-preuves-reseau-{period.label}")


@bp.route("/admin/indicators")
@roles_required(Role.network_admin)
def indicators():
    """The twice-yearly indicator review, to read or print."""
    today = paris_today()
    half = parse_half(request.args.get("half"), today)
    halves = _recent_halves(today)
    return render_template("network/indicators.html", half=half, previous=half.previous(), rows=review(half),
                           halves=halves, now=datetime.now(timezone.utc))


def _recent_halves(today):
    """The current half-year and the seven before it, for the selector."""
    half, found = current_half(today), []
    for _i in range(8):
        found.append(half)
        half = half.previous()
    return found
