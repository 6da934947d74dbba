"""French order for names, the same on SQLite and PostgreSQL: sorted in Python, never by the engine.

SQLite compares bytes (« Collioure » before « Céret », « Zoo » before « abbaye ») and PostgreSQL's
order depends on the server's locale, so lists of names are sorted here with a key that ignores
accents and case first, then lets them break ties (« cote » < « côte » < « Côte »)."""
import unicodedata


def french_key(text) -> tuple:
    """A sort key close to French collation: Céret < Collioure < Elne < Éus < Font-Romeu."""
    text = text or ""
    base = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return (base.casefold(), text.casefold(), text)


def by_name(rows, *names):
    """`rows` sorted by the attributes (or keys, for dicts and tuples indices) `names`, French order, id last."""
    def key(row):
        values = [row[name] if isinstance(name, int) or isinstance(row, dict) else getattr(row, name)
                  for name in names]
        return tuple(french_key(value) for value in values) + (_id(row),)
    return sorted(rows, key=key)


def _id(row):
    if isinstance(row, dict):
        return row.get("id") or 0
    return getattr(row, "id", 0) or 0
