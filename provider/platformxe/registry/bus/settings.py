"""How the operator tuned the bus (``platformxe serve`` / ``platformxe worker`` flags)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Seconds to wait before each attempt: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_RETRY_SCHEDULE: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
#: Seconds a receiver has to answer.
DEFAULT_DELIVERY_TIMEOUT = 15.0
#: Depth of the deepest event a chain may reach (the seed's cap).
MAX_CHAIN_DEPTH = 50


@dataclass(frozen=True)
class BusSettings:
    """The bus's knobs; the defaults are BUS.md's."""

    allow_private_webhooks: bool = False
    retry_schedule: tuple[float, ...] = field(default=DEFAULT_RETRY_SCHEDULE)
    delivery_timeout: float = DEFAULT_DELIVERY_TIMEOUT
    #: Deliveries in flight at once per process.
    concurrency: int = 128


def parse_retry_schedule(text: str) -> tuple[float, ...]:
    """``"0,5,300"`` → ``(0.0, 5.0, 300.0)``; ValueError naming what is accepted."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("--retry-schedule must list at least one delay, e.g. 0,5,300")
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"--retry-schedule: {part!r} is not a number of seconds") from None
        if value < 0:
            raise ValueError(f"--retry-schedule: {part} is negative; delays are seconds >= 0")
        values.append(value)
    return tuple(values)
