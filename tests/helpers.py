"""Helpers shared by test modules: staff accounts and signing in through the test client."""
from __future__ import annotations

import re
import uuid

from admissions import accounts
from webapp.services import services

GOOD_PASSWORD = "Erdao-2027-secure"


def make_user(app, role="editor", password=GOOD_PASSWORD):
    name = f"u{uuid.uuid4().hex[:10]}"
    with app.app_context(), services().sessions.begin() as session:
        accounts.create_user(session, name, password, role)
    return name


def csrf_token(client, path="/staff/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(client, username, password=GOOD_PASSWORD):
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_token(client)})


def assigned_address(snapshot) -> str:
    """A sample gazetteer street address that lies plainly inside one zone at each level."""
    from admissions.service import answer_address
    from gis.address import AddressQuery
    return next(p.address for p in snapshot.gazetteer.places[::37] if p.number and
                answer_address(snapshot, AddressQuery(p.address))["status"] == "assigned")
