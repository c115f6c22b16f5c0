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
    from labkit.rag.retrieve import matches_filters

    chunks = [
        {"id": f"c{i}", "access": a} for i, a in enumerate(["public", "customer", "internal"])
    ]
    for role, n in (("public", 1), ("customer", 2), ("agent", 3)):
        f = access_filter(Caller(role))
        assert sum(matches_filters(c, f) for c in chunks) == n


def test_permitted_rules_missing_level_unknown_level_and_tenants():
    from labkit.security.access import permitted

    own = {"chunk_id": "x"}  # your own documents / BEIR: no access field -> public
    assert all(permitted(own, Caller(r)) for r in ("public", "customer", "agent"))
    assert permitted({"access": None}, Caller("public"))
    typo = {"access": "internl"}  # an unknown level is readable by nobody (fail closed)
    assert not any(permitted(typo, Caller(r)) for r in ("public", "customer", "agent"))
    acme = {"access": "customer", "tenant": "acme"}
    assert permitted(acme, Caller("customer", tenant="acme"))
    assert not permitted(acme, Caller("customer", tenant="globex"))
    assert not permitted(acme, Caller("customer"))  # no tenant: no tenant's private chunks
    assert permitted(acme, Caller("agent"))  # staff serve every customer
    assert not permitted(acme, Caller("agent", tenant="globex"))
    assert not permitted(acme, Caller("public", tenant="acme"))  # level still applies
    assert permitted({"access": "public"}, Caller("customer", tenant="acme"))  # shared chunks


def test_check_caller_and_check_chunks():
    from labkit.security.access import AccessError, check_caller, check_chunks

    for bad in (None, "public", {"role": "public"}):
        with pytest.raises(TypeError, match=r"pass caller=Caller\('public'\) \(who is asking\?\)"):
            check_caller(bad)
    with pytest.raises(ValueError, match="agent.*customer.*public"):
        Caller("admin")
    check_chunks([{"access": "public"}, {"chunk_id": "own"}], Caller("public"))
    with pytest.raises(AccessError, match="'k1'.*'internal'.*'customer'"):
        check_chunks(
            [{"access": "public"}, {"chunk_id": "k1", "access": "internal"}], Caller("customer")
        )
