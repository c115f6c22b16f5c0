"""Storage under concurrency (issue 12 §2), bounded to a few seconds, no model needed.

- readers and writers of one index at once: every load holds one save's chunks, vectors, FAISS
  vectors and document hashes (each save writes its own tag into all four), and no writer fails;
- two processes recording evidence at once: no value lost;
- a save killed mid-way: the previous version still loads, and the next save leaves nothing behind.

Counts are printed (``pytest -s tests/test_stress.py``). Processes are forked (POSIX only).
"""

import multiprocessing as mp
import os
import signal
import time

import numpy as np
import pytest

from labkit.decide import evidence
from labkit.rag.chunk import ChunkConfig
from labkit.rag.index import IndexConfig, IndexIntegrityError, VectorIndex

pytestmark = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods(), reason="needs fork (POSIX)"
)
CTX = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
FAKE = "fake/stress-embedder"
SAVES_PER_WRITER = 25  # 2 writers; ~2-4 s in all on a shared 2-core box


def tagged_index(tag: int) -> VectorIndex:
    """A save whose every part carries ``tag``; its size (2-6 chunks) depends on the tag too."""
    n = 2 + tag % 5
    v = np.zeros((n, 8), np.float32)
    v[:, 0], v[:, 1] = tag, np.arange(n)
    chunks = [
        {"chunk_id": f"d{i}#0", "doc_id": f"d{i}", "text": f"tag {tag}", "tag": tag}
        for i in range(n)
    ]
    hashes = {f"d{i}": str(tag) for i in range(n)}
    return VectorIndex(chunks, v, FAKE, ChunkConfig(), IndexConfig(), hashes)


def tags_of(idx: VectorIndex) -> set:
    """Every tag found in a loaded index; one tag (and the size it implies) = not mixed."""
    tags = {c["tag"] for c in idx.chunks}
    tags |= {int(x) for x in idx.vectors[:, 0]}
    tags |= {int(idx.faiss.reconstruct(i)[0]) for i in range(idx.faiss.ntotal)}
    tags |= {int(h) for h in idx.doc_hashes.values()}
    if len(tags) == 1 and len(idx) != 2 + next(iter(tags)) % 5:
        tags.add(-1)
    return tags


def _writer(path, w, out):
    saves, crashed = 0, []
    for s in range(SAVES_PER_WRITER):
        try:
            tagged_index(1000 * (w + 1) + s).save(path)
            saves += 1
        except Exception as e:
            crashed.append(repr(e))
    out.put(("writer", saves, crashed))


def _reader(path, done, out):
    loads, mixed, clear, other = 0, 0, 0, []
    while not done.is_set() or loads < 5:
        try:
            idx = VectorIndex.load(path, FAKE)
        except IndexIntegrityError:
            clear += 1  # allowed ("a complete version or a clear error"), expected 0
            continue
        except Exception as e:
            other.append(repr(e))
            continue
        loads += 1
        mixed += len(tags_of(idx)) != 1
    out.put(("reader", loads, mixed, clear, other))


def test_concurrent_readers_and_writers_never_mix(tmp_path):
    path = tmp_path / "idx"
    tagged_index(1).save(path)
    out, done = CTX.Queue(), CTX.Event()
    writers = [CTX.Process(target=_writer, args=(path, w, out)) for w in range(2)]
    readers = [CTX.Process(target=_reader, args=(path, done, out)) for _ in range(2)]
    t0 = time.perf_counter()
    for p in readers + writers:
        p.start()
    results = [out.get(timeout=60) for _ in writers]
    done.set()
    results += [out.get(timeout=60) for _ in readers]
    for p in readers + writers:
        p.join(10)
    seconds = time.perf_counter() - t0
    saves = sum(r[1] for r in results if r[0] == "writer")
    crashed = [c for r in results if r[0] == "writer" for c in r[2]]
    loads = sum(r[1] for r in results if r[0] == "reader")
    mixed = sum(r[2] for r in results if r[0] == "reader")
    clear = sum(r[3] for r in results if r[0] == "reader")
    other = [e for r in results if r[0] == "reader" for e in r[4]]
    print(
        f"\nindex stress: {seconds:.1f} s, saves={saves} loads={loads} mixed={mixed} "
        f"crashed_writers={len(crashed)} integrity_errors={clear} other_errors={len(other)}"
    )
    assert crashed == [] and saves == 2 * SAVES_PER_WRITER
    assert other == [], other[:3]
    assert mixed == 0 and loads >= 10
    final = VectorIndex.load(path, FAKE)
    assert len(tags_of(final)) == 1
    versions = sorted(p.name for p in path.iterdir() if p.name.startswith("v"))
    assert len(versions) == 2 and not [p for p in path.iterdir() if p.name.startswith(".tmp")]


def _record_rounds(keys, rounds):
    for r in range(rounds):
        for k in keys:
            evidence.record({k: float(r)}, source=f"pid{os.getpid()}")


def test_two_processes_recording_evidence_lose_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path))
    keys, rounds = sorted(evidence.KEYS), 3
    procs = [CTX.Process(target=_record_rounds, args=(keys[i::2], rounds)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    ev = evidence.load(use_snapshot=False)
    lost = sum(ev.get(k, {}).get("value") != rounds - 1 for k in keys)
    print(f"\nevidence stress: {2 * rounds * len(keys) // 2} records, keys={len(keys)} lost={lost}")
    assert [p.exitcode for p in procs] == [0, 0]
    assert lost == 0


def _hanging_save(path):
    os.fsync = lambda fd: time.sleep(60)  # this child only: the save stalls mid-write
    tagged_index(7).save(path)


def test_killed_save_leaves_nothing_after_the_next_save(tmp_path):
    path = tmp_path / "idx"
    tagged_index(3).save(path)
    child = CTX.Process(target=_hanging_save, args=(path,))
    child.start()
    deadline = time.time() + 20
    while not [p for p in path.iterdir() if p.name.startswith(".tmp-")]:
        assert time.time() < deadline, "the child never started writing"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    orphans = [p.name for p in path.iterdir() if p.name.startswith(".tmp-")]
    assert orphans  # the kill did leave a half-written folder ...
    assert tags_of(VectorIndex.load(path, FAKE)) == {3}  # ... that no load ever sees
    tagged_index(4).save(path)  # the lock died with the child: this does not block
    left = [p.name for p in path.iterdir() if p.name.startswith(".tmp-")]
    print(f"\nkilled save: orphans before={len(orphans)} after next save={len(left)}")
    assert left == [] and tags_of(VectorIndex.load(path, FAKE)) == {4}
