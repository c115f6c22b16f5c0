"""Attribute templates: how each kind of fact is stated, asked and paraphrased, per category.

Part of the Nimbalo generator (``datasets/build.py``); :mod:`nimbalo.world` draws facts from them.
The type is :class:`Attr` (:mod:`nimbalo.templates_base`); the tables are split by category:
:mod:`nimbalo.templates_commercial` (plans-pricing, billing-refunds),
:mod:`nimbalo.templates_product` (features, limits-quotas) and :mod:`nimbalo.templates_support`
(troubleshooting, integrations, security-compliance, release-notes).
"""

from __future__ import annotations

from . import templates_commercial, templates_product, templates_support
from .templates_base import Attr

__all__ = ["ATTRS", "Attr"]

# in category order, as the one table was written (world.py iterates over it)
ATTRS: dict[str, Attr] = {
    **templates_commercial.ATTRS,
    **templates_product.ATTRS,
    **templates_support.ATTRS,
}
