"""Lay child rows out by parent: each parent's children are a contiguous
run of indexes, so a parent's children and a child's parent are O(1).

Child index i belongs to the parent p with start(p) <= i < start(p + 1).
The starts follow total/parents per parent, shifted by up to `swing`
(a hash of the parent), so the counts vary but the total stays exact.
"""

from dataclasses import dataclass

from .layout import mix


@dataclass(frozen=True)
class Spread:
    parents: int
    total: int
    swing: int
    salt: int

    def start(self, parent: int) -> int:
        if parent <= 0 or self.parents <= 0:
            return 0
        if parent >= self.parents:
            return self.total
        base = parent * self.total // self.parents
        jitter = mix(self.salt, parent) % (self.swing + 1) if self.swing else 0
        return min(base + jitter, self.total)

    def children(self, parent: int) -> range:
        return range(self.start(parent), self.start(parent + 1))

    def parent_of(self, index: int) -> int:
        parent = min(index * self.parents // max(self.total, 1), self.parents - 1)
        while parent > 0 and self.start(parent) > index:
            parent -= 1
        while parent + 1 < self.parents and self.start(parent + 1) <= index:
            parent += 1
        return parent


def spread(parents: int, total: int, swing: int, salt: int) -> Spread:
    """A Spread whose swing never exceeds total/parents (keeps it ordered)."""
    ratio = total // max(parents, 1)
    return Spread(parents, total, min(swing, ratio), salt)
