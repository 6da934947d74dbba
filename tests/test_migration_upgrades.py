"""Upgrading a database that already holds data: SQLite rebuilds tables that others point at."""
import sqlite3

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from passresot import create_app
from passresot.extensions import db


def test_upgrading_a_filled_sqlite_database_keeps_every_row(tmp_path):
    path = tmp_path / "old.db"
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="0003_api_tokens")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO offices (id, name, commune, email, phone, active, created_at) "
                "VALUES (1, 'OT', 'Céret', 'ot@example.fr', '', 1, '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO partners (id, name, commune, category, active, created_at) "
                "VALUES (7, 'Musée', 'Céret', 'museum', 1, '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO users (id, email, role, first_name, last_name, partner_id, active, "
                "created_at, session_version) VALUES (3, 'p@example.fr', 'partner_staff', 'A', 'B', 7, "
                "1, '2026-01-01', 1)"))
        upgrade()
        with db.engine.connect() as connection:
            partner = connection.execute(text("SELECT name, booking, accepts_all_year FROM partners")).one()
            staff_partner = connection.execute(text("SELECT partner_id FROM users WHERE id = 3")).scalar()
        downgrade(revision="0003_api_tokens")
        upgrade()
        db.engine.dispose()
    assert tuple(partner) == ("Musée", "unknown", 0)
    assert staff_partner == 7
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
