"""The OpenAPI document describes exactly the routes and fields the server has."""

from __future__ import annotations

import re
import secrets
from dataclasses import fields
from typing import Any

import httpx
import pytest

from backend.api.openapi import load_openapi
from backend.app import create_app
from backend.schemas import CasePublic, ConversationPublic, InstitutionPublic
from backend.schemas_handling import DocumentPublic, EventPublic
from backend.settings import Settings
from tests.integration.backend.conftest import RunningApp
from tests.integration.backend.support import case_body

DOCUMENT = load_openapi()
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}


def api_routes() -> dict[str, set[str]]:
    """Every route of the app under /api, in OpenAPI's spelling, with its methods."""
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        app_api_token=secrets.token_urlsafe(24),
        rasa_auth_token=secrets.token_urlsafe(24),
        rasa_url="http://127.0.0.1:9",
        actions_url="http://127.0.0.1:9",
    )
    app = create_app(settings, name=f"openapi_{secrets.token_hex(4)}")
    # Only the route table is read: no need to compile the router (a deep ast.parse that
    # Python 3.11.7 can fail with "AST constructor recursion depth mismatch").
    app.router.finalize(do_compile=False)
    routes: dict[str, set[str]] = {}
    for route in app.router.routes:
        path = "/" + route.path
        if path == "/api" or path.startswith("/api/"):
            path = re.sub(r"<(\w+)(?::[^>]+)?>", r"{\1}", path)
            routes.setdefault(path, set()).update(m.lower() for m in route.methods)
    return routes


def documented_routes() -> dict[str, set[str]]:
    return {
        path: {key for key in item if key in HTTP_METHODS}
        for path, item in DOCUMENT["paths"].items()
    }


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = find_ref(node["$ref"])
    return node


def find_ref(ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), ref
    node: Any = DOCUMENT
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def conforms(value: Any, schema: dict[str, Any]) -> bool:
    """A small check of `type`, `enum`, `const` and `oneOf` (enough for our schemas)."""
    schema = resolve(schema)
    if "oneOf" in schema:
        return sum(conforms(value, option) for option in schema["oneOf"]) == 1
    if "const" in schema and value != schema["const"]:
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if isinstance(value, bool):
            return "boolean" in kinds
        return any(isinstance(value, JSON_TYPES[kind]) for kind in kinds)
    return True


def assert_conforms(value: dict[str, Any], name: str) -> None:
    schema = DOCUMENT["components"]["schemas"][name]
    assert set(value) == set(schema["properties"]), name
    assert set(schema["required"]) <= set(value), name
    for key, item in value.items():
        assert conforms(item, schema["properties"][key]), (name, key, item)


def test_the_document_is_openapi_3_1() -> None:
    assert DOCUMENT["openapi"].startswith("3.1.")
    assert DOCUMENT["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_every_api_route_is_documented_with_its_methods_and_nothing_else() -> None:
    assert documented_routes() == api_routes()


def test_every_reference_in_the_document_resolves() -> None:
    references: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                references.append(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(DOCUMENT)

    assert references
    for reference in references:
        assert find_ref(reference) is not None


@pytest.mark.parametrize(
    ("schema", "model"),
    [
        ("Case", CasePublic),
        ("Event", EventPublic),
        ("Document", DocumentPublic),
        ("Conversation", ConversationPublic),
        ("Institution", InstitutionPublic),
    ],
)
def test_each_schema_lists_exactly_the_fields_the_server_sends(schema: str, model: type) -> None:
    properties = DOCUMENT["components"]["schemas"][schema]["properties"]
    required = DOCUMENT["components"]["schemas"][schema]["required"]

    assert set(properties) == {field.name for field in fields(model)}
    assert set(required) == set(properties)


async def test_the_document_is_served_without_a_token(running_app: RunningApp) -> None:
    async with httpx.AsyncClient(base_url=running_app.url) as client:
        response = await client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json() == DOCUMENT


async def test_real_answers_conform_to_their_schemas(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/api/cases", json=case_body(product="Pinjaman konsumtif", channel="letter")
    )
    number = created.json()["register_number"]
    resolved = await api.post(
        f"/api/cases/{number}/resolve", json={"response": "Selesai.", "actor": "rina"}
    )
    upload = await api.post(
        f"/api/cases/{number}/documents",
        data={"actor": "rina"},
        files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
    )
    events = await api.get(f"/api/cases/{number}/events")
    page = await api.get("/api/cases", params={"limit": 1})
    illegal = await api.post(
        f"/api/cases/{number}/transitions", json={"status": "in_progress", "actor": "rina"}
    )

    assert_conforms(created.json(), "Case")
    assert_conforms(resolved.json(), "Case")
    assert_conforms(upload.json(), "Document")
    assert_conforms(page.json(), "CasePage")
    for event in events.json()["items"]:
        assert_conforms(event, "Event")
    assert_conforms(illegal.json(), "IllegalTransition")


async def test_the_service_facts_conform_to_their_schemas(api: httpx.AsyncClient) -> None:
    institution = await api.get("/api/institution")
    hours = await api.get("/api/operating-hours")
    deadline = await api.get("/api/facilitation-deadline", params={"response_date": "2026-11-03"})
    contact = await api.post("/api/contacts/normalise", json={"contact": "0812-3456-7890"})

    assert_conforms(institution.json(), "Institution")
    assert_conforms(hours.json(), "OperatingHours")
    assert_conforms(deadline.json(), "FacilitationDeadline")
    assert_conforms(contact.json(), "Contact")
