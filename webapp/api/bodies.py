"""JSON request bodies read through their declared types (webapp/api/schemas.py).

The type checks the shape (which fields, of which JSON types, which of a fixed set of
values) before the domain's parsers check the meaning (a phone number, a date, a question's
options). A body that does not fit is an InvalidParameter naming the field by its path
(`location.lat`, `rows[2].address`), in the user's language: msgspec's own English
never reaches a client. No Flask here, so the plain functions of the API can use it."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from zones.errors import N_, InvalidParameter

T = TypeVar("T")

# msgspec's names of JSON types, as a user reads them (null is left out: it is only
# ever allowed beside another type, and "or nothing" would not help anyone).
KIND_NAMES = {"str": N_("文字"), "int": N_("整数"), "float": N_("数字"),
              "bool": N_("布尔值（true 或 false）"), "object": N_("JSON 对象"), "array": N_("数组")}
_EXPECTED = re.compile(r"Expected `([^`]+)`, got `[^`]+`")
_FIELD = re.compile(r"Object (missing required|contains unknown) field `(.*)`", re.S)
_ITEMS = "[...]"  # msgspec's path of a value in a JSON object of any keys


@dataclass(frozen=True)
class Refusals:
    """How an endpoint words a body that does not fit its type."""
    body_message: str  # not JSON, or not the kind of value the body should be
    body_field: str | None
    messages: Mapping[str, str] = field(default_factory=dict)  # by field: the domain's own
    whole_body: bool = False  # every refusal names `body_field` (a file), the path the place

    def body(self) -> InvalidParameter:
        return InvalidParameter(self.body_message, field=self.body_field)


def decode(shape: type[T], raw: bytes, refusals: Refusals) -> T:
    """The JSON text `raw` as `shape`."""
    try:
        return msgspec.json.decode(raw, type=shape)
    except msgspec.ValidationError as error:
        raise refused(str(error), refusals) from None
    except (msgspec.DecodeError, RecursionError):  # not JSON, or nested past any shape
        raise refusals.body() from None


def convert(shape: type[T], data: Any, refusals: Refusals) -> T:
    """Already parsed JSON `data` (the batch file, read with its own line numbers) as
    `shape`."""
    try:
        return msgspec.convert(data, shape)
    except msgspec.ValidationError as error:
        raise refused(str(error), refusals) from None
    except RecursionError:
        raise refusals.body() from None


def _split(text: str) -> tuple[str, str]:
    """msgspec's message → (what is wrong, the path without `$.`)."""
    head, at, tail = text.rpartition(" - at `")
    if not at:
        return text, ""
    path = tail.removesuffix("`").removeprefix("$")
    return head, path.removeprefix(".")


def refused(text: str, refusals: Refusals) -> InvalidParameter:
    """The InvalidParameter for msgspec's message `text`."""
    problem, path = _split(text)
    named = _FIELD.fullmatch(problem)
    if named:
        name = f"{path}.{named.group(2)}" if path else named.group(2)
        if named.group(1) == "contains unknown":
            return _refusal(refusals, N_("没有这个字段：%(name)s。"), name, {"name": name[:40]})
        return _refusal(refusals, refusals.messages.get(name, N_("缺少 %(name)s。")), name)
    items = path.endswith(_ITEMS)
    path = path.removesuffix(_ITEMS)
    if not path:
        return refusals.body()
    if path in refusals.messages and not items:
        return _refusal(refusals, refusals.messages[path], path)
    expected = _EXPECTED.fullmatch(problem)
    kinds = [KIND_NAMES[k] for k in expected.group(1).split(" | ") if k in KIND_NAMES] \
        if expected else []
    if len(kinds) == 1:
        message = N_("%(name)s 中的每一项都应当是%(first)s。") if items \
            else N_("%(name)s 应当是%(first)s。")
        return _refusal(refusals, message, path, {"first": kinds[0]})
    if len(kinds) == 2:
        message = N_("%(name)s 中的每一项都应当是%(first)s或%(second)s。") if items \
            else N_("%(name)s 应当是%(first)s或%(second)s。")
        return _refusal(refusals, message, path, {"first": kinds[0], "second": kinds[1]})
    return _refusal(refusals, N_("%(name)s 的值不对。"), path)


def _refusal(refusals: Refusals, message: str, path: str,
             params: dict | None = None) -> InvalidParameter:
    params = {"name": path[:80], **(params or {})}
    if "%(" not in message:  # a domain message of its own
        params = {}
    return InvalidParameter(message, field=refusals.body_field if refusals.whole_body
                            else path, **params)
