"""PEM values as users can pass them, read into keys and certificates with `cryptography`.

A PEM setting arrives in whatever shape its channel leaves it:

- Helm `--set-file` or a YAML block scalar: the file's lines, often with a trailing newline;
- a multi-line env var (`VAR="$(cat key.pem)"`, docker `--env-file` cannot hold one);
- one line with literal `\\n` (JSON, `--set`, .env files, CI secret stores);
- one line whose newlines became spaces (a single-line form field, `echo $VAR` unquoted);
- Windows line ends.

`normalize_pem` rebuilds each `-----BEGIN ...-----` block from its base64 body, so every form
above loads the same. Errors name the setting and what was expected, never a byte of the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
BASE64 = re.compile(r"^[A-Za-z0-9+/=]*$")
LINE_WIDTH = 64  # RFC 7468 §2
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KEY_LABELS = ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")


@dataclass(frozen=True)
class PemBlock:
    label: str  # "PRIVATE KEY", "CERTIFICATE", ...
    body: str  # the base64 body, without whitespace

    def text(self) -> str:
        lines = [self.body[i : i + LINE_WIDTH] for i in range(0, len(self.body), LINE_WIDTH)]
        return "\n".join([f"-----BEGIN {self.label}-----", *lines, f"-----END {self.label}-----"])

    def lines(self) -> list[str]:
        return [self.body[i : i + LINE_WIDTH] for i in range(0, len(self.body), LINE_WIDTH)]


def pem_blocks(value: str, key: str) -> list[PemBlock]:
    """Every PEM block of `value`, whatever its line ends. Raises ValueError naming `key`."""
    text = value.replace("\\r", "").replace("\\n", "\n").replace("\r", "")
    blocks: list[PemBlock] = []
    for match in BLOCK.finditer(text):
        label, body = match.group(1), match.group(2)
        if ":" in body:  # RFC 1421 headers: "Proc-Type: 4,ENCRYPTED"
            raise ValueError(
                f"{key}: an encrypted PEM key is not supported; export it unencrypted "
                "(openssl pkcs8 -topk8 -nocrypt) and keep it in a secret"
            )
        compact = "".join(body.split())
        if not compact or not BASE64.match(compact):
            raise ValueError(f"{key}: the {label} block's body is not base64")
        blocks.append(PemBlock(label, compact))
    if not blocks:
        raise ValueError(
            f"{key}: expected PEM text starting with -----BEGIN ...----- (the file's whole "
            "content, e.g. through Helm --set-file); found no PEM block"
        )
    return blocks


def normalize_pem(value: str, key: str) -> str:
    """`value` as canonical PEM text: each block on 64-character lines, newline-terminated."""
    return "\n".join(block.text() for block in pem_blocks(value, key)) + "\n"


def load_private_key(value: str, key: str) -> PrivateKey:
    """An RSA or EC private key (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC 1 `EC
    PRIVATE KEY`). Raises ValueError naming `key`, never quoting it."""
    blocks = [b for b in pem_blocks(value, key) if b.label in KEY_LABELS]
    if len(blocks) != 1:
        found = ", ".join(sorted({b.label for b in pem_blocks(value, key)}))
        raise ValueError(
            f"{key}: expected one PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE "
            f"KEY); found {len(blocks)} (blocks: {found})"
        )
    try:
        loaded = load_pem_private_key(blocks[0].text().encode(), password=None)
    except (ValueError, TypeError):
        raise ValueError(
            f"{key}: the {blocks[0].label} block could not be read as a private key "
            "(damaged or truncated; paste the whole file)"
        ) from None
    if not isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key}: an RSA or EC key is expected, not {type(loaded).__name__}")
    return loaded


def load_certificates(value: str, key: str) -> list[x509.Certificate]:
    """Every `CERTIFICATE` block of `value` (a chain or a CA bundle)."""
    blocks = [b for b in pem_blocks(value, key) if b.label == "CERTIFICATE"]
    if not blocks:
        raise ValueError(f"{key}: expected PEM certificates (BEGIN CERTIFICATE); found none")
    certificates = []
    for number, block in enumerate(blocks, 1):
        try:
            certificates.append(x509.load_pem_x509_certificate(block.text().encode()))
        except ValueError:
            raise ValueError(
                f"{key}: certificate {number} of {len(blocks)} could not be read (damaged or "
                "truncated; paste the whole file)"
            ) from None
    return certificates


def pem_secret_forms(value: str) -> list[str]:
    """What to mask for a PEM secret: the value as given, its canonical text, its literal-`\\n`
    form, and each body line and whole body, so no part of it can reach a log."""
    forms = [value, value.strip()]
    try:
        blocks = pem_blocks(value, "")
    except ValueError:
        return forms  # unreadable: the load error stops the start; mask what was given
    canonical = "\n".join(block.text() for block in blocks)
    forms += [canonical, canonical.replace("\n", "\\n")]
    for block in blocks:
        forms += [block.body, *block.lines()]
    return forms
