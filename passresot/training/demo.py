"""Demo training ledger for the Perpignan office: entries (one with a PDF certificate), one agent at
80 %, one purely administrative. Deterministic; called by passresot/demo.py."""
from datetime import date, timedelta

from .. import pdf
from ..hours.api import agent_start
from .api import record_training, set_work_settings

#: (days ago, minutes, title, organisation, accredited)
COURSES = [
    (700, 14 * 60, "Accueil des clientèles anglophones", "CCI Pyrénées-Orientales", True),
    (420, 7 * 60, "Valoriser les sites Pays cathare", "Réseau des sites Pays cathare", False),
    (300, 21 * 60, "Conseil en séjour et numérique", "ADT Pyrénées-Orientales (organisme agréé)", True),
    (120, 3 * 60 + 30, "Sentiers et sécurité en montagne", "OT de Perpignan (formation interne)", False),
    (40, 7 * 60, "Accessibilité : accueillir tous les publics", "CNFPT", True),
    (10, 7 * 60, "L'offre du territoire pour la saison", "CCI Pyrénées-Orientales", True),
]


def load_demo_training(admin, agents, today: date) -> None:
    """Add the Perpignan agents' training: each agent gets the courses that fall after their start."""
    for number, agent in enumerate(agents):
        for index, (days_ago, minutes, title, organisation, accredited) in enumerate(COURSES):
            day = today - timedelta(days=days_ago + 9 * number)
            if day < agent_start(agent) or (number + index) % 3 == 2:
                continue
            certificate = _certificate(agent, title, day) if number == 0 and index == 0 else None
            record_training(admin, agent, trained_on=day, minutes=minutes, title=title, organisation=organisation,
                            accredited=accredited, certificate=certificate, today=today)
    if len(agents) > 3:
        set_work_settings(admin, agents[2], working_percent=80, service="front_desk", administrative=False)
        set_work_settings(admin, agents[3], working_percent=100, service="other", administrative=True)


def _certificate(agent, title: str, day: date) -> bytes:
    document = pdf.new_document("Attestation de formation")
    document.add_page()
    document.set_font(size=16)
    document.multi_cell(0, 10, text=f"Attestation de formation\n\n{agent.full_name}\n{title}\n{day:%d/%m/%Y} — 14 h")
    return pdf.to_bytes(document)
