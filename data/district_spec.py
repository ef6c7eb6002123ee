"""Which district the generator lays out: its identity, where it lies and what it calls things.

The sample (Erdao) is drawn by hand in `sample_geometry`; another district is the same
drawing moved by `offset` degrees, with every street, 街道 and district stem renamed
(`stems`, applied to the written text) and its own names, codes and metric CRS. The test
suite builds one such district elsewhere in China to prove nothing about Erdao is in code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    name_en: str
    domain: str
    city: str
    province: str
    neighbours: tuple[str, ...]
    metric_crs: str
    reference_point: tuple[float, float]  # lng/lat quoted in the swapped-coordinates hint
    phone_formats: tuple[str, ...]
    zone_version: dict
    offset: tuple[float, float] = (0.0, 0.0)  # degrees added to every drawn lng/lat
    stems: dict[str, str] = field(default_factory=dict)  # name stem -> this district's

    def rename(self, text: str) -> str:
        """The text with this district's names (stems longest first, in one pass)."""
        if not self.stems:
            return text
        pattern = re.compile("|".join(sorted(map(re.escape, self.stems), key=len,
                                             reverse=True)))
        return pattern.sub(lambda m: self.stems[m.group()], text)

    def subdistrict_code(self, drawn: str) -> str:
        """The drawing's 9-digit 街道 code moved under this district's code."""
        return self.code + drawn[6:]


ERDAO = DistrictSpec(
    code="220105", name="二道区", name_en="Erdao District", domain="erdao.changchun",
    city="长春市", province="吉林省",
    neighbours=("南关区", "宽城区", "朝阳区", "绿园区", "双阳区", "九台区", "九台市", "农安县",
                "榆树市", "德惠市", "公主岭市",
                # Development zones run their own school enrolment.
                "经开区", "经济技术开发区", "净月", "高新区", "高新技术产业开发区", "汽开区",
                "汽车经济技术开发区", "汽车产业开发区", "长春新区"),
    metric_crs="EPSG:4551",  # CGCS2000 / 3-degree Gauss-Kruger CM 126E
    reference_point=(125.4, 43.9), phone_formats=("0431-84617293",),
    zone_version={"id": "sample-2027", "effective_from": "2027-03-01",
                  "label": "2027年二道区义务教育学区划分（示例数据）"})
