"""CSV and XLSX renderings of a sample (Chinese column headers; CSV with a BOM so Excel reads UTF-8)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from fupin_assessment.catalogue import subject_index
from fupin_assessment.sampling.models import SampleHouseholdRow, SampleRow

HEADERS = ["序号", "县（市、区）代码", "县（市、区）", "镇（街道）代码", "行政村代码", "户编号", "状态",
           "家庭人口", "有残疾成员"]
STATUS_ZH = {"pre_exit": "预退出", "exit_notice": "退出公示"}


def _rows(households: Sequence[SampleHouseholdRow]) -> list[list[object]]:
    index = subject_index()
    return [[h.seq, h.county_code, index[h.county_code].name if h.county_code in index else "", h.town_code,
             h.village_code, str(h.household_id), STATUS_ZH.get(h.status, h.status), h.persons,
             "是" if h.has_disabled else "否"] for h in households]


def sample_csv(households: Sequence[SampleHouseholdRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(_rows(households))
    return buffer.getvalue().encode("utf-8-sig")


def sample_xlsx(sample: SampleRow, households: Sequence[SampleHouseholdRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "抽样名单"
    sheet.append(HEADERS)
    for row in _rows(households):
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (6, 16, 10, 16, 16, 38, 10, 9, 10)):
        sheet.column_dimensions[column].width = width
    meta = book.create_sheet("抽样参数")
    rule = sample.rule
    for key, value in [("考核年度", sample.year), ("随机种子", sample.seed), ("抽取县数", rule["counties"]),
                       ("每县抽取镇数", rule["towns_per_county"]), ("每镇抽取村数", rule["villages_per_town"]),
                       ("每村抽取户数", rule["households_per_village"]), ("每村至少残疾人户数", rule["disabled_min"]),
                       ("抽样户状态", "、".join(rule["statuses"])), ("抽样框户数", sample.frame_households),
                       ("抽样框指纹 (SHA-256)", sample.frame_fingerprint), ("抽中户数", sample.households),
                       ("生成时间", sample.created_at.isoformat()), ("不足说明", "；".join(sample.shortfalls) or "无")]:
        meta.append([key, value])
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 70
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
