"""Odd form values on the zone workflow pages that need real state: an uploaded file's
mapping form, a draft version and an open public notice (own app: these change data)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_requests import check_html, values
from tests.test_staff_zones import (build_app, check, mapping_form, save, signed_in, token_of,
                                    upload)
from tests.zone_files import gbk_shapefile_zip, redrawn_zones

SLOW_FUZZ = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    """An admin with an uploaded file (its mapping page and form), a draft on notice."""
    tmp_path = tmp_path_factory.mktemp("fuzz-zones")
    app = build_app(tmp_path)
    admin = signed_in(app, "admin")
    mapping_url = upload(admin, gbk_shapefile_zip(tmp_path, redrawn_zones())).headers["Location"]
    form = mapping_form(admin.get(mapping_url).get_data(as_text=True))
    check_url, _ = check(admin, mapping_url, form)
    assert save(admin, mapping_url, form, zone_set_id="fuzz-v1").status_code == 302
    token = token_of(admin, "/staff/zones/fuzz-v1/")
    assert admin.post("/staff/zones/fuzz-v1/notice", data={"csrf_token": token,
                                                           "closes_on": "2099-01-31"}
                      ).status_code == 302
    return app, admin, mapping_url, form, token, check_url


# Without "action", "format" and "repair": each odd value must not start a background check.
mapping_fields = ("layer", "encoding", "crs", "zone_id", "level", "school_codes", "allocation",
                  "description", "level_value")
save_fields = ("zone_set_id", "label", "effective_from", "accept_reason", "action")


@SLOW_FUZZ
@given(odd=st.dictionaries(st.sampled_from(mapping_fields), values, max_size=4))
def test_mapping_form_with_odd_values(workflow, odd):
    _, admin, mapping_url, form, *_ = workflow
    check_html(admin.post(mapping_url, data={**form, "action": "reread", **odd}))
    check_html(admin.get(mapping_url, query_string=odd))


@SLOW_FUZZ
@given(odd=st.dictionaries(st.sampled_from(save_fields), values, max_size=4))
def test_check_page_with_odd_values(workflow, odd):
    *_, token, check_url = workflow
    admin = workflow[1]
    check_html(admin.post(check_url, data={"csrf_token": token, "action": "save", **odd}))
    check_html(admin.get(check_url, query_string=odd))


@pytest.mark.parametrize("effective", ["2027-02-30", "x", "９９９９-０１-０１", "2027-1-1"])
def test_saving_a_draft_with_a_bad_effective_date_is_refused(workflow, effective):
    # dt.date.fromisoformat raised ValueError straight out of the view: a 500.
    _, admin, mapping_url, form, token, check_url = workflow
    response = admin.post(check_url, data={"csrf_token": token, "action": "save",
                                           "zone_set_id": "fuzz-date",
                                           "effective_from": effective})
    assert response.status_code == 400
    check_html(response)
    assert admin.get("/staff/zones/fuzz-date/").status_code == 404  # nothing saved


@SLOW_FUZZ
@given(odd=st.dictionaries(st.sampled_from(("body", "name", "contact", "website")), values,
                           max_size=4))
def test_notice_comments_with_odd_values(workflow, odd):
    app, *_ = workflow
    public = app.test_client()
    token = token_of(public, "/notices/fuzz-v1/")
    check_html(public.post("/notices/fuzz-v1/comments", data={"csrf_token": token, **odd}))


@SLOW_FUZZ
@given(odd=st.dictionaries(st.sampled_from(("closes_on", "effective_from", "format", "since",
                                            "until", "actor")), values, max_size=3),
       path=st.sampled_from(["/staff/zones/fuzz-v1/", "/staff/zones/fuzz-v1/comments",
                             "/staff/zones/fuzz-v1/impact", "/staff/zones/fuzz-v1/impact.csv",
                             "/staff/zones/fuzz-v1/download.gpkg", "/notices/fuzz-v1/"]))
def test_version_pages_with_odd_values(workflow, odd, path):
    _, admin, _, _, token, _ = workflow
    check_html(admin.get(path, query_string=odd))
    check_html(admin.post("/staff/zones/fuzz-v1/schedule", data={"csrf_token": token, **odd}))
