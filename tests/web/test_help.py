"""/help: public, in French, with the reader's role only once signed in; every refusal reason
the scanner can show is explained to partner staff."""
from html import unescape

import pytest

from passresot.passes.exceptions import REFUSAL_MESSAGES, REFUSAL_REASONS
from tests.helpers import login

SECTIONS = {
    "agent": "Agents des offices : votre pass",
    "partner_staff": "Personnel des sites partenaires : scanner les pass",
    "office_admin": "Administrateurs d'office",
    "network_admin": "Administrateurs du réseau",
}


def page(client):
    response = client.get("/help")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def test_signed_out_sees_every_role(client):
    html = page(client)
    for title in SECTIONS.values():
        assert title in html
    assert 'lang="fr"' in html


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_signed_in_sees_their_role_only(client, make, role):
    person = getattr(make, role)()
    login(client, person.email)
    html = page(client)
    assert SECTIONS[role] in html
    assert [title for other, title in SECTIONS.items() if other != role and title in html] == []
    assert 'href="/help"' in html  # linked from the user menu


def test_partner_staff_learn_every_refusal_reason(client, make):
    login(client, make.partner_staff().email)
    html = page(client)
    assert set(REFUSAL_MESSAGES) == set(REFUSAL_REASONS)
    for reason, message in REFUSAL_MESSAGES.items():
        assert f'id="reason-{reason}"' in html
        assert str(message) in html
    for words in ("Accepter quand même", "Annuler cette entrée", "Sans réseau", "Vérifier"):
        assert words in html


def test_agents_learn_the_pass_offline_and_reporting(client, make):
    login(client, make.agent().email)
    html = page(client)
    for words in ("Présenter le pass", "Sans réseau", "Signaler un problème", "Sur l'écran d'accueil"):
        assert words in html
