"""The certificate as an A4 PDF: the statement, the network's signature and a QR code of the public
verification link (printed in clear under it)."""
from flask_babel import format_date
from flask_babel import gettext as _

from .. import pdf
from ..i18n import duration_text
from .models import Certificate


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    document = pdf.new_document(_("Attestation de présence"))
    document.add_page()
    document.set_font(pdf.FONT, "B", 20)
    document.cell(0, 14, _("Attestation de présence"), new_x="LMARGIN", new_y="NEXT", align="C")
    document.set_font(pdf.FONT, "", 12)
    document.cell(0, 8, _("Éductour du réseau RESOT66"), new_x="LMARGIN", new_y="NEXT", align="C")
    document.ln(10)
    document.multi_cell(0, 7, _("%(issuer)s atteste que %(holder)s a participé à l'éductour « %(title)s » du "
                                "%(day)s, soit %(duration)s de visites de partenaires :",
                                issuer=certificate.issuer_label, holder=certificate.holder_name,
                                title=certificate.title, day=format_date(certificate.day, "EEEE d MMMM y"),
                                duration=duration_text(certificate.minutes)), new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    for line in certificate.lines:
        document.cell(8)
        document.multi_cell(0, 7, "• " + line, new_x="LMARGIN", new_y="NEXT")
    document.ln(6)
    document.set_font(pdf.FONT, "", 9)
    document.multi_cell(0, 5, _("Délivrée le %(date)s. Numéro %(serial)s. Signée par la clé %(kid)s du réseau.",
                                date=format_date(certificate.issued_at.date(), "d MMMM y"),
                                serial=certificate.serial, kid=certificate.kid), new_x="LMARGIN", new_y="NEXT")
    document.ln(6)
    y = document.get_y()
    document.image(pdf.qr_png(verify_url), x=document.l_margin, y=y, w=45)
    document.set_xy(document.l_margin + 50, y + 5)
    document.multi_cell(0, 5, _("Vérifier cette attestation : scannez le code ou ouvrez l'adresse ci-dessous. "
                                "La page dit si elle est authentique et ce qu'elle atteste."),
                        new_x="LMARGIN", new_y="NEXT")
    document.set_xy(document.l_margin + 50, y + 25)
    document.multi_cell(0, 5, verify_url, new_x="LMARGIN", new_y="NEXT")
    return pdf.to_bytes(document)
