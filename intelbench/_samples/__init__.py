"""Private building blocks of :mod:`intelbench.samples` (the synthetic Northshire force)."""

__all__: list[str] = []
