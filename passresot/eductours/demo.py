"""Demo eductours: a past day with its roll call taken (hours on the agents' pages) and one to come."""
from datetime import date, time, timedelta

from .api import mark_present, plan_programme


def load_demo_eductours(admin, agents, partners, today: date) -> None:
    """`agents`: the admin's office's agents, first the demo agent; `partners`: active demo sites."""
    past_day = today - timedelta(days=20)
    past = plan_programme(admin, title="Éductour Côte Vermeille", day=past_day, today=past_day,
                          stops=[{"partner_id": partners[0].id, "starts_at": time(9, 30), "ends_at": time(11)},
                                 {"partner_id": partners[1].id, "starts_at": time(11, 30), "ends_at": time(12, 30)}],
                          agent_ids=[agent.id for agent in agents[:3]],
                          guests=[{"name": "Laure Sabaté", "organisation": "ADT 66"}])
    for stop in past.stops:
        for agent in agents[:3]:
            mark_present(admin, stop, agent.id, today=today)
    plan_programme(admin, title="Éductour Conflent", day=today + timedelta(days=7), today=today,
                   stops=[{"partner_id": partners[2].id, "starts_at": time(9), "ends_at": time(10, 30)},
                          {"partner_id": partners[3].id, "starts_at": time(11), "ends_at": time(12)},
                          {"partner_id": partners[4].id, "starts_at": time(14), "ends_at": time(16)}],
                   agent_ids=[agent.id for agent in agents[:4]])
