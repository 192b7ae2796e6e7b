"""Commitment letters: Word generation, the signed scan (type, size, hash),
and date changes approved by someone other than the requester."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from relocation.core import uploads
from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.enterprises import commitments
from relocation.enterprises.models import CommitmentDateChange, LetterStatus, LifecycleStatus, StatusChange
from relocation.enterprises.tests.lifecycle_fixtures import put_in
from relocation.enterprises.tests.uploads_fixtures import fake_pdf, pdf

S = LifecycleStatus


@pytest.fixture
def letter(hq_staff, enterprise):
    return commitments.letter_generate(
        actor=hq_staff,
        enterprise=enterprise,
        committed_shutdown_on=dt.date(2021, 12, 31),
        committed_relocation_on=dt.date(2022, 6, 30),
    )


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.django_db
def test_it_generates_a_valid_word_document_with_the_enterprise(letter, enterprise):
    data = commitments.letter_document(letter)
    assert data[:4] == b"PK\x03\x04"
    text = _text(data)
    assert enterprise.name in text and enterprise.credit_code in text
    assert "2021年12月31日" in text and "2022年06月30日" in text
    assert commitments.DEFAULT_OBLIGATIONS[0] in text
    # Numbered under the enterprise's own territorial town, not a fixed zone's code.
    town = enterprise.territorial_unit
    assert letter.number.startswith(f"{town.short_name or town.name}{commitments.NUMBER_WORD}〔")


@pytest.mark.django_db
def test_relocation_date_cannot_precede_shutdown(hq_staff, enterprise):
    with pytest.raises(ServiceError, match="不能早于"):
        commitments.letter_generate(
            actor=hq_staff,
            enterprise=enterprise,
            committed_shutdown_on=dt.date(2022, 1, 1),
            committed_relocation_on=dt.date(2021, 1, 1),
        )


@pytest.mark.django_db
def test_another_unit_cannot_prepare_a_letter(outsider, enterprise):
    with pytest.raises(PermissionDeniedError):
        commitments.letter_generate(actor=outsider, enterprise=enterprise, committed_shutdown_on=dt.date(2022, 1, 1))


@pytest.mark.django_db
def test_signing_stores_the_scan_with_its_hash_and_moves_the_enterprise(liaison, letter, enterprise):
    put_in(enterprise, S.INTENTION_RECORDED)
    commitments.letter_sign(actor=liaison, letter=letter, uploaded_file=pdf(), signed_on=dt.date(2021, 7, 1))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and letter.signed_on == dt.date(2021, 7, 1)
    assert letter.signed_file.content_type == "application/pdf"
    assert uploads.open_verified(letter.signed_file).startswith(b"%PDF")
    enterprise.refresh_from_db()
    assert enterprise.status == S.COMMITMENT_SIGNED
    assert StatusChange.objects.get(enterprise=enterprise).to_status == S.COMMITMENT_SIGNED
    with pytest.raises(ConflictError):
        commitments.letter_generate(actor=liaison, enterprise=enterprise, committed_shutdown_on=dt.date(2022, 1, 1))


@pytest.mark.django_db
def test_a_tampered_scan_is_refused_on_download(hq_staff, letter):
    commitments.letter_sign(actor=hq_staff, letter=letter, uploaded_file=pdf(), signed_on=dt.date(2021, 7, 1))
    letter.refresh_from_db()
    with letter.signed_file.file.open("wb") as fh:
        fh.write(b"%PDF-1.4 altered")
    with pytest.raises(uploads.TamperedFileError):
        uploads.open_verified(letter.signed_file)


@pytest.mark.django_db
def test_the_scan_type_and_size_are_checked(hq_staff, letter, settings):
    with pytest.raises(ServiceError, match="文件类型"):
        commitments.letter_sign(actor=hq_staff, letter=letter, uploaded_file=fake_pdf(), signed_on=dt.date(2021, 7, 1))
    big = pdf(size=commitments.SCAN_MAX_BYTES + 1)
    with pytest.raises(ServiceError, match="文件过大"):
        commitments.letter_sign(actor=hq_staff, letter=letter, uploaded_file=big, signed_on=dt.date(2021, 7, 1))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.GENERATED


@pytest.mark.django_db
def test_a_date_change_needs_another_hq_person_to_approve(liaison, hq_staff, hq_commander, letter):
    commitments.letter_sign(actor=hq_staff, letter=letter, uploaded_file=pdf(), signed_on=dt.date(2021, 7, 1))
    letter.refresh_from_db()
    change = commitments.date_change_request(
        actor=hq_staff,
        letter=letter,
        new_shutdown_on=dt.date(2022, 2, 28),
        new_relocation_on=None,
        reason="设备拆除需时",
    )
    with pytest.raises(ConflictError):
        commitments.date_change_request(
            actor=liaison, letter=letter, new_shutdown_on=dt.date(2022, 3, 1), new_relocation_on=None, reason="再改"
        )
    with pytest.raises(PermissionDeniedError, match="自己"):
        commitments.date_change_decide(actor=hq_staff, change=change, approve=True)
    with pytest.raises(PermissionDeniedError):
        commitments.date_change_decide(actor=liaison, change=change, approve=True)
    commitments.date_change_decide(actor=hq_commander, change=change, approve=True, note="同意")
    letter.refresh_from_db()
    assert letter.committed_shutdown_on == dt.date(2022, 2, 28) and letter.dates_changed
    assert letter.committed_relocation_on is None
    with pytest.raises(ConflictError):
        commitments.date_change_decide(actor=hq_commander, change=change, approve=False, note="x")


@pytest.mark.django_db
def test_a_rejection_keeps_the_dates_and_needs_a_note(liaison, hq_staff, letter):
    change = commitments.date_change_request(
        actor=liaison, letter=letter, new_shutdown_on=dt.date(2022, 5, 1), new_relocation_on=None, reason="想延期"
    )
    with pytest.raises(ServiceError, match="审批意见"):
        commitments.date_change_decide(actor=hq_staff, change=change, approve=False)
    commitments.date_change_decide(actor=hq_staff, change=change, approve=False, note="理由不充分")
    letter.refresh_from_db()
    assert letter.committed_shutdown_on == dt.date(2021, 12, 31) and not letter.dates_changed
    assert CommitmentDateChange.objects.get().status == "rejected"


@pytest.mark.django_db
def test_hq_replaces_the_letter_template(client, hq_staff, letter, enterprise):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document as NewDocument

    custom = NewDocument()
    custom.add_paragraph("定制承诺书：{{ enterprise_name }}，{{ committed_shutdown_on }} 前关停")
    buf = io.BytesIO()
    custom.save(buf)
    upload = SimpleUploadedFile("承诺书.docx", buf.getvalue())
    commitments.letter_template_replace(actor=hq_staff, uploaded_file=upload)
    assert f"定制承诺书：{enterprise.name}" in _text(commitments.letter_document(letter))
    commitments.letter_template_reset(actor=hq_staff)
    assert "定制承诺书" not in _text(commitments.letter_document(letter))


@pytest.mark.django_db
def test_a_broken_or_foreign_template_is_refused(hq_staff, liaison):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document as NewDocument

    broken = NewDocument()
    broken.add_paragraph("{{ enterprise_name ")
    buf = io.BytesIO()
    broken.save(buf)
    with pytest.raises(ServiceError, match="模板无法生成"):
        commitments.letter_template_replace(actor=hq_staff, uploaded_file=SimpleUploadedFile("t.docx", buf.getvalue()))
    with pytest.raises(ServiceError, match="文件类型"):
        commitments.letter_template_replace(actor=hq_staff, uploaded_file=pdf())
    with pytest.raises(PermissionDeniedError):
        commitments.letter_template_replace(actor=liaison, uploaded_file=SimpleUploadedFile("t.docx", buf.getvalue()))


@pytest.mark.django_db
def test_hq_is_told_of_a_request_and_the_requester_of_the_decision(liaison, hq_staff, hq_commander, letter):
    from relocation.core.models import Notification

    change = commitments.date_change_request(
        actor=liaison, letter=letter, new_shutdown_on=dt.date(2022, 2, 1), new_relocation_on=None, reason="延期"
    )
    assert set(
        Notification.objects.filter(verb="letter.date_change_requested").values_list("recipient", flat=True)
    ) == {
        hq_staff.pk,
        hq_commander.pk,
    }
    commitments.date_change_decide(actor=hq_staff, change=change, approve=True)
    assert Notification.objects.get(verb="letter.date_change_decided").recipient == liaison
