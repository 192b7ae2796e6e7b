from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The per-address limits live in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submit(programme):
    """A public submission: returns (inquiry, query code)."""
    from relocation.portal import services

    counter = {"n": 0}

    def factory(**overrides):
        counter["n"] += 1
        values = {
            "kind": "pollution",
            "subject": "河涌发黑",
            "text": "B区南侧河涌发黑发臭。",
            "location": "B区南侧",
            "contact_name": "李女士",
            "phone": "13800138000",
            "ip": f"198.51.100.{counter['n']}",
        }
        values.update(overrides)
        return services.inquiry_submit_public(**values)

    return factory


@pytest.fixture
def assigned(submit, hq_staff, units, enterprise):
    from relocation.portal import services

    inquiry, _code = submit()
    return services.inquiry_assign(actor=hq_staff, inquiry=inquiry, unit=units["humen"], enterprise=enterprise)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
