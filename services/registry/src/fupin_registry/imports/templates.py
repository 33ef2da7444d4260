"""The import templates shipped with the registry (CSV and XLSX, Chinese headers, two example households).

    python -m fupin_registry.imports.templates     # rewrites templates/registry-import-template.{csv,xlsx}
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from fupin_registry.imports import layout

DIRECTORY = Path(__file__).parent / "templates"
CSV_FILE = DIRECTORY / "registry-import-template.csv"
XLSX_FILE = DIRECTORY / "registry-import-template.xlsx"
TEXT_COLUMNS = {"household_no", "village_code", "id_number", "phone", "assisting_cadre_phone", "one_card_account"}


def csv_bytes() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(layout.template_rows())
    return "\ufeff".encode() + out.getvalue().encode("utf-8")  # BOM: Excel opens it as UTF-8


def write_xlsx(path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "建档立卡户"
    rows = layout.template_rows()
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(layout.COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, len(column.header) * 2 + 2)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if column.field in TEXT_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.number_format = "@"  # ID numbers as text: Excel keeps 15 significant digits only
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    notes.append(["列名", "字段", "必填", "说明"])
    for column in layout.COLUMNS:
        notes.append([column.header, column.field, "是" if column.required else "", column.note])
    workbook.save(path)


def main() -> None:
    DIRECTORY.mkdir(exist_ok=True)
    CSV_FILE.write_bytes(csv_bytes())
    write_xlsx(XLSX_FILE)
    print(f"wrote {CSV_FILE} and {XLSX_FILE}")


if __name__ == "__main__":
    main()
