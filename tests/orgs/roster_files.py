"""Roster workbooks as townships really send them, built in memory for the import tests."""

from io import BytesIO

from openpyxl import Workbook

from orgs.validators import uscc_check_char

NEW_CODE = "91371399MA7K2B3C4" + uscc_check_char("91371399MA7K2B3C4")
HEADER = [
    "序号", "街 道", "社区（村）", "项目名称", "别\u3000名", "地址", "户数",
    "物业服务企业", "统一社会信用代码", "项目经理", "项目经理电话", "服务标准", "备注",
]  # fmt: skip


def workbook_bytes(
    rows: list[list], title: str | None = "临河县物业服务管理基础信息台账（2024年4月）"
) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells("A1:M1")
        ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def messy_rows() -> list[list]:
    """Row numbers in the sheet: the header is row 3, so data starts at row 4."""
    return [
        [1, "城关街道", "北关社区", "阳光花园", "阳光小区；阳光花园一期", "人民路1号", 350,
         "示范物业服务有限公司", "91371323MA3C4XQ61H", "赵一", "13800000001", "二级", "已核实"],
        [2, "城关街道\u3000", "南关社区", "锦绣苑二期", "锦绣二期、锦绣苑2期;锦绣苑二期", "建设路8号", "1,200户",
         "新兴物业管理有限公司", NEW_CODE.lower(), "周敏", "139 0000 0000", "三级", None],
        [3, "城关街道", "北关社区", None, "无名", "解放路3号", 100, None, None, None, None, None, None],
        [4, "城关街道", "北关社区", "滨河家园", None, "滨河大道5号", 600,
         "滨河物业有限公司", "91350100M000100Y44", "吴涛", None, "一级", None],
        [5, "城关街道", "南关社区", "锦绣苑二期", None, "建设路8号", 1200, None, None, None, None, None, None],
        [None] * 13,
        [6, "西关镇", "西关村", "凤凰城小区", None, None, 800.0,
         "示范物业服务有限公司", None, "李四", None, None, None],
        [7, "东城街道", None, "东湖家园", None, None, "很多", None, None, None, None, None, None],
    ]  # fmt: skip
