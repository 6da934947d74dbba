"""Realistic-looking Pyrénées-Orientales partner sites in any number, for benchmarks and screenshots.

`flask generate-partners 5000` adds them to the database (marked `source="generated"`, so
`--replace` can remove the previous batch). Communes, INSEE codes and coordinates are close to
the real ones, not authoritative; names, phones and websites are made up.
"""
import random
import re
import uuid
from datetime import date

import click
from sqlalchemy import delete, select

from ..extensions import db
from ..timeutil import paris_today
from .models import Booking, Partner, PartnerCategory, PartnerPeriod

SOURCE = "generated"

#: (commune, INSEE code, postal code, latitude, longitude)
COMMUNES = (
    ("Perpignan", "66136", "66000", 42.6986, 2.8956),
    ("Argelès-sur-Mer", "66008", "66700", 42.5461, 3.0239),
    ("Canet-en-Roussillon", "66037", "66140", 42.7056, 3.0083),
    ("Collioure", "66053", "66190", 42.5253, 3.0831),
    ("Céret", "66049", "66400", 42.4853, 2.7481),
    ("Prades", "66149", "66500", 42.6175, 2.4222),
    ("Font-Romeu-Odeillo-Via", "66124", "66120", 42.5050, 2.0400),
    ("Banyuls-sur-Mer", "66016", "66650", 42.4833, 3.1289),
    ("Amélie-les-Bains-Palalda", "66003", "66110", 42.4761, 2.6700),
    ("Thuir", "66210", "66300", 42.6322, 2.7567),
    ("Saint-Cyprien", "66171", "66750", 42.6181, 3.0064),
    ("Villefranche-de-Conflent", "66223", "66500", 42.5872, 2.3683),
    ("Elne", "66065", "66200", 42.6000, 2.9711),
    ("Rivesaltes", "66164", "66600", 42.7686, 2.8728),
    ("Salses-le-Château", "66190", "66600", 42.8336, 2.9181),
    ("Tautavel", "66205", "66720", 42.8131, 2.7483),
    ("Port-Vendres", "66148", "66660", 42.5178, 3.1058),
    ("Cerbère", "66048", "66290", 42.4425, 3.1664),
    ("Prats-de-Mollo-la-Preste", "66150", "66230", 42.4042, 2.4792),
    ("Arles-sur-Tech", "66009", "66150", 42.4567, 2.6344),
    ("Vernet-les-Bains", "66222", "66820", 42.5483, 2.3883),
    ("Ille-sur-Têt", "66088", "66130", 42.6711, 2.6211),
    ("Millas", "66108", "66170", 42.6917, 2.6956),
    ("Le Barcarès", "66017", "66420", 42.7878, 3.0358),
    ("Saint-Laurent-de-la-Salanque", "66180", "66250", 42.7728, 2.9892),
    ("Sainte-Marie-la-Mer", "66182", "66470", 42.7275, 3.0169),
    ("Le Boulou", "66024", "66160", 42.5247, 2.8333),
    ("Cabestany", "66028", "66330", 42.6814, 2.9417),
    ("Castelnou", "66044", "66300", 42.6253, 2.6911),
    ("Mont-Louis", "66117", "66210", 42.5100, 2.1200),
    ("Les Angles", "66004", "66210", 42.5775, 2.0703),
    ("Bourg-Madame", "66025", "66760", 42.4328, 1.9458),
    ("Saillagouse", "66167", "66800", 42.4583, 2.0367),
    ("Latour-de-France", "66095", "66720", 42.7703, 2.6514),
    ("Estagel", "66071", "66310", 42.7717, 2.6969),
    ("Maury", "66106", "66460", 42.8089, 2.6067),
    ("Saint-Paul-de-Fenouillet", "66187", "66220", 42.8108, 2.5036),
    ("Sorède", "66196", "66690", 42.5311, 2.9575),
    ("Laroque-des-Albères", "66093", "66740", 42.5239, 2.9353),
    ("Baixas", "66012", "66390", 42.7500, 2.8089),
    ("Ponteilla", "66145", "66300", 42.6264, 2.8150),
    ("Eus", "66074", "66500", 42.6517, 2.4503),
    ("Molitg-les-Bains", "66110", "66500", 42.6536, 2.3917),
    ("Py", "66155", "66360", 42.4950, 2.3500),
    ("Caudiès-de-Fenouillèdes", "66045", "66220", 42.8133, 2.3775),
)

M, H, N, W, A, O = (PartnerCategory.museum, PartnerCategory.heritage, PartnerCategory.nature,
                    PartnerCategory.winery, PartnerCategory.activity, PartnerCategory.other)
#: Name patterns per category; {c} is the commune, {f} a family name, {s} a subject, {g} a garden.
NAMES = {
    M: ("Musée {s} de {c}", "Maison {s}", "Musée d'art de {c}", "Centre d'interprétation {s}"),
    H: ("Château de {c}", "Abbaye Saint-{f} de {c}", "Fort de {c}", "Chapelle Notre-Dame de {c}",
        "Remparts de {c}", "Tour de {c}"),
    N: ("Grotte de {c}", "Gorges de {c}", "Jardin {g} de {c}", "Réserve naturelle de {c}",
        "Sentier botanique de {c}"),
    W: ("Domaine {f}", "Mas {f}", "Cave coopérative de {c}", "Château {f}", "Clos {f}"),
    A: ("Canoë {c}", "Parcours aventure de {c}", "Équitation du Mas {f}", "Via ferrata de {c}",
        "Balades en mer de {c}"),
    O: ("Atelier {f}", "Train touristique de {c}", "Marché des producteurs de {c}"),
}
SUBJECTS = ("de la Catalanité", "du Vin", "de la Préhistoire", "des Arts et Traditions", "du Liège",
            "de l'Espadrille", "de la Mer", "du Patrimoine", "des Mines")
GARDENS = ("exotique", "méditerranéen", "botanique", "des plantes aromatiques")
FAMILIES = ("Puig", "Ferrer", "Soler", "Vidal", "Bosch", "Martí", "Roig", "Pujol", "Fabre", "Costa",
            "Sala", "Vila", "Serra", "Batlle", "Riu", "Casals", "Mas", "Cases", "Roca", "Coll")
FIRST_NAMES = ("Amélie", "Jordi", "Núria", "Laurent", "Sophie", "Marc", "Anaïs", "Pere", "Claire",
               "Joan", "Élodie", "Thomas", "Montserrat", "Hugo", "Léa", "Pau")
DESCRIPTIONS = {
    M: "Collections permanentes et expositions temporaires ; visite libre ou guidée.",
    H: "Monument historique ; visite des salles, du chemin de ronde et des jardins.",
    N: "Site naturel protégé ; prévoir de bonnes chaussures et de l'eau.",
    W: "Visite du chai et dégustation des vins du domaine.",
    A: "Activité encadrée par des moniteurs diplômés ; à partir de 8 ans.",
    O: "Découverte des savoir-faire et des produits du pays catalan.",
}
#: Recurring periods as (start month, day, end month, day): summer, shoulder seasons, winter (spans New Year).
SEASONS = ((6, 1, 9, 30), (4, 1, 10, 31), (7, 1, 8, 31), (12, 15, 4, 15), (9, 15, 6, 15), (3, 1, 11, 11))
#: Two seasons that do not overlap: summer and winter, spring and autumn.
SEASON_PAIRS = (((6, 1, 9, 30), (12, 15, 4, 15)), ((7, 1, 8, 31), (12, 20, 3, 31)), ((4, 1, 6, 30), (9, 1, 10, 31)))


def generate_partners(count: int, seed: int = 66) -> int:
    """Add `count` generated partners (and their periods); the caller commits. Returns how many."""
    rng = random.Random(seed)
    year = paris_today().year
    taken = set()
    partners = [_partner(rng, year, taken) for _ in range(count)]
    db.session.add_all(partners)
    db.session.flush()
    return len(partners)


def remove_generated() -> int:
    """Delete every generated partner (and, by cascade, its periods); the caller commits."""
    ids = db.session.scalars(select(Partner.id).where(Partner.source == SOURCE)).all()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(delete(PartnerPeriod).where(PartnerPeriod.partner_id.in_(chunk)))
        db.session.execute(delete(Partner).where(Partner.id.in_(chunk)))
    return len(ids)


def _partner(rng, year, taken) -> Partner:
    commune, insee, postal, lat, lon = rng.choice(COMMUNES)
    category = rng.choices((M, H, N, W, A, O), weights=(20, 22, 16, 22, 14, 6))[0]
    name = _unique_name(rng, category, commune, taken)
    slug = _slug(name)
    has_phone = rng.random() > 0.06
    return Partner(
        name=name, category=category, commune=commune, insee_code=insee, postal_code=postal,
        address=f"{rng.randint(1, 60)} {rng.choice(('rue', 'avenue', 'chemin', 'place'))} "
                f"{rng.choice(('de la République', 'du Canigou', 'des Albères', 'Arago', 'du Castell', 'Pasteur'))}",
        latitude=round(lat + rng.uniform(-0.02, 0.02), 6), longitude=round(lon + rng.uniform(-0.02, 0.02), 6),
        phone=f"04 68 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}" if has_phone else "",
        email=f"contact@{slug}.fr" if rng.random() < 0.6 else "",
        website=f"https://www.{slug}.fr" if rng.random() < 0.8 else "",
        socials=[f"https://www.facebook.com/{slug}"] + (
            [f"https://www.instagram.com/{slug}"] if rng.random() < 0.4 else []) if rng.random() < 0.5 else [],
        manager_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(FAMILIES)}" if rng.random() < 0.7 else "",
        booking=rng.choices((Booking.required, Booking.not_required, Booking.unknown), weights=(30, 60, 10))[0],
        visit_minutes=rng.choice((30, 45, 60, 90, 120, 180)) if rng.random() < 0.85 else None,
        description=DESCRIPTIONS[category],
        opening_info=rng.choice(("", "Tous les jours 10 h – 18 h.", "Du mardi au dimanche, 9 h 30 – 12 h 30 et 14 h – 18 h.",
                                 "Sur rendez-vous hors saison.")),
        source=SOURCE, source_id=uuid.uuid4().hex,
        **_welcome(rng, year),
    )


def _welcome(rng, year) -> dict:
    """All year (40 %), recurring seasons, dated periods this year, or nothing said (8 %)."""
    roll = rng.random()
    if roll < 0.40:
        return {"accepts_all_year": True, "periods": []}
    if roll < 0.48:
        return {"accepts_all_year": False, "periods": []}
    if roll < 0.85:
        chosen = rng.choice(SEASON_PAIRS) if rng.random() < 0.3 else (rng.choice(SEASONS),)
        return {"accepts_all_year": False, "periods": [
            PartnerPeriod(starts_on=date(year, m1, d1), ends_on=date(year, m2, d2), recurring=True)
            for m1, d1, m2, d2 in chosen]}
    start_month = rng.randint(1, 10)
    return {"accepts_all_year": False, "periods": [PartnerPeriod(
        starts_on=date(year, start_month, 1), ends_on=date(year, start_month + rng.randint(1, 2), 28),
        recurring=False)]}


def _unique_name(rng, category, commune, taken) -> str:
    pattern = rng.choice(NAMES[category])
    name = _elide(pattern.format(c=commune, f=rng.choice(FAMILIES), s=rng.choice(SUBJECTS),
                                   g=rng.choice(GARDENS)))
    base, n = name, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def _elide(name: str) -> str:
    """French elision and contraction: "de Arles" → "d'Arles", "de Le Boulou" → "du Boulou"."""
    name = re.sub(r"\bde ([AEIOUÉÈÊaeiouéèê])", r"d'\1", name)
    return name.replace("de Le ", "du ").replace("de Les ", "des ")


def _slug(text: str) -> str:
    from .directory import sort_key

    return re.sub(r"[^a-z0-9]+", "-", sort_key(text)).strip("-")


def register_partner_commands(app):
    from .cli import partners_cli

    app.cli.add_command(partners_cli)

    @app.cli.command("generate-partners")
    @click.argument("count", type=click.IntRange(1, 100_000))
    @click.option("--seed", default=66, show_default=True, help="Same seed, same partners.")
    @click.option("--replace", is_flag=True, help="Remove the partners generated before.")
    def generate_partners_command(count, seed, replace):
        """Add COUNT made-up Pyrénées-Orientales partner sites (benchmarks, screenshots)."""
        removed = remove_generated() if replace else 0
        added = generate_partners(count, seed)
        db.session.commit()
        click.echo(f"{added} partenaires générés" + (f" ({removed} supprimés avant)." if removed else "."))
