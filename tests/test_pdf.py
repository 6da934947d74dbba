"""The shared PDF base writes French text and a QR code that a reader decodes back."""

import pypdfium2

from passresot import pdf
from tests.helpers import read_qr_codes


def test_a_document_keeps_french_text_and_a_readable_qr_code(app):
    with app.test_request_context():
        document = pdf.new_document("Attestation")
        document.add_page()
        document.cell(text="Œuvre « éductour » – 14 h")
        document.image(pdf.qr_png("https://passresot66.fr/verifier/ABC"), x=20, y=40, w=40)
        data = pdf.to_bytes(document)
    page = pypdfium2.PdfDocument(data)[0]
    assert "Œuvre « éductour » – 14 h" in page.get_textpage().get_text_range()
    image = page.render(scale=3).to_pil()
    assert [code.text for code in read_qr_codes(image)] == ["https://passresot66.fr/verifier/ABC"]
