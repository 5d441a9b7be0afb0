"""`POST /api/contacts/normalise`: a phone number or e-mail address as cases keep it.

The action server sends the contact as the customer typed it and shows back this form
(`+6281234567890`, the e-mail's domain in lower case); a case created with it stores the same.
"""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api.json_body import read_json
from backend.blueprints import build_blueprint, post
from backend.schemas import contact_from_json


async def normalise_contact(request: Request) -> HTTPResponse:
    """{"contact": "0812-3456-7890"} → {"contact", "phone", "email"}; 422 naming `contact`."""
    phone, email = contact_from_json(read_json(request))
    return json({"contact": phone or email, "phone": phone, "email": email})


def contacts_blueprint() -> Blueprint:
    """The contact route, relative to the API prefix."""
    return build_blueprint(
        "api_contacts", post("/normalise", normalise_contact), url_prefix="/contacts"
    )
