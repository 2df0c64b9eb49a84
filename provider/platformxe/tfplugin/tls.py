"""The server's TLS identity: a P-256 key made in memory at each start and a self-signed certificate.

Terraform (go-plugin "AutoMTLS") trusts exactly the certificate printed in the handshake line
and checks it is valid for the name ``localhost``. The key never touches the disk.

The certificate and the key's PEM are assembled here with a few lines of DER instead of
``cryptography.x509`` and ``cryptography``'s serializers: those cost ~50 ms of imports on every
provider start (three starts per plan). Only encoding happens here; key generation and
signing are done by ``cryptography`` (OpenSSL).
"""

from __future__ import annotations

import base64
import os
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

# Object identifiers used in the certificate.
_OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
_OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_OID_P256 = "1.2.840.10045.3.1.7"
_OID_COMMON_NAME = "2.5.4.3"
_OID_ORGANIZATION = "2.5.4.10"
_OID_BASIC_CONSTRAINTS = "2.5.29.19"
_OID_KEY_USAGE = "2.5.29.15"
_OID_EXT_KEY_USAGE = "2.5.29.37"
_OID_SUBJECT_ALT_NAME = "2.5.29.17"
_OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
_OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"

VALIDITY_SECONDS = 365 * 24 * 3600


class ServerIdentity:
    """What the gRPC server and the handshake need (a plain class: dataclasses cost import time here)."""

    __slots__ = ("cert_der", "cert_pem", "key_pem")

    def __init__(self, key_pem: bytes, cert_pem: bytes, cert_der: bytes) -> None:
        self.key_pem = key_pem
        self.cert_pem = cert_pem
        self.cert_der = cert_der

    @property
    def handshake_cert(self) -> str:
        """The certificate as go-plugin wants it in the handshake line: base64 DER, no padding."""
        return base64.b64encode(self.cert_der).decode().rstrip("=")


def make_server_identity(host: str = "localhost") -> ServerIdentity:
    """Generate a fresh key and a self-signed certificate for ``host``."""
    key = ec.generate_private_key(ec.SECP256R1())
    # Key encodings are written here from the key's numbers: cryptography's own encoders load
    # its whole serialization package (SSH keys, ciphers) on first use, ~4 ms per start.
    public = key.public_key().public_numbers()
    point = b"\x04" + public.x.to_bytes(32, "big") + public.y.to_bytes(32, "big")
    spki = _seq(_seq(_oid(_OID_EC_PUBLIC_KEY), _oid(_OID_P256)), _bit_string(point))
    tbs = _tbs_certificate(spki, host, time.time())
    signature = key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    cert_der = _seq(tbs, _seq(_oid(_OID_ECDSA_SHA256)), _bit_string(signature))
    # SEC 1 ECPrivateKey: version 1, the private scalar, the curve, the public point.
    private = key.private_numbers().private_value.to_bytes(32, "big")
    key_der = _seq(
        _integer(1), _octet_string(private), _tlv(0xA0, _oid(_OID_P256)), _tlv(0xA1, _bit_string(point))
    )
    return ServerIdentity(
        key_pem=_pem("EC PRIVATE KEY", key_der), cert_pem=_pem("CERTIFICATE", cert_der), cert_der=cert_der
    )


def _tbs_certificate(spki: bytes, host: str, now: float) -> bytes:
    name = _seq(
        _set(_seq(_oid(_OID_ORGANIZATION), _utf8("PlatformXe"))),
        _set(_seq(_oid(_OID_COMMON_NAME), _utf8(host))),
    )
    # Positive 127-bit serial: random, as RFC 5280 recommends, and never needing a sign byte.
    serial = (int.from_bytes(os.urandom(16), "big") >> 1) | 1
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
