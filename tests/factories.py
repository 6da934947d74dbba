"""Small factories that write real rows; each returns the saved object."""
import functools
import io
import itertools
from datetime import date, timedelta

from PIL import Image

from passresot.accounts.models import AgentKind, Role, User
from passresot.agents.models import AgentPhoto
from passresot.agents.photos import reencode_photo
from passresot.extensions import db
from passresot.offices.models import Office
from passresot.partners.models import Partner, PartnerCategory

_seq = itertools.count(1)


def jpeg_bytes(size=(800, 1000), color=(200, 80, 40), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@functools.cache
def default_photo() -> bytes:
    """The photo every factory agent gets: re-encoded by the app once per run, not once per agent
    (that cost ~17 ms per agent, a seventh of the database tests' time; test_photos.py tests it)."""
    return reencode_photo(jpeg_bytes())


class Factory:
    def __init__(self, password_hash):
        self.password_hash = password_hash

    def office(self, name=None, **fields) -> Office:
        n = next(_seq)
        office = Office(name=name or f"Office de test {n}", commune=fields.pop("commune", "Céret"),
                        email=fields.pop("email", f"ot{n}@example.fr"), **fields)
        db.session.add(office)
        db.session.commit()
        return office

    def partner(self, name=None, **fields) -> Partner:
        n = next(_seq)
        partner = Partner(name=name or f"Site {n}", commune=fields.pop("commune", "Collioure"),
                          category=fields.pop("category", PartnerCategory.museum), **fields)
        db.session.add(partner)
        db.session.commit()
        return partner

    def user(self, role: Role, email=None, **fields) -> User:
        n = next(_seq)
        fields.setdefault("password_hash", self.password_hash)
        user = User(role=role, email=email or f"{role.value}{n}@example.fr",
                    first_name=fields.pop("first_name", "Prénom"),
                    last_name=fields.pop("last_name", f"Nom{n}"), **fields)
        db.session.add(user)
        db.session.commit()
        return user

    def network_admin(self, **fields) -> User:
        return self.user(Role.network_admin, **fields)

    def office_admin(self, office=None, **fields) -> User:
        return self.user(Role.office_admin, office_id=(office or self.office()).id, **fields)

    def partner_staff(self, partner=None, **fields) -> User:
        return self.user(Role.partner_staff, partner_id=(partner or self.partner()).id, **fields)

    def agent(self, office=None, *, photo=True, seasonal=False, **fields) -> User:
        today = date.today()
        fields.setdefault("kind", AgentKind.seasonal if seasonal else AgentKind.permanent)
        fields.setdefault("contract_start", today - timedelta(days=100))
        if seasonal:
            fields.setdefault("contract_end", today + timedelta(days=90))
        agent = self.user(Role.agent, office_id=(office or self.office()).id, **fields)
        if photo:
            db.session.add(AgentPhoto(user_id=agent.id, jpeg=default_photo()))
            db.session.commit()
        return agent
