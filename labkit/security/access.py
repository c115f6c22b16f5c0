"""Who is asking: a caller's role, the access levels it may read, and the check every path to
the model makes.

Introduced in notebooks/08_security_and_governance.ipynb (issue 13 §1). A document's ``access`` is one of
``labkit.data.ACCESS_LEVELS`` (public < customer < internal). The caller is a *required*
argument of every retriever (``search(query, k, *, caller=...)``, ``labkit.rag.retrieve``) and of
every answer function that can reach the model (``labkit.rag.generate.rag_answer``,
``labkit.hybrid.assembly.answer_tickets``, ...): there is no default to forget.

Rules (:func:`permitted`):

- roles: "public" reads {public}; "customer" {public, customer}; "agent" (support staff)
  {public, customer, internal}; "internal" is kept as a synonym of "agent".
- a chunk without an ``access`` field (or with ``access: None``) counts as "public": your own
  documents and BEIR corpora carry no levels, and every caller may read them. A level that is
  not one of the three (a typo such as "internl") is readable by nobody: fail closed.
- tenants: a chunk without a ``tenant`` is shared; a chunk with ``tenant`` T is readable by a
  caller whose tenant is T, and by staff ("agent"/"internal") without a tenant (they serve
  every customer). A customer without a tenant reads no tenant's private chunks.

:func:`access_filter` is the older form: a ``filters`` dict for ``labkit.rag.retrieve``. It cannot
say "missing access = public", so retrievers use :func:`permitted_mask` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ROLE_ACCESS",
    "Caller",
    "AccessError",
    "allowed_levels",
    "access_filter",
    "check_caller",
    "chunk_level",
    "permitted",
    "permitted_mask",
    "check_chunks",
]

# role -> access levels that role may read
ROLE_ACCESS: dict[str, frozenset[str]] = {
    "public": frozenset({"public"}),
    "customer": frozenset({"public", "customer"}),
    "agent": frozenset({"public", "customer", "internal"}),
    "internal": frozenset({"public", "customer", "internal"}),
}
_STAFF = frozenset({"agent", "internal"})  # roles that read every tenant's chunks
DEFAULT_LEVEL = "public"  # the level of a chunk without an ``access`` field

CALLER_HINT = "pass caller=Caller('public') (who is asking?)"


class AccessError(PermissionError):
    """A chunk above the caller's level reached a path to the model (and was stopped)."""


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


def check_caller(caller) -> Caller:
    """``caller`` if it is a :class:`Caller`; else TypeError with the hint every path gives."""
    if not isinstance(caller, Caller):
        got = "nothing" if caller is None else f"{type(caller).__name__} {caller!r}"
        raise TypeError(f"a caller identity is required, got {got}: {CALLER_HINT}")
    return caller


def allowed_levels(caller: Caller) -> frozenset[str]:
    """Access levels ``caller`` may read."""
    return ROLE_ACCESS[check_caller(caller).role]


def access_filter(caller: Caller) -> dict:
    """``{"access": {levels}}`` (plus ``{"tenant": {tenant}}`` when the caller has one), as a
    ``filters`` dict. Stricter than :func:`permitted`: a chunk without the field fails it."""
    f = {"access": set(allowed_levels(caller))}
    if caller.tenant is not None:
        f["tenant"] = {caller.tenant}
    return f


def chunk_level(chunk: Mapping) -> str:
    """A chunk's access level; a missing or None ``access`` counts as "public"."""
    level = chunk.get("access")
    return DEFAULT_LEVEL if level is None else level


def permitted(chunk: Mapping, caller: Caller) -> bool:
    """Whether ``caller`` may read ``chunk`` (rules in the module docstring)."""
    if chunk_level(chunk) not in allowed_levels(caller):
        return False
    tenant = chunk.get("tenant")
    if tenant is None:
        return True
    return caller.tenant == tenant or (caller.tenant is None and caller.role in _STAFF)


def permitted_mask(chunks: Sequence[Mapping], caller: Caller) -> np.ndarray:
    """bool (n_chunks,): which chunks ``caller`` may read."""
    check_caller(caller)
    return np.fromiter((permitted(c, caller) for c in chunks), bool, len(chunks))


def check_chunks(chunks: Sequence[Mapping], caller: Caller, where: str = "prompt") -> None:
    """Defence in depth before a prompt is built: raise :class:`AccessError` naming the first
    chunk ``caller`` may not read (a retriever that ignored the caller, a stale cache)."""
    for c in chunks:
        if not permitted(c, caller):
            raise AccessError(
                f"chunk {c.get('chunk_id', c.get('doc_id', '?'))!r} (access "
                f"{chunk_level(c)!r}, tenant {c.get('tenant')!r}) is above what caller "
                f"{caller.role!r} (tenant {caller.tenant!r}) may read; it was stopped before the "
                f"{where}. The retrieve function must pass caller= to the retriever."
            )
