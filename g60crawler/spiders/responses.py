"""What the spider keeps of a response: its content type, and the capture the archive stores."""

from __future__ import annotations

from ..httpheaders import headers_dict
from ..items import Capture


def content_type(response) -> str | None:
    """The response's Content-Type header as text, or None when it has none.

    :param response: a Scrapy response.
    """
    value = response.headers.get("Content-Type")
    return value.decode("latin-1") if value else None


def capture_of(response, clock) -> Capture:
    """The raw response as the archive keeps it, stamped with the run's clock.

    :param response: a Scrapy response.
    :param clock: the run's clock (returns an aware datetime).
    """
    return Capture(response.url, response.status, headers_dict(response.headers), response.body,
                   clock().isoformat(timespec="seconds"))
