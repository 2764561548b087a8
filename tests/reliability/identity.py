"""A kubeconfig for the local control plane under an identity of its own (stdlib + cryptography).

The audit log names the user of every request, so a test (or bench/run.py) that talks to the API server as, say,
``tenancy-reliability`` can count exactly its own requests even while other sessions use the same cluster as
``tenancy-admin``. The client certificate is signed by the local cluster's CA (``<state>/pki/ca.{crt,key}``) with
organisation ``system:masters`` by default, so the identity has the same rights as the admin kubeconfig; without an
organisation it has only what RBAC grants it.
"""

from __future__ import annotations

import base64
import datetime
import os
from pathlib import Path

import yaml


def identity_kubeconfig(
    state_dir: str | os.PathLike[str],
    admin_kubeconfig: str,
    user: str,
    dest: Path,
    organization: str | None = "system:masters",
) -> Path:
    """Write ``dest`` (mode 0600): the admin kubeconfig with its user replaced by ``user`` (inline PEM data), in
    group ``organization`` (None: no group, so the user holds only what RBAC binds to it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    pki = Path(state_dir) / "pki"
    ca_cert = x509.load_pem_x509_certificate((pki / "ca.crt").read_bytes())
    ca_key = serialization.load_pem_private_key((pki / "ca.key").read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)] if organization else []
    subject = x509.Name([*names, x509.NameAttribute(NameOID.COMMON_NAME, user)])
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    config = yaml.safe_load(Path(admin_kubeconfig).read_text())
    base = Path(admin_kubeconfig).parent
    for entry in config.get("clusters", []):
        ca_file = entry["cluster"].pop("certificate-authority", None)
        if ca_file:
            path = Path(ca_file) if os.path.isabs(ca_file) else base / ca_file
            entry["cluster"]["certificate-authority-data"] = base64.b64encode(path.read_bytes()).decode()
    for entry in config.get("users", []):
        entry["user"] = {
            "client-certificate-data": base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode(),
            "client-key-data": base64.b64encode(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())).decode(),
        }
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        yaml.safe_dump(config, fh)
    return dest
