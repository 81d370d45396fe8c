"""Which link fetches are a mail scanner's, not a person's: the one list (docs/adoption.md).

A fetch (GET/HEAD of a link's page) is never an open, whoever made it: only the person's
confirming POST is. The flag only tells staff how much of the traffic was machines.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

# A person does not click within seconds of the email leaving; a scanner does.
SEND_WINDOW = timedelta(seconds=10)

# Lower-case pieces of the User-Agent of link scanners and previewers.
SCANNER_AGENTS = (
    "bot",
    "crawler",
    "spider",
    "safelinks",
    "proofpoint",
    "mimecast",
    "barracuda",
    "existence discovery",  # Microsoft Office checking a link before opening it
    "python-requests",
    "go-http-client",
    "curl/",
    "wget/",
    "headlesschrome",
)

# Networks the big email security gateways scan from (their published ranges).
SCANNER_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "40.92.0.0/15",  # Microsoft Exchange Online Protection (Safe Links)
        "40.107.0.0/16",  # Microsoft Exchange Online Protection
        "52.100.0.0/14",  # Microsoft Exchange Online Protection
        "104.47.0.0/17",  # Microsoft Exchange Online Protection
        "148.163.128.0/19",  # Proofpoint
        "67.231.144.0/20",  # Proofpoint
        "205.139.110.0/24",  # Mimecast
        "207.211.30.0/24",  # Mimecast
        "64.235.144.0/20",  # Barracuda
        "209.222.80.0/21",  # Barracuda
    )
)


def fetch_is_scanner(
    *, method: str, user_agent: str, ip: str | None, sent_at: datetime | None, now: datetime
) -> bool:
    if method == "HEAD":
        return True  # browsers GET a page a person opens; HEAD is a link checker
    if sent_at is not None and now - sent_at <= SEND_WINDOW:
        return True
    agent = (user_agent or "").lower()
    if not agent or any(piece in agent for piece in SCANNER_AGENTS):
        return True
    if ip:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in SCANNER_NETWORKS)
    return False
