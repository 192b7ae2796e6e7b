"""Allowed status moves of the monthly bulletin."""

from relocation.reporting.models import BulletinStatus

BULLETIN = {
    BulletinStatus.DRAFT: {BulletinStatus.ISSUED},
    BulletinStatus.ISSUED: set(),
}
