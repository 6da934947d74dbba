"""`flask generate-national --scale`: the national data set in miniature, counted by the dashboard."""
from datetime import date

from sqlalchemy import func, select

from passresot.accounts.models import Role, User
from passresot.extensions import db
from passresot.offices.models import Office
from passresot.partners.models import Partner
from passresot.stats import api
from passresot.stats.generator import generate_national, sizes
from passresot.visits.models import Visit


def test_sizes_scale_down_the_national_figures():
    assert sizes(1.0) == {"offices": 1200, "agents": 15000, "partners": 50000, "visits": 1_000_000}
    assert sizes(0.001) == {"offices": 1, "agents": 15, "partners": 50, "visits": 1000}


def test_generate_national_small_scale(app_ctx):
    today = date(2026, 6, 30)
    counts = generate_national(scale=0.002, seed=3, today=today)
    db.session.commit()
    assert counts["offices"] == db.session.scalar(select(func.count()).select_from(Office)) == 2
    assert counts["agents"] == db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.agent)) == 30
    assert counts["partners"] == db.session.scalar(select(func.count()).select_from(Partner)) == 100
    assert counts["visits"] == db.session.scalar(select(func.count()).select_from(Visit)) > 1500
    assert db.session.scalar(select(func.max(Visit.admitted_at))).date() <= today
    months = api.visits_by_month(2026)
    assert sum(this for _m, this, _l in months) > 0 and sum(last for _m, _t, last in months) > 0
    assert all(this == 0 for month, this, _l in months if month > 6)
    total = api.network_total(api.agent_figures(2026))
    assert 0 < total.participation < 100


def test_the_command_runs(app, app_ctx):
    result = app.test_cli_runner().invoke(args=["generate-national", "--scale", "0.0005"])
    assert result.exit_code == 0, result.output
    assert "1 offices, 8 agents, 25 partners" in result.output and " visits" in result.output
