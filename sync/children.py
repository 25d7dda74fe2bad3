"""Read the rows of many parents (a ticket's notes, a company's team) a few
parents at a time, some of them before they are asked for."""

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings


class ChildReader:
    """``read`` takes one parent's path and returns all its rows. Readers
    run in SYNC_CHILD_READERS threads; paths read ahead are kept until
    ``rows`` asks for them."""

    def __init__(self, read):
        self._read = read
        self._pool = None
        self._ahead = {}

    def read_ahead(self, paths):
        for path in paths:
            if path not in self._ahead:
                self._ahead[path] = self._submit(path)

    def rows(self, paths):
        """Each path's rows, in order; a path read ahead is not read again.
        Paths read ahead and not asked for here are dropped."""
        futures = [self._ahead.pop(path, None) or self._submit(path) for path in paths]
        self._drop_ahead()
        for future in futures:
            yield future.result()

    def close(self):
        self._drop_ahead()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def _submit(self, path):
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=settings.SYNC_CHILD_READERS)
        return self._pool.submit(self._read, path)

    def _drop_ahead(self):
        for future in self._ahead.values():
            future.cancel()
        self._ahead.clear()
