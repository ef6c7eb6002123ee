"""Item 5: numbers are ASCII or clearly converted. Full-width digits are read; underscores
and other scripts' digits are refused, naming the field, in the user's language."""
from __future__ import annotations

import pytest

from zones.errors import InvalidParameter
from zones.inputs import parse_number


@pytest.mark.parametrize("raw, value", [("43.879", 43.879), ("４３．８７９", 43.879),
                                        (" -1.5 ", -1.5), ("－１２５．３９", -125.39),
                                        ("1e2", 100.0), (".5", 0.5), (43.879, 43.879)])
def test_ascii_and_full_width_numbers_are_read(raw, value):
    assert parse_number(raw, "lat") == value


@pytest.mark.parametrize("raw", ["4_3.879", "٤٣٫٨٧٩", "٤٣.٨٧٩", "۴۳.۸۷۹", "४३.८७९", "๔๓.๘๗๙",
                                 "43.8 79", "0x10", "١", "43,879", "--1", "nan", "inf"])
def test_underscores_and_other_scripts_digits_are_refused_naming_the_field(raw):
    with pytest.raises(InvalidParameter) as refused:
        parse_number(raw, "lng")
    assert refused.value.field == "lng"


@pytest.mark.parametrize("query, field", [("lat=4_3.879&lng=125.39", "lat"),
                                          ("lat=43.879&lng=١٢٥.٣٩", "lng")])
def test_the_api_refuses_them_in_chinese_and_english(client, query, field):
    chinese = client.get(f"/api/v1/lookup?{query}").get_json()["error"]
    english = client.get(f"/api/v1/lookup?{query}&lang=en").get_json()["error"]
    assert chinese["field"] == english["field"] == field
    assert chinese["code"] == "invalid_parameter" and "数字" in chinese["message"]
    assert "number" in english["message"].lower()
    ok = client.get("/api/v1/lookup?lat=４３．８７９&lng=１２５．３９").get_json()
    assert ok["status"] in ("assigned", "boundary", "unzoned")
