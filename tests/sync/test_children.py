"""ChildReader: parents' rows read a few at a time, some ahead of asking."""

import threading

from sync.children import ChildReader


def _reader():
    reads = []
    lock = threading.Lock()

    def read(path):
        with lock:
            reads.append(path)
        return [f"{path}:row"]

    return ChildReader(read), reads


def _pool_threads():
    return {t for t in threading.enumerate() if t.name.startswith("ThreadPool")}


def test_a_path_read_ahead_is_not_read_again_and_order_is_kept():
    children, reads = _reader()
    children.read_ahead(["t/2", "t/3"])
    children.read_ahead(["t/2"])  # asked twice ahead: read once

    rows = list(children.rows(["t/1", "t/2", "t/3"]))
    children.close()

    assert rows == [["t/1:row"], ["t/2:row"], ["t/3:row"]]
    assert sorted(reads) == ["t/1", "t/2", "t/3"]


def test_reads_ahead_not_asked_for_are_dropped():
    children, reads = _reader()
    children.read_ahead(["t/9"])

    assert list(children.rows(["t/1"])) == [["t/1:row"]]
    # A later stage asking for t/9 reads it afresh.
    assert list(children.rows(["t/9"])) == [["t/9:row"]]
    children.close()
    assert reads.count("t/9") in (1, 2)


def test_close_ends_the_readers():
    before = _pool_threads()
    children, _ = _reader()
    children.read_ahead([f"t/{n}" for n in range(20)])

    children.close()

    assert _pool_threads() <= before
