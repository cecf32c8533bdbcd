"""Whether MAX can post to our webhook: a look at the public URL from outside in.

MAX posts only over HTTPS to port 443, with a certificate from a public CA. The
settings check the URL's shape (``config.webhook_url_problem``); at start-up this
module also asks the URL itself, as MAX would, for ``/healthz``: a self-signed or
expired certificate, a proxy that answers with something else, or no answer at all is
said in one line. The answer from this machine is not MAX's (a firewall may let MAX in
and not us), so a failure is a warning, never a reason to stop.
"""

from __future__ import annotations

import ssl

import certifi
import httpx

HEALTH_PATH = "/healthz"


def public_ca_context() -> ssl.SSLContext:
    """Trust what MAX trusts: the public CAs (certifi), nothing installed locally."""
    return ssl.create_default_context(cafile=certifi.where())


def _ssl_reason(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


async def public_url_problem(
    public_url: str,
    *,
    verify: ssl.SSLContext | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109 - one request's budget, passed to httpx
) -> str | None:
    """What stops MAX from reaching ``public_url`` as seen from here, or None."""
    url = public_url.rstrip("/") + HEALTH_PATH
    context = verify if verify is not None else public_ca_context()
    try:
        async with httpx.AsyncClient(verify=context, timeout=timeout) as http:
            answer = await http.get(url)
    except httpx.HTTPError as exc:
        reason = _ssl_reason(exc)
        if isinstance(reason, ssl.SSLCertVerificationError):
            detail = reason.verify_message or str(reason)
            return (
                f"{public_url} has a certificate MAX will refuse ({detail}): it needs one from "
                "a public CA, e.g. certbot --nginx (docs/self-hosting.md)"
            )
        if reason is not None:
            return f"{public_url} fails the TLS handshake ({reason}); MAX will refuse it"
        return (
            f"could not reach {url} from this machine ({type(exc).__name__}: {exc}); "
            "MAX must reach it on port 443"
        )
    if answer.status_code != 200 or answer.text.strip() != "ok":
        return (
            f"{url} answered {answer.status_code} but not as maxremind does: "
            "is the proxy passing requests to maxremind?"
        )
    return None
