"""Deterministic synthetic collection messages for benchmarks (no real personal data)."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
LENDERS = ["安信消费金融", "惠民银行信用卡中心", "速贷科技", "和家小贷", "南城商业银行"]
TEMPLATES = [
    "【{lender}】尊敬的{name}先生，您尾号{tail}的借款已逾期{days}天，当前应还¥{amount}。"
    "请通过{lender}App或官方客服95{code}还款；如有困难可申请协商还款方案。",
    "【{lender}】{name}女士您好，您本期账单{amount}元将于{month}月{day}日到期，请按时还款，如已还款请忽略。",
    "{name}，你的借款已逾期{days}天，我们已对你提起诉讼，法院传票三日内送达，请立即还款{amount}元。",
    "【{lender}】您好，我们有重要事务需联系{name}，如方便请转告其致电95{code}，打扰之处敬请谅解。",
    "【催收中心】{name}你这个老赖，再不还{amount}元后果自负，明天派人去你单位找你。",
    "【{lender}】{name}您好，您的借款已逾期{days}天，逾期信息将依法报送征信系统，请尽快处理。",
    "您的朋友{name}在我司借款{amount}元已逾期{days}天，请督促他尽快还款，否则将爆通讯录。",
    "【{lender}】{name}先生，您的欠款已逾期，我们不会上门，也不会联系您的家人，请通过官方渠道协商。",
    "【{lender}】{name}，限你24小时内还清{amount}元，否则马上起诉你，列入全国失信黑名单。",
    "【{lender}】親愛的{name}，您的帳單已逾期{days}天，請盡快還款，客服電話95{code}。",
    "再不还钱就找人收拾你，你全家都别想好过，加微信 cs{code}88 处理。",
    "【{lender}】{name}您好，您尾号{tail}的信用卡本期账单已出，最低还款额{amount}元。",
]


def messages(count: int, seed: int = 20261128) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)]
        out.append(
            template.format(
                lender=rng.choice(LENDERS),
                name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "伟", "芳", "磊", "静"]),
                tail=f"{rng.randint(0, 9999):04d}",
                days=rng.randint(1, 120),
                amount=f"{rng.randint(100, 90000):,}.{rng.randint(0, 99):02d}",
                code=f"{rng.randint(100, 999)}",
                month=rng.randint(1, 12),
                day=rng.randint(1, 28),
            )
        )
    return out
