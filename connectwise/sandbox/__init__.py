"""A bundled ConnectWise Manage stand-in for demos, tests and benchmarks.

Plain Python (stdlib + orjson); importable without Django.
"""

from .conditions import ParseError
from .data import Dataset
from .instance import Sandbox

__all__ = ["Dataset", "ParseError", "Sandbox"]
