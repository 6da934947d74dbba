"""The pack's building blocks: a period, a section (a title, a table for the PDF, a CSV for the ZIP)."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from ..exports import Table
from ..timeutil import PARIS


@dataclass
class Period:
    since: date
    until: date
    #: "2026" or "3 ans glissants": in titles and file names.
    label: str

    def years(self) -> list[int]:
        return list(range(self.since.year, self.until.year + 1))


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def rolling_period(today: date) -> Period:
    """The three years ending today (today's date three years ago excluded)."""
    since = today.replace(year=today.year - 3) + timedelta(days=1)
    return Period(since, today, f"{since.isoformat()}_{today.isoformat()}")


@dataclass
class Section:
    title: str
    #: The CSV's name in the ZIP, e.g. "2_visites_avec_le_pass.csv".
    filename: str
    table: Table
    #: One sentence under the title in the PDF: what the rows prove.
    intro: str = ""
    #: Relative column widths in the PDF (None: equal).
    widths: Optional[tuple] = None
    totals: dict = field(default_factory=dict)
    #: Files the ZIP carries beside the CSV: (name in the ZIP, path on disk), e.g. certificates.
    attachments: list = field(default_factory=list)


def _paris(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(PARIS).replace(tzinfo=None)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)
