"""TLS trust for the MAX API host.

platform-api2.max.ru chains to "Russian Trusted Root CA", which certifi does not ship, so we
trust our bundled copy in addition to certifi's roots. Verification is never turned off.
"""

from __future__ import annotations

import ssl
from importlib import resources

import certifi

CA_RESOURCE = "russian-trusted-ca.pem"


def russian_trusted_ca_pem() -> str:
    return resources.files("maxremind.maxapi").joinpath(CA_RESOURCE).read_text(encoding="ascii")


def make_ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_verify_locations(cadata=russian_trusted_ca_pem())
    return context
