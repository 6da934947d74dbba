"""The pack as files: a PDF summary (cover, then one table a section) and a ZIP of CSVs, the PDF and a README."""
import io
import unicodedata
import zipfile
from datetime import datetime, timezone

from flask_babel import gettext as _

from ..exports import _csv_text, table_csv
from ..pdf import FONT, new_document, to_bytes
from ..timeutil import PARIS


def _now_paris() -> datetime:
    return datetime.now(timezone.utc).astimezone(PARIS).replace(tzinfo=None)


def pack_pdf(office_name: str, period_text: str, author: str, sections: list) -> bytes:
    """A4 PDF: a cover with the office, the period, when and by whom, then each section's table."""
    document = new_document(_("Dossier de preuves Qualité Tourisme — %(office)s", office=office_name))
    document.add_page()
    document.set_font(FONT, "B", 20)
    document.ln(40)
    document.multi_cell(0, 10, _("Dossier de preuves pour l'audit Qualité Tourisme"), align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(8)
    document.set_font(FONT, "B", 16)
    document.multi_cell(0, 9, office_name, align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 12)
    document.ln(6)
    generated = _now_paris().strftime("%d/%m/%Y %H:%M")
    for line in (_("Période : %(period)s", period=period_text),
                 _("Généré le %(when)s (heure de Paris) par %(who)s", when=generated, who=author),
                 _("Réseau RESOT66 — PassResOT66")):
        document.multi_cell(0, 7, line, align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(12)
    document.set_font(FONT, "B", 12)
    document.cell(0, 8, _("Sommaire"), new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 11)
    for number, section in enumerate(sections, 1):
        document.multi_cell(0, 6, f"{number}. {section.title} — {section.intro}", new_x="LMARGIN", new_y="NEXT")
        document.ln(1)
    for number, section in enumerate(sections, 1):
        _section_page(document, number, section)
    return to_bytes(document)


def _section_page(document, number: int, section) -> None:
    document.add_page(orientation="L")
    document.set_font(FONT, "B", 14)
    document.multi_cell(0, 8, f"{number}. {section.title}", new_x="LMARGIN", new_y="NEXT")
    document.set_font(FONT, "", 10)
    document.multi_cell(0, 5, section.intro, new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    rows = list(section.table.rows)
    if not rows:
        document.multi_cell(0, 6, _("Aucune ligne pour cette période."), new_x="LMARGIN", new_y="NEXT")
        return
    widths = _widths(document, section)
    _header(document, section.table.columns, widths)
    document.set_font(FONT, "", 7)
    for values in rows:
        if document.will_page_break(ROW_HEIGHT):  # the header again on each page
            document.add_page(orientation="L")
            _header(document, section.table.columns, widths)
            document.set_font(FONT, "", 7)
        for width, value in zip(widths, values):
            document.cell(width, ROW_HEIGHT, _fit(document, _csv_text(value), width), border=1)
        document.ln(ROW_HEIGHT)


#: One line a row: fpdf2's table() wraps cells but takes ~2 ms a row; 6,000 rows must stay fast.
ROW_HEIGHT = 4.2


def _widths(document, section) -> list:
    shares = section.widths or [1] * len(section.table.columns)
    return [document.epw * share / sum(shares) for share in shares]


def _header(document, columns, widths) -> None:
    """Bold labels on a tinted band, up to three lines each."""
    document.set_font(FONT, "B", 7)
    document.set_fill_color(230, 236, 242)
    top, left, height = document.get_y(), document.l_margin, HEADER_HEIGHT
    for width, label in zip(widths, columns):
        document.rect(left, top, width, height, style="DF")
        document.set_xy(left, top + 0.4)
        document.multi_cell(width, 3.2, str(label), border=0, align="L", max_line_height=3.2)
        left += width
    document.set_xy(document.l_margin, top + height)


HEADER_HEIGHT = 10.4


def _fit(document, text: str, width: float) -> str:
    """The text cut with … so that it fits its column (a cell never wraps)."""
    room = width - 2 * document.c_margin
    if document.get_string_width(text) <= room:
        return text
    while text and document.get_string_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def readme(office_name: str, period_text: str, sections: list) -> str:
    lines = [_("Dossier de preuves Qualité Tourisme — %(office)s — %(period)s", office=office_name,
               period=period_text), "",
             _("dossier.pdf : la synthèse imprimable (couverture puis une partie par fichier ci-dessous)."),
             _("Les fichiers CSV sont en UTF-8 avec séparateur « ; » et virgule décimale : ils s'ouvrent "
               "directement dans Excel."), ""]
    for section in sections:
        lines.append(f"{section.filename} : {section.title}. {section.intro}")
    return "\r\n".join(lines) + "\r\n"


def add_to_zip(archive: zipfile.ZipFile, folder: str, office_name: str, period_text: str, author: str,
               sections: list) -> None:
    """One office's pack under `folder` ("" for the top) in an open ZIP."""
    archive.writestr(folder + "README.txt", readme(office_name, period_text, sections).encode("utf-8"))
    archive.writestr(folder + "dossier.pdf", pack_pdf(office_name, period_text, author, sections))
    for section in sections:
        archive.writestr(folder + section.filename, table_csv(section.table))
        for name, path in section.attachments:
            archive.write(path, folder + name)


def pack_zip(packs: list, author: str, period_text: str) -> bytes:
    """`packs` is [(office name, sections)]; one office: files at the top; several: a folder each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for office_name, sections in packs:
            folder = "" if len(packs) == 1 else _folder(office_name)
            add_to_zip(archive, folder, office_name, period_text, author, sections)
    return buffer.getvalue()


def _folder(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(ch if ch.isalnum() else "_" for ch in plain).strip("_") + "/"
