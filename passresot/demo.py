"""The Pyrénées-Orientales demo: real communes, varied partner sites, agents of both kinds."""
import io
import random
import re
from datetime import date, timedelta

from PIL import Image, ImageDraw, ImageFont

from .accounts.api import hash_password
from .accounts.models import AgentKind, Role, User
from .agents.models import AgentPhoto
from .agents.photos import reencode_photo
from .evidence.demo import load_demo_evidence
from .extensions import db
from .offices.models import Office
from .partners.models import Booking, Partner, PartnerCategory, PartnerPeriod
from .passes.api import issue_pass
from .training.demo import load_demo_training
from .eductours.demo import load_demo_eductours
from .surveys.demo import load_demo_survey
from .timeutil import paris_today

DEMO_ACCOUNTS = (
    ("reseau@demo.passresot66.fr", "administrateur du réseau RESOT66"),
    ("ot@demo.passresot66.fr", "administratrice de l'OT de Perpignan"),
    ("agent@demo.passresot66.fr", "agent permanent, pass valide, aucune visite"),
    ("saisonnier@demo.passresot66.fr", "agent saisonnier, pass valide"),
    ("partenaire@demo.passresot66.fr", "personnel du Palais des Rois de Majorque"),
)

OFFICES = (
    ("Office de Tourisme Perpignan Méditerranée", "Perpignan", "04 68 66 30 30"),
    ("Office de Tourisme d'Argelès-sur-Mer", "Argelès-sur-Mer", "04 68 81 15 85"),
    ("Office de Tourisme de Canet-en-Roussillon", "Canet-en-Roussillon", "04 68 86 72 00"),
    ("Office de Tourisme de Collioure", "Collioure", "04 68 82 15 47"),
    ("Office de Tourisme de Céret", "Céret", "04 68 87 00 53"),
    ("Office de Tourisme Conflent Canigó", "Prades", "04 68 05 41 02"),
    ("Office de Tourisme de Font-Romeu", "Font-Romeu-Odeillo-Via", "04 68 30 68 30"),
    ("Office de Tourisme de Banyuls-sur-Mer", "Banyuls-sur-Mer", "04 68 88 31 58"),
    ("Office de Tourisme d'Amélie-les-Bains", "Amélie-les-Bains-Palalda", "04 68 39 01 98"),
    ("Office de Tourisme Aspres-Thuir", "Thuir", "04 68 53 45 86"),
    ("Office de Tourisme de Saint-Cyprien", "Saint-Cyprien", "04 68 21 01 33"),
    ("Office de Tourisme de Villefranche-de-Conflent", "Villefranche-de-Conflent", "04 68 96 22 96"),
)

M, H, N, W, A, O = (PartnerCategory.museum, PartnerCategory.heritage, PartnerCategory.nature,
                    PartnerCategory.winery, PartnerCategory.activity, PartnerCategory.other)
PARTNERS = (
    ("Palais des Rois de Majorque", "Perpignan", H),
    ("Musée d'art Hyacinthe Rigaud", "Perpignan", M),
    ("Le Castillet – Casa Pairal", "Perpignan", M),
    ("Forteresse de Salses", "Salses-le-Château", H),
    ("Mémorial du Camp de Rivesaltes", "Rivesaltes", M),
    ("Musée de Tautavel – Centre européen de préhistoire", "Tautavel", M),
    ("Château Royal de Collioure", "Collioure", H),
    ("Musée d'art moderne de Collioure", "Collioure", M),
    ("Musée d'art moderne de Céret", "Céret", M),
    ("Musée Maillol", "Banyuls-sur-Mer", M),
    ("Biodiversarium – Aquarium de Banyuls", "Banyuls-sur-Mer", N),
    ("Cellier des Templiers", "Banyuls-sur-Mer", W),
    ("Caves Byrrh", "Thuir", W),
    ("Château de Castelnou", "Castelnou", H),
    ("Prieuré de Serrabona", "Boule-d'Amont", H),
    ("Abbaye Saint-Martin-du-Canigou", "Casteil", H),
    ("Abbaye Saint-Michel-de-Cuxa", "Codalet", H),
    ("Fort Libéria", "Villefranche-de-Conflent", H),
    ("Grottes des Grandes Canalettes", "Villefranche-de-Conflent", N),
    ("Remparts de Villefranche-de-Conflent", "Villefranche-de-Conflent", H),
    ("Grotte de Fontrabiouse", "Fontrabiouse", N),
    ("Grand four solaire d'Odeillo", "Font-Romeu-Odeillo-Via", O),
    ("Bains de Saint-Thomas", "Fontpédrouse", A),
    ("Gorges de la Fou", "Arles-sur-Tech", N),
    ("Musée Terrus", "Elne", M),
    ("Cloître de la cathédrale d'Elne", "Elne", H),
    ("Musée de l'histoire de Canet", "Canet-en-Roussillon", M),
    ("Réserve naturelle du Mas Larrieu", "Argelès-sur-Mer", N),
    ("Domaine Lafage", "Perpignan", W),
    ("Domaine de Rancy", "Latour-de-France", W),
    ("Vignobles Dom Brial", "Baixas", W),
    ("Musée du Vin de Tautavel", "Tautavel", W),
    ("Jardin exotique de Ponteilla", "Ponteilla", N),
    ("Vallée des tortues", "Sorède", N),
    ("Parcours aventure du Canigou", "Vernet-les-Bains", A),
    ("Canoë Kayak Têt", "Ille-sur-Têt", A),
    ("Site des Orgues", "Ille-sur-Têt", N),
    ("Centre d'art contemporain Walter Benjamin", "Perpignan", M),
    ("Musée de la Catalanité", "Prats-de-Mollo-la-Preste", M),
    ("Train Jaune – Maison du Train", "Villefranche-de-Conflent", O),
)

FIRST_NAMES = ("Amélie", "Jordi", "Núria", "Laurent", "Sophie", "Marc", "Anaïs", "Pere",
               "Claire", "Joan", "Élodie", "Thomas", "Montserrat", "Hugo", "Léa", "Pau")
LAST_NAMES = ("Rigaud", "Puig", "Ferrer", "Soler", "Vidal", "Bosch", "Martí", "Garcia",
              "Roig", "Pujol", "Fabre", "Costa", "Sala", "Vila", "Serra", "Batlle")


def database_is_empty() -> bool:
    return not db.session.query(User.query.exists()).scalar()


def load_demo(password: str) -> None:
    """Add the whole demo; the caller commits."""
    rng = random.Random(66)
    password_hash = hash_password(password)
    today = paris_today()
    offices = [Office(name=name, commune=commune, phone=phone,
                      email=f"contact@ot-{_slug(commune)}.demo.passresot66.fr")
               for name, commune, phone in OFFICES]
    partners = [_demo_partner(index, name, commune, category, rng)
                for index, (name, commune, category) in enumerate(PARTNERS)]
    db.session.add_all(offices + partners)
    db.session.flush()
    perpignan = offices[0]

    def person(email, role, first, last, **extra):
        user = User(email=email, role=role, first_name=first, last_name=last,
                    password_hash=password_hash, **extra)
        db.session.add(user)
        return user

    network_admin = person("reseau@demo.passresot66.fr", Role.network_admin, "Marie", "Castell")
    office_admin = person("ot@demo.passresot66.fr", Role.office_admin, "Isabelle", "Canigó", office_id=perpignan.id)
    staff = person("partenaire@demo.passresot66.fr", Role.partner_staff, "Miquel", "Albert",
           partner_id=partners[0].id)
    agents = [
        person("agent@demo.passresot66.fr", Role.agent, "Amélie", "Rigaud", office_id=perpignan.id,
               kind=AgentKind.permanent, contract_start=today - timedelta(days=800)),
        person("saisonnier@demo.passresot66.fr", Role.agent, "Jordi", "Puig", office_id=perpignan.id,
               kind=AgentKind.seasonal, contract_start=today - timedelta(days=30),
               contract_end=today + timedelta(days=120)),
    ]
    for office in offices:
        for index in range(rng.randint(3, 5)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            seasonal = index % 3 == 2
            agents.append(person(
                f"{_slug(first)}.{_slug(last)}.{office.id}{index}@demo.passresot66.fr", Role.agent,
                first, last, office_id=office.id,
                kind=AgentKind.seasonal if seasonal else AgentKind.permanent,
                contract_start=today - timedelta(days=rng.randint(20, 2000)),
                contract_end=today + timedelta(days=rng.randint(30, 200)) if seasonal else None))
        if office is not perpignan:
            person(f"direction.{office.id}@demo.passresot66.fr", Role.office_admin,
                   rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), office_id=office.id)
    db.session.flush()
    for agent in agents:
        db.session.add(AgentPhoto(user_id=agent.id, jpeg=avatar_jpeg(agent, rng)))
    db.session.flush()
    for agent in agents:
        issue_pass(None, agent)
    db.session.flush()
    load_demo_training(office_admin, [agent for agent in agents if agent.office_id == perpignan.id], today)
    load_demo_evidence(office_admin, staff, [agent for agent in agents if agent.office_id == perpignan.id],
                       partners, today)
    load_demo_eductours(office_admin, [agent for agent in agents if agent.office_id == perpignan.id],
                        [partner for partner in partners if partner.active][:5], today)
    load_demo_survey(network_admin, [partner for partner in partners[1:] if partner.active][5:8], today.year)


#: Approximate coordinates and INSEE codes of the demo communes.
COMMUNES = {
    "Perpignan": ("66136", 42.6986, 2.8956), "Salses-le-Château": ("66190", 42.8336, 2.9186),
    "Rivesaltes": ("66164", 42.7686, 2.8731), "Tautavel": ("66205", 42.8125, 2.7461),
    "Collioure": ("66053", 42.5253, 3.0831), "Céret": ("66049", 42.4853, 2.7481),
    "Banyuls-sur-Mer": ("66016", 42.4828, 3.1289), "Thuir": ("66210", 42.6336, 2.7569),
    "Castelnou": ("66042", 42.6197, 2.6911), "Boule-d'Amont": ("66023", 42.5897, 2.5875),
    "Casteil": ("66041", 42.5358, 2.3919), "Codalet": ("66052", 42.6094, 2.4139),
    "Villefranche-de-Conflent": ("66223", 42.5878, 2.3675), "Fontrabiouse": ("66080", 42.6336, 2.0933),
    "Font-Romeu-Odeillo-Via": ("66124", 42.5047, 2.0392), "Fontpédrouse": ("66082", 42.5136, 2.1889),
    "Arles-sur-Tech": ("66009", 42.4572, 2.6342), "Elne": ("66065", 42.6003, 2.9711),
    "Canet-en-Roussillon": ("66037", 42.7064, 3.0078), "Argelès-sur-Mer": ("66008", 42.5461, 3.0239),
    "Latour-de-France": ("66096", 42.7711, 2.6508), "Baixas": ("66014", 42.7497, 2.8086),
    "Ponteilla": ("66145", 42.6264, 2.8153), "Sorède": ("66196", 42.5303, 2.9572),
    "Vernet-les-Bains": ("66222", 42.5486, 2.3878), "Ille-sur-Têt": ("66088", 42.6706, 2.6208),
    "Prats-de-Mollo-la-Preste": ("66150", 42.4047, 2.4789),
}
SUMMER = (date(2026, 6, 1), date(2026, 9, 30))
WINTER = (date(2026, 12, 15), date(2027, 3, 31))


def _demo_partner(index: int, name: str, commune: str, category, rng: random.Random) -> Partner:
    """A varied listing: most complete, some accepting only in season, a few with gaps (R6)."""
    insee, lat, lon = COMMUNES[commune]
    slug = _slug(name)[:40]
    partner = Partner(
        name=name, commune=commune, category=category, insee_code=insee,
        latitude=round(lat + rng.uniform(-0.01, 0.01), 5), longitude=round(lon + rng.uniform(-0.01, 0.01), 5),
        phone="" if index % 9 == 5 else f"04 68 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        email=f"accueil@{slug}.demo.passresot66.fr", website=f"https://www.{slug}.demo.passresot66.fr",
        socials=[f"https://www.facebook.com/{slug}"] if index % 3 == 0 else [],
        manager_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        booking=(Booking.required if category in (PartnerCategory.activity, PartnerCategory.winery)
                 else Booking.unknown if index % 7 == 3 else Booking.not_required),
        accepts_all_year=index == 0 or index % 4 != 1,
        visit_minutes=rng.choice((45, 60, 90, 120)),
        description=f"{category.label} à {commune}.",
        opening_info="Ouvert tous les jours sauf le lundi, de 10 h à 18 h." if index % 2 else "")
    if not partner.accepts_all_year and index % 8 != 5:
        partner.periods = [PartnerPeriod(starts_on=SUMMER[0], ends_on=SUMMER[1], recurring=True)]
        if category is PartnerCategory.nature:
            partner.periods.append(PartnerPeriod(starts_on=WINTER[0], ends_on=WINTER[1], recurring=True))
    return partner


def avatar_jpeg(user: User, rng: random.Random) -> bytes:
    """A friendly placeholder portrait with the person's initials."""
    hue = rng.choice(((196, 69, 54), (0, 110, 120), (120, 72, 160), (40, 110, 60), (180, 90, 20)))
    image = Image.new("RGB", (600, 600), hue)
    draw = ImageDraw.Draw(image)
    draw.ellipse((200, 110, 400, 310), fill=(250, 235, 220))
    draw.ellipse((120, 330, 480, 720), fill=(250, 235, 220))
    initials = (user.first_name[:1] + user.last_name[:1]).upper()
    font = ImageFont.load_default(size=90)
    draw.text((300, 470), initials, font=font, fill=hue, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return reencode_photo(out.getvalue())


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"-+", "-", "".join(c if c.isalnum() else "-" for c in plain.lower())).strip("-")
