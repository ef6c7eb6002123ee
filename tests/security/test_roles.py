"""Roles: every staff page lets in exactly the roles whose permissions it needs; visitors
go to the sign-in page. (The knowledge-base check moved here from tests/test_knowledge.py.)"""
from __future__ import annotations

import pytest

from tests.helpers import login, make_user

ROLES = ("editor", "publisher", "admin", "operator", "school")
# page → the roles that may open it
ALLOWED = {
    "/staff/zones/": {"editor", "publisher", "admin"},
    "/staff/kb/": {"editor", "publisher", "admin"},
    "/staff/blocks": {"admin"},
    "/hotline/": {"operator"},
    "/hotline/stats": {"operator", "publisher", "admin"},
}


@pytest.fixture(scope="module")
def clients(app):
    signed_in = {}
    for role in ROLES:
        client = app.test_client()
        login(client, make_user(app, role))
        signed_in[role] = client
    return signed_in


@pytest.mark.parametrize("path", sorted(ALLOWED))
def test_each_staff_page_admits_exactly_its_roles(app, clients, path):
    assert app.test_client().get(path).status_code == 302  # a visitor: to the sign-in page
    for role, client in clients.items():
        expected = 200 if role in ALLOWED[path] else 403
        assert client.get(path).status_code == expected, (path, role)


def test_staff_edit_pages_need_the_edit_permission(app):
    from tests.helpers import login, make_user
    client = app.test_client()
    login(client, make_user(app, "operator"))
    assert client.get("/staff/kb/").status_code == 403
    editor = app.test_client()
    login(editor, make_user(app, "editor"))
    assert editor.get("/staff/kb/faq/FAQ-2027-001/edit").status_code == 200

