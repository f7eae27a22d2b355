"""Which SERVICE endpoints a federated query may call: public http(s) addresses only.

With SERVICE enabled (``--allow-service``) the server makes HTTP requests on a query's behalf, so
every endpoint is checked before the query runs: the host name is resolved and *every* address
it resolves to must be a public unicast address — never loopback, private, link-local,
carrier-grade NAT, multicast, reserved or unspecified, nor an IPv6 form that embeds such an IPv4
address. A SERVICE whose endpoint is a variable is refused, since it cannot be checked.

Oxigraph follows no redirects for SERVICE (checked in ``tests/test_safety.py``). What remains is
a host whose DNS answer changes between this check and the request (DNS rebinding): enable
SERVICE only where that matters less than federation does.

>>> public_address("93.184.216.34") and not public_address("10.1.2.3")
True
>>> public_address("::ffff:127.0.0.1")
False
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from newsgraph.errors import QueryRefused

__all__ = ["check_endpoint", "public_address"]


def public_address(text: str) -> bool:
    """True for a public unicast IPv4 or IPv6 address."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return public_address(str(embedded))
        if address.teredo is not None:
            return all(public_address(str(part)) for part in address.teredo)
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def check_endpoint(iri: str | None) -> None:
    """Refuse a SERVICE endpoint unless it is http(s) on a host with only public addresses."""
    if iri is None:
        raise QueryRefused("SERVICE with a variable endpoint is refused: it cannot be checked")
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryRefused(f"SERVICE <{iri}> is refused: only http(s) endpoints are called")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise QueryRefused(f"SERVICE <{iri}> is refused: bad port") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise QueryRefused(
            f"SERVICE <{iri}> is refused: {parts.hostname} does not resolve"
        ) from None
    addresses = sorted({str(info[4][0]) for info in found})
    private = [address for address in addresses if not public_address(address)]
    if not addresses or private:
        raise QueryRefused(
            f"SERVICE <{iri}> is refused: {parts.hostname} resolves to a non-public address "
            f"({', '.join(private) or 'none'})"
        )
