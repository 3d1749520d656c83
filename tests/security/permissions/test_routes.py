"""The matrix covers every named route: pages, API router routes and both admin sites."""

from tests.security.permissions.harness import all_url_names
from tests.security.permissions.test_admin import ADMIN
from tests.security.permissions.test_api import API
from tests.security.permissions.test_pages import PAGES


def test_every_route_is_in_the_matrix():
    missing = sorted(all_url_names() - set(PAGES) - set(API) - set(ADMIN))
    assert not missing, f"add these routes to tests/security/permissions/: {missing}"


def test_the_matrix_lists_no_route_that_does_not_exist():
    assert not sorted((set(PAGES) | set(API) | set(ADMIN)) - all_url_names())


def test_no_route_is_in_two_tables():
    assert not set(PAGES) & set(API)
    assert not (set(PAGES) | set(API)) & set(ADMIN)
