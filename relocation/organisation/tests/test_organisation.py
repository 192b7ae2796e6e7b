"""Organisation pages and services: liaisons, people, seats in the leading bodies, phases."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.models import AuditEvent
from relocation.organisation import services
from relocation.organisation.models import LiaisonAssignment, Membership, Person


@pytest.fixture
def humen_people(units):
    return [Person.objects.create(unit=units["humen"], name=n, title="联络员") for n in ("梁小燕", "陈志", "黄敏")]


# --- liaisons ---------------------------------------------------------------------


@pytest.mark.django_db
def test_it_keeps_one_current_liaison_and_the_history(hq_staff, units, humen_people):
    humen = units["humen"]
    a, b, c = humen_people
    services.liaison_assign(actor=hq_staff, unit=humen, person=a, starts_on=dt.date(2021, 6, 1))
    services.liaison_assign(actor=hq_staff, unit=humen, person=b, starts_on=dt.date(2021, 9, 1))
    services.liaison_assign(actor=hq_staff, unit=humen, person=c, starts_on=dt.date(2022, 1, 10))
    history = list(LiaisonAssignment.objects.filter(unit=humen).order_by("starts_on"))
    assert [h.person for h in history] == [a, b, c]
    assert [h.ends_on for h in history] == [dt.date(2021, 8, 31), dt.date(2022, 1, 9), None]
    assert LiaisonAssignment.objects.filter(unit=humen, ends_on__isnull=True).count() == 1
    events = AuditEvent.objects.filter(action="organisation.liaison_assigned").order_by("seq")
    assert [e.changes["liaison"] for e in events] == [[None, "梁小燕"], ["梁小燕", "陈志"], ["陈志", "黄敏"]]


@pytest.mark.django_db
def test_assigning_the_current_liaison_again_changes_nothing(hq_staff, units, humen_people):
    first = services.liaison_assign(actor=hq_staff, unit=units["humen"], person=humen_people[0])
    again = services.liaison_assign(actor=hq_staff, unit=units["humen"], person=humen_people[0])
    assert first.pk == again.pk and LiaisonAssignment.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_two_current_liaisons(units, humen_people):
    LiaisonAssignment.objects.create(unit=units["humen"], person=humen_people[0], starts_on=dt.date(2021, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LiaisonAssignment.objects.create(unit=units["humen"], person=humen_people[1], starts_on=dt.date(2021, 7, 1))


@pytest.mark.django_db
def test_the_liaison_must_belong_to_the_unit(hq_staff, units):
    stranger = Person.objects.create(unit=units["tax"], name="沈洁")
    with pytest.raises(ServiceError):
        services.liaison_assign(actor=hq_staff, unit=units["humen"], person=stranger)


@pytest.mark.django_db
def test_the_unit_leader_changes_their_own_units_liaison_only(unit_leader, units, humen_people):
    services.liaison_assign(actor=unit_leader, unit=units["humen"], person=humen_people[0])
    tax_person = Person.objects.create(unit=units["tax"], name="沈洁")
    with pytest.raises(PermissionDeniedError):
        services.liaison_assign(actor=unit_leader, unit=units["tax"], person=tax_person)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["liaison", "outsider", "inspector", "group_leader"])
def test_others_cannot_change_a_liaison(request, persona, units, humen_people):
    with pytest.raises(PermissionDeniedError):
        services.liaison_assign(actor=request.getfixturevalue(persona), unit=units["humen"], person=humen_people[0])


@pytest.mark.django_db
def test_the_unit_page_changes_the_liaison_and_shows_the_history(client, hq_staff, units, humen_people):
    humen = units["humen"]
    services.liaison_assign(actor=hq_staff, unit=humen, person=humen_people[0], starts_on=dt.date(2021, 6, 1))
    client.force_login(hq_staff)
    url = reverse("organisation:unit", args=[humen.pk])
    response = client.post(url, {"assign_liaison": "1", "person": humen_people[1].pk, "starts_on": "2021-10-01"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "梁小燕" in body and "2021-09-30" in body and "现任" in body


@pytest.mark.django_db
def test_the_unit_page_refuses_an_outsiders_change(client, outsider, units, humen_people):
    client.force_login(outsider)
    url = reverse("organisation:unit", args=[units["humen"].pk])
    assert client.get(url).status_code == 200  # every staff member may read who to call
    response = client.post(url, {"assign_liaison": "1", "person": humen_people[0].pk, "starts_on": "2021-10-01"})
    assert response.status_code == 403
    assert not LiaisonAssignment.objects.exists()


@pytest.mark.django_db
def test_the_unit_page_masks_phones(client, hq_staff, units):
    Person.objects.create(unit=units["humen"], name="梁小燕", phone="13812345678")
    client.force_login(hq_staff)
    body = client.get(reverse("organisation:unit", args=[units["humen"].pk])).content.decode()
    assert "13812345678" not in body and "138****5678" in body


@pytest.mark.django_db
def test_the_unit_page_adds_a_person(client, liaison, units):
    client.force_login(liaison)
    url = reverse("organisation:unit", args=[units["humen"].pk])
    response = client.post(url, {"add_person": "1", "name": "新同事", "title": "干事", "phone": "", "email": ""})
    assert response.status_code == 302
    assert Person.objects.filter(unit=units["humen"], name="新同事").exists()


@pytest.mark.django_db
def test_pages_refuse_the_enterprise_contact(client, enterprise_contact, units):
    client.force_login(enterprise_contact)
    assert client.get(reverse("organisation:overview")).status_code == 403
    assert client.get(reverse("organisation:unit", args=[units["humen"].pk])).status_code == 403
    assert client.get(reverse("organisation:memberships")).status_code == 403


# --- overview and phases ---------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_shows_phases_with_dates_and_the_current_one(client, hq_staff, units):
    client.force_login(hq_staff)
    with time_machine.travel(dt.datetime(2021, 10, 15, 10, tzinfo=dt.UTC)):
        response = client.get(reverse("organisation:overview"))
    body = response.content.decode()
    assert "2021-06-01 — 2021-08-31" in body and "2022-03-01 — 2022-06-30" in body
    assert response.context["current_phase"].kind == "enforcement"
    assert "2022-06-30" in body


@pytest.mark.django_db
def test_the_overview_makes_a_constant_number_of_queries(client, hq_staff, units, programme):
    client.force_login(hq_staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("organisation:overview"))
    from relocation.organisation.models import Unit

    for i in range(10):
        unit = Unit.objects.create(programme=programme, code=f"u{i}", name=f"单位{i}", kind="department")
        person = Person.objects.create(unit=unit, name=f"人{i}")
        LiaisonAssignment.objects.create(unit=unit, person=person, starts_on=dt.date(2021, 6, 1))
        Membership.objects.create(programme=programme, body="headquarters", position="member", person=person)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("organisation:overview"))
    assert len(many) == len(few)


# --- seats in the coordination group and the HQ ----------------------------------


@pytest.mark.django_db
def test_an_hq_editor_adds_and_removes_seats(hq_commander, programme, humen_people):
    seat = services.membership_add(
        actor=hq_commander,
        programme=programme,
        body="coordination_group",
        position="executive_head",
        person=humen_people[0],
    )
    with pytest.raises(ServiceError):
        services.membership_add(
            actor=hq_commander,
            programme=programme,
            body="coordination_group",
            position="member",
            person=humen_people[0],
        )
    services.membership_remove(actor=hq_commander, membership=seat)
    assert not Membership.objects.exists()
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["organisation.membership_added", "organisation.membership_removed"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["group_leader", "unit_leader", "outsider", "system_admin"])
def test_only_hq_editors_change_seats(request, persona, programme, humen_people):
    with pytest.raises(PermissionDeniedError):
        services.membership_add(
            actor=request.getfixturevalue(persona),
            programme=programme,
            body="headquarters",
            position="member",
            person=humen_people[0],
        )


@pytest.mark.django_db
def test_the_memberships_page(client, hq_staff, outsider, programme, humen_people):
    client.force_login(hq_staff)
    url = reverse("organisation:memberships")
    response = client.post(url, {"body": "headquarters", "position": "deputy_commander", "person": humen_people[1].pk})
    assert response.status_code == 302
    seat = Membership.objects.get()
    assert "陈志" in client.get(url).content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"body": "headquarters", "position": "member", "person": humen_people[2].pk}).status_code
        == 403
    )
    assert client.post(reverse("organisation:membership_remove", args=[seat.pk])).status_code == 403
    client.force_login(hq_staff)
    assert client.post(reverse("organisation:membership_remove", args=[seat.pk])).status_code == 302
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_the_memberships_api(client, hq_staff, outsider, programme, humen_people):
    client.force_login(outsider)
    refused = client.post(
        "/api/organisation/memberships/",
        {"body": "headquarters", "position": "member", "person": humen_people[0].pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(hq_staff)
    created = client.post(
        "/api/organisation/memberships/",
        {"body": "headquarters", "position": "member", "person": humen_people[0].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert client.get("/api/organisation/memberships/").json()["count"] == 1
    assert client.delete(f"/api/organisation/memberships/{created.json()['id']}/").status_code == 204


# --- people API ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_people_api_creates_and_updates(client, liaison, units):
    client.force_login(liaison)
    created = client.post(
        "/api/organisation/people/",
        {"unit": units["humen"].pk, "name": "新同事", "phone": "13812345678"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["phone_masked"] == "138****5678" and "phone" not in created.json()
    updated = client.patch(f"/api/organisation/people/{pk}/", {"title": "副主任"}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["title"] == "副主任"
    event = AuditEvent.objects.get(action="organisation.person_updated")
    assert event.changes == {"title": ["", "副主任"]}
    blank = client.patch(f"/api/organisation/people/{pk}/", {"name": " "}, content_type="application/json")
    assert blank.status_code == 400


@pytest.mark.django_db
def test_the_people_api_refuses_an_outsider(client, outsider, units):
    person = Person.objects.create(unit=units["humen"], name="梁小燕")
    client.force_login(outsider)
    assert (
        client.patch(
            f"/api/organisation/people/{person.pk}/", {"title": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    created = client.post(
        "/api/organisation/people/", {"unit": units["humen"].pk, "name": "冒名"}, content_type="application/json"
    )
    assert created.status_code == 403


@pytest.mark.django_db
def test_the_units_api_is_scoped_to_staff(client, enterprise_contact, hq_staff, units):
    client.force_login(enterprise_contact)
    assert client.get("/api/organisation/units/").status_code == 403
    client.force_login(hq_staff)
    assert client.get("/api/organisation/units/").json()["count"] == len(units)


@pytest.mark.django_db
def test_the_memberships_page_makes_a_constant_number_of_queries(client, hq_staff, programme, units):
    client.force_login(hq_staff)
    url = reverse("organisation:memberships")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        person = Person.objects.create(unit=units["humen" if i % 2 else "eeb"], name=f"成员{i}")
        Membership.objects.create(programme=programme, body="coordination_group", position="member", person=person)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
