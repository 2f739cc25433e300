"""Every query and transaction (SQLAlchemy stays here, in models.py and db.py), one module
per seam: reads, writing runs, what the alert rules know, the outbox, leases, retention."""

from __future__ import annotations

from monitor.store.leases import Claim, Leases
from monitor.store.outbox import Outbox
from monitor.store.reads import Reads
from monitor.store.retention import Retention
from monitor.store.runs import RAW_BODIES_KEPT, Runs


class Store(Reads, Runs, Outbox, Leases, Retention):
    """The database behind the monitor, for any SQLAlchemy URL."""


__all__ = ["RAW_BODIES_KEPT", "Claim", "Store"]
