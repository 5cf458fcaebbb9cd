"""Demo step: a few 随手拍 reports from residents, so the township's inbox and the QR channel show something.

Runs after the 12345 step; the check codes are printed so the status page can be tried at once.
"""

from orgs.demo import DemoContext

from . import residents

REPORTS = [
    ("设施设备（电梯、门禁、照明等）", "2号楼电梯经常停运，物业报修三天没人来"),
    ("消防安全（消防通道、消防设施）", "东门消防通道长期停满私家车，物业不管"),
    ("环境卫生", "小区垃圾桶满了两天没清运，气味很大"),
]


def populate(ctx: DemoContext) -> None:
    served = [p for p in ctx.projects if p.company_id][: len(REPORTS)]
    for n, (project, (category, text)) in enumerate(zip(served, REPORTS, strict=False)):
        phone = f"139{ctx.rng.randrange(10**8):08d}"
        done = residents.submit(
            project, category=category, description=text, phone=phone, ip=f"192.0.2.{n + 1}"
        )
        ctx.log(
            f"随手拍：{project.name} 查询码 {residents.format_code(done.code)}（手机号后四位 {phone[-4:]}）"
        )
