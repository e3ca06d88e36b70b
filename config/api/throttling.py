"""Per-token (or per-user) request rates; DRF answers 429 with Retry-After."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from config.cache import TolerantRedisCache


class TokenRateThrottle(SimpleRateThrottle):
    """At most N requests per client in each fixed window (a minute for "1200/minute").

    One Redis counter per client and window, added to in one round trip. DRF's own throttle keeps the
    time of every request in the window as a list it reads and writes back whole on each request: at
    the API's rate that is a list of up to 1,200 numbers per call, which cost more than some requests.
    A fixed window lets a client send up to twice its rate across a window boundary; the limit is there
    to stop a runaway integration, not to meter one. With Redis away, nobody is refused.
    """

    scope = "token"
    # Set by SimpleRateThrottle from the rate ("1200/minute"); the stubs do not declare them.
    num_requests: int
    duration: int

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": "anon", "ident": self.get_ident(request)}
        token = request.auth
        ident = f"token-{token.pk}" if getattr(token, "pk", None) else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        window = int(self.timer() // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = cast("TolerantRedisCache", self.cache).hit(f"{key}:{window}", self.duration + 1)
        return count is None or count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_ends - self.timer())
