"""The change journal: every case added or deleted on a live index since it was built, by sequence number.

A rebuilt index (`deskmate build-index`) knows nothing of the adds and deletions made through the API after
the live index was built. The journal records them so that `IndexHolder.swap` can replay them onto the
rebuilt index: all of them when it comes from a fresh build, only the newer ones when it is an older
directory of the same lineage (same `journal_id`, its manifest's `journal_seq` says how far it got).

It keeps the last operation per case id (an add replaced by a later add or delete is folded into that
one), so its size is bounded by the number of distinct ids changed live, not by the number of requests.
Adds name the case id only: the case and its vector are read from the index that holds them. It is saved
beside the index as `journal-r{revision}.jsonl`, committed by the manifest like every other data file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

Op = Literal["add", "delete"]


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    op: Op
    case_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "op": self.op, "id": self.case_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        op = data["op"]
        if op not in ("add", "delete"):
            raise ValueError(f"unknown journal operation {op!r}")
        return cls(seq=int(data["seq"]), op=op, case_id=str(data["id"]))


class Journal:
    """Last operation per case id, with a lineage id and a monotonic sequence. Not synchronized: the index's
    write lock guards it."""

    def __init__(self, journal_id: str | None = None, seq: int = 0, entries: Iterable[Entry] = ()) -> None:
        self.journal_id = journal_id
        self.seq = seq
        self._last: dict[str, Entry] = {}
        for entry in sorted(entries, key=lambda e: e.seq):
            self._last[entry.case_id] = entry
            self.seq = max(self.seq, entry.seq)

    def __len__(self) -> int:
        return len(self._last)

    def __iter__(self) -> Iterator[Entry]:
        return iter(sorted(self._last.values(), key=lambda e: e.seq))

    def record(self, op: Op, case_ids: Iterable[str]) -> None:
        """New changes made on this index: each gets the next sequence number."""
        case_ids = list(case_ids)
        if not case_ids:
            return
        if self.journal_id is None:
            self.journal_id = uuid.uuid4().hex
        for case_id in case_ids:
            self.seq += 1
            self._last[case_id] = Entry(self.seq, op, case_id)

    def adopt(self, entries: Iterable[Entry], *, journal_id: str | None, seq: int) -> None:
        """Changes replayed from another index of the lineage `journal_id`: keep their sequence numbers."""
        self.journal_id = journal_id
        for entry in entries:
            current = self._last.get(entry.case_id)
            if current is None or current.seq <= entry.seq:
                self._last[entry.case_id] = entry
        self.seq = max(self.seq, seq)

    def since(self, seq: int) -> list[Entry]:
        """Entries newer than `seq`, oldest first."""
        return [entry for entry in self if entry.seq > seq]
