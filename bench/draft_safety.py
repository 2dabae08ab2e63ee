"""The draft-safety checks (models/drafting/safety.py) on real text, side by side with what the drafter did before.

- secret requests: how many of all resolution sentences (demo tickets and every Bitext response, split with the
  composer's `split_sentences`) `asks_for_secret` flags. Neither set asks a customer for a secret, so every flag
  is a false positive that would drop a good source. (The attacks themselves are in the tests.)
- names: how many demo customer names `plausible_name` refuses (each would lose the greeting by name).
- ticket values: on the Bitext instructions, order numbers extracted by `ticket_order_numbers` against the
  annotated order/invoice id, values taken that are not that id, and amounts that would fill `[amount]`; the
  baseline is the previous `ticket_facts` (its order-number and amount patterns, exactly one value in the ticket).

The checks were adjusted after reading the sentences flagged on these sets: these are development numbers, not
held-out ones.

    python -m bench.draft_safety [--out reports/draft_safety.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path
from typing import Any

from bench.common import REPO_ROOT, emit_json
from models.drafting.composer import split_sentences
from models.drafting.safety import asks_for_secret, plausible_name, ticket_order_numbers

DEMO = REPO_ROOT / "data" / "demo" / "tickets.jsonl"
BITEXT = REPO_ROOT.parent / "shared" / "data" / "bitext" / "bitext_cs_4514.csv"
ORDER_ENTITIES = ("order_id", "invoice_id")
# The previous ticket_facts patterns (models/drafting/composer.py before issue 12).
_OLD_ORDER = re.compile(r"(?:#\s?\d{3,}|\b[A-Z]{2,6}-\d{3,}\b|\b\d{6,}\b)")
_OLD_AMOUNT = re.compile(r"(?:[$€£]\s?\d(?:[\d.,]*\d)?|\b\d[\d.,]*\s?(?:€|EUR\b|USD\b|GBP\b|\$|£|dollars?\b"
                         r"|euros?\b))", re.IGNORECASE)


def _is_entity(value: str, entity: str) -> bool:
    """Bitext annotations drop leading zeros ("00123842" is annotated "123842")."""
    return bool(entity) and (entity in value or value.lstrip("#0 ") in entity)


def run(*, demo: Path = DEMO, bitext: Path = BITEXT) -> dict[str, Any]:
    tickets = [json.loads(line) for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]
    with bitext.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sentences = [s for t in tickets for s in split_sentences(t.get("resolution") or "")]
    sentences += [s for r in rows for s in split_sentences(r["response"])]
    flagged = [s for s in sentences if asks_for_secret(s)]
    names = [n for t in tickets if isinstance(n := (t.get("customer") or {}).get("name"), str)]
    with_id = [r for r in rows if r["entity_type"] in ORDER_ENTITIES]
    new_found = [(r, ticket_order_numbers(r["instruction"])) for r in rows]
    old_found = [(r, {m.group(0) for m in _OLD_ORDER.finditer(r["instruction"])}) for r in rows]

    def order_stats(found: list[tuple[dict[str, str], set[str]]]) -> dict[str, int]:
        fills = [(r, values.pop()) for r, values in ((r, set(v)) for r, v in found) if len(values) == 1]
        return {"fills": len(fills),
                "fills_of_the_annotated_id": sum(r["entity_type"] in ORDER_ENTITIES and _is_entity(v, r["entity_value"])
                                                 for r, v in fills),
                "fills_of_another_value": sum(not (r["entity_type"] in ORDER_ENTITIES
                                                   and _is_entity(v, r["entity_value"])) for r, v in fills)}

    return {
        "secret_requests": {"sentences": len(sentences), "flagged": len(flagged), "examples": flagged[:10]},
        "names": {"demo_names": len(names), "refused": sum(plausible_name(n) is None for n in names)},
        "ticket_values": {
            "bitext_rows": len(rows), "rows_with_order_or_invoice_id": len(with_id),
            "new": {**order_stats(new_found), "amount_fills": 0},
            "baseline": {**order_stats(old_found),
                         "amount_fills": sum(len({m.group(0) for m in _OLD_AMOUNT.finditer(r["instruction"])}) == 1
                                             for r in rows)},
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run()
    emit_json(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
