"""API input accepts related objects of the caller's programme only.

An id of another programme's unit, enterprise, person, account or park is
"object does not exist" (400), exactly like an id that does not exist at all;
a guard proves that every API serializer with such a field is scoped.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from typing import Any

import pytest
from rest_framework import relations, serializers
from rest_framework.test import APIClient

from relocation.conftest import make_unit, make_user, valid_credit_code
from relocation.core.roles import Role
from relocation.core.tests.personas import verified_login
from relocation.organisation.api_scoping import ProgrammeScoped, programme_path, scope_to_programme
from relocation.organisation.models import Person, Programme, Unit, User

pytestmark = pytest.mark.django_db

API_MODULES = [
    f"relocation.{app}.api"
    for app in (
        "core",
        "organisation",
        "enterprises",
        "supervision",
        "meetings",
        "parks",
        "enforcement",
        "monitoring",
        "remediation",
        "stability",
        "workers",
        "portal",
        "reporting",
    )
] + ["relocation.enterprises.lifecycle_api"]


def _serializer_classes() -> list[type[serializers.BaseSerializer]]:
    found = []
    for name in API_MODULES:
        module = importlib.import_module(name)
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def _programme_fields(serializer: serializers.BaseSerializer) -> list[str]:
    """The writable fields that take an id of a programme's object."""
    names = []
    for name, field in serializer.fields.items():
        relation = field.child_relation if isinstance(field, relations.ManyRelatedField) else field
        if field.read_only or not isinstance(relation, relations.RelatedField) or relation.queryset is None:
            continue
        model = relation.queryset.model
        if model is User or programme_path(model):
            names.append(name)
    return names


def test_it_scopes_every_api_serializer_that_takes_a_programme_id():
    unscoped = [
        f"{cls.__module__}.{cls.__name__}: {fields}"
        for cls in _serializer_classes()
        if (fields := _programme_fields(cls())) and not issubclass(cls, ProgrammeScoped)
    ]
    assert unscoped == []


def test_it_finds_the_programme_of_a_model_through_its_foreign_keys():
    from relocation.enforcement.models import LegalBasis
    from relocation.enterprises.models import Category
    from relocation.monitoring.models import MonitoringPoint

    assert programme_path(Unit) == "programme"
    assert programme_path(Person) == "unit__programme"
    assert programme_path(MonitoringPoint) == "enterprise__programme"
    assert programme_path(LegalBasis) == "domain__programme"
    assert programme_path(Category) is None  # shared reference data stays unscoped


def test_it_accepts_nothing_without_a_programme(programme, units):
    assert not scope_to_programme(Unit.objects.all(), None).exists()
    assert list(scope_to_programme(Unit.objects.all(), programme)) == list(programme.units.all())


@pytest.fixture
def other(db) -> dict[str, Any]:
    """A second programme with its own unit, person, account, enterprise and park."""
    from decimal import Decimal

    from relocation.enterprises.models import Enterprise
    from relocation.parks.models import Park

    p = Programme.objects.create(
        code="other-zone", name="另一项目", zone_name="另一区域", city="另一市", deadline=dt.date(2023, 12, 31)
    )
    town = make_unit(p, "t2", "另一街道", "town", ("territorial_town", "receiving_town"))
    enterprise = Enterprise(
        programme=p,
        name="另一市某电镀有限公司",
        credit_code=valid_credit_code(900),
        territorial_unit=town,
        industry="electroplating",
        processes=["zinc"],
        workers_count=10,
        floor_area_m2=Decimal("100"),
        wastewater_t_per_day=Decimal("1"),
    )
    enterprise.search_text = enterprise.build_search_text()
    enterprise.save()
    return {
        "unit": town,
        "person": Person.objects.create(unit=town, name="另一人"),
        "user": make_user("other_staff", Role.UNIT_LIAISON, town),
        "enterprise": enterprise,
        "park": Park.objects.create(programme=p, code="p2", name="另一园区", town_unit=town),
    }


# (persona, URL, field, kind of object): each writable endpoint that takes such an id.
ENDPOINTS = [
    ("hq_staff", "/api/supervision/tasks/", "lead_unit", "unit"),
    ("hq_staff", "/api/supervision/tasks/", "co_units", "unit"),
    ("hq_staff", "/api/supervision/tasks/", "responsible", "user"),
    ("hq_staff", "/api/organisation/people/", "unit", "unit"),
    ("hq_staff", "/api/organisation/memberships/", "person", "person"),
    ("system_admin", "/api/organisation/accounts/", "unit", "unit"),
    ("hq_staff", "/api/enterprises/enterprises/", "territorial_unit", "unit"),
    ("hq_staff", "/api/enterprises/visits/", "enterprise", "enterprise"),
    ("hq_staff", "/api/parks/parks/", "town_unit", "unit"),
    ("hq_staff", "/api/parks/grants/", "enterprise", "enterprise"),
    ("hq_staff", "/api/enforcement/teams/", "lead_unit", "unit"),
    ("hq_staff", "/api/enforcement/teams/", "members", "user"),
    ("hq_staff", "/api/enforcement/operations/", "targets", "enterprise"),
    ("hq_staff", "/api/enforcement/inspections/", "enterprise", "enterprise"),
    ("hq_staff", "/api/enforcement/inspections/", "inspectors", "user"),
    ("hq_staff", "/api/monitoring/points/", "enterprise", "enterprise"),
    ("hq_staff", "/api/monitoring/toxic-movements/", "enterprise", "enterprise"),
    ("hq_staff", "/api/remediation/sites/", "enterprise", "enterprise"),
    ("hq_staff", "/api/stability/risks/", "enterprise", "enterprise"),
    ("hq_staff", "/api/stability/risks/", "responsible_unit", "unit"),
    ("hq_staff", "/api/stability/incidents/", "lead_unit", "unit"),
    ("hq_staff", "/api/stability/opinion/", "owner_unit", "unit"),
    ("hq_staff", "/api/workers/workers/", "enterprise", "enterprise"),
    ("hq_staff", "/api/workers/activities/", "enterprise", "enterprise"),
]


# Endpoints that take a plain integer and look it up through the user's selector.
LOOKED_UP_BY_SELECTOR = {"/api/workers/workers/"}
MANY = {"co_units", "members", "targets", "inspectors"}


@pytest.mark.parametrize(("persona", "url", "field", "kind"), ENDPOINTS, ids=[f"{u}{f}" for _p, u, f, _k in ENDPOINTS])
def test_it_refuses_an_id_of_another_programme(request, persona, url, field, kind, units, other):
    user = request.getfixturevalue(persona)
    client = APIClient()
    verified_login(client, user) if persona == "system_admin" else client.force_login(user)
    value = [other[kind].pk] if field in MANY else other[kind].pk
    response = client.post(url, {field: value}, format="json")
    if url in LOOKED_UP_BY_SELECTOR:
        assert response.status_code == 404  # the view finds the id through a scoped selector
        return
    assert response.status_code == 400, (response.status_code, getattr(response, "data", None))
    errors = response.json()
    assert field in errors, errors
    assert str(other[kind].pk) in str(errors[field])


def test_it_still_accepts_an_id_of_the_own_programme(units, hq_staff, other):
    client = APIClient()
    client.force_login(hq_staff)
    response = client.post(
        "/api/supervision/tasks/",
        {"title": "摸底", "lead_unit": units["humen"].pk, "deadline": "2030-01-10"},
        format="json",
    )
    assert response.status_code == 201, response.data
