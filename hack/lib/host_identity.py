"""A host-cluster client that acts as its own user, for the local control plane's helper processes.

The helpers (hack/syncer-standin, hack/vcluster-syncer) write to the host cluster on behalf of the machine, not of
the operator. Acting as their own user (client certificate signed by the local cluster's CA, group
``system:masters``) keeps their writes apart from the operator's (user ``tenancy-admin``) in the audit log, the
way a real syncer's service account or a real kubelet are.
"""

import datetime
import fcntl
import os

from kubernetes import client, config


def _issue(ca_crt, ca_key, identity, crt_path, key_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    with open(ca_crt, "rb") as fh:
        ca_cert = x509.load_pem_x509_certificate(fh.read())
    with open(ca_key, "rb") as fh:
        ca_private = serialization.load_pem_private_key(fh.read(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
            x509.NameAttribute(NameOID.COMMON_NAME, identity),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_private, hashes.SHA256())
    )
    fd = os.open(key_path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    with open(crt_path + ".tmp", "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(key_path + ".tmp", key_path)
    os.replace(crt_path + ".tmp", crt_path)


def own_identity_client(kubeconfig_path, identity, state_dir, out_dir):
    """An ApiClient for the host of KUBECONFIG_PATH as user IDENTITY (group system:masters).

    The certificate is signed with the local cluster's CA (``<state_dir>/pki/ca.{crt,key}``) and kept in OUT_DIR.
    Returns None when the CA key or the ``cryptography`` package is not available (the caller then acts as the
    kubeconfig's own user).
    """
    pki = os.path.join(state_dir, "pki")
    ca_crt, ca_key = os.path.join(pki, "ca.crt"), os.path.join(pki, "ca.key")
    if not (os.access(ca_crt, os.R_OK) and os.access(ca_key, os.R_OK)):
        return None
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return None
    os.makedirs(out_dir, exist_ok=True)
    crt_path, key_path = os.path.join(out_dir, f"{identity}.crt"), os.path.join(out_dir, f"{identity}.key")
    with open(os.path.join(out_dir, "identity.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (os.path.isfile(crt_path) and os.path.isfile(key_path)):
            _issue(ca_crt, ca_key, identity, crt_path, key_path)
    loader_cfg = client.Configuration()
    config.load_kube_config(config_file=kubeconfig_path, client_configuration=loader_cfg)
    cfg = client.Configuration()
    cfg.host = loader_cfg.host
    cfg.ssl_ca_cert = loader_cfg.ssl_ca_cert or ca_crt
    cfg.verify_ssl = loader_cfg.verify_ssl
    cfg.cert_file, cfg.key_file = crt_path, key_path
    return client.ApiClient(cfg)
