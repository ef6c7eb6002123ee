"""Address rules (published exceptions) and the 划片范围 text of every zone.

A rule decides an address whatever the geometry says. The sample models the two kinds a
bureau really publishes:
- a stretch of house numbers on one side of a boundary street that belongs to the zone across
  the street (the geometry puts it on the other side: the rule wins);
- a whole 小区 moved to the neighbouring zone (include there, exclude here).
"""
from __future__ import annotations

from data.sample_gazetteer import Place, Xiaoqu
from data.sample_geometry import SUBDISTRICT_NAMES, Cell, Partition
from data.sample_names import VILLAGES
from data.sample_zones import Plan, Zone

PARITY_TEXT = {"odd": "单号", "even": "双号", "all": ""}


# ---- rules -------------------------------------------------------------------------------

def _street_candidates(p: Partition, plan: Plan, houses_in: dict[tuple[int, str], list[Place]]):
    """(street, cell giving, cell receiving) for every stretch of street between two direct
    primary zones, with the houses on the giving side."""
    zone = plan.zone_of_cell("primary")
    out = []
    for c in p.cells:
        for n in p.adjacency[c.idx]:
            za, zb = zone[c.idx], zone[n]
            if za is zb or "lottery" in (za.allocation, zb.allocation) or c.kind != "core":
                continue
            shared = set(c.sides.values()) & set(p.cells[n].sides.values())
            for street in sorted(shared):
                line = p.lines[street].geom
                edge = c.poly.intersection(p.cells[n].poly)
                if edge.length < 500 or line.intersection(edge.buffer(0.5)).length < 500:
                    continue
                houses = [h for h in houses_in.get((c.idx, street), [])
                          if h.point.distance(edge) < 30]
                if len(houses) >= 10:
                    out.append((street, c.idx, n, houses))
    return out


def _nice_range(run: list[Place], street_numbers: list[int]) -> tuple[int, int]:
    """Widen [first, last] to round numbers (…01–…99) where no other house would fall in."""
    lo, hi = run[0].number, run[-1].number
    before = max((n for n in street_numbers if n < lo), default=0)
    after = min((n for n in street_numbers if n > hi), default=10**6)
    nice_lo = lo // 10 * 10 + 1 if lo % 2 else max(2, lo // 10 * 10)
    nice_hi = hi // 10 * 10 + (9 if hi % 2 else 8)
    return (nice_lo if before < nice_lo <= lo else lo), (nice_hi if hi <= nice_hi < after else hi)


def add_rules(p: Partition, plan: Plan, houses: list[Place], xiaoqu: list[Xiaoqu],
              rng) -> list[dict]:
    """Three street exceptions and one 小区 moved across a boundary. Returns what was done,
    for the report."""
    school_addresses = {s.house.address for s in plan.schools.values()}
    houses_in: dict[tuple[int, str], list[Place]] = {}
    numbers: dict[tuple[str, int], list[int]] = {}
    for h in houses:
        houses_in.setdefault((h.cell, h.street), []).append(h)
        numbers.setdefault((h.street, h.number % 2), []).append(h.number)
    for v in houses_in.values():
        v.sort(key=lambda h: h.number)
    cands = _street_candidates(p, plan, houses_in)
    rng.shuffle(cands)
    prim, mid = plan.zone_of_cell("primary"), plan.zone_of_cell("middle")
    done: list[dict] = []
    used_zones: set[int] = set()
    used_streets: set[str] = set()
    # Odd then even exceptions; the first one crosses into another middle-school area, so
    # the middle level carries the same rule.
    for parity, cross_middle in (("odd", True), ("even", False), ("odd", False)):
        for street, give, get, run_all in cands:
            if run_all[0].number % 2 != (1 if parity == "odd" else 0):
                continue
            if (mid[give] is not mid[get]) != cross_middle or street in used_streets:
                continue
            if {id(prim[give]), id(prim[get])} & used_zones:
                continue
            k = len(run_all)
            start = rng.randint(1, k // 2 - 1)
            run = run_all[start: start + rng.randint(5, max(5, k // 2))]
            if any(h.address in school_addresses for h in run):
                continue
            lo, hi = _nice_range(run, numbers[(street, run[0].number % 2)])
            rule = {"street": street, "from": lo, "to": hi, "parity": parity}
            _add(prim[get], prim[give], rule, mid[get], mid[give])
            used_zones |= {id(prim[give]), id(prim[get])}
            used_streets.add(street)
            done.append({**rule, "to_zone": prim[get], "from_zone": prim[give]})
            break
        else:
            raise RuntimeError(f"no boundary street for a {parity} rule")
    # A 小区 near a boundary, moved across it.
    options = []
    for x in xiaoqu:
        za = prim.get(x.cell)
        if za is None or za.allocation == "lottery" or id(za) in used_zones:
            continue
        for n in p.adjacency[x.cell]:
            zb = prim[n]
            if zb is not za and zb.allocation != "lottery" and id(zb) not in used_zones:
                d = x.center.distance(p.cells[x.cell].poly.intersection(p.cells[n].poly))
                options.append((d, x.name, x, zb))
    _, _, x, zb = min(options, key=lambda o: (o[0], o[1]))
    za = prim[x.cell]
    cell_b = min(zb.cells)
    _add(zb, za, {"xiaoqu": x.name, "mode": "include"}, mid[cell_b], mid[x.cell],
         exclude={"xiaoqu": x.name, "mode": "exclude"})
    done.append({"xiaoqu": x.name, "to_zone": zb, "from_zone": za})
    return done


def _add(get: Zone, give: Zone, rule: dict, mid_get: Zone, mid_give: Zone,
         exclude: dict | None = None) -> None:
    get.rules.append(rule)
    if exclude:
        give.rules.append(exclude)
    if mid_get is not mid_give:
        mid_get.rules.append(dict(rule))
        if exclude:
            mid_give.rules.append(dict(exclude))


# ---- 划片范围 text ---------------------------------------------------------------------------

def _rectangles(cells: list[Cell]) -> list[dict]:
    """Merge a zone's blocks into street-bounded rectangles, as 划片 texts describe them."""
    items = [{"n": c.sides.get("n"), "s": c.sides.get("s"), "w": c.sides.get("w"),
              "e": c.sides.get("e"), "x": c.rep.x, "y": c.rep.y} for c in cells]
    merged = True
    while merged:
        merged = False
        for a in items:
            for b in items:
                if a is b:
                    continue
                same_row = a["n"] == b["n"] and a["s"] == b["s"]
                same_col = a["w"] == b["w"] and a["e"] == b["e"]
                if same_row and same_col:
                    pass
                elif same_row and a["e"] and a["e"] == b["w"]:
                    a["e"] = b["e"]
                elif same_col and a["s"] and a["s"] == b["n"]:
                    a["s"] = b["s"]
                else:
                    continue
                a["x"], a["y"] = min(a["x"], b["x"]), max(a["y"], b["y"])
                items.remove(b)
                merged = True
                break
            if merged:
                break
    return sorted(items, key=lambda r: (-round(r["y"], -2), r["x"]))


def _phrase(r: dict) -> str:
    parts = []
    for a, b, ta, tb in (("n", "s", "以南", "以北"), ("w", "e", "以东", "以西")):
        if r[a] and r[b]:
            parts += [r[a] + ta, r[b] + tb]
        elif r[a] or r[b]:
            parts.append((r[a] + ta if r[a] else r[b] + tb) + "至区界")
    return "、".join(parts)


def _rule_text(rule: dict) -> str:
    if "xiaoqu" in rule:
        return f"{rule['xiaoqu']}小区" if not rule["xiaoqu"].endswith("小区") else rule["xiaoqu"]
    parity = PARITY_TEXT[rule["parity"]]
    return f"{rule['street']}{rule['from']}号至{rule['to']}号" + (f"（{parity}）" if parity
                                                              else "")


def _rules_sentence(zone: Zone, given_away: list[dict]) -> str:
    """What the zone's own rules add, and what rules of its neighbours take out of it."""
    inc = [_rule_text(r) for r in zone.rules if r.get("mode", "include") == "include"]
    exc = [_rule_text(r) for r in zone.rules if r.get("mode") == "exclude"]
    exc += [_rule_text(r) for r in given_away]
    out = ""
    if inc:
        out += f"另含{'、'.join(inc)}。"
    if exc:
        out += f"{'、'.join(exc)}除外（划入相邻学区）。"
    return out


def sorted_names(schools: dict, keys: list[str]) -> list[str]:
    return [s.name for s in sorted((schools[k] for k in keys), key=lambda s: s.code)]


def _given_away(zone: Zone, street_rules: list[tuple[dict, Zone]], houses: list[Place]
                ) -> list[dict]:
    """Street rules of other zones that take house numbers lying inside this zone."""
    out = []
    for rule, owner in street_rules:
        if owner is zone or owner.level != zone.level:
            continue
        want = 1 if rule["parity"] == "odd" else 0
        if any(h.street == rule["street"] and rule["from"] <= h.number <= rule["to"]
               and (rule["parity"] == "all" or h.number % 2 == want) and h.cell in zone.cells
               for h in houses):
            out.append(rule)
    return out


def describe(p: Partition, plan: Plan, xiaoqu: list[Xiaoqu], houses: list[Place]) -> None:
    by_cell: dict[int, list[Xiaoqu]] = {}
    for x in xiaoqu:
        by_cell.setdefault(x.cell, []).append(x)
    schools = plan.schools
    street_rules = [(r, z) for z in plan.primary + plan.middle for r in z.rules
                    if "street" in r]
    for zone in plan.primary:
        text = _area_text([p.cells[c] for c in sorted(zone.cells)], by_cell)
        text += _rules_sentence(zone, _given_away(zone, street_rules, houses))
        if zone.allocation == "lottery":
            names = "、".join(sorted_names(schools, zone.schools))
            text += f"本片区为多校划片区域，适龄儿童经电脑随机派位，在{names}之间分配学位。"
        zone.description = text
    prim_of = {k: z for z in plan.primary for k in z.schools if z.allocation == "direct"}
    for zone in plan.middle:
        feeders = sorted((s for s in schools.values()
                          if s.feeds in zone.schools
                          or (s.key in zone.schools and s.level == "nine_year")),
                         key=lambda s: s.code)
        ids = sorted({prim_of[s.key].zone_id for s in feeders} | {
            z.zone_id for z in plan.primary if z.allocation == "lottery"
            and z.cells <= zone.cells})
        names = "、".join(s.name for s in feeders)
        if zone.allocation == "lottery":
            mids = "、".join(sorted_names(schools, zone.schools))
            text = (f"多校划片：{names}学区（{'、'.join(ids)}）范围内的小学毕业生，经电脑随机"
                    f"派位，在{mids}之间分配学位。")
        else:
            text = f"对口小学：{names}；范围同上述小学学区（{'、'.join(ids)}）。"
        zone.description = text + _rules_sentence(zone, _given_away(zone, street_rules, houses))


def _area_text(cells: list[Cell], by_cell: dict[int, list]) -> str:
    kind = cells[0].kind
    sub = SUBDISTRICT_NAMES[cells[0].subdistrict]
    if kind == "rural":
        villages = "、".join(VILLAGES[sub])
        text = f"{sub}全境（含{villages}）"
    elif kind == "fringe":
        north = sub == "长青街道"
        text = (f"东环城路以东、吉林大路以{'北' if north else '南'}至"
                f"{'英俊镇' if north else '泉眼镇'}界的{sub}辖区")
    else:
        text = "；".join(_phrase(r) for r in _rectangles(cells))
    xs = sorted((x for c in cells for x in by_cell.get(c.idx, [])),
                key=lambda x: (-len(x.buildings), x.name))[:4]
    if xs:
        text += f"（含{'、'.join(x.name for x in xs)}等小区）"
    return text + "。"
