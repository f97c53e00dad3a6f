"""Browser rendering policy: what Chromium may fetch while a listing page renders."""

from __future__ import annotations

from typing import Any

BLOCKED_RESOURCES = frozenset({"image", "font", "media"})


def abort_request(request: Any) -> bool:
    """Images, fonts and media add nothing to the text and cost time, bandwidth and exposure."""
    return request.resource_type in BLOCKED_RESOURCES
