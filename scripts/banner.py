"""Wait until the web server answers, then print its URL and the demo accounts (for scripts/run)."""

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def wait_for(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # nosec B310  # the http URL scripts/run builds for its own server
                return True
        except urllib.error.HTTPError:
            return True  # the server answered, even if not with 200
        except OSError:
            time.sleep(0.3)
    return False


def main(url: str) -> None:
    import django

    django.setup()
    from orgs.demo import DEMO_PASSWORD, demo_accounts

    if not wait_for(url + "login/"):
        print(f"web 服务器 60 秒内没有响应：{url}", file=sys.stderr)
        sys.exit(1)
    lines = ["", "=" * 60, f"整治通已启动：{url}", f"演示账户（密码均为 {DEMO_PASSWORD}）："]
    lines += [
        f"  {username:<14} {role:<6} {organisation}" for username, role, organisation in demo_accounts()
    ]
    lines += ["按 Ctrl-C 停止 web、worker 和 beat。", "=" * 60, ""]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
