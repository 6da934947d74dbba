"""The pack's training sections: each agent's 3-year Qualité Tourisme ledger as of the period's end,
and every training entry with its certificate file, which the ZIP carries under attestations/."""
import os
from datetime import date

from flask_babel import gettext as _

from ..exports import Table
from ..i18n import duration_text
from ..training import certificates
from ..training.ledger import EDUCTOUR, OTHER_VISIT, TRAINING, VISIT, office_ledger
from ..training.models import CertificateKind
from .base import Section, _hours

CERTIFICATES_FOLDER = "attestations/"


def training_sections(office_id: int, until: date) -> list[Section]:
    """The ledger summary and the training entries of the office's active agents over the 3 years
    ending `until` (the period's last day, or today for a period not over yet)."""
    ledgers = office_ledger(office_id, until)
    return [_ledger_section(ledgers, until), _entries_section(ledgers)]


def _ledger_section(ledgers, until: date) -> Section:
    rows = []
    for ledger in ledgers:
        settings = ledger.settings
        rows.append((ledger.agent.last_name, ledger.agent.first_name, str(settings.service.label),
                     settings.working_percent, _hours(ledger.minutes_of(TRAINING)), _hours(ledger.minutes_of(VISIT)
                     + ledger.minutes_of(OTHER_VISIT)), _hours(ledger.minutes_of(EDUCTOUR)),
                     _hours(ledger.total_minutes), _hours(ledger.target_minutes), _hours(ledger.accredited_minutes),
                     _hours(ledger.accredited_target_minutes),
                     _("à jour") if ledger.on_track else _("il manque %(h)s", h=duration_text(ledger.missing_minutes))))
    behind = sum(not ledger.on_track for ledger in ledgers)
    columns = [_("Nom"), _("Prénom"), _("Service"), _("Temps de travail (%)"), _("Heures de formation"),
               _("Heures de visites"), _("Heures d'éductours"), _("Heures au total"), _("Objectif (heures)"),
               _("Heures d'organismes agréés"), _("Objectif agréé (heures)"), _("Situation")]
    since = ledgers[0].since if ledgers else until
    return Section(_("Formation sur 3 ans (objectif Qualité Tourisme)"), "5_formation_3_ans.csv",
                   Table(_("Formation sur 3 ans"), columns, rows),
                   _("Du %(since)s au %(until)s : 150 h à l'accueil dont la moitié d'organismes agréés, 75 h "
                     "d'organismes agréés dans les autres services, au prorata du temps de travail et des jours "
                     "sous contrat. %(behind)s agent(s) sous l'objectif sur %(count)s.",
                     since=since.strftime("%d/%m/%Y"), until=until.strftime("%d/%m/%Y"), behind=behind,
                     count=len(ledgers)),
                   (10, 9, 15, 6, 7, 7, 7, 7, 7, 8, 7, 11), {"behind": behind, "agents": len(ledgers)})


def _entries_section(ledgers) -> Section:
    rows, attachments = [], []
    for ledger in ledgers:
        for line in ledger.lines:
            if line.kind != TRAINING or line.entry is None:
                continue
            entry = line.entry
            name = ""
            if entry.certificate_file:
                extension = "pdf" if entry.certificate_kind is CertificateKind.pdf else "jpg"
                name = f"{CERTIFICATES_FOLDER}formation-{entry.id}.{extension}"
                attachments.append((name, certificates.path_of(entry.certificate_file)))
            rows.append((entry.trained_on, ledger.agent.last_name, ledger.agent.first_name, entry.title,
                         entry.organisation, _("oui") if entry.accredited else _("non"), _hours(entry.minutes),
                         name or _("aucune")))
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    columns = [_("Date"), _("Nom"), _("Prénom"), _("Formation"), _("Organisme"), _("Agréé"), _("Heures"),
               _("Attestation (dans le ZIP)")]
    return Section(_("Formations suivies et leurs attestations"), "6_formations.csv",
                   Table(_("Formations"), columns, rows),
                   _("Chaque formation saisie ; les attestations envoyées sont dans le dossier attestations/ du ZIP."),
                   (8, 10, 9, 18, 14, 5, 5, 18), {"entries": len(rows)},
                   attachments=[(zip_name, path) for zip_name, path in attachments if os.path.exists(path)])
