"""First contact: learn a portal file from the channel's root URL (``g60crawler discover``)."""

from .core import Discovery, DiscoverError, discover, report, to_toml
from .fetch import Fetcher

__all__ = ["Discovery", "DiscoverError", "Fetcher", "discover", "report", "to_toml"]
