"""Screenshots of each role's main pages, desktop (1366×768) and phone (390×844), into var/screenshots/.

    .venv/bin/python scripts/screenshots.py [--size small|county] [--seed N] [--out var/screenshots] [--fresh]

Builds a demo database of its own (var/screenshots/demo.sqlite3: migrate + load_demo, once; --fresh
rebuilds it), starts the app on it (runserver on a free port, DEBUG off so error pages are the real
ones), logs in through the login form as each demo account and saves full-page PNGs named
<role>-<page>-<desktop|phone>.png. Uses Debian's /usr/bin/chromium, never a downloaded browser.
Prints each file written; exits non-zero when a page answers with an unexpected status.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Linhe-Demo-2024"  # orgs/demo.py DEMO_PASSWORD, printed by load_demo and the README
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# (name, path, expected status): the pages of each role's day.
LEDGER = [("ledger-page2", "/ledgers/?page=2", 200), ("ledger-overdue", "/ledgers/?overdue=true", 200)]
PAGES = {
    "taskforce": [
        ("home", "/", 200),
        *LEDGER,
        ("review-queue", "/complaints/review/", 200),
        ("actions", "/scoring/actions/", 200),
        ("preset-source", "/campaigns/presets/changshu-2025/source/", 200),
        ("error-404", "/ledgers/99999999/", 404),
    ],
    "township": [("home", "/", 200), *LEDGER, ("review-queue", "/complaints/review/", 200),
                 ("actions", "/scoring/actions/", 200), ("error-403", "/campaigns/presets/", 403)],
    "department": [("home", "/", 200), *LEDGER, ("actions", "/scoring/actions/", 200)],
    "company": [("home", "/", 200), *LEDGER, ("orders", "/ledgers/orders/", 200)],
    "admin": [("home", "/", 200), *LEDGER, ("review-queue", "/complaints/review/", 200)],
    "": [("public-index", "/public/", 200), ("public-cases", "/ledgers/cases/public/", 200),
         ("public-inspections", "/campaigns/inspections/public/", 200)],
}  # fmt: skip


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    """runserver --insecure: static files served with DEBUG off, so 403/404 are the site's own pages."""
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)  # nosec B310 # a fixed http URL on loopback
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("应用没有在 60 秒内启动")


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if "/login/" in page.url:
        raise SystemExit(f"{username} 登录失败")


def shoot(browser, base_url: str, out: Path) -> list[str]:
    """Every role's pages at both sizes; returns the problems (unexpected statuses)."""
    problems = []
    for username, pages in PAGES.items():
        for size, options in VIEWPORTS.items():
            context = browser.new_context(
                base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
            )
            page = context.new_page()
            if username:
                log_in(page, username)
            for name, path, status in pages:
                response = page.goto(path)
                if response.status != status:
                    problems.append(f"{username or 'public'} {path}: {response.status}，应为 {status}")
                file = out / f"{username or 'public'}-{name}-{size}.png"
                page.screenshot(path=str(file), full_page=True)
                print(file.relative_to(ROOT))
            context.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="county", choices=["small", "county"])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    database = args.out / "demo.sqlite3"
    if args.fresh:
        database.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "false"}
    manage(env, "migrate", "-v0")
    manage(env, "load_demo", "--size", args.size, "--seed", str(args.seed))  # does nothing when loaded
    port = free_port()
    server = start_server(env, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            problems = shoot(browser, f"http://127.0.0.1:{port}", args.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()
