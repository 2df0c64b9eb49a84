"""The server's TLS identity: a P-256 key made in memory at each start and a self-signed certificate.

Terraform (go-plugin "AutoMTLS") trusts exactly the certificate printed in the handshake line
and checks it is valid for the name ``localhost``. The key never touches the disk.

The certificate is assembled here with a few lines of DER instead of ``cryptography.x509``:
that module costs ~45 ms of import time on every provider start (three starts per plan), while
the EC key and its signature only need ``cryptography``'s EC primitives. Only encoding happens
here; key generation and signing are done by ``cryptography`` (OpenSSL).
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass

# Object identifiers used in the certificate.
_OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
_OID_COMMON_NAME = "2.5.4.3"
_OID_ORGANIZATION = "2.5.4.10"
_OID_BASIC_CONSTRAINTS = "2.5.29.19"
_OID_KEY_USAGE = "2.5.29.15"
_OID_EXT_KEY_USAGE = "2.5.29.37"
_OID_SUBJECT_ALT_NAME = "2.5.29.17"
_OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"

VALIDITY_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class ServerIdentity:
    """What the gRPC server and the handshake need."""

    key_pem: bytes
    cert_pem: bytes
    cert_der: bytes

    @property
    def handshake_cert(self) -> str:
        """The certificate as go-plugin wants it in the handshake line: base64 DER, no padding."""
        return base64.b64encode(self.cert_der).decode().rstrip("=")


def make_server_identity(host: str = "localhost") -> ServerIdentity:
    """Generate a fresh key and a self-signed certificate for ``host``."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tbs = _tbs_certificate(spki, host, time.time())
    signature = key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    cert_der = _seq(tbs, _seq(_oid(_OID_ECDSA_SHA256)), _bit_string(signature))
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return ServerIdentity(key_pem=key_pem, cert_pem=_pem("CERTIFICATE", cert_der), cert_der=cert_der)


def _tbs_certificate(spki: bytes, host: str, now: float) -> bytes:
    name = _seq(
        _set(_seq(_oid(_OID_ORGANIZATION), _utf8("PlatformXe"))),
        _set(_seq(_oid(_OID_COMMON_NAME), _utf8(host))),
    )
    # Positive 127-bit serial: random, as RFC 5280 recommends, and never needing a sign byte.
    serial = secrets.randbits(127) | 1
    extensions = _seq(
        # CA:TRUE because the client uses this very certificate as its trust root.
        _extension(_OID_BASIC_CONSTRAINTS, _seq(_boolean(True)), critical=True),
        # digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, two unused trailing bits.
        _extension(_OID_KEY_USAGE, _tlv(0x03, b"\x02\x84"), critical=True),
        _extension(_OID_EXT_KEY_USAGE, _seq(_oid(_OID_SERVER_AUTH), _oid(_OID_CLIENT_AUTH))),
        _extension(_OID_SUBJECT_ALT_NAME, _seq(_tlv(0x82, host.encode("ascii")))),
    )
    return _seq(
        _tlv(0xA0, _integer(2)),  # version v3
        _integer(serial),
        _seq(_oid(_OID_ECDSA_SHA256)),
        name,  # issuer
        _seq(_time(now - 60), _time(now + VALIDITY_SECONDS)),
        name,  # subject (self-signed)
        spki,
        _tlv(0xA3, extensions),
    )


# --- minimal DER ----------------------------------------------------------------------------


def _tlv(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        length = bytes([size])
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _set(*items: bytes) -> bytes:
    return _tlv(0x31, b"".join(items))


def _integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # room for a leading 0 sign byte
    while len(body) > 1 and body[0] == 0 and body[1] < 0x80:
        body = body[1:]
    return _tlv(0x02, body)


def _boolean(value: bool) -> bytes:
    return _tlv(0x01, b"\xff" if value else b"\x00")


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _utf8(text: str) -> bytes:
    return _tlv(0x0C, text.encode())


def _bit_string(data: bytes) -> bytes:
    return _tlv(0x03, b"\x00" + data)


def _octet_string(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _extension(oid: str, value: bytes, *, critical: bool = False) -> bytes:
    parts = [_oid(oid)]
    if critical:
        parts.append(_boolean(True))
    parts.append(_octet_string(value))
    return _seq(*parts)


def _time(epoch: float) -> bytes:
    moment = time.gmtime(int(epoch))
    if 1950 <= moment.tm_year < 2050:
        return _tlv(0x17, time.strftime("%y%m%d%H%M%SZ", moment).encode())  # UTCTime
    return _tlv(0x18, time.strftime("%Y%m%d%H%M%SZ", moment).encode())  # GeneralizedTime


def _pem(label: str, der: bytes) -> bytes:
    text = base64.b64encode(der).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode()
