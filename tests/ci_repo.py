"""A small template repository as a team would keep it, for the CI tests.

YAML with comments and an inline suppression, JSON, txt, a call script, a contacts folder
(third party by a context glob), a legacy file under per-file-ignores. The config selects
only the CI test pack (kept in the hidden ``.msglint/`` folder, which neither ``msglint
check templates`` nor the pre-commit hook lints), so results do not move with the shipped
packs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PACK = Path(__file__).parent / "data" / "packs" / "ci_test_pack.yaml"

CONFIG = """\
select = ["ZH-CIT"]
packs = [".msglint/packs"]

[per-file-ignores]
"templates/legacy/*.json" = ["ZH-CIT-002"]

[[context]]
paths = ["templates/contacts/**"]
recipient = "third_party"

[[context]]
paths = ["*.call.txt"]
channel = "call_script"
"""

OVERDUE_YAML = """\
# 逾期提醒模板：改动需经合规审核
overdue:
  day1: 【XX银行】您好，您的账单已逾期，请及时还款。
  day3: 你这个老赖，请今天还款   # 催收二组
  day5:
    text: '今天不还，明天派人上门'
    recipient: debtor
  # msglint: disable=ZH-CIT-001 -- 培训材料中的反面示例，不对外发送
  day7: 再不还就找人收拾你
  day9: "请点击链接还款"  # msglint: disable=ZH-CIT-002 -- 历史原因
"""

REMINDERS_JSON = """\
{
  "sms": {
    "first": "【XX银行】{name}您好，您尾号{last4}的账单已逾期。",
    "second": "{name}，你这个老赖"
  }
}
"""

FILES: dict[str, str] = {
    "msglint.toml": CONFIG,
    "templates/overdue.yaml": OVERDUE_YAML,
    "templates/reminders.json": REMINDERS_JSON,
    "templates/notice.txt": "您好，请点击链接还款\n",
    "templates/script.call.txt": "您好，请点击链接还款\n",
    "templates/legacy/old.json": '{"a": "老赖请还款"}\n',
    "templates/contacts/emergency.yaml": (
        "# 紧急联系人\n- text: 您好，请转告张三尽快处理欠款\n- text: 您好，请转告张三回电\n"
    ),
}


def build(root: Path) -> Path:
    """Write the repository under ``root`` and return ``root``."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    packs = root / ".msglint" / "packs"
    packs.mkdir(parents=True, exist_ok=True)
    shutil.copy(PACK, packs / PACK.name)
    return root
