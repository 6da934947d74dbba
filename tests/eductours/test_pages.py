"""Eductour pages over HTTP: planning with the form (French messages, nothing saved on a refusal),
the roll call, and the agent's list with each site's practical information."""
from datetime import timedelta

from passresot.eductours.models import Attendance, Programme
from passresot.extensions import db
from passresot.timeutil import paris_today
from tests.helpers import csrf_token, login


def _form(token, partners, agents, day, **extra):
    data = {"csrf_token": token, "title": "Vallespir", "day": day.isoformat(),
            "guests": "Anne Guide ; ADT66 ; anne@example.fr"}
    for i, (partner, start, end) in enumerate(partners):
        data.update({f"stops-{i}-partner_id": str(partner.id), f"stops-{i}-starts_at": start,
                     f"stops-{i}-ends_at": end})
    data["agents"] = [str(a.id) for a in agents]
    data.update(extra)
    return data


def test_an_ot_admin_plans_and_takes_the_roll_call(client, make):
    office = make.office()
    admin, agents = make.office_admin(office), [make.agent(office), make.agent()]
    castle, cave = make.partner(name="Château"), make.partner(name="Cave")
    login(client, admin.email)
    token = csrf_token(client, "/eductours/new")
    today = paris_today()
    answer = client.post("/eductours/new", data=_form(token, [(castle, "09:00", "10:30"), (cave, "11:00", "12:00")],
                                                      agents, today))
    assert answer.status_code == 302
    programme = Programme.query.one()
    assert [s.partner_id for s in programme.stops] == [castle.id, cave.id]
    page = client.get(f"/eductours/{programme.id}").get_data(as_text=True)
    assert "Château" in page and "Anne Guide" in page
    stop = programme.stops[0]
    for _ in range(2):  # ticking twice keeps one attendance
        client.post(f"/eductours/{programme.id}/stops/{stop.id}/roll-call",
                    data={"csrf_token": token, "user_id": agents[1].id, "present": "1"})
    assert Attendance.query.filter_by(user_id=agents[1].id).count() == 1
    client.post(f"/eductours/{programme.id}/stops/{stop.id}/roll-call",
                data={"csrf_token": token, "user_id": agents[1].id, "present": "0"})
    assert Attendance.query.count() == 0


def test_a_refused_programme_shows_french_messages_and_saves_nothing(client, make):
    office = make.office()
    admin, agent = make.office_admin(office), make.agent(office)
    castle = make.partner()
    login(client, admin.email)
    token = csrf_token(client, "/eductours/new")
    answer = client.post("/eductours/new", data=_form(token, [(castle, "11:00", "10:00"), (castle, "12:00", "13:00")],
                                                      [agent], paris_today() - timedelta(days=1)))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "l&#39;heure de fin doit suivre" in page and "figure déjà dans le programme" in page
    assert "ne peut pas être passée" in page
    assert Programme.query.count() == 0


def test_the_agent_sees_their_programmes_with_practical_information(client, make):
    office = make.office()
    admin, agent, stranger = make.office_admin(office), make.agent(office), make.agent(office)
    site = make.partner(name="Musée d'art", address="4 rue du Musée", phone="04 68 00 00 00",
                        opening_info="Entrée par la cour")
    login(client, admin.email)
    token = csrf_token(client, "/eductours/new")
    client.post("/eductours/new", data=_form(token, [(site, "14:00", "15:30")], [agent],
                                             paris_today() + timedelta(days=3)))
    db.session.expire_all()
    client.post("/logout", data={"csrf_token": token})
    login(client, agent.email)
    page = client.get("/my/eductours").get_data(as_text=True)
    assert "Vallespir" in page and "4 rue du Musée" in page and "04 68 00 00 00" in page
    assert "Entrée par la cour" in page and "14:00" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/my/eductours")})
    login(client, stranger.email)
    assert "Vallespir" not in client.get("/my/eductours").get_data(as_text=True)
