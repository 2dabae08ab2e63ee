"""Request and response bodies of erasure (`POST /v1/admin/erasures`, `DELETE /v1/cases/{id}`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.schemas import RequestModel

COUNTS_DOC = ("Rows deleted per store table (tickets, routing_decisions, suggestions, feedback_events, "
              "resolutions, new_labels) and cases deleted from the live index (index_cases): what the audit row "
              "records.")


class ErasureIn(RequestModel):
    """Exactly one of `customer_id` (every ticket and case of that customer) or `ticket_id`."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, json_schema_extra={"examples": [
        {"customer_id": "C-0912", "tenant": "orbitly"}, {"ticket_id": "ZD-48213"}],
        "oneOf": [{"required": ["customer_id"], "properties": {"customer_id": {"type": "string"},
                                                               "ticket_id": {"type": "null"}}},
                  {"required": ["ticket_id"], "properties": {"ticket_id": {"type": "string"},
                                                             "customer_id": {"type": "null"}}}]})

    customer_id: str | None = Field(default=None, min_length=1, max_length=200,
                                    description="The desk's customer id, as sent in `customer.id`.")
    tenant: str | None = Field(default=None, max_length=200, description=(
        "The customer's tenant. Empty: the customer id in every tenant the store and the index know (a key "
        "bound to a tenant always erases in its own tenant only)."))
    ticket_id: str | None = Field(default=None, min_length=1, max_length=200,
                                  description="One ticket (and the index case of that id).")

    @model_validator(mode="after")
    def _one_target(self) -> ErasureIn:
        if (self.customer_id is None) == (self.ticket_id is None):
            raise ValueError("give exactly one of customer_id or ticket_id")
        return self


class ScrubOut(BaseModel):
    backend: str = Field(description="sqlite or postgresql")
    action: str = Field(description="What removed the deleted bytes from the database files.")
    complete: bool = Field(description="False: it could not finish now (see warnings); the rows are gone anyway.")
    seconds: float


class ErasureOut(BaseModel):
    erasure_id: int = Field(description="The audit row (table `erasures`; it holds no personal data).")
    kind: Literal["case", "ticket", "customer"]
    counts: dict[str, int] = Field(description=COUNTS_DOC)
    index_version: str | None = Field(description="The live index's version after the erasure; null: none loaded.")
    scrub: ScrubOut | None
    warnings: list[str] = Field(default_factory=list)
