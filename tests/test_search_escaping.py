"""Search boxes take % and _ literally."""
from passresot.accounts.api import escape_like, search_users
from passresot.accounts.models import User
from passresot.partners.admin_list import PartnerQuery, matching_partners


def test_escape_like():
    assert escape_like("a_b%c\\d") == "a\\_b\\%c\\\\d"


def test_an_underscore_does_not_list_every_agent(make):
    office = make.office()
    make.agent(office, last_name="Puig"), make.agent(office, last_name="Sala_Vila")
    found = search_users(User.query.filter_by(office_id=office.id), "_").all()
    assert [u.last_name for u in found] == ["Sala_Vila"]


def test_a_percent_sign_does_not_list_every_partner(make):
    make.partner(name="Musée"), make.partner(name="Cave 100% bio")
    assert [p.name for p in matching_partners(PartnerQuery(search="%"))] == ["Cave 100% bio"]
