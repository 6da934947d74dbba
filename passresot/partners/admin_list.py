"""The network admin's partner list: search (accents and case ignored), filters, French order, pages."""
from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from ..collation import by_name, french_key
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


def matching_partners(query: PartnerQuery) -> list:
    """Every partner the query matches, in French order of name then commune."""
    rows = Partner.query
    if query.state != "all":
        rows = rows.filter(Partner.active.is_(query.state != "inactive"))
    if query.state == "incomplete":
        rows = rows.filter(_incomplete())
    if query.category:
        rows = rows.filter(Partner.category == PartnerCategory(query.category))
    rows = rows.all()
    if query.search:  # in Python: « ceret » finds « Céret » on SQLite and PostgreSQL alike
        words = _folded(query.search).split()
        rows = [p for p in rows if all(w in f"{_folded(p.name)} {_folded(p.commune)}" for w in words)]
    return by_name(rows, "name", "commune")


def partner_page(query: PartnerQuery, page: int) -> PartnerPage:
    """One page of the matching partners (pages start at 1; past the end shows the last one)."""
    rows = matching_partners(query)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    return PartnerPage(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], len(rows), page, pages)
