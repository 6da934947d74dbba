"""The network admin's partner list: search (accents and case ignored), filters, French order, pages."""
from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from ..collation import french_key
from ..extensions import db
from .models import Booking, Partner, PartnerCategory, PartnerPeriod

PAGE_SIZE = 100
#: "" is the active sites; the rest narrow or widen it.
STATES = ("", "incomplete", "inactive", "all")


@dataclass(frozen=True)
class PartnerQuery:
    """What the admin asked for; unknown values fall back to the defaults."""

    search: str = ""
    category: str = ""
    state: str = ""

    @classmethod
    def from_args(cls, args) -> "PartnerQuery":
        category = args.get("category", "")
        state = args.get("state", "")
        return cls(search=args.get("q", "").strip()[:80],
                   category=category if category in {c.value for c in PartnerCategory} else "",
                   state=state if state in STATES else "")

    def as_args(self) -> dict:
        return {k: v for k, v in (("q", self.search), ("category", self.category), ("state", self.state)) if v}


@dataclass
class PartnerPage:
    partners: list
    total: int
    page: int
    pages: int


def _incomplete():
    """R6: no phone, no booking rule, or neither all year nor any period."""
    has_period = exists(select(PartnerPeriod.id).where(PartnerPeriod.partner_id == Partner.id))
    return or_(Partner.phone == "", Partner.booking == Booking.unknown,
               (Partner.accepts_all_year.is_(False)) & ~has_period)


def _folded(text: str) -> str:
    return french_key(text)[0]


def matching_ids(query: PartnerQuery) -> list:
    """The ids of every partner the query matches, in French order of name then commune. Only
    (id, name, commune) are read, so 50,000 sites stay quick on either engine."""
    rows = select(Partner.id, Partner.name, Partner.commune)
    if query.state != "all":
        rows = rows.where(Partner.active.is_(query.state != "inactive"))
    if query.state == "incomplete":
        rows = rows.where(_incomplete())
    if query.category:
        rows = rows.where(Partner.category == PartnerCategory(query.category))
    rows = db.session.execute(rows).all()
    if query.search:  # in Python: « ceret » finds « Céret » on SQLite and PostgreSQL alike
        words = _folded(query.search).split()
        rows = [row for row in rows if all(w in f"{_folded(row.name)} {_folded(row.commune)}" for w in words)]
    rows.sort(key=lambda row: (french_key(row.name), french_key(row.commune), row.id))
    return [row.id for row in rows]


def matching_partners(query: PartnerQuery) -> list:
    """Every partner the query matches, in French order of name then commune."""
    return _load(matching_ids(query))


def partner_page(query: PartnerQuery, page: int) -> PartnerPage:
    """One page of the matching partners (pages start at 1; past the end shows the last one)."""
    ids = matching_ids(query)
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return PartnerPage(_load(ids[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]), len(ids), page, pages)


def _load(ids: list) -> list:
    """The partners of `ids`, in that order."""
    by_id = {partner.id: partner for partner in Partner.query.filter(Partner.id.in_(ids))} if ids else {}
    return [by_id[i] for i in ids]
