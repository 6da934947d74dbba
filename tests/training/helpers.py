"""Files for the certificate tests: a real PDF (the shared PDF base), a PDF that is not one, images."""
from passresot import pdf


def pdf_bytes(text="Attestation de formation") -> bytes:
    document = pdf.new_document("Attestation")
    document.add_page()
    document.cell(text=text)
    return pdf.to_bytes(document)


FAKE_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
