"""A synthetic gazetteer of ~100,000 places, to measure the geocoder at a big city's size.

Seeded. Streets with house numbers on both sides (odd left, even right, 8 m of frontage per
number), 小区 with buildings and aliases, and landmarks, spread over the sample district's
extent. Names are random but plausible, so the fuzzy and pinyin stages meet realistic
collisions (many names share a character or a sound).
"""
from __future__ import annotations

import math
import random

from gis import crs
from gis.gazetteer import Place
METRIC = "EPSG:4551"  # the sample district's metres (its district.json)

NAME_CHARS = ("东盛荣华新家佳城丽景香湖书乐群临河达远民丰明光安宁广德和顺兴隆岭平开太有"
              "石天公吉林自由惠站英俊泉府庭居都雅名嘉花云栖兰亭春秋金银玉翠松柏桂梅竹"
              "锦绣福祥瑞泰康富贵鸿鹏凤龙海江山水阳晨曦星月辰宏伟建设文化和谐幸福")
STREET_SUFFIXES = ("大街", "大路", "路", "街")
XIAOQU_SUFFIXES = ("花园", "家园", "小区", "新城", "名苑", "佳苑", "花苑", "雅苑", "公馆",
                   "丽都", "华庭", "悦府", "新居", "嘉园")
LANDMARK_SUFFIXES = ("公园", "广场", "市场", "医院", "派出所", "商场", "体育馆", "图书馆")
X0, Y0, X1, Y1 = 448000.0, 4847500.0, 485000.0, 4869000.0  # EPSG:4551 metres: the sample bbox


def _unique_names(rng: random.Random, suffixes, n: int, used: set[str]) -> list[str]:
    out = []
    while len(out) < n:
        name = "".join(rng.sample(NAME_CHARS, 2)) + rng.choice(suffixes)
        if name not in used:
            used.add(name)
            out.append(name)
    return out


def _place(address: str, x: float, y: float, **fields) -> Place:
    lng, lat = crs.from_metric(x, y, METRIC)
    return Place(address=address, lng=round(float(lng), 6), lat=round(float(lat), 6),
                 **fields)


def synthetic_places(total: int = 100_000, seed: int = 7) -> list[Place]:
    rng = random.Random(seed)
    used: set[str] = set()
    places: list[Place] = []
    n_landmarks = total // 200
    n_xiaoqu = total // 40
    buildings_per = 14
    n_houses = total - n_landmarks - n_xiaoqu * (1 + buildings_per)
    n_streets = max(1, math.ceil(n_houses / 160))
    for name in _unique_names(rng, STREET_SUFFIXES, n_streets, used):
        x, y = rng.uniform(X0, X1), rng.uniform(Y0, Y1)
        angle = rng.uniform(0, math.pi)
        dx, dy = math.cos(angle), math.sin(angle)
        for number in range(1, 161):
            s = number * 8.0
            side = 20.0 if number % 2 else -20.0  # odd on the left of the numbering
            places.append(_place(f"{name}{number}号", x + s * dx - side * dy,
                                 y + s * dy + side * dx, kind="house", street=name,
                                 number=number))
    for name in _unique_names(rng, XIAOQU_SUFFIXES, n_xiaoqu, used):
        x, y = rng.uniform(X0, X1), rng.uniform(Y0, Y1)
        core = name[:2]
        aliases = (f"{name}小区",) if not name.endswith("小区") else (f"{core}家属楼",)
        places.append(_place(name, x, y, kind="xiaoqu", xiaoqu=name, aliases=aliases))
        style = rng.choice(("栋", "号楼"))
        for b in range(1, buildings_per + 1):
            bx, by = x + (b % 4) * 60.0, y + 50.0 + (b // 4) * 50.0
            places.append(_place(f"{name}{b}{style}", bx, by, kind="building", xiaoqu=name,
                                 building=f"{b}{style}"))
    for name in _unique_names(rng, LANDMARK_SUFFIXES, n_landmarks, used):
        places.append(_place(name, rng.uniform(X0, X1), rng.uniform(Y0, Y1),
                             kind="landmark"))
    return places
