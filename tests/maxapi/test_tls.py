from __future__ import annotations

import ssl

import certifi

from maxremind.maxapi.client import MaxClient
from maxremind.maxapi.tls import make_ssl_context


def _common_names(context: ssl.SSLContext) -> set[str]:
    names = set()
    for cert in context.get_ca_certs():
        for rdn in cert["subject"]:
            for key, value in rdn:
                if key == "commonName":
                    names.add(value)
    return names


def test_ssl_context_trusts_certifi_and_the_russian_root():
    context = make_ssl_context()
    names = _common_names(context)
    assert "Russian Trusted Root CA" in names
    assert "ISRG Root X1" in names  # one of certifi's roots
    certifi_count = len(ssl.create_default_context(cafile=certifi.where()).get_ca_certs())
    assert len(context.get_ca_certs()) > certifi_count


def test_ssl_context_verifies_peers():
    context = make_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


async def test_default_client_builds_with_our_context():
    async with MaxClient("token") as client:
        assert client.base_url == "https://platform-api2.max.ru"
