"""Text no field may hold (NUL, lone surrogates), refused with a 400 before any view sees it.

One check for every request rather than one per form or route: query strings, form fields and
JSON bodies are all read here, so a new route or form is covered without remembering to be.
PostgreSQL refuses NUL in text and no database encodes a lone surrogate; both used to be 500s.
The scan batch opts out (`keeps_hostile_text`): a bad item there is refused on its own
(visits/items.py), so one junk item does not cost the device the whole batch.
"""
import json
import re

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from .errors import DomainError

#: NUL, other C0 controls are legitimate in none of our fields but harmless; only these two break storage.
HOSTILE = re.compile("[\x00\ud800-\udfff]")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class HostileText(DomainError):
    code = "invalid_text"
    status = 400
    message = _l("Un champ contient un caractère interdit (caractère nul ou invalide).")


class MalformedJson(DomainError):
    code = "invalid_request"
    status = 400
    message = _l("Le corps JSON est mal formé.")


def is_hostile(text: str) -> bool:
    return bool(HOSTILE.search(text))


def field_message(name: str):
    return _l("Le champ « %(name)s » contient un caractère interdit (caractère nul ou invalide) : "
              "retirez-le.", name=name)


def keeps_hostile_text(view):
    """Mark a view that checks its own text item by item (the scan batch)."""
    view.keeps_hostile_text = True
    return view


class SafeJSONProvider(DefaultJSONProvider):
    """JSON nested past Python's recursion limit is malformed JSON (a 400), not a crash (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def hostile_path(value, root: str = ""):
    """The dotted path of the first string (key or value) holding hostile text, or None.

    Walked without recursion: the parser accepts nesting close to the recursion limit."""
    stack = [(root, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if is_hostile(item):
                return path or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and is_hostile(key):
                    return _printable(child_path)
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def _printable(path: str) -> str:
    return HOSTILE.sub("\ufffd", path)


def refuse_hostile_text():
    """before_request: a 400 naming the first field (query, form or JSON) that holds hostile text."""
    sources = [request.args] + ([request.form] if request.method in BODY_METHODS else [])
    for source in sources:
        for name, values in source.lists():
            if is_hostile(name) or any(is_hostile(v) for v in values):
                _refuse(_printable(name))
    if request.method not in BODY_METHODS or not request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "keeps_hostile_text", False):
        return
    if not request.get_data(cache=True):
        return
    body = request.get_json(silent=True)
    if body is None:
        raise MalformedJson()
    path = hostile_path(body)
    if path is not None:
        _refuse(path)


def _refuse(name: str):
    raise HostileText(field_message(name), fields={name: field_message(name)})


def init_hostile_text(app) -> None:
    app.json = SafeJSONProvider(app)
    app.before_request(refuse_hostile_text)
