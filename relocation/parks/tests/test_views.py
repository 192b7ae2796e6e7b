"""Pages: who may see them, that they show what they should, and that lists
keep a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.parks import incentives, services
from relocation.parks.models import Allocation, ProcedureItem

DEADLINE = "2022-06-30"


def _confirmed(proposal_for, hq_commander):
    proposal = proposal_for()
    services.allocations_confirm_bulk(actor=hq_commander, allocations=list(proposal.allocations.all()))
    return proposal


def _policy(hq_staff, programme):
    return incentives.policy_create(
        actor=hq_staff,
        programme=programme,
        code="early",
        name="主动搬迁奖励",
        basis="per_m2",
        tiers=[{"stopped_by": "2021-12-31", "rate": "300"}],
        cap_amount=None,
        requires_closure_verified=False,
    )


@pytest.mark.django_db
def test_it_shows_parks_with_capacity_and_alarm(client, liaison, park, make_enterprise):
    e = make_enterprise(floor_area_m2=Decimal("6000"))
    Allocation.objects.create(enterprise=e, park=park, status="confirmed")
    client.force_login(liaison)
    page = client.get(reverse("parks:list"), {"deadline": DEADLINE}).content.decode()
    assert park.name in page and "capacity-data" in page and "容量预警" in page
    page = client.get(reverse("parks:detail", args=[park.pk]), {"deadline": DEADLINE}).content.decode()
    assert "table-danger" in page and e.name in page and "镍线" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,args",
    [("parks:list", []), ("parks:detail", ["park"]), ("parks:demands", []), ("parks:procedures", [])],
)
def test_an_enterprise_contact_cannot_see_park_pages(client, enterprise_contact, park, name, args):
    client.force_login(enterprise_contact)
    url = reverse(name, args=[park.pk for _ in args])
    expected = {403} if name != "parks:procedures" else {200}
    assert client.get(url).status_code in expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,kind",
    [
        ("parks:proposals", None),
        ("parks:proposal", "proposal"),
        ("parks:policies", None),
        ("parks:policy", "policy"),
        ("parks:demand_edit", "enterprise"),
    ],
)
def test_an_outsider_cannot_see_hq_pages(client, outsider, park, mover, proposal_for, hq_staff, programme, name, kind):
    ids = {
        "proposal": lambda: proposal_for().pk,
        "policy": lambda: _policy(hq_staff, programme).pk,
        "enterprise": lambda: mover.pk,
    }
    args = [ids[kind]()] if kind else []
    client.force_login(outsider)
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["parks:allocation_decide", "parks:proposal_confirm", "parks:grant_decide", "parks:grant_pay"]
)
def test_an_outsider_cannot_post_decisions(client, outsider, name):
    client.force_login(outsider)
    assert client.post(reverse(name, args=[1])).status_code == 403


@pytest.mark.django_db
def test_an_outsider_cannot_work_on_another_units_procedure(client, outsider, park, mover, proposal_for, hq_commander):
    _confirmed(proposal_for, hq_commander)
    item = ProcedureItem.objects.filter(enterprise=mover).first()
    client.force_login(outsider)
    assert client.get(reverse("parks:procedure_item", args=[item.pk])).status_code == 404


@pytest.mark.django_db
def test_hq_runs_reviews_and_confirms_a_proposal_in_the_browser_flow(
    client, hq_commander, park, mover, django_capture_on_commit_callbacks
):
    client.force_login(hq_commander)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("parks:proposals"), {"time_limit": "5"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert mover.name in page and "待确认" in page
    allocation = Allocation.objects.get(enterprise=mover)
    client.post(reverse("parks:proposal_confirm", args=[allocation.proposal_id]), {"allocation": [allocation.pk]})
    allocation.refresh_from_db()
    assert allocation.status == "confirmed"
    assert ProcedureItem.objects.filter(enterprise=mover).count() == 8


@pytest.mark.django_db
def test_hq_edits_demand(client, hq_staff, mover, park):
    client.force_login(hq_staff)
    url = reverse("parks:demand_edit", args=[mover.pk])
    assert "按行业和工艺推算" in client.get(url).content.decode()
    response = client.post(url, {"nickel_t_per_day": "33", "floor_area_m2": "900", "preferred_parks": [park.pk]})
    assert response.status_code == 302
    assert mover.__class__.objects.get(pk=mover.pk).park_demand.nickel_t_per_day == 33
    bad = client.post(url, {"nickel_t_per_day": "-1", "floor_area_m2": "900"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


@pytest.mark.django_db
def test_blocked_items_surface_on_the_overview_and_the_enterprise_section(
    client, hq_commander, park, mover, proposal_for
):
    _confirmed(proposal_for, hq_commander)
    item = ProcedureItem.objects.get(enterprise=mover, kind="lease")
    services.procedure_item_move(actor=hq_commander, item=item, target="blocked", note="厂房交付延期")
    client.force_login(hq_commander)
    page = client.get(reverse("parks:procedures")).content.decode()
    assert "厂房交付延期" in page and mover.name in page
    html = client.get(reverse("enterprises:detail", args=[mover.pk])).content.decode()
    assert "1 项受阻或逾期" in html and park.name in html


@pytest.mark.django_db
def test_the_responsible_unit_moves_its_item_and_uploads_a_document(
    client, hq_commander, park, mover, proposal_for, inspector
):
    _confirmed(proposal_for, hq_commander)
    item = ProcedureItem.objects.get(enterprise=mover, kind="eia")  # the environment bureau's
    client.force_login(inspector)
    url = reverse("parks:procedure_item", args=[item.pk])
    client.post(url, {"action": "move", "target": "in_progress"})
    item.refresh_from_db()
    assert item.status == "in_progress"
    pdf = SimpleUploadedFile("eia.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(url, {"action": "upload", "title": "环评批复", "file": pdf})
    doc = item.documents.get()
    assert doc.file.sha256 and client.get(reverse("file", args=[doc.file_id])).status_code == 200
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = client.post(url, {"action": "upload", "file": fake}, follow=True).content.decode()
    assert item.documents.count() == 1 and "alert-danger" in page


def _grow(make_enterprise, n):
    return [
        make_enterprise(
            intention="move_to_park", status="commitment_signed", processes=["zinc"], wastewater_t_per_day=Decimal("5")
        )
        for _ in range(n)
    ]


@pytest.mark.django_db
def test_list_pages_keep_a_constant_number_of_queries(
    client, hq_commander, hq_staff, programme, make_park, make_enterprise, proposal_for, hq_commander2
):
    make_park()
    policy = _policy(hq_staff, programme)

    def measure():
        from relocation.core.workdays import entered_years

        # Due dates past the built-in calendar look up the entered holiday years once
        # per process every 30 s (core.workdays); warm that memo so it is not counted here.
        entered_years()
        counts = {}
        for name, args in [
            ("parks:list", []),
            ("parks:demands", []),
            ("parks:procedures", []),
            ("parks:proposals", []),
            ("parks:policies", []),
            ("parks:policy", [policy.pk]),
        ]:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name, args=args), {"show": "all"}).status_code == 200
            counts[name] = len(ctx)
        return counts

    def add_rows(n):
        ents = _grow(make_enterprise, n)
        proposal = proposal_for()
        services.allocations_confirm_bulk(actor=hq_commander, allocations=list(proposal.allocations.all()))
        for e in ents:
            grant = incentives.grant_create(
                actor=hq_staff,
                policy=policy,
                enterprise=e,
                production_stopped_on=dt.date(2021, 12, 1),
                stop_override_reason="笔录",
            )
            incentives.grant_decide(actor=hq_commander2, grant=grant, approve=True)
        make_park()
        return proposal

    client.force_login(hq_commander)
    first = add_rows(1)
    with CaptureQueriesContext(connection) as small_detail:
        client.get(reverse("parks:proposal", args=[first.pk]))
    small = measure()
    last = add_rows(4)
    with CaptureQueriesContext(connection) as large_detail:
        client.get(reverse("parks:proposal", args=[last.pk]))
    assert measure() == small
    assert len(large_detail) == len(small_detail)


@pytest.mark.django_db
def test_the_enterprise_page_section_keeps_a_constant_number_of_queries(
    client, hq_commander, park, mover, proposal_for
):
    client.force_login(hq_commander)
    url = reverse("enterprises:detail", args=[mover.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _confirmed(proposal_for, hq_commander)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert 'id="park-section"' in page
    # The section adds its two queries, not one per procedure item.
    assert len(after) <= len(before) + 4


@pytest.mark.django_db
def test_it_offers_the_programmes_batch_deadlines_earliest_first(client, liaison, programme):
    from relocation.enterprises.lifecycle_models import Batch
    from relocation.organisation.models import Programme
    from relocation.parks import selectors

    Batch.objects.create(programme=programme, name="第二批", order=2, deadline=dt.date(2022, 9, 30))
    Batch.objects.create(programme=programme, name="第一批", order=1, deadline=dt.date(2022, 6, 30))
    other = Programme.objects.create(code="other-batches", name="另一项目", deadline=dt.date(2030, 1, 1))
    Batch.objects.create(programme=other, name="别处的批次", deadline=dt.date(2022, 1, 31))
    assert selectors.batch_deadlines(programme) == [("第一批", dt.date(2022, 6, 30)), ("第二批", dt.date(2022, 9, 30))]
    assert selectors.batch_deadlines(None) == []
    client.force_login(liaison)
    page = client.get(reverse("parks:list")).content.decode()
    assert "第一批（2022-06-30）" in page and "别处的批次" not in page
