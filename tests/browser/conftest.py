"""The shared Playwright harness: Debian's Chromium driving pytest-django's live_server.

Every browser test gets a fresh browser context (cookies, storage) on one Chromium
started once per session from /usr/bin/chromium — never a downloaded browser. The
`page` and `phone_page` fixtures fail the test when the page logged a console error,
threw an uncaught exception or broke the content security policy (Chromium reports
CSP violations as console errors), so every browser test is also a CSP test.

    @pytest.mark.browser
    def test_township_officer_sees_own_projects(page, township_a, project_a):
        login(page, township_a)
        page.goto("/orgs/projects/")
        expect(page.get_by_text("阳光花园")).to_be_visible()

A test that opens an error page on purpose says so: `console.allow("status of 404")`.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# ORM calls from fixtures and tests as "async-unsafe". They are sync code, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from tests.conftest import PASSWORD  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
}

__all__ = ["PASSWORD", "expect", "login"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything under tests/browser so `-m "not browser"` leaves the slow part out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


class ConsoleWatch:
    """Collects what a page reported as broken: console errors, uncaught exceptions, CSP."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern`, e.g. the 404 of a page opened on purpose."""
        self._allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self._allowed)]

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.record(f"uncaught: {exc}"))

    def _on_console(self, msg: ConsoleMessage) -> None:
        url = msg.location.get("url", "")
        # Chromium asks for /favicon.ico by itself; its 404 is not something a page did.
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            self.record(f"console: {msg.text} {url}".rstrip())


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} 不存在：浏览器测试需要 Debian 的 chromium 包（apt-get install chromium）"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console() -> ConsoleWatch:
    """What the test's pages reported as broken; `console.allow(pattern)` accepts an expected error."""
    return ConsoleWatch()


def _open_page(browser: Browser, base_url: str, console: ConsoleWatch, **options) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    console.attach(page)
    yield page
    problems = console.unexpected()
    context.close()
    if problems:
        pytest.fail("页面报告了错误（控制台错误、未捕获异常或 CSP 违规）:\n" + "\n".join(problems))


@pytest.fixture
def page(browser: Browser, live_server, console: ConsoleWatch) -> Iterator[Page]:
    """A desktop-sized page on the live server; fails the test on console errors or CSP."""
    yield from _open_page(browser, live_server.url, console, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(browser: Browser, live_server, console: ConsoleWatch) -> Iterator[Page]:
    """A phone-sized touch page (390×844) with a mobile user agent; same error checks as `page`."""
    yield from _open_page(browser, live_server.url, console, **PHONE)


def login(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    page.goto("/login/")
    page.get_by_label("用户名", exact=True).fill(user.username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if "/login/" in page.url:
        alert = page.locator(".alert").all_inner_texts()
        raise AssertionError(f"{user.username} 登录失败: {' '.join(alert) or page.url}")
