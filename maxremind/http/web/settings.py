"""What the web layer needs to know about this installation.

Its own module so that the composition root can build it without importing
:mod:`.visit` and the services behind the pages, which load with the first page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class WebSettings:
    """What the web layer needs to know about this installation."""

    web_url: str  # where people open the UI (public URL or the local address)
    bot_username: str = ""
    admin_ids: frozenset[int] = frozenset()
    frame_ancestors: str = "https://web.max.ru"
    bridge_url: str = "https://st.max.ru/js/max-web-app.js"
    version: str = ""

    @property
    def secure(self) -> bool:
        return self.web_url.startswith("https://")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.web_url)
        return f"{parts.scheme}://{parts.netloc}"
