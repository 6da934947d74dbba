"""The demo's survey of the year: four questions, answered by three sites' managers (demo accounts
without a password: they only give the network admin something to read); the demo staff's own site
has not answered, so its home shows the survey."""
from ..accounts.models import Role, User
from ..extensions import db
from .api import answer_survey, set_questions

QUESTIONS = [
    {"text": "Êtes-vous satisfait de l'accueil des agents des offices sur votre site ?", "kind": "rating",
     "required": True},
    {"text": "Les agents présentent-ils leur pass sans difficulté ?", "kind": "rating", "required": True},
    {"text": "Le scanner fonctionne-t-il bien à votre entrée ?", "kind": "rating", "required": True},
    {"text": "Que pourrait faire le réseau pour mieux vous accompagner ?", "kind": "text", "required": False},
]
ANSWERS = [("5", "5", "4", "Prévenir un peu avant les éductours de groupe."),
           ("4", "3", "3", "Le réseau ne passe pas dans la grotte : heureusement le scanner marche sans."),
           ("5", "4", "5", "")]


def load_demo_survey(network_admin, partners, year: int) -> None:
    """`partners`: active demo sites other than the demo staff's."""
    survey = set_questions(network_admin, year, "Quatre questions, deux minutes : merci pour votre accueil !",
                           QUESTIONS)
    for partner, values in zip(partners, ANSWERS):
        manager = User(email=f"responsable.{partner.id}@demo.passresot66.fr", role=Role.partner_staff,
                       first_name="Responsable", last_name=partner.name[:60], partner_id=partner.id,
                       password_hash=None)
        db.session.add(manager)
        db.session.flush()
        answer_survey(manager, survey, dict(zip([q.id for q in survey.questions], values)))
