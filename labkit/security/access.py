"""Who is asking: a caller's role and the access levels it may read, as a retriever filter.

Introduced in notebooks/08_security.ipynb (issue 13 §1). A document's ``access`` is one of
``labkit.data.ACCESS_LEVELS`` (public < customer < internal). :func:`access_filter` turns a
:class:`Caller` into the ``filters`` dict every retriever takes (``labkit.retrieve``), e.g.
``retriever.search(query, k, filters=access_filter(caller))``. Tenants: if a caller has a
tenant, the filter also requires ``tenant`` in {the caller's tenant}; chunks without a
``tenant`` key then pass no such filter (see ``labkit.retrieve``: a missing key passes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ROLE_ACCESS", "Caller", "allowed_levels", "access_filter"]

# role -> access levels that role may read
ROLE_ACCESS: dict[str, frozenset[str]] = {
    "public": frozenset({"public"}),
    "customer": frozenset({"public", "customer"}),
    "agent": frozenset({"public", "customer", "internal"}),
    "internal": frozenset({"public", "customer", "internal"}),
}


@dataclass(frozen=True)
class Caller:
    """The identity behind a request. role: a key of :data:`ROLE_ACCESS`; tenant: optional
    customer id (non-empty string) for multi-customer data."""

    role: str
    tenant: str | None = None

    def __post_init__(self):
        if self.role not in ROLE_ACCESS:
            raise ValueError(f"role must be one of {sorted(ROLE_ACCESS)}, got {self.role!r}")
        if self.tenant is not None and (
            not isinstance(self.tenant, str) or not self.tenant.strip()
        ):
            raise ValueError(f"tenant must be None or a non-empty string, got {self.tenant!r}")


def allowed_levels(caller: Caller) -> frozenset[str]:
    """Access levels ``caller`` may read."""
    if not isinstance(caller, Caller):
        raise TypeError(f"caller must be a Caller, got {type(caller).__name__}")
    return ROLE_ACCESS[caller.role]


def access_filter(caller: Caller) -> dict:
    """``{"access": {levels}}`` (plus ``{"tenant": {tenant}}`` when the caller has one)."""
    f = {"access": set(allowed_levels(caller))}
    if caller.tenant is not None:
        f["tenant"] = {caller.tenant}
    return f
