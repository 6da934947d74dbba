"""An office's agent list at the scale of hundreds: filters, French sort, paging, selections."""
from dataclasses import dataclass
from datetime import timedelta

from ..accounts.models import AgentKind, Role, User
from ..collation import french_key
from ..timeutil import paris_today
from .api import has_photo_ids

PAGE_SIZE = 50
ENDING_DAYS = 30
#: The filters of the list ("" is every active agent).
SHOWS = ("", "no_pass", "no_photo", "seasonal", "ending", "inactive")
SORTS = ("name", "-name", "contract_end", "recent")


@dataclass(frozen=True)
class AgentQuery:
    """What the admin asked the list for; unknown values fall back to the defaults."""

    search: str = ""
    show: str = ""
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> "AgentQuery":
        show, sort = args.get("show", ""), args.get("sort", "name")
        if args.get("inactive") == "1":  # the list's older address for the deactivated agents
            show = "inactive"
        return cls(search=args.get("q", "").strip()[:80], show=show if show in SHOWS else "",
                   sort=sort if sort in SORTS else "name")

    def as_args(self) -> dict:
        return {k: v for k, v in (("q", self.search), ("show", self.show), ("sort", self.sort)) if v}


@dataclass
class AgentPage:
    agents: list
    total: int
    page: int
    pages: int
    with_photo: set
    passes: dict


def matching_agents(office_id: int, query: AgentQuery) -> tuple[list, set, dict]:
    """Every agent of the office the query matches, sorted: (agents, ids with a photo, latest passes)."""
    from ..accounts.api import search_users
    from ..passes.api import office_passes

    rows = User.query.filter(User.role == Role.agent, User.office_id == office_id,
                             User.active.is_(query.show != "inactive"))
    rows = search_users(rows, query.search).all()
    ids = [agent.id for agent in rows]
    with_photo, passes = has_photo_ids(ids), office_passes(office_id, ids)
    rows = [agent for agent in rows if _shown(agent, query.show, with_photo, passes)]
    return _sorted(rows, query.sort), with_photo, passes


def _shown(agent, show, with_photo, passes) -> bool:
    if show == "no_pass":
        latest = passes.get(agent.id)
        return latest is None or latest.effective_status().value != "active"
    if show == "no_photo":
        return agent.id not in with_photo
    if show == "seasonal":
        return agent.kind is AgentKind.seasonal
    if show == "ending":
        today = paris_today()
        return agent.contract_end is not None and today <= agent.contract_end <= today + timedelta(days=ENDING_DAYS)
    return True


def _sorted(rows, sort):
    by_name = sorted(rows, key=lambda a: (french_key(a.last_name), french_key(a.first_name), a.id))
    if sort == "-name":
        return by_name[::-1]
    if sort == "contract_end":  # soonest first, open-ended contracts last
        return sorted(by_name, key=lambda a: (a.contract_end is None, a.contract_end or paris_today()))
    if sort == "recent":
        return sorted(by_name, key=lambda a: a.id, reverse=True)
    return by_name


def agent_page(office_id: int, query: AgentQuery, page: int) -> AgentPage:
    """One page of the matching agents (pages start at 1; past the end shows the last one)."""
    rows, with_photo, passes = matching_agents(office_id, query)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(1, page), pages)
    chunk = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return AgentPage(chunk, len(rows), page, pages, with_photo, passes)


def selected_agents(office_id: int, form) -> list:
    """The agents a bulk action applies to: every match of the filter, or the ticked ones of this office."""
    if form.get("scope") == "filtered":
        return matching_agents(office_id, AgentQuery.from_args(form))[0]
    ids = {int(v) for v in form.getlist("agent_ids") if v.isdigit()}
    if not ids:
        return []
    rows = User.query.filter(User.id.in_(ids), User.role == Role.agent, User.office_id == office_id).all()
    return _sorted(rows, "name")
