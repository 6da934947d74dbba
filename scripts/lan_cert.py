"""`make run-lan`: a self-signed certificate for this machine's LAN address and localhost, made once
into instance/ (made again if the address changed), then the URL to open on a phone.

    .venv/bin/python scripts/lan_cert.py [--port 5443] [--instance instance]
"""
import argparse
import ipaddress
import os
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
CERT, KEY = "lan-cert.pem", "lan-key.pem"


def lan_address() -> str:
    """The address other devices on the network reach this one at (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # any routable address: only picks the outgoing interface
            return sock.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def covers(cert_path: Path, address: str) -> bool:
    """The certificate exists, is valid for a while yet and names `address`."""
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    still_valid = cert.not_valid_after_utc > datetime.now(timezone.utc) + timedelta(days=7)
    return still_valid and ipaddress.ip_address(address) in names.get_values_for_type(x509.IPAddress)


def make_certificate(directory: Path, address: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"PassResOT66 essai local {address}")])
    now = datetime.now(timezone.utc)
    alt_names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    if address != "127.0.0.1":
        alt_names.append(x509.IPAddress(ipaddress.ip_address(address)))
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            # CA so that a phone accepts it as a trusted certificate (needed for the service worker).
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / KEY
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    (directory / CERT).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5443)
    parser.add_argument("--instance", default=str(ROOT / "instance"))
    args = parser.parse_args()
    directory, address = Path(args.instance), lan_address()
    if covers(directory / CERT, address):
        print(f"Certificat : {directory / CERT} (déjà fait pour {address}).")
    else:
        make_certificate(directory, address)
        print(f"Certificat créé : {directory / CERT} (pour {address}, localhost et 127.0.0.1).")
    print(f"""
Sur un téléphone connecté au même réseau Wi-Fi, ouvrez :

    https://{address}:{args.port}

Le navigateur prévient que le certificat n'est pas reconnu (il est fait par cette machine) :
  - Android (Chrome) : « Paramètres avancés », puis « Continuer vers le site {address} (dangereux) » ;
  - iPhone (Safari) : « Afficher les détails », puis « visiter ce site web ».
La caméra du scanner fonctionne alors. Pour le mode hors connexion (service worker), Chrome exige
un certificat de confiance : copiez {directory / CERT} sur le téléphone et installez-le
(Android : Paramètres › Sécurité › Chiffrement et identifiants › Installer un certificat ›
Certificat CA ; iPhone : ouvrir le fichier, installer le profil, puis Réglages › Général ›
Informations › Réglages des certificats › activer « PassResOT66 »).
Si le téléphone n'arrive pas à joindre l'adresse, vérifiez le pare-feu (port {args.port}).
""")


if __name__ == "__main__":
    main()
