"""The mock's OpenAPI 3.1 document, and that it describes the app as it is (/health: its own module)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import tmf622_schemas
from mock_server.app import create_app
from mock_server.config.settings import Settings
from mock_server.openapi.document import app_routes, build_openapi
from mock_server.openapi.schemas import local_ref
from mock_server.openapi.source import OpenApiSource
from mock_server.versions.tmf622_v4.openapi import V4
from mock_server.versions.tmf622_v5.openapi import V5
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.switches import versions

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

DOC_URI = "urn:tmf622-mock:openapi"
METHODS = {"get", "post", "patch", "delete", "put"}


def fetch(api: Api, url: str) -> dict[str, Any]:
    response = api.http.get(url, timeout=TIMEOUT_S)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    document: dict[str, Any] = response.json()
    return document


def operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, item in document["paths"].items() for m in item if m in METHODS}


def component_validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """Validate against a component as the document has it (refs resolved inside the document)."""
    registry: Registry[Any] = Registry().with_resource(
        DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": f"{DOC_URI}#/components/schemas/{name}"}, registry=registry)


def test_served_document_is_valid_openapi_3_1(api: Api) -> None:
    document = fetch(api, api.url("openapi.json"))
    validate(document)  # raises OpenAPIValidationError with the first problem
    assert document["openapi"] == "3.1.0"


def test_root_openapi_json_lists_one_document_per_version(api: Api) -> None:
    listed = fetch(api, f"{api.root}/openapi.json")["documents"]
    assert [(each["name"], each["version"]) for each in listed] == [("v4", "4.0.0"), ("v5", "5.0.0")]
    for each in listed:
        assert fetch(api, f"{api.root}{each['url']}")["info"]["version"] == each["version"]


@pytest.fixture(scope="module")
def plain_app() -> web.Application:
    """An app that is never started: the documents depend on its routes and settings, not on a store."""
    return create_app(Settings())


@pytest.mark.parametrize("version", [V4, V5], ids=["v4", "v5"])
def test_each_version_document_is_valid_openapi_3_1(
    plain_app: web.Application, version: OpenApiSource
) -> None:
    validate(build_openapi(plain_app, version))  # once, not per store: ~20 s for v5's 389 schemas


def test_v5_document_describes_every_v5_route_and_only_them(plain_app: web.Application) -> None:
    document = build_openapi(plain_app, V5)
    assert operations(document) == set(app_routes(plain_app, V5))
    v5 = "/tmf-api/productOrderingManagement/v5"
    assert set(document["paths"]) == {
        f"{v5}/{path}"
        for path in ("productOrder", "productOrder/{id}", "cancelProductOrder", "cancelProductOrder/{id}")
    } | {f"{v5}/hub", f"{v5}/hub/{{id}}", f"{v5}/openapi.json"}
    patch = document["paths"][f"{v5}/productOrder/{{id}}"]["patch"]
    assert set(patch["requestBody"]["content"]) == {
        "application/json",
        "application/merge-patch+json",
        "application/json-patch+json",
        "application/json-patch-query+json",
    }


def test_documents_say_what_the_mock_enforces_beyond_the_schema_files(plain_app: web.Application) -> None:
    """Issue 20: projections, read-only fields, the 4xx answered, links from POST to the by-id operations."""
    document = build_openapi(plain_app, V4)
    schemas, base = document["components"]["schemas"], "/tmf-api/productOrderingManagement/v4"
    assert schemas["ProductOrder_Update"]["properties"]["completionDate"]["readOnly"] is True
    assert schemas["ProductOrder"]["properties"]["orderDate"]["readOnly"] is True
    assert schemas["ProductOrder_Projection"]["required"] == ["href", "id"]
    retrieve = document["paths"][f"{base}/productOrder/{{id}}"]["get"]
    assert retrieve["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"][1] == {
        "$ref": "#/components/schemas/ProductOrder_Projection"
    }
    assert "400" in document["paths"][f"{base}/productOrder"]["get"]["responses"]  # unknown sort
    assert "406" in retrieve["responses"]
    links = document["paths"][f"{base}/productOrder"]["post"]["responses"]["201"]["links"]
    assert links["RetrieveProductOrder"] == {
        "operationId": "retrieveProductOrder",
        "parameters": {"id": "$response.body#/id"},
    }
    callback = schemas["EventSubscriptionInput"]["allOf"][-1]["properties"]["callback"]
    assert callback["pattern"].startswith("^")  # "" is refused: 400, and the document says so
    v5 = build_openapi(plain_app, V5)["components"]["schemas"]
    assert v5["ProductOrder_Projection"]["required"] == ["@type", "href", "id"]
    assert v5["ProductOrder_FVO"]["allOf"][-1]["properties"]["@type"] == {"const": "ProductOrder"}


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"versions": versions(v4={"base_path": ""})},
        {"versions": versions(v4={"base_path": "/v4"}), "public_url": "https://x.example"},
    ],
)
def test_every_route_of_the_app_is_described_and_nothing_else(
    make_api: ApiFactory, settings: dict[str, Any]
) -> None:
    api = make_api(**settings)
    document = fetch(api, api.url("openapi.json"))
    validate(document)
    assert operations(document) == set(app_routes(api.app, V4))
    assert {"/health", f"{api.base}/health".removeprefix(api.root)} <= set(document["paths"])
    assert not {"/", "/docs"} & set(document["paths"])
    assert document["servers"] == [{"url": settings.get("public_url", "/")}]
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_control_endpoints_are_left_out(api: Api) -> None:
    routes = {path for _, path in app_routes(api.app, V4)}
    assert all("_mock" not in path for path in routes)
    assert any(
        r.resource is not None and r.resource.canonical.startswith("/_mock/") for r in api.app.router.routes()
    )


def test_every_schema_file_is_a_component_with_local_refs(api: Api) -> None:
    document = build_openapi(api.app, V4)
    schemas = document["components"]["schemas"]
    assert set(tmf622_schemas.schema_names()) <= set(schemas)
    text = json.dumps(schemas)
    assert ".schema.json" not in text
    assert '"$id"' not in text
    assert '"$schema"' not in text


def test_local_refs() -> None:
    assert local_ref("Note.schema.json", "ProductOrder") == "#/components/schemas/Note"
    assert local_ref("Note.schema.json#/properties/text", "X") == "#/components/schemas/Note/properties/text"
    assert local_ref("#/$defs/a", "ProductOrder") == "#/components/schemas/ProductOrder/$defs/a"


def test_real_answers_match_the_documented_schemas(api: Api) -> None:
    document = build_openapi(api.app, V4)
    order = api.create_order(relatedParty=[{"id": "c1", "@referredType": "Individual"}])
    assert list(component_validator(document, "ProductOrder").iter_errors(order)) == []
    error = api.http.get(api.url("productOrder/none"), timeout=TIMEOUT_S).json()
    assert list(component_validator(document, "Error").iter_errors(error)) == []
    assert list(component_validator(document, "ProductOrder").iter_errors({"state": 1})) != []
    health = api.http.get(api.url("health"), timeout=TIMEOUT_S).json()
    assert list(component_validator(document, "Health").iter_errors(health)) == []


def test_operations_document_what_the_mock_does(api: Api) -> None:
    document = build_openapi(api.app, V4)
    paths = {
        path.removeprefix("/tmf-api/productOrderingManagement/v4"): item
        for path, item in document["paths"].items()
    }
    listing = paths["/productOrder"]["get"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in listing["parameters"]}
    assert {"fields", "offset", "limit", "sort", "state", "orderDate.gte", "relatedParty.id"} <= names
    assert set(listing["responses"]["200"]["headers"]) == {"X-Total-Count", "X-Result-Count"}
    patch = paths["/productOrder/{id}"]["patch"]
    assert set(patch["requestBody"]["content"]) == {
        "application/json",
        "application/merge-patch+json",
        "application/json-patch+json",
    }
    assert {"400", "404", "409", "413", "415", "500"} <= set(patch["responses"])
    assert paths["/cancelProductOrder"]["post"]["operationId"] == "createCancelProductOrder"
    assert {"post"} <= set(paths["/hub"])
    assert {"get", "delete"} <= set(paths["/hub/{id}"])
    assert "Location" in paths["/productOrder"]["post"]["responses"]["201"]["headers"]
    for code, response in document["components"]["responses"].items():
        assert int(code) >= 400
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
