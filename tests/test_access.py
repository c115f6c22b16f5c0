"""labkit.security.access: roles map to readable access levels; the filter works on a retriever."""

import pytest

from labkit.security.access import Caller, access_filter, allowed_levels


@pytest.mark.parametrize(
    "role, levels",
    [
        ("public", {"public"}),
        ("customer", {"public", "customer"}),
        ("agent", {"public", "customer", "internal"}),
        ("internal", {"public", "customer", "internal"}),
    ],
)
def test_roles_map_to_levels(role, levels):
    assert allowed_levels(Caller(role)) == levels
    assert access_filter(Caller(role)) == {"access": levels}


def test_tenant_and_validation():
    assert access_filter(Caller("customer", tenant="acme")) == {
        "access": {"public", "customer"},
        "tenant": {"acme"},
    }
    for bad in ({"role": "admin"}, {"role": "customer", "tenant": " "}):
        with pytest.raises(ValueError):
            Caller(**bad)
    with pytest.raises(TypeError):
        allowed_levels("public")


def test_filter_passes_only_allowed_levels():
    from labkit.retrieve import matches_filters

    chunks = [
        {"id": f"c{i}", "access": a} for i, a in enumerate(["public", "customer", "internal"])
    ]
    for role, n in (("public", 1), ("customer", 2), ("agent", 3)):
        f = access_filter(Caller(role))
        assert sum(matches_filters(c, f) for c in chunks) == n
