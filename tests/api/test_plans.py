import pytest

from tests.api.conftest import api_url, error_of
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def plans(manager, other_manager, foreign_manager):
    return {
        user.username: PlanFactory(manager=user)
        for user in (manager, other_manager, foreign_manager)
    }


def test_manager_reads_only_his_plans(api, manager, plans):
    assert ids(api(manager).get(api_url("plan-list"))) == {plans["manager"].pk}


def test_manager_may_not_read_a_colleagues_plan(api, manager, plans):
    response = api(manager).get(api_url("plan-detail", plans["other_manager"].pk))

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_supervisor_reads_his_teams_plans(api, supervisor, plans):
    assert ids(api(supervisor).get(api_url("plan-list"))) == {
        plans["manager"].pk,
        plans["other_manager"].pk,
    }


def test_admin_reads_all_plans(api, admin, plans):
    assert len(ids(api(admin).get(api_url("plan-list")))) == 3


def test_operator_reads_no_plans(api, operator, plans):
    response = api(operator).get(api_url("plan-list"))

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_plans_are_read_only(api, admin):
    response = api(admin).post(api_url("plan-list"), {})

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_plan_list_query_ceiling_is_flat(
    api, supervisor, manager, other_manager, django_assert_max_num_queries
):
    browser = api(supervisor)
    PlanFactory(manager=manager)
    with django_assert_max_num_queries(3):
        assert len(browser.get(api_url("plan-list")).json()["results"]) == 1
    for months_back in range(1, 12):
        for user in (manager, other_manager):
            PlanFactory(manager=user, month=f"{2024 + months_back // 12}-{months_back:02d}-01")
    with django_assert_max_num_queries(3):
        assert len(browser.get(api_url("plan-list")).json()["results"]) == 23
