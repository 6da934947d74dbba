"""`make run-lan`'s certificate: made once for the LAN address and localhost, made again if the address changes."""
import importlib.util
import ssl
from pathlib import Path

from cryptography import x509

spec = importlib.util.spec_from_file_location("lan_cert", Path(__file__).resolve().parents[1] / "scripts" / "lan_cert.py")
lan_cert = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lan_cert)


def test_the_certificate_names_the_address_and_localhost_and_loads_in_tls(tmp_path):
    lan_cert.make_certificate(tmp_path, "192.168.1.23")
    cert = x509.load_pem_x509_certificate((tmp_path / "lan-cert.pem").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1", "192.168.1.23"]
    assert (tmp_path / "lan-key.pem").stat().st_mode & 0o777 == 0o600
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(tmp_path / "lan-cert.pem",
                                                                        tmp_path / "lan-key.pem")
    assert lan_cert.covers(tmp_path / "lan-cert.pem", "192.168.1.23")
    assert not lan_cert.covers(tmp_path / "lan-cert.pem", "10.0.0.7")  # moved to another network: made again
    assert not lan_cert.covers(tmp_path / "missing.pem", "192.168.1.23")
