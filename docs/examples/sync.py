"""An example sync with Doorstep's API (docs/api.md), standard library only.

Pushes your customers and invoices (safe to run again: external ids and idempotency keys),
sends new invoices, then pulls what changed in Doorstep since the last run (payments, invoice
statuses, tombstones). Run: DOORSTEP=http://localhost:8000/api/v1 KEY=dsk_... python sync.py
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

API = os.environ.get("DOORSTEP", "http://localhost:8000/api/v1").rstrip("/")
KEY = os.environ["KEY"]
STATE = Path(os.environ.get("SYNC_STATE", "doorstep-sync.json"))

# What your own system has (here: a fixed example).
MY_CUSTOMERS = [
    {
        "external_id": "crm-1001",
        "name": "Maria Lopez",
        "contacts": [{"name": "Maria Lopez", "email": "maria@example.com"}],
        "locations": [{"street": "12 Harbor St", "city": "Brooklyn", "region": "NY"}],
    },
]
MY_INVOICES = [
    {
        "external_id": "inv-5001",
        "customer_external_id": "crm-1001",
        "due_date": "2026-12-31",
        "lines": [{"description": "Replace kitchen faucet", "unit_price": 18500}],
    },
]


def call(method: str, path: str, body: dict | None = None, idempotency_key: str = "") -> dict:
    """One request; waits and retries on 429 (Retry-After), 409 and network errors."""
    for attempt in range(5):
        request = urllib.request.Request(  # noqa: S310  (API is your own http(s) URL)
            f"{API}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {KEY}",
                "Content-Type": "application/json",
                **({"Idempotency-Key": idempotency_key} if idempotency_key else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code in (409, 429) or error.code >= 500:
                time.sleep(float(error.headers.get("Retry-After", 2**attempt)))
                continue
            problem = json.load(error)
            message = f"{method} {path}: {problem['message']} ({problem['field']})"
            raise SystemExit(message) from None
        except urllib.error.URLError:
            time.sleep(2**attempt)
    raise SystemExit(f"{method} {path}: gave up after 5 tries")


def every(path: str, **params: str) -> list[dict]:
    """All pages of a list."""
    items, cursor = [], ""
    while True:
        query = "&".join(
            f"{k}={v}"
            for k, v in {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}.items()
        )
        page = call("GET", f"{path}?{query}")
        items += page["data"]
        if not page["has_more"]:
            return items
        cursor = page["next_cursor"]


def push() -> None:
    ids = {}
    for customer in MY_CUSTOMERS:
        answer = call("POST", "/customers/", customer, f"customer-{customer['external_id']}")
        ids[customer["external_id"]] = answer["id"]
    for invoice in MY_INVOICES:
        body = {k: v for k, v in invoice.items() if k != "customer_external_id"}
        body["customer"] = ids[invoice["customer_external_id"]]
        answer = call("POST", "/invoices/", body, f"invoice-{invoice['external_id']}")
        if answer["state"] == "draft":
            call("POST", f"/invoices/{answer['id']}/send/", None, f"send-{answer['id']}")
            print(f"sent {answer['number']} ({invoice['external_id']})")


def pull() -> None:
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    since = state.get("since", "2000-01-01T00:00:00Z")
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
    for invoice in every("/invoices/", updated_since=since):
        print(
            f"{invoice['number']} ({invoice['external_id']}): {invoice['status']}, "
            f"{invoice['balance_due'] / 100:.2f} {invoice['currency']} due"
        )
    for payment in every("/payments/", updated_since=since):
        print(f"payment {payment['id']}: {payment['state']} {payment['amount'] / 100:.2f}")
    for gone in every("/tombstones/", type="invoice", updated_since=since):
        print(f"invoice {gone['external_id'] or gone['object_id']} {gone['reason']}")
    STATE.write_text(json.dumps({"since": started}))


if __name__ == "__main__":
    push()
    pull()
