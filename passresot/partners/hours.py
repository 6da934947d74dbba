"""Opening hours of a DATAtourisme place (schema:openingHoursSpecification with its validity
periods, and the free text some regions give) as readable French for `horaires`, and as a
suggestion of the pass's accepted periods that the network admin confirms.

The text is data stored on the site, written in French like the rest of the listing."""
import re
from dataclasses import dataclass, field
from datetime import date

from ..csvfiles import simplify
from ..timeutil import paris_today

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
TEXT_MAX = 2000
MAX_PERIODS = 6
ALL_YEAR_WORDS = {"toute_l_annee", "toute_lannee", "ouvert_toute_l_annee", "all_year_round"}


@dataclass
class PlaceHours:
    text: str = ""
    #: {"all_year": True} or {"periods": [["MM-DD", "MM-DD"], ...]}; {} when the file says nothing.
    suggestion: dict = field(default_factory=dict)


def read_place_hours(places: list) -> PlaceHours:
    """The hours of every place an object is located at (usually one)."""
    specs, notes = [], []
    for place in places:
        specs += [s for s in _list(_get(place, "schema:openingHoursSpecification")) if isinstance(s, dict)]
        notes += _french(_get(place, "TextOpeningHoursSpecification"))
    lines = _spec_lines(specs)
    for spec in specs:
        notes += _french(_get(spec, "additionalInformation"))
    notes = list(dict.fromkeys(note.strip() for note in notes if note.strip()))
    text = "\n".join(lines + notes)
    if len(text) > TEXT_MAX:
        text = text[:TEXT_MAX - 1].rsplit("\n", 1)[0] + "\n…"
    return PlaceHours(text=text, suggestion=_suggestion(specs, notes))


def suggested_periods(suggestion: dict) -> tuple:
    """(accepts_all_year, [(start, end, recurring)]) from a stored suggestion, dated this year."""
    if not suggestion:
        return False, []
    if suggestion.get("all_year"):
        return True, []
    year = paris_today().year
    periods = []
    for start, end in suggestion.get("periods", []):
        periods.append((_month_day(year, start), _month_day(year, end), True))
    return False, periods


def describe_suggestion(suggestion: dict) -> str:
    """'toute l'année' or 'du 01/04 au 30/09, chaque année ; …' for the preview."""
    if not suggestion:
        return ""
    if suggestion.get("all_year"):
        return "toute l'année"
    return " ; ".join(f"du {_dm(start)} au {_dm(end)}, chaque année"
                      for start, end in suggestion.get("periods", []))


def _spec_lines(specs: list) -> list:
    """One line per validity period: its days grouped by identical hours."""
    by_period = {}
    for spec in specs:
        period = (_day(_get(spec, "schema:validFrom")), _day(_get(spec, "schema:validThrough")))
        days = [d for d in (_weekday(item) for item in _list(_get(spec, "schema:dayOfWeek"))) if d is not None]
        opens, closes = _get(spec, "schema:opens"), _get(spec, "schema:closes")
        slot = (_plain(opens).zfill(8), _slot(_time(opens), _time(closes)))  # sorted by opening time
        table = by_period.setdefault(period, {})
        for day in days or list(range(7)):
            slots = table.setdefault(day, [])
            if slot[1] and slot not in slots:
                slots.append(slot)
    lines = []
    for (start, end), table in sorted(by_period.items(), key=lambda item: (item[0][0] or date.min)):
        groups = {}
        for day in sorted(table):
            groups.setdefault(tuple(sorted(table[day])), []).append(day)
        parts = [f"{_days(days)} {' et '.join(text for _key, text in slots) if slots else 'ouvert'}"
                 for slots, days in groups.items()]
        prefix = _period_label(start, end)
        lines.append(f"{prefix}{' ; '.join(parts)}.")
    return lines


def _suggestion(specs: list, notes: list) -> dict:
    if any(simplify(note) .rstrip("_") in ALL_YEAR_WORDS for note in notes):
        return {"all_year": True}
    ranges = set()
    for spec in specs:
        start, end = _day(_get(spec, "schema:validFrom")), _day(_get(spec, "schema:validThrough"))
        if start and end and end >= start:
            ranges.add((start, end))
    if not ranges:
        return {}
    if any((end - start).days >= 364 for start, end in ranges):
        return {"all_year": True}
    spans = sorted({(s.strftime("%m-%d"), e.strftime("%m-%d")) for s, e in ranges if e.year == s.year})
    merged = []
    for start, end in spans:  # same-year spans, by start: merge those that overlap or follow
        if merged and start <= _next_day(merged[-1][1]):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if merged == [["01-01", "12-31"]]:
        return {"all_year": True}
    return {"periods": merged[:MAX_PERIODS]} if merged else {}


def _next_day(month_day: str) -> str:
    day = _month_day(2000, month_day)
    return "12-32" if (day.month, day.day) == (12, 31) else \
        date.fromordinal(day.toordinal() + 1).strftime("%m-%d")


def _period_label(start, end) -> str:
    if start and end and start == end:
        return f"Le {start:%d/%m/%Y} : "
    if start and end:
        return f"Du {start:%d/%m/%Y} au {end:%d/%m/%Y} : "
    if start:
        return f"À partir du {start:%d/%m/%Y} : "
    return ""


def _days(days: list) -> str:
    if days == list(range(7)):
        return "tous les jours"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"du {DAY_NAMES[days[0]]} au {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in days)


def _slot(opens, closes) -> str:
    if opens and closes:
        return f"de {opens} à {closes}"
    if opens:
        return f"à partir de {opens}"
    if closes:
        return f"jusqu'à {closes}"
    return ""


def _time(value) -> str:
    """'09:30:00' → '9 h 30', '18:00:00' → '18 h'."""
    match = re.match(r"(\d{1,2}):(\d{2})", _plain(value))
    if not match:
        return ""
    hour, minute = int(match.group(1)), match.group(2)
    return f"{hour} h" if minute == "00" else f"{hour} h {minute}"


def _day(value):
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", _plain(value))
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def _weekday(item):
    name = _plain(item.get("@id") if isinstance(item, dict) else item)
    name = re.split(r"[#:/]", name)[-1]
    return DAYS.index(name) if name in DAYS else None


def _month_day(year: int, text: str) -> date:
    month, day = map(int, text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:  # 29 February outside a leap year
        return date(2000, month, day)


def _dm(text: str) -> str:
    month, day = text.split("-")
    return f"{day}/{month}"


def _french(value) -> list:
    """The French strings of a language map (or of a plain string / list)."""
    if isinstance(value, dict):
        value = value.get("fr") or value.get("@value") or []
    return [str(v) for v in _list(value) if isinstance(v, str)]


def _plain(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value", "")
    return str(value or "").strip()


def _list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _get(obj, key):
    if not isinstance(obj, dict):
        return None
    return obj[key] if key in obj else obj.get(":" + key)
