"""Index updates under load: how long one big upload and a swap hold the index locks, and what a swap loses.

1. One upload of `--add` cases into an index of `--base` cases while a thread searches without pause: the
   longest hold of the holder's update lock and of the index's exclusive lock, the slowest search, the
   throughput.
2. `--swaps` swaps to fresh rebuilds while `--adders` threads add one case per call: the longest update-lock
   hold during a swap, and how many acknowledged adds the live index and a reload of the active directory lack.

The hashing embedder keeps embedding cheap, so the numbers show the index's own costs (a real model adds its
embedding time, which happens outside every lock). Runs against whichever `index/` package is first on the
path, so the same script measures an older checkout:

    python -m bench.index_updates --out reports/index_updates.json
    PYTHONPATH=/tmp/before python -m bench.index_updates      # e.g. `git archive HEAD | tar -x -C /tmp/before`
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.documents import Case
from index.holder import IndexHolder
from index.locks import RWLock
from index.search_index import SearchIndex
from models.embedding.hashing import HashingEmbedder

WORDS = [f"w{i}" for i in range(2000)] + ["invoice", "refund", "charged", "twice", "login", "password", "parcel"]


class TimedLock:
    """threading.Lock that records its longest hold (seconds) inside the window being measured."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.longest = 0.0
        self._since = 0.0

    def __enter__(self) -> None:
        self._lock.acquire()
        self._since = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.longest = max(self.longest, time.perf_counter() - self._since)
        self._lock.release()


class TimedRWLock(RWLock):
    def __init__(self) -> None:
        super().__init__()
        self.longest_write = 0.0

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with super().write():
            since = time.perf_counter()
            try:
                yield
            finally:
                self.longest_write = max(self.longest_write, time.perf_counter() - since)


def make_cases(n: int, *, prefix: str, seed: int) -> list[Case]:
    rng = random.Random(seed)
    return [Case(id=f"{prefix}{i}", text=" ".join(rng.choices(WORDS, k=80)) + f" uniq{prefix}{i}",
                 resolution="resolved", resolved_at="2025-01-01") for i in range(n)]


def build(directory: Path, embedder: HashingEmbedder, cases: list[Case]) -> Path:
    SearchIndex.build(cases=cases, articles=[], embedder=embedder, index_type="flat").save(directory)
    return directory


def bulk_add(tmp: Path, embedder: HashingEmbedder, *, base: int, add: int) -> dict[str, Any]:
    holder = IndexHolder.open(build(tmp / "bulk", embedder, make_cases(base, prefix="b", seed=1)), embedder=embedder)
    update_lock, rw = TimedLock(), TimedRWLock()
    holder._update_lock = update_lock  # type: ignore[assignment]
    holder.index._lock = rw
    stop = threading.Event()
    searches: list[float] = []

    def search() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            holder.search("invoice refund w17 w42", k_cases=5, k_articles=0)
            searches.append(time.perf_counter() - started)

    searcher = threading.Thread(target=search)
    searcher.start()
    time.sleep(0.2)
    started = time.perf_counter()
    report = holder.add_cases(make_cases(add, prefix="n", seed=2))
    elapsed = time.perf_counter() - started
    stop.set()
    searcher.join()
    searches.sort()
    return {"base_cases": base, "added": len(report.added), "seconds": round(elapsed, 3),
            "cases_per_s": round(add / elapsed, 1), "update_lock_longest_s": round(update_lock.longest, 4),
            "write_lock_longest_s": round(rw.longest_write, 4), "searches": len(searches),
            "search_p50_ms": round(1000 * searches[len(searches) // 2], 2),
            "search_max_ms": round(1000 * searches[-1], 2)}


def swaps_under_adds(tmp: Path, embedder: HashingEmbedder, *, base: int, swaps: int, adders: int) -> dict[str, Any]:
    source = make_cases(base, prefix="s", seed=3)
    holder = IndexHolder.open(build(tmp / "live", embedder, source), embedder=embedder)
    update_lock = TimedLock()
    holder._update_lock = update_lock  # type: ignore[assignment]
    acked: set[str] = set()
    stop = threading.Event()
    lock = threading.Lock()

    def add(worker: int) -> None:
        n = 0
        while not stop.is_set():
            case = make_cases(1, prefix=f"a{worker}-{n}-", seed=worker * 100_000 + n)[0]
            if holder.add_cases([case]).added:
                with lock:
                    acked.add(case.id)
            n += 1

    threads = [threading.Thread(target=add, args=(w,)) for w in range(adders)]
    for thread in threads:
        thread.start()
    holds: list[float] = []  # the swap's own hold (where the holder reports it)
    window: list[float] = []  # the longest hold by anyone (swap or adds) while the swap ran
    has_on_commit = "on_commit" in inspect.signature(holder.swap).parameters
    last = tmp / "live"
    for i in range(swaps):
        last = build(tmp / f"rebuild{i}", embedder, source)
        time.sleep(0.3)
        update_lock.longest = 0.0
        holder.swap(last)
        window.append(update_lock.longest)
        holds.append(getattr(holder, "last_swap_hold_s", None) or update_lock.longest)
    time.sleep(0.3)
    stop.set()
    for thread in threads:
        thread.join()
    reloaded = SearchIndex.load(last, embedder=embedder)  # what a restart on the last swapped-in directory opens
    return {"base_cases": base, "swaps": swaps, "adders": adders, "acknowledged_adds": len(acked),
            "lost_live": sum(1 for i in acked if i not in holder.index),
            "lost_after_reload": sum(1 for i in acked if i not in reloaded),
            "swap_update_lock_longest_s": round(max(holds), 4),
            "swap_update_lock_holds_s": [round(h, 4) for h in holds],
            "update_lock_longest_during_swaps_s": round(max(window), 4),
            "swap_carries_changes": has_on_commit}


def run(*, base: int, add: int, swaps: int, adders: int, swap_base: int) -> dict[str, Any]:
    embedder = HashingEmbedder(384)
    with tempfile.TemporaryDirectory() as tmp:
        return {"bulk_add": bulk_add(Path(tmp), embedder, base=base, add=add),
                "swaps_under_adds": swaps_under_adds(Path(tmp), embedder, base=swap_base, swaps=swaps, adders=adders)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=10_000, help="cases in the index before the upload")
    parser.add_argument("--add", type=int, default=1_000, help="cases in the one upload")
    parser.add_argument("--swaps", type=int, default=4)
    parser.add_argument("--adders", type=int, default=3)
    parser.add_argument("--swap-base", type=int, default=2_000, help="cases in the index that is swapped")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = run(base=args.base, add=args.add, swaps=args.swaps, adders=args.adders, swap_base=args.swap_base)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)  # noqa: T201


if __name__ == "__main__":
    main()
