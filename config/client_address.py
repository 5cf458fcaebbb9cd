"""The address a request really came from, behind the reverse proxy the README recommends (issue 18, item 2).

Behind nginx every request arrives from the proxy's own address, so every limit keyed on
REMOTE_ADDR (5 resident reports an hour, 20 status checks, the login lock-out) counted the whole
site as one client. X-Forwarded-For carries the real address, but any client can write that
header: it is believed only as far as it was written by a proxy we trust.

- TRUSTED_PROXIES (networks): walk the header from the right, past every hop that is one of our
  proxies; the first address that is not is the client. Entries left of it were written by the
  client itself and are ignored.
- TRUSTED_PROXY_COUNT (a number): exactly that many proxies stand in front of the app, each
  appending the address it saw; the client is that many entries from the right. Only safe when
  the app cannot be reached except through them.
With neither set (the default) the header is ignored and REMOTE_ADDR is the client.
"""

from ipaddress import IPv4Address, IPv6Address, ip_address

from django.conf import settings
from django.http import HttpRequest


def _parse(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address | None) -> bool:
    return address is not None and any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text; the proxy's own address when the header cannot be believed."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if settings.TRUSTED_PROXIES:
        if not _trusted(_parse(remote)):
            return remote
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                return remote  # a mangled header: trust nothing in it
            if not _trusted(address):
                return str(address)
        return str(_parse(hops[0])) if hops else remote
    count = settings.TRUSTED_PROXY_COUNT
    if count and len(hops) >= count:
        address = _parse(hops[-count])
        return str(address) if address is not None else remote
    return remote
