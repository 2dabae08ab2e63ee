"""Pseudonymous customer references: how the store and the index find a customer's data for erasure.

`CustomerRefs.ref(customer_id, tenant)` is 64 hex digits of HMAC-SHA256 over (tenant, the desk's customer id)
under a key derived from the deployment's pseudonym key (`DESKMATE_PII__PSEUDONYM_KEY`, else
`<data_dir>/secrets/pseudonym.key`; service/privacy.py). Tickets keep it in `tickets.customer_ref`, cases in
`metadata.customer_ref`; the customer id itself is never stored. Without the key a reference cannot be linked to
a customer id, even by trying likely ids.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

_DOMAIN = b"deskmate/customer-ref/v1\x00"  # separates these hashes from the pseudonymized ids under the same key
METADATA_KEY = "customer_ref"


class CustomerRefs:
    """Keyed, tenant-aware customer references: the same customer id in two tenants gives two references."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the customer reference key must be at least 16 bytes")
        self._key = hmac.new(key, _DOMAIN, hashlib.sha256).digest()

    def ref(self, customer_id: str, tenant: str | None = None) -> str:
        message = (tenant or "").encode("utf-8") + b"\x00" + customer_id.strip().encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def ref_optional(self, customer_id: str | None, tenant: str | None = None) -> str | None:
        return self.ref(customer_id, tenant) if customer_id is not None and customer_id.strip() else None


def metadata_customer_id(metadata: Mapping[str, Any]) -> str | None:
    """The desk's customer id a case's metadata carries as given (`customer.id` or `customer_id`), if any."""
    customer = metadata.get("customer")
    value = customer.get("id") if isinstance(customer, Mapping) else metadata.get("customer_id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None
