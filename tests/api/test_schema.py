import pytest
from django.core.management import call_command


def test_schema_is_an_openapi_3_document(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/clients/" in schema["paths"]
    assert "/api/v1/interactions/{id}/status/" in schema["paths"]
    assert "Error" in schema["components"]["schemas"]
    responses = schema["paths"]["/api/v1/interactions/{id}/status/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(responses)


def test_schema_validates_without_warnings(tmp_path, db):
    # --fail-on-warn turns every drf-spectacular warning (an unannotated view) into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_docs_page_is_served(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.mark.parametrize("path", ["/api/v1/clients/", "/api/v1/plans/"])
def test_schema_names_the_cursor_parameter(client, db, path):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= names
