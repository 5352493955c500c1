"""mTLS and private CAs, through the real Ocean app, against HTTPS servers on 127.0.0.1.

The API's certificate is issued by a private CA; the API (and its token endpoint) require a
client certificate signed by that CA, as an internal service mesh or API gateway does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connection.settings import load_settings
from core.errors import ConfigurationError, FetchError
from core.redaction import Redactor
from fetching.http_factory import build_http_client
from sample_api.server import FakeApi, Reply
from tests.auth.auth_kit import all_logs
from tests.auth.key_fakes import AssertionIdp
from tests.auth.key_kit import Pki, Tokens, body_lines, key_pem, public_pem, rsa_key
from tests.auth.test_key_auth_resync import (
    CLIENT_ID,
    DELETING,
    PAGED,
    STALE,
    USERS,
    every_item,
    identifiers,
    slow_pages,
)
from tests.ocean_run import mapping, resource, run_resync
from transport import tls

THINGS = mapping(resource("/things"))


@pytest.fixture
def pki() -> Pki:
    return Pki()


@pytest.fixture
def mtls_api(pki: Pki, tmp_path: Path) -> Iterator[FakeApi]:
    with FakeApi(tls=pki.server_context(tmp_path, require_client=True)) as server:
        yield server


@pytest.fixture
def private_ca_api(pki: Pki, tmp_path: Path) -> Iterator[FakeApi]:
    with FakeApi(tls=pki.server_context(tmp_path, require_client=False)) as server:
        server.route("GET", "/things", lambda _r: Reply(json_body=[{"id": 1, "name": "one"}]))
        yield server


def mtls_config(
    api: FakeApi, idp: AssertionIdp, key: Any, pki: Pki, **extra: Any
) -> dict[str, Any]:
    certificate, client_key = pki.client()
    return {
        "base_url": api.url,
        "auth_type": "oauth2_client_credentials",
        "oauth_client_authentication": "private_key_jwt",
        "oauth_token_url": idp.url,
        "oauth_client_id": CLIENT_ID,
        "oauth_private_key": key_pem(key),
        "ca_certificate": pki.ca_pem,
        "client_certificate": certificate,
        "client_private_key": client_key,
        **PAGED,
        **extra,
    }


async def test_mtls_api_and_token_endpoint_sync_every_page(mtls_api: FakeApi, pki: Pki) -> None:
    """Certificate and token on the same mTLS server; tokens expire mid-run."""
    key = rsa_key()
    tokens = Tokens(lifetime=0.6)
    idp = AssertionIdp(mtls_api, public_pem(key), tokens, mode="client", client_id=CLIENT_ID)
    mtls_api.route("GET", "/api/users", tokens.guard(slow_pages()))
    config = mtls_config(mtls_api, idp, key, pki)
    with all_logs() as logs:
        result = await run_resync(config, DELETING, STALE)
    assert result.errors == [] and identifiers(result) == every_item()
    assert len(tokens.issued) >= 3 and tokens.rejected == 0
    secrets = body_lines(config["client_private_key"]) + body_lines(config["oauth_private_key"])
    assert [s for s in secrets if s in "\n".join(logs)] == []


async def test_without_the_client_certificate_the_resync_fails_and_deletes_nothing(
    mtls_api: FakeApi, pki: Pki
) -> None:
    key = rsa_key()
    tokens = Tokens(lifetime=60)
    idp = AssertionIdp(mtls_api, public_pem(key), tokens, mode="client", client_id=CLIENT_ID)
    mtls_api.route("GET", "/api/users", tokens.guard(slow_pages(0)))
    config = mtls_config(mtls_api, idp, key, pki, max_retries="1")
    del config["client_certificate"], config["client_private_key"]
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    message = str(result.errors[0])
    assert "clientCertificate" in message, message
    assert mtls_api.received == []


async def test_a_certificate_from_another_ca_is_refused(mtls_api: FakeApi, pki: Pki) -> None:
    key = rsa_key()
    tokens = Tokens(lifetime=60)
    idp = AssertionIdp(mtls_api, public_pem(key), tokens, mode="client", client_id=CLIENT_ID)
    certificate, client_key = Pki("Another CA").client()
    config = mtls_config(
        mtls_api, idp, key, pki, client_certificate=certificate, client_private_key=client_key
    )
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    assert "clientCertificate" in str(result.errors[0])


async def test_a_private_ca_is_refused_without_ca_certificate(private_ca_api: FakeApi) -> None:
    result = await run_resync({"base_url": private_ca_api.url, "max_retries": "0"}, THINGS)
    assert result.upserted_entities == []
    assert "caCertificate" in str(result.errors[0])


@pytest.mark.parametrize(
    "form", ["multi-line", "literal-newlines", "set-file"], ids=lambda form: form
)
async def test_ca_certificate_trusts_a_private_ca_with_verify_ssl_on(
    private_ca_api: FakeApi, pki: Pki, form: str
) -> None:
    value = {
        "multi-line": pki.ca_pem,
        "literal-newlines": pki.ca_pem.replace("\n", "\\n"),
        "set-file": pki.ca_pem + "\n",
    }[form]
    result = await run_resync({"base_url": private_ca_api.url, "ca_certificate": value}, THINGS)
    assert result.errors == []
    assert [e["identifier"] for e in result.upserted_entities] == ["1"]


async def test_the_helm_charts_self_signed_certificate_is_trusted(
    private_ca_api: FakeApi, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Port's chart with selfSignedCertificate.enabled mounts the CA at
    /usr/local/share/ca-certificates/cert.crt and sets SSL_CERT_FILE to the system bundle."""
    mounted = tmp_path / "ca-certificates"
    mounted.mkdir()
    (mounted / "cert.crt").write_text(pki.ca_pem)
    monkeypatch.setattr(tls, "LOCAL_CA_DIR", mounted)
    import certifi

    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # the bundle, without the private CA
    result = await run_resync({"base_url": private_ca_api.url}, THINGS)
    assert result.errors == []
    assert [e["identifier"] for e in result.upserted_entities] == ["1"]


async def test_the_client_certificate_goes_to_the_api_origin_only(pki: Pki, tmp_path: Path) -> None:
    """A next link to another origin that also asks for a client certificate gets none: the
    handshake there fails, while the API's own origin succeeds with the same client."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        FakeApi(tls=pki.server_context(tmp_path / "a", require_client=True)) as api,
        FakeApi(tls=pki.server_context(tmp_path / "b", require_client=True)) as elsewhere,
    ):
        api.json_route("/things", [{"id": 1}])
        elsewhere.json_route("/things", [{"id": 2}])
        certificate, client_key = pki.client()
        settings = load_settings(
            {
                "base_url": api.url,
                "ca_certificate": pki.ca_pem,
                "client_certificate": certificate,
                "client_private_key": client_key,
                "max_retries": "0",
            }
        )
        async with build_http_client(
            settings, Redactor(settings.secrets), inside_ocean=False
        ) as http:
            assert (await http.get(f"{api.url}/things")).json() == [{"id": 1}]
            # TLS 1.3 reports the refusal at the handshake (diagnosed: FetchError naming the
            # setting) or as a closed connection on the first read (TransportError): which one
            # depends on timing.
            with pytest.raises((httpx.TransportError, FetchError)) as refused:
                await http.get(f"{elsewhere.url}/things")
        if isinstance(refused.value, FetchError):
            assert "none is configured for this origin" in str(refused.value)
        assert elsewhere.received == []


async def test_the_client_certificate_also_goes_to_a_token_url_on_another_origin(
    mtls_api: FakeApi, pki: Pki, tmp_path: Path
) -> None:
    """The token endpoint (another host, often) is trusted with the certificate too."""
    (tmp_path / "idp").mkdir()
    with FakeApi(tls=pki.server_context(tmp_path / "idp", require_client=True)) as idp_server:
        key = rsa_key()
        tokens = Tokens(lifetime=60)
        idp = AssertionIdp(idp_server, public_pem(key), tokens, mode="client", client_id=CLIENT_ID)
        mtls_api.route("GET", "/api/users", tokens.guard(slow_pages(0)))
        result = await run_resync(mtls_config(mtls_api, idp, key, pki), mapping(USERS))
    assert result.errors == [] and identifiers(result) == every_item()
    assert len(idp.assertions) == 1


def test_an_unreadable_chart_ca_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cert.crt").write_text("not a certificate")
    monkeypatch.setattr(tls, "LOCAL_CA_DIR", tmp_path)
    with pytest.raises(
        ConfigurationError, match=r"The CA file .*cert\.crt .*selfSignedCertificate"
    ):
        tls.build_contexts(tls.TlsOptions())
