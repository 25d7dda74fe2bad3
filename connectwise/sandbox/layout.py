"""Deterministic numbers: a hash, the id layout and base timestamps.

Everything here is a pure function of the seed and a row's index, so a row
can be rebuilt at any time without storing it.
"""

import time
from dataclasses import dataclass
from functools import lru_cache

MASK = (1 << 64) - 1
DAY = 86_400

# 2025-03-01T00:00:00Z: the base data always lies before this moment.
EPOCH_END = 1_740_787_200


def mix(*parts: int) -> int:
    """Hash integers to 64 bits: combine, then a splitmix64 finaliser."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = (h * 0x100000001B3 + part) & MASK
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK
    return h ^ (h >> 31)


@lru_cache(maxsize=4096)
def _day(day_number: int) -> str:
    return time.strftime("%Y-%m-%dT", time.gmtime(day_number * DAY))


@lru_cache(maxsize=1)
def _clock() -> tuple:
    # 86,400 ready "HH:MM:SSZ" strings (a few MB): pages format thousands.
    return tuple(
        f"{h:02d}:{m:02d}:{s:02d}Z"
        for h in range(24)
        for m in range(60)
        for s in range(60)
    )


def iso(timestamp: int) -> str:
    """Format a UTC timestamp as ConnectWise does: 2025-03-04T15:40:02Z."""
    day_number, seconds = divmod(timestamp, DAY)
    return _day(day_number) + _clock()[seconds]


def now_iso() -> str:
    return iso(int(time.time()))


@dataclass(frozen=True)
class IdLayout:
    """Map index <-> id: increasing ids with gaps, in O(1) both ways.

    id = base + index * stride + jitter(index), where 0 <= jitter < stride.
    """

    base: int
    stride: int
    salt: int

    def id_at(self, index: int) -> int:
        jitter = mix(self.salt, index) % self.stride
        return self.base + index * self.stride + jitter

    def index_of(self, row_id: int, size: int) -> int | None:
        index = (row_id - self.base) // self.stride
        if 0 <= index < size and self.id_at(index) == row_id:
            return index
        return None

    def first_index_from(self, row_id: int, size: int) -> int:
        """Return the first index whose id is >= row_id (size if none)."""
        index = max(0, (row_id - self.base) // self.stride)
        if index < size and self.id_at(index) < row_id:
            index += 1
        return min(index, size)


@dataclass(frozen=True)
class TimeLayout:
    """Entered/updated timestamps spread over a fixed past window."""

    start: int
    end: int
    salt: int

    def entered(self, index: int, size: int) -> int:
        span = self.end - self.start - 30 * DAY
        spread = span * index // max(size, 1)
        return self.start + spread + mix(self.salt, index, 1) % (8 * 3600)

    def updated(self, index: int, size: int, entered: int | None = None) -> int:
        if entered is None:
            entered = self.entered(index, size)
        lag = mix(self.salt, index, 2) % (21 * DAY)
        return min(entered + lag, self.end)


def time_layout(seed: int, salt: int, years: int) -> TimeLayout:
    end = EPOCH_END - (seed % 60) * DAY
    return TimeLayout(start=end - years * 365 * DAY, end=end, salt=mix(seed, salt))
