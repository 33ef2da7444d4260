"""Regenerates ``data/zhaoqing.json``: the city tree the registry ships with.

The city, its 8 county-level divisions and their towns (乡镇、街道) are real names; town codes follow
the statistical pattern (街道 001–, 镇 100–, 乡 200–) but are not guaranteed to be the official
ones. Villages (村委会、社区), the 111 provincial relatively-poor villages and the natural villages
(自然村) with their household counts are generated from a fixed seed, plausibly sized per county.

    python -m fupin_registry.divisions.generate      # rewrites the data file deterministically
"""
from __future__ import annotations

import json
import random
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "zhaoqing.json"
SEED = 441200

CITY = ("441200000000", "肇庆市")

# code, name, towns (街道 first), villages to generate, provincial relatively-poor villages
COUNTIES: list[tuple[str, str, list[str], int, int]] = [
    ("441202", "端州区", ["城东街道", "城西街道", "黄岗街道", "睦岗街道"], 55, 0),
    ("441203", "鼎湖区", ["坑口街道", "桂城街道", "广利街道", "永安镇", "沙浦镇", "凤凰镇", "莲花镇"], 65, 2),
    ("441204", "高要区", ["南岸街道", "河台镇", "乐城镇", "水南镇", "禄步镇", "小湘镇", "大湾镇", "新桥镇",
                         "白诸镇", "莲塘镇", "活道镇", "蛟塘镇", "回龙镇", "白土镇", "金渡镇", "金利镇",
                         "蚬岗镇"], 300, 12),
    ("441223", "广宁县", ["南街镇", "排沙镇", "潭布镇", "江屯镇", "螺岗镇", "北市镇", "坑口镇", "赤坑镇",
                         "宾亨镇", "五和镇", "横山镇", "木格镇", "石咀镇", "古水镇", "洲仔镇", "联和镇",
                         "石涧镇"], 180, 22),
    ("441224", "怀集县", ["怀城街道", "闸岗镇", "坳仔镇", "汶朗镇", "甘洒镇", "凤岗镇", "洽水镇", "梁村镇",
                         "大岗镇", "岗坪镇", "冷坑镇", "马宁镇", "蓝钟镇", "永固镇", "诗洞镇", "桥头镇",
                         "中洲镇", "连麦镇", "下帅壮族瑶族乡"], 300, 31),
    ("441225", "封开县", ["江口街道", "江川镇", "白垢镇", "大洲镇", "渔涝镇", "河儿口镇", "连都镇", "杏花镇",
                         "罗董镇", "长岗镇", "平凤镇", "南丰镇", "大玉口镇", "都平镇", "金装镇", "长安镇"], 170, 22),
    ("441226", "德庆县", ["德城街道", "新圩镇", "回龙镇", "官圩镇", "马圩镇", "高良镇", "莫村镇", "永丰镇",
                         "武垄镇", "播植镇", "凤村镇", "悦城镇", "九市镇"], 180, 17),
    ("441284", "四会市", ["东城街道", "城中街道", "贞山街道", "大沙镇", "石狗镇", "黄田镇", "江谷镇", "下茆镇",
                         "龙甫镇", "地豆镇", "威整镇", "罗源镇", "迳口镇"], 150, 5),
]

FIRST = list("大小新上下东西南北石水龙凤黄白青江河塘坑岗岭田山林竹梅桂莲古罗平安和丰富长高马牛金银永福联五六沙湾"
             "洞垌冲坪岩松枫茶桥塔云旺兴盛德仁义礼信文武明光华荣双三九")
SECOND = list("岗坑塘田洞垌坪岭湾口头尾围寨洲圳坳冲朗寮屋坡窝村寮庄步埇滘沙桥塘岭坝")
COMMUNITY = ["城中", "城东", "城西", "城南", "城北", "江滨", "新区", "康乐", "幸福", "和平", "文明", "朝阳", "富民",
             "兴华", "建设", "人民", "中山", "前进", "光明", "东风", "先锋", "新华", "胜利", "鼎盛"]


def _name(rng: random.Random, taken: set[str], suffix: str) -> str:
    for _ in range(1000):
        name = rng.choice(FIRST) + rng.choice(SECOND) + suffix
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("name space exhausted")


def _households(rng: random.Random) -> int:
    # skewed: many hamlets under 20 households, a few large ones
    return max(6, min(260, int(rng.lognormvariate(3.35, 0.65))))


def generate() -> dict:
    rng = random.Random(SEED)
    towns: list[list] = []
    villages: list[list] = []
    naturals: list[list] = []
    counties = []
    for county_prefix, county_name, town_names, village_total, poor_total in COUNTIES:
        county_code = county_prefix + "000000"
        counties.append([county_code, county_name])
        street_no, town_no, xiang_no = 1, 100, 200
        town_codes: list[tuple[str, bool]] = []
        for town_name in town_names:
            if town_name.endswith("街道"):
                number, street_no = street_no, street_no + 1
            elif town_name.endswith("乡"):
                number, xiang_no = xiang_no, xiang_no + 1
            else:
                number, town_no = town_no, town_no + 1
            code = f"{county_prefix}{number:03d}000"
            towns.append([code, town_name, county_code])
            town_codes.append((code, town_name.endswith("街道")))
        # villages spread over the towns; streets get mostly communities, towns mostly villages
        weights = [0.6 if street else 1.0 + rng.random() for _, street in town_codes]
        total_weight = sum(weights)
        counts = [max(3, round(village_total * w / total_weight)) for w in weights]
        counts[-1] += village_total - sum(counts)
        county_villages: list[list] = []
        for (town_code, street), count in zip(town_codes, counts, strict=True):
            taken: set[str] = set()
            communities = count if (street and county_prefix == "441202") else (
                max(1, count // 2) if street else (1 if rng.random() < 0.7 else 0))
            prefix = town_code[:9]
            for i in range(communities):
                name = (COMMUNITY[i] if i < len(COMMUNITY) else _name(rng, taken, "")) + "社区"
                taken.add(name)
                villages.append([f"{prefix}{i + 1:03d}", name, town_code, 0])
            for j in range(count - communities):
                row = [f"{prefix}{200 + j:03d}", _name(rng, taken, "村"), town_code, 0]
                villages.append(row)
                county_villages.append(row)
        for row in rng.sample(county_villages, poor_total):
            row[3] = 1
        for row in county_villages:
            code = row[0]
            taken_nv: set[str] = set()
            hamlets = rng.randint(4, 9) if not row[3] else rng.randint(7, 16)
            for k in range(hamlets):
                naturals.append([f"{code}-{k + 1:02d}", code, _name(rng, taken_nv, ""), _households(rng)])
    villages.sort()
    return {
        "note": "Counties and towns are real names; town codes follow the statistical pattern; villages, "
                "poor-village flags and natural villages are generated (seed 441200).",
        "city": list(CITY), "counties": counties, "towns": sorted(towns), "villages": villages,
        "natural_villages": naturals,
    }


def main() -> None:
    data = generate()
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    poor = sum(v[3] for v in data["villages"])
    print(f"{len(data['counties'])} counties, {len(data['towns'])} towns, {len(data['villages'])} villages "
          f"({poor} provincial relatively-poor), {len(data['natural_villages'])} natural villages -> {DATA_FILE}")


if __name__ == "__main__":
    main()
