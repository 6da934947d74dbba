"""Partner sites (the full directory fields come with the directory issue)."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class PartnerCategory(enum.Enum):
    museum = "museum"
    heritage = "heritage"
    nature = "nature"
    winery = "winery"
    activity = "activity"
    other = "other"

    @property
    def label(self):
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    PartnerCategory.museum: _l("Musée"),
    PartnerCategory.heritage: _l("Château, patrimoine"),
    PartnerCategory.nature: _l("Grotte, site naturel"),
    PartnerCategory.winery: _l("Domaine, producteur"),
    PartnerCategory.activity: _l("Activité, loisir"),
    PartnerCategory.other: _l("Autre"),
}


class Partner(db.Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    commune: Mapped[str] = mapped_column(String(80))
    category: Mapped[PartnerCategory] = mapped_column(
        Enum(PartnerCategory, native_enum=False, create_constraint=True, length=20,
             name="partner_category")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<Partner {self.id} {self.name}>"
