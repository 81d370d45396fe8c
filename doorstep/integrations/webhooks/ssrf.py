"""Where a webhook may be delivered: never into the network Doorstep runs in.

A company types any URL it likes, so a delivery must not reach the cloud metadata service
(169.254.169.254), the database on 10.x, or a service on localhost. The host is resolved, every
address it resolves to must be public, and the connection is made to that vetted address (the
Host header and TLS SNI/certificate check still use the name), then the connected peer is checked
again, so DNS rebinding between the check and the connect does not help. Redirects are never
followed (http.client does not follow them; a 3xx is a failed delivery).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL or the address it leads to is not allowed; the message says why in plain words."""


def address_refusal(address: str) -> str | None:
    """Why a delivery may not connect to this IP address, or None if it may."""
    ip: IpAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        if settings.DOORSTEP_WEBHOOKS_ALLOW_LOOPBACK:
            return None
        return f"{ip} is this server itself (loopback)"
    if ip.is_link_local:
        return f"{ip} is a link-local address (e.g. a cloud metadata service)"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if ip.is_private:
        return f"{ip} is on a private network"
    if ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return f"{ip} is a reserved address"
    return None


def url_refusal(url: str) -> str | None:
    """Why this URL can never be an endpoint (checked when it is saved), or None."""
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.DOORSTEP_WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        return "The URL must start with https://."
    if not parts.hostname:
        return "The URL needs a host name, e.g. https://example.com/hooks."
    if parts.username or parts.password:
        return "Leave the user name and password out of the URL."
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "The port in the URL is not a number between 1 and 65535."
    try:
        refusal = address_refusal(parts.hostname)
    except ValueError:
        return None  # a name: resolved and checked at every delivery
    return f"Doorstep cannot send to this address: {refusal}." if refusal else None


def resolve(host: str, port: int) -> str:
    """The address to connect to. Every address the name has must be allowed: a name that
    also points inside the network is refused, not tried on its public address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(f"The host {host} could not be found.") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"The host {host} could not be found.")
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise AddressRefused(f"Refused: {host} resolves to {refusal}.")
    return addresses[0]


def _checked_socket(address: str, port: int, timeout: float) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=timeout)
    peer = str(sock.getpeername()[0])
    refusal = address_refusal(peer)
    if refusal:
        sock.close()
        raise AddressRefused(f"Refused: connected to {refusal}.")
    return sock


class _VettedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _checked_socket(self._address, self.port, self.timeout)  # type: ignore[arg-type]


class _VettedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = _checked_socket(self._address, self.port, self.timeout)  # type: ignore[arg-type]
        # SNI and the certificate check use the name, not the address we connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def connection_for(url: str, *, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """An unopened connection to the URL's vetted address, and the path to request."""
    refusal = url_refusal(url)
    if refusal:
        raise AddressRefused(refusal)
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(host, port)
    cls = _VettedHTTPSConnection if https else _VettedHTTPConnection
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return cls(host, port, address, timeout), path
