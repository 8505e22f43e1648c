"""The learned second opinion (``kind: model`` rules): it can send a message to review, never
block it alone; its findings say ``evidence: model``, the score and the clause that drove
it; it scores without scikit-learn; its weights' training data is in ``packs_version``."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from linter.cli.main import main
from linter.core import engine_version as versions
from linter.core.matchers import normalise_term
from linter.core.models import Channel, MessageContext, Severity
from linter.core.options import EngineOptions
from linter.core.prepare import prepare_text
from linter.core.text_model import (
    ConceptWords,
    ModelLoadError,
    features,
    parse_weights,
    shipped_model,
    shipped_weights_path,
)
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

#: a threat no rule of the packs catches (words none of them lists), scored well over the
#: threshold (0.94 against 0.7) and under every other head's; a new rule or a refit may need
#: another one (the refit that cut signatures out scored the last one 0.66 as a disclosure)
UNSEEN_THREAT = "这钱再不给，你那小卖部的卷帘门哪天打不开了别找我。"


def model_pack(
    match: str,
    *,
    rule_id: str = "XY-MDL-001",
    name: str = "my-model",
    category: str = "threat",
    severity: str = "warning",
    trigger: str = "拖着不还的话，你家门口那辆车明天还在不在就不好说了",
    passes: str = "您好，您的快递已到小区驿站，请凭取件码领取。",
) -> str:
    """A pack of one model rule, ``match`` its fields after ``kind: model`` (line 6 of the
    pack is the rule's severity, line 9 its match)."""
    return f"""pack: {{name: mine}}
rules:
  - id: {rule_id}
    name: {name}
    category: {category}
    severity: {severity}
    message: {{zh: 模型, en: model}}
    basis: [test]
    match: {{kind: model, {match}}}
    fix: {{applicability: manual, description: {{zh: 复核, en: review}}}}
    examples:
      trigger: [{{text: "{trigger}"}}]
      pass: [{{text: "{passes}"}}]
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_model_rule_at_error_does_not_load_and_the_error_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pack = tmp_path / "mine.yaml"
    pack.write_text(model_pack("category: threat, threshold: 0.5", severity="error"), "utf-8")
    code, _, err = _run(capsys, "check", "--pack", str(pack), "-")
    assert code == 2
    # line 6 is `severity: error` in the pack
    assert err.startswith(f"msglint: error: {pack}:6: rules[0].severity: ")
    assert "at most 'warning'" in err and err.count("\n") == 1


def test_a_model_rule_reports_the_category_it_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    pack = tmp_path / "mine.yaml"
    text = model_pack("category: misleading_legal, threshold: 0.5")
    pack.write_text(text, encoding="utf-8")
    code, _, err = _run(capsys, "check", "--pack", str(pack), "-")
    assert code == 2 and "rules[0].match.category" in err


def test_a_model_finding_says_model_its_score_and_the_clause_that_drove_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text('select = ["ZH-MDL-001"]\n', encoding="utf-8")
    msg = tmp_path / "m.txt"
    msg.write_text(UNSEEN_THREAT, encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--config", str(cfg), "--format", "json", str(msg))
    message = json.loads(out)["messages"][0]
    (finding,) = message["violations"]
    assert finding["rule"] == "ZH-MDL-001" and finding["evidence"] == "model"
    assert 0.7 <= finding["score"] <= 1  # ZH-MDL-001's threshold
    assert finding["matched"] == "你那小卖部的卷帘门哪天打不开了别找我"  # a clause, not all
    assert message["decision"] == "review" and code == 0  # warning: below fail-on error


def test_the_rules_own_findings_carry_no_model_evidence():
    engine = build_engine()
    outcome = engine.lint("再不还钱就找人收拾你")
    assert outcome.violations and all(v.evidence is None for v in outcome.violations)


def test_a_model_never_blocks_alone_whatever_the_config_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    cfg = tmp_path / "msglint.toml"
    cfg.write_text('[severity]\n"ZH-MDL-001" = "error"\n', encoding="utf-8")
    (tmp_path / "m.txt").write_text(UNSEEN_THREAT, encoding="utf-8")
    code, _, err = _run(capsys, "check", "--config", str(cfg), str(tmp_path / "m.txt"))
    assert code == 2 and "ZH-MDL-001 is a model rule: at most 'warning'" in err
    # and an engine built without a config check caps it all the same
    opts = EngineOptions(select=["ZH-MDL"], severity={"ZH-MDL-001": Severity.error})
    engine = build_engine(options=opts)
    rule = engine.rule("ZH-MDL-001")
    assert rule is not None and rule.severity == Severity.warning


SIGNED = "【安信消费金融】" + UNSEEN_THREAT  # signed: only the threat is left to find


@pytest.mark.parametrize("select", [["ALL"], ["threat"], ["ZH"]])
def test_the_model_rules_run_by_default_and_ignore_takes_them_out(select: list[str]):
    outcome = build_engine(options=EngineOptions(select=select)).lint(SIGNED)
    assert [v.rule for v in outcome.violations] == ["ZH-MDL-001"]
    opts = EngineOptions(select=select, ignore=["ZH-MDL"])
    assert build_engine(options=opts).lint(SIGNED).violations == []


#: a model rule that would speak on anything (threshold 0.00001: a plain reminder scores 0.001),
#: asked where the rules are silent
EAGER_PACK = model_pack(
    "category: threat, threshold: 0.00001",
    rule_id="XY-MDL-009",
    name="eager-model",
    trigger="【安信消费金融】您的账单已出，请按时还款。",
    passes="【安信消费金融】您",
)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("【安信消费金融】您的账单已出，请按时还款。", True),  # no rule read anything here
        # a rule found 上门 / 联系你家人 and let them go, negated: the model does not overrule it
        ("【安信消费金融】我们不会上门，也不会联系你的家人。", False),
        # a threat quoted to warn about it: the rules let it go as a mention
        ("【安信消费金融】如有人以“不还钱就找你家人”威胁您，请报警。", False),
        ("【安信消费金融】您", False),  # one word: too little to score
        # a frame let 上门 go as a question, not as negated or quoted: a rhetorical question can
        # still threaten, so the second opinion is asked
        ("【安信消费金融】是否需要我们上门协助您办理？", True),
    ],
)
def test_the_second_opinion_leaves_alone_what_the_rules_weighed(
    tmp_path: Path, text: str, asked: bool
):
    pack = tmp_path / "mine.yaml"
    pack.write_text(EAGER_PACK, encoding="utf-8")
    engine = build_engine([pack], EngineOptions(ignore=["ZH-MDL"]))
    fired = {v.rule for v in engine.lint(text, merge=False).violations}
    assert not fired - {"XY-MDL-009"}  # the rules themselves find nothing here
    assert ("XY-MDL-009" in fired) == asked


@pytest.mark.parametrize("select", [["ALL", "ZH-MDL"], ["ZH-MDL-001"], ["second-opinion-threat"]])
def test_a_selector_naming_them_turns_them_on_for_review(select: list[str]):
    outcome = build_engine(options=EngineOptions(select=select)).lint(SIGNED)
    assert [v.rule for v in outcome.violations] == ["ZH-MDL-001"]
    assert outcome.violations[0].severity == Severity.warning
    assert outcome.decision == "review"


def test_ignore_takes_a_selected_model_rule_out():
    opts = EngineOptions(select=["ALL", "ZH-MDL"], ignore=["ZH-MDL-001"])
    assert build_engine(options=opts).lint(SIGNED).violations == []


#: a legal claim the rules catch (ZH-LEG-004/005) that the model also scores over its
#: threshold: the second opinion is not needed there
CAUGHT_CLAIM = "【安信消费金融】你的案件已移交经侦大队，三日内不处理将上门拘传。"

ALWAYS_PACK = model_pack(
    "category: misleading_legal, threshold: 0.6, when: always",
    name="legal-model-always",
    category="misleading_legal",
    trigger="你的案件已移交经侦大队，三日内不处理将上门拘传。",
)


def test_a_second_opinion_is_asked_only_where_the_rules_are_silent(tmp_path: Path):
    pack = tmp_path / "mine.yaml"
    pack.write_text(ALWAYS_PACK, encoding="utf-8")
    opts = EngineOptions(select=["ALL", "ZH-MDL", "XY-MDL"])
    fired = {v.rule for v in build_engine([pack], opts).lint(CAUGHT_CLAIM, merge=False).violations}
    # the same weights and threshold: `when: always` speaks beside the rules, the shipped
    # rule (`when: rules-silent`, the default) stays silent where a rule found the claim
    assert "XY-MDL-001" in fired and "ZH-MDL-003" not in fired
    assert any(r.startswith("ZH-LEG") for r in fired)
    # where no rule finds anything the message says, it speaks
    outcome = build_engine(options=opts).lint(SIGNED, merge=False)
    assert [v.rule for v in outcome.violations] == ["ZH-MDL-001"]


def test_a_trial_rules_info_does_not_silence_the_second_opinion():
    """Only a finding at warning or above answers for the rules; advice at info does not."""
    opts = EngineOptions(
        select=["ALL", "ZH-MDL"],
        severity={
            "ZH-LEG-004": Severity.info,
            "ZH-LEG-005": Severity.info,
            "ZH-LEG-031": Severity.info,
            "ZH-LEG-072": Severity.info,  # r12: 上门拘传 after a deadline is a 拘传 claim too
            "ZH-THR-002": Severity.info,
            "ZH-THR-101": Severity.info,
            "ZH-THR-113": Severity.info,
        },
    )
    outcome = build_engine(options=opts).lint(CAUGHT_CLAIM, merge=False)
    rules_own = [v for v in outcome.violations if not v.rule.startswith("ZH-MDL")]
    assert rules_own and all(v.severity == Severity.info for v in rules_own)
    assert "ZH-MDL-003" in {v.rule for v in outcome.violations}


#: a legal claim the rules catch (ZH-LEG-001/002) beside a menace no threat rule words (the
#: spouse's lonely way to work); the threat head scores it about 0.9, over its threshold of 0.7
#: (the tests below take the score as it is, so a refit moves no line of them)
CLAIM_AND_UNWORDED_THREAT = "【安信消费金融】案件已移交法院，你老婆上班那条路挺偏的。"


def category_silent_pack(when: str) -> str:
    """A threat model rule of its own (XY-MDL-002) at 0.7, ``when`` its gate and the rest."""
    return model_pack(
        f"category: threat, threshold: 0.7, {when}",
        rule_id="XY-MDL-002",
        name="threat-model-per-category",
        trigger=UNSEEN_THREAT,
    )


def _threat_score(text: str) -> float:
    return shipped_model().score_text("threat", prepare_text(text))


@pytest.mark.parametrize(
    ("when", "beside", "asked"),
    [
        ("rules-silent", None, False),  # a legal finding silences every second opinion
        ("category-silent", -0.03, True),  # beside_findings just under the score
        ("category-silent", +0.01, False),  # and just over it
    ],
)
def test_a_category_silent_second_opinion_speaks_beside_other_categories_findings(
    tmp_path: Path, when: str, beside: float | None, asked: bool
):
    score = _threat_score(CLAIM_AND_UNWORDED_THREAT)
    assert 0.75 <= score <= 0.98  # room on both sides of the threshold (else pick another text)
    extra = "" if beside is None else f", beside_findings: {round(score + beside, 3)}"
    pack = tmp_path / "mine.yaml"
    pack.write_text(category_silent_pack(f"when: {when}{extra}"), encoding="utf-8")
    engine = build_engine([pack], EngineOptions(ignore=["ZH-MDL"]))
    found = engine.lint(CLAIM_AND_UNWORDED_THREAT, merge=False).violations
    # the rules find the legal claim and no threat: the model alone can add one
    assert any(v.category.value == "misleading_legal" for v in found)
    assert not any(v.category.value == "threat" and v.rule != "XY-MDL-002" for v in found)
    mine = [v for v in found if v.rule == "XY-MDL-002"]
    assert bool(mine) == asked
    if asked:
        assert mine[0].score == round(score, 3)


def test_the_shipped_threat_and_legal_opinions_are_asked_per_category():
    engine = build_engine()
    for rule_id, beside in (("ZH-MDL-001", 0.9), ("ZH-MDL-003", 0.8)):
        match = engine.rule(rule_id).spec.match
        assert (match.when, match.beside_findings) == ("category-silent", beside)
    found = {v.rule for v in engine.lint(CLAIM_AND_UNWORDED_THREAT).violations}
    # beside the legal finding the threat head speaks at 0.9 or more, and not below
    assert ("ZH-MDL-001" in found) == (_threat_score(CLAIM_AND_UNWORDED_THREAT) >= 0.9)
    # the legal head stays silent: a legal rule found the claim (its own category)
    assert "ZH-MDL-003" not in found and "ZH-LEG-001" in found


@pytest.mark.parametrize(
    ("match", "error"),
    [
        ("when: category-silent", "'when: category-silent' needs 'beside_findings'"),
        ("when: category-silent, beside_findings: 0.5", "'beside_findings' is below 'threshold'"),
        ("beside_findings: 0.8", "'beside_findings' belongs to 'when: category-silent'"),
    ],
)
def test_beside_findings_is_checked_when_the_pack_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], match: str, error: str
):
    pack = tmp_path / "mine.yaml"
    pack.write_text(category_silent_pack(match), encoding="utf-8")
    code, _, err = _run(capsys, "check", "--pack", str(pack), "-")
    assert code == 2
    assert err.startswith(f"msglint: error: {pack}:9: rules[0].match") and error in err


#: plain or lawful collection talk with no signature, as an IM line or a call script says it.
#: The model once scored these as threats or disclosures: it had learnt "unsigned, or 你, means
#: a violation" from written sets whose unsigned messages are mostly violations and whose
#: compliant ones mostly say 您. It now reads the words only (``content_view``).
UNSIGNED_LAWFUL = [
    "你的借款逾期了，请尽快还款。",
    "你的借款逾期了，如仍不还款，我司将依法采取法律措施。",
    "您留的紧急联系人我们不会告知欠款情况，请放心。",
    "你这个月的账单还没还，今天能处理吗？",
    "你要是实在困难，可以申请分期，我帮你报一下",
]


@pytest.fixture(scope="module")
def with_model():
    """The shipped packs with the model's second opinion selected, built once."""
    return build_engine(options=EngineOptions(select=["ALL", "ZH-MDL"]))


@pytest.mark.parametrize("text", UNSIGNED_LAWFUL)
def test_unsigned_lawful_talk_gets_no_second_opinion(with_model, text: str):
    outcome = with_model.lint(text, MessageContext(channel=Channel.im))
    assert [v.rule for v in outcome.violations] == []


def test_the_model_reads_words_not_signatures_or_manners():
    """A 【signature】 and the polite 您 change no feature: who signs is identification's
    business, and politeness is not compliance."""
    plain = features(prepare_text("你的借款已逾期，请尽快还款。"))
    assert features(prepare_text("【安信消费金融】您的借款已逾期，请尽快还款。")) == plain
    assert features(prepare_text("您的借款已逾期，请尽快还款。【安信消费金融】")) == plain
    assert not any("安信" in f for f in features(prepare_text("【安信】你好")))


def test_the_model_reads_which_concepts_words_a_message_holds():
    """``k:`` features: a word read as its concept, and as every concept whose entry names
    that concept alone, so what the heads learn of one word reaches the words beside it."""
    concepts = ConceptWords.of({"上门": ["上门", "登门"], "家人": ["家人", "父母", "爸妈"]})
    visit = features(prepare_text("明天登门拜访"), concepts=concepts)
    assert "k:上门" in visit and "k:家人" not in visit
    family = features(prepare_text("我们会联系你爸妈"), concepts=concepts)
    assert {f for f in family if f.startswith("k:")} == {"k:家人"}
    assert not any(f.startswith("k:") for f in features(prepare_text("明天登门拜访")))


def test_the_shipped_weights_keep_the_concept_words_they_were_fit_with():
    """The weights file carries the words of each concept a head weighs: scoring reads those,
    not the packs of the day, and every ``k:`` weight names a concept it carries."""
    model = shipped_model()
    weighed = {f[2:] for h in model.heads.values() for f in h.weights if f.startswith("k:")}
    assert weighed, "the heads weigh no concept"
    assert weighed == set(model.concepts.words)
    assert all(model.concepts.words[name] for name in weighed)


def test_a_weights_file_with_a_malformed_concept_list_names_the_field():
    raw = orjson.loads(shipped_weights_path().read_bytes())
    raw["concepts"] = {"上门": "上门"}  # a string, not a list of words
    with pytest.raises(ModelLoadError, match=r"concepts\.上门"):
        parse_weights(orjson.dumps(raw), "bad.json")


def test_an_engine_kept_in_the_cache_keeps_the_model_it_read():
    """Built, the engine has read the weights (its version names them); pickled into the
    engine cache with it, so a check that reads the cache does not read them again."""
    engine = build_engine(options=EngineOptions(select=["ALL", "ZH-MDL"]))
    again = pickle.loads(pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL))
    kept = [r.matcher._model for r in again.all_rules if r.spec.match.kind == "model"]
    assert kept and all(m is not None for m in kept)
    assert len({id(m) for m in kept}) == 1  # one model shared by the four heads' rules
    text = prepare_text(UNSEEN_THREAT)
    assert kept[0].score_text("threat", text) == shipped_model().score_text("threat", text)


def test_scoring_needs_neither_scikit_learn_nor_numpy():
    code = (
        "import sys\n"
        "for name in ('sklearn', 'numpy', 'scipy'):\n"
        "    sys.modules[name] = None  # any import of them fails\n"
        "from linter.packs.loader import build_engine\n"
        "from linter.core.options import EngineOptions\n"
        "engine = build_engine(options=EngineOptions(select=['ALL', 'ZH-MDL']))\n"
        f"found = engine.lint({UNSEEN_THREAT!r}).violations\n"
        "print(*[(v.rule, v.evidence) for v in found if v.evidence])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    # the threat model scores it (another category's model may too, as the weights change)
    assert "('ZH-MDL-001', 'model')" in proc.stdout, proc.stdout


def test_packs_version_folds_in_the_models_training_data():
    engine = build_engine(options=EngineOptions(select=["ALL", "ZH-MDL"]))
    model = shipped_model()
    assert model.version.startswith(model.training_data_sha256[:16])
    words = [normalise_term(w) for p in engine.packs for w in p.spec.user_words]
    hashes = [*(p.sha256 for p in engine.packs), *engine.concepts.hashes]
    args = (hashes, words, engine.options.model_dump(mode="json"))
    assert engine.version == versions.engine_version(*args, models=[model.version])
    other = "0" * 16 + ":" + model.sha256[:16]  # other training data, same packs and code
    assert versions.engine_version(*args, models=[other]) != engine.version
    assert versions.engine_version(*args) != engine.version


def test_training_never_reads_a_test_half(tmp_path: Path):
    from train_model import TrainingDataError, real_messages

    test_half = ROOT / "tests/data/real/test"
    with pytest.raises(TrainingDataError, match="'test' folder is never training data"):
        real_messages([test_half])
    with pytest.raises(TrainingDataError):
        real_messages([tmp_path / "real" / "test" / "news.yaml"])


def test_training_defaults_to_the_dev_half_only():
    from train_model import DEFAULT_REAL

    assert DEFAULT_REAL == [ROOT / "tests/data/real/dev"]


def _train_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bench/train_model.py", "--check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_shipped_weights_were_fit_on_todays_examples():
    """A pack example or a labelled set changed without retraining: the weights are stale."""
    done = _train_check()
    assert done.returncode == 0, done.stderr


def test_the_freshness_check_notices_other_training_data(tmp_path: Path):
    one_set = tmp_path / "one_messages.yaml"
    one_set.write_text(
        "messages:\n  - {id: a, text: 再不还钱就上门, labels: [threat]}\n", encoding="utf-8"
    )
    done = _train_check("--sets", str(one_set))
    assert done.returncode == 1 and "stale" in done.stderr


def test_the_text_format_shows_the_model_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    msg = tmp_path / "m.txt"
    msg.write_text(SIGNED, encoding="utf-8")
    code, out, _ = _run(capsys, "check", "--select", "ZH-MDL-001", str(msg))
    assert code == 0 and "ZH-MDL-001 [warning]" in out and "    evidence: model, score 0." in out
