import pytest


@pytest.fixture(autouse=True)
def default_categories(request):
    """The categories migration 0004 seeds, restored when a transactional
    (browser) test has flushed the tables."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    from relocation.enterprises.categories import seed_default_categories

    seed_default_categories()
