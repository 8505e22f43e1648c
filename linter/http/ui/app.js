// msglint reviewer's page. Plain JavaScript, no build step, no external resource.
// Calls only /v1/lint, /v1/rules, /v1/feedback and /v1/stats of the server that served it.
// The token and the reviewer's name live in this page's memory only (no storage, no cookie),
// and nothing here writes message text to the console.
"use strict";

const STRINGS = {
  zh: {
    title: "msglint 催收短信合规检查", tab_check: "检查", tab_rules: "规则", tab_stats: "统计",
    reviewer: "审核人", token_needed: "服务器需要访问令牌（仅保存在本页内存中）。", token_submit: "确定",
    message: "短信内容", recipient: "收信人", r_debtor: "债务人", r_guarantor: "担保人",
    r_third_party: "第三方", channel: "渠道", c_sms: "短信", c_app: "App 推送", c_im: "即时通讯",
    c_call_script: "电话话术", send_at: "发送时间", timezone: "时区", tz_default: "服务器默认",
    apply_safe: "应用全部安全修复", undo: "撤销", highlighted: "标注", findings: "发现的问题",
    missed_title: "漏报：本条还应发现", missed: "漏报", note: "备注（可选）", search: "搜索规则",
    rules_shown: "显示", refresh: "刷新", linting: "检查中…", no_findings: "未发现问题",
    decision_allow: "可以发送", decision_review: "需人工复核", decision_block: "禁止发送",
    decision_label: "结论", severity_error: "错误", severity_warning: "警告", severity_info: "提示",
    rule: "规则", category: "类别", severity: "严重程度", explanation: "说明", basis: "依据",
    fix: "修改建议", replacement: "替换为", delete_text: "（删除）", apply: "应用",
    other_rules: "合并的其他规则", correct: "正确", wrong: "误报", saved: "已记录",
    need_reviewer: "请先填写审核人", feedback_missing: "此服务器未提供反馈接口",
    feedback_down: "反馈数据库暂不可用", error: "出错", examples: "示例", trigger: "应报",
    pass: "不应报", insertion: "插入位置", applicability: "适用性", app_safe: "安全",
    app_unsafe: "需确认", app_manual: "需人工修改", stats_rules: "各规则准确率",
    stats_categories: "各类别", stats_missed: "漏报", reviewed: "已审", precision: "准确率",
    below_floor: "低于阈值", no_stats: "尚无反馈", fixed: "修改后", empty: "（请输入短信）",
    lang_button: "English",
  },
  en: {
    title: "msglint: collection message compliance", tab_check: "Check", tab_rules: "Rules",
    tab_stats: "Stats", reviewer: "Reviewer", token_needed: "The server needs an access token (kept in this page's memory only).",
    token_submit: "OK", message: "Message", recipient: "Recipient", r_debtor: "Debtor",
    r_guarantor: "Guarantor", r_third_party: "Third party", channel: "Channel", c_sms: "SMS",
    c_app: "App push", c_im: "Instant message", c_call_script: "Call script", send_at: "Send time",
    timezone: "Time zone", tz_default: "Server default", apply_safe: "Apply all safe fixes",
    undo: "Undo", highlighted: "Highlights", findings: "Findings",
    missed_title: "Missed: this message should also be flagged for", missed: "Missed",
    note: "Note (optional)", search: "Search rules", rules_shown: "Shown", refresh: "Refresh",
    linting: "Checking…", no_findings: "No findings", decision_allow: "Allow: may be sent",
    decision_review: "Review: a person must check it", decision_block: "Block: do not send",
    decision_label: "Decision", severity_error: "error", severity_warning: "warning",
    severity_info: "info", rule: "Rule", category: "Category", severity: "Severity",
    explanation: "Explanation", basis: "Legal basis", fix: "Suggested fix",
    replacement: "Replace with", delete_text: "(delete)", apply: "Apply",
    other_rules: "Other rules merged here", correct: "Correct", wrong: "Wrong", saved: "Recorded",
    need_reviewer: "Enter the reviewer's name first", feedback_missing: "This server has no feedback endpoint",
    feedback_down: "The feedback database is unavailable", error: "Error", examples: "Examples",
    trigger: "Flags", pass: "Passes", insertion: "insertion point", applicability: "Applicability",
    app_safe: "safe", app_unsafe: "needs confirming", app_manual: "rewrite by hand",
    stats_rules: "Precision per rule", stats_categories: "Per category", stats_missed: "Missed",
    reviewed: "Reviewed", precision: "Precision", below_floor: "below floor",
    no_stats: "No feedback yet", fixed: "Fixed", empty: "(type a message)", lang_button: "中文",
  },
};

const CATEGORIES = {
  threat: { zh: "威胁恐吓", en: "Threat" },
  third_party_disclosure: { zh: "向第三方披露债务", en: "Third-party disclosure" },
  misleading_legal: { zh: "虚假或误导的法律后果", en: "Misleading legal claims" },
  missing_identification: { zh: "未表明身份", en: "Missing identification" },
  abusive_language: { zh: "侮辱谩骂", en: "Abusive language" },
  contact_time: { zh: "不当联系时间", en: "Contact time" },
};
const SEVERITY_ORDER = { error: 3, warning: 2, info: 1 };

const state = {
  lang: "zh",
  token: null, // memory only
  answer: null, // the last /v1/lint answer
  context: null, // the context that answer was judged in
  selected: null, // index of the selected finding
  undo: [],
  seq: 0,
  timer: null,
  rules: null,
  ruleDetails: {},
  afterToken: [],
};

const $ = (id) => document.getElementById(id);
const t = (key) => (STRINGS[state.lang][key] ?? STRINGS.zh[key] ?? key);
const cps = (text) => Array.from(text); // the gate counts characters (code points)

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) node.append(c);
  }
  return node;
}

function categoryName(cat) {
  const names = CATEGORIES[cat];
  if (!names) return cat;
  return state.lang === "zh" ? `${names.zh} / ${names.en}` : `${names.en} / ${names.zh}`;
}

// ---- the API ---------------------------------------------------------------------------------

async function api(path, { method = "GET", body = null, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== null) h["Content-Type"] = "application/json";
  if (state.token) h.Authorization = `Bearer ${state.token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers: h, body: body === null ? null : JSON.stringify(body), credentials: "omit",
    });
  } catch (err) {
    return { status: 0, data: { error: { message: String(err && err.message) } } };
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  return { status: response.status, data };
}

function askForToken(retry) {
  state.afterToken.push(retry);
  $("token-box").hidden = false;
  $("token-input").focus();
}

function errorText(res) {
  const err = res.data && res.data.error;
  return `${t("error")} ${res.status}${err ? `: ${err.message}` : ""}`;
}

// ---- linting ---------------------------------------------------------------------------------

function currentContext() {
  const ctx = { recipient: $("recipient").value, channel: $("channel").value };
  const sendAt = $("send-at").value;
  const tz = $("timezone").value;
  if (sendAt) ctx.send_at = sendAt.length === 16 ? `${sendAt}:00` : sendAt;
  if (tz) ctx.timezone = tz;
  return ctx;
}

function scheduleLint() {
  clearTimeout(state.timer);
  state.timer = setTimeout(lint, 300);
}

async function lint() {
  clearTimeout(state.timer);
  const text = $("message").value;
  const seq = ++state.seq;
  if (!text.trim()) {
    state.answer = null;
    render();
    return;
  }
  const context = currentContext();
  $("status").textContent = t("linting");
  const res = await api("/v1/lint", { method: "POST", body: { text, context } });
  if (seq !== state.seq) return; // a newer edit has been sent since
  if (res.status === 401) { $("status").textContent = ""; askForToken(lint); return; }
  if (res.status !== 200) {
    state.answer = null;
    render();
    $("status").textContent = errorText(res);
    return;
  }
  $("status").textContent = "";
  state.answer = res.data;
  state.context = context;
  if (state.selected !== null && state.selected >= res.data.violations.length) state.selected = null;
  render();
}

function setText(text) {
  state.undo.push($("message").value);
  $("message").value = text;
  state.selected = null;
  lint();
}

function applyFix(v) {
  const chars = cps(state.answer.text);
  const start = v.fix.start ?? v.start;
  const end = v.fix.end ?? v.end;
  setText(chars.slice(0, start).join("") + v.fix.replacement + chars.slice(end).join(""));
}

// ---- rendering the answer ----------------------------------------------------------------------

function render() {
  const answer = state.answer;
  $("undo").disabled = state.undo.length === 0;
  const decision = $("decision");
  const view = $("message-view");
  const list = $("finding-list");
  view.replaceChildren();
  list.replaceChildren();
  $("detail").hidden = true;
  if (!answer) {
    decision.hidden = true;
    $("finding-count").textContent = "0";
    $("apply-safe").disabled = true;
    view.append(el("span", { class: "placeholder", text: t("empty") }));
    return;
  }
  decision.hidden = false;
  decision.className = `decision decision-${answer.decision}`;
  decision.dataset.decision = answer.decision;
  decision.textContent = `${t("decision_label")}: ${t(`decision_${answer.decision}`)}`;
  $("apply-safe").disabled = answer.fixed_text === answer.text;
  $("finding-count").textContent = String(answer.violations.length);
  renderMessage(view, answer);
  answer.violations.forEach((v, i) => list.append(findingItem(v, i)));
  if (!answer.violations.length) list.append(el("li", { class: "none", text: t("no_findings") }));
  if (state.selected !== null) showDetail(state.selected);
}

/** The text cut at every finding's start and end; each piece lists the findings covering it. */
function renderMessage(view, answer) {
  const chars = cps(answer.text);
  const vs = answer.violations;
  const cuts = new Set([0, chars.length]);
  vs.forEach((v) => { cuts.add(v.start); cuts.add(v.end); });
  const points = [...cuts].sort((a, b) => a - b);
  const marker = (pos) => vs
    .map((v, i) => [v, i])
    .filter(([v]) => v.start === v.end && v.start === pos)
    .map(([v, i]) => el("span", {
      class: `hl point sev-${v.severity}`, "data-v": String(i), title: v.rule,
      "aria-label": `${v.rule} ${t("insertion")}`, onclick: () => select(i),
    }));
  for (let k = 0; k < points.length; k++) {
    const a = points[k];
    view.append(...marker(a));
    if (k + 1 >= points.length) break;
    const b = points[k + 1];
    const piece = chars.slice(a, b).join("");
    const covering = vs.map((v, i) => [v, i]).filter(([v]) => v.start <= a && v.end >= b && v.end > v.start);
    if (!covering.length) { view.append(piece); continue; }
    const worst = covering.reduce((m, [v]) => (SEVERITY_ORDER[v.severity] > SEVERITY_ORDER[m] ? v.severity : m), "info");
    const first = covering[0][1];
    const selected = covering.some(([, i]) => i === state.selected);
    view.append(el("span", {
      class: `hl sev-${worst}${selected ? " selected" : ""}`,
      "data-v": covering.map(([, i]) => i).join(" "),
      title: covering.map(([v]) => v.rule).join(", "),
      tabindex: "0",
      onclick: () => select(first),
      onkeydown: (e) => { if (e.key === "Enter") select(first); },
    }, piece));
  }
}

function select(i) {
  state.selected = i;
  document.querySelectorAll("#message-view .hl").forEach((node) => {
    node.classList.toggle("selected", node.dataset.v.split(" ").includes(String(i)));
  });
  document.querySelectorAll("#finding-list > li").forEach((node) => {
    node.classList.toggle("selected", node.dataset.v === String(i));
  });
  showDetail(i);
}

function fixBlock(v) {
  const fix = v.fix;
  const rows = [el("p", { class: "fix-desc", text: fix.description })];
  if (fix.replacement !== null && fix.replacement !== undefined) {
    rows.push(el("p", {},
      el("span", { class: "k", text: `${t("replacement")}: ` }),
      el("code", { class: "replacement", text: fix.replacement === "" ? t("delete_text") : fix.replacement }),
      " ",
      el("span", { class: `app app-${fix.applicability}`, text: t(`app_${fix.applicability}`) }),
      " ",
      el("button", { type: "button", class: "apply", onclick: () => applyFix(v), text: t("apply") })));
  } else {
    rows.push(el("p", {}, el("span", { class: `app app-${fix.applicability}`, text: t(`app_${fix.applicability}`) })));
  }
  return rows;
}

function showDetail(i) {
  const v = state.answer && state.answer.violations[i];
  const box = $("detail");
  if (!v) { box.hidden = true; return; }
  const others = (v.rules || []).filter((r) => r !== v.rule);
  const matches = (v.matches || []).filter((m) => m.rule !== v.rule);
  box.replaceChildren(
    el("dl", {},
      el("dt", { text: t("rule") }), el("dd", { class: "d-rule", text: v.rule }),
      el("dt", { text: t("category") }), el("dd", { class: "d-category", text: categoryName(v.category) }),
      el("dt", { text: t("severity") }), el("dd", { class: `d-severity sev-text-${v.severity}`, text: t(`severity_${v.severity}`) }),
      el("dt", { text: t("explanation") }), el("dd", { class: "d-message", text: v.message }),
      el("dt", { text: t("basis") }), el("dd", { class: "d-basis" }, el("ul", {}, v.basis.map((b) => el("li", { text: b })))),
      el("dt", { text: t("fix") }), el("dd", { class: "d-fix" }, fixBlock(v)),
      others.length || matches.length ? [
        el("dt", { text: t("other_rules") }),
        el("dd", { class: "d-others" }, el("ul", {}, (matches.length ? matches : others.map((r) => ({ rule: r })))
          .map((m) => el("li", { text: m.message ? `${m.rule}: ${m.message}${m.matched ? `「${m.matched}」` : ""}` : m.rule })))),
      ] : null));
  box.hidden = false;
}

function findingItem(v, i) {
  const note = el("input", { type: "text", class: "note", maxlength: "500", placeholder: t("note") });
  const status = el("span", { class: "fb-status" });
  const send = (verdict) => sendFeedback(
    [{ kind: "finding", rule: v.rule, start: v.start, end: v.end, verdict, note: note.value || null }],
    status);
  const where = v.start === v.end ? `@${v.start} ${t("insertion")}` : `「${v.matched}」`;
  return el("li", { class: `finding sev-border-${v.severity}${state.selected === i ? " selected" : ""}`, "data-v": String(i), "data-rule": v.rule },
    el("div", { class: "f-head", onclick: () => select(i) },
      el("span", { class: `badge sev-${v.severity}`, text: t(`severity_${v.severity}`) }),
      el("b", { class: "f-rule", text: v.rule }),
      el("span", { class: "f-cat", text: categoryName(v.category) })),
    el("div", { class: "f-body", onclick: () => select(i) },
      el("span", { class: "f-where", text: where }), " ", el("span", { text: v.message })),
    el("div", { class: "f-actions" },
      v.fix.replacement !== null && v.fix.replacement !== undefined
        ? el("button", { type: "button", class: "apply", onclick: () => applyFix(v), text: t("apply") }) : null,
      el("button", { type: "button", class: "fb-correct", onclick: () => send("correct"), text: t("correct") }),
      el("button", { type: "button", class: "fb-wrong", onclick: () => send("wrong"), text: t("wrong") }),
      note, status));
}

// ---- feedback and stats ----------------------------------------------------------------------

async function sendFeedback(verdicts, status) {
  const reviewer = $("reviewer").value.trim();
  if (!reviewer) { status.textContent = t("need_reviewer"); $("reviewer").focus(); return; }
  if (!state.answer) return;
  // A header carries only Latin-1: the name goes percent-encoded as UTF-8 (the server decodes it).
  const body = {
    text: state.answer.text,
    context: { recipient: "debtor", channel: "sms", send_at: null, timezone: null, organization: [], ...state.context },
    packs_version: state.answer.packs_version,
    verdicts,
  };
  const res = await api("/v1/feedback", { method: "POST", body, headers: { "X-Msglint-Reviewer": encodeURIComponent(reviewer) } });
  if (res.status === 401) { askForToken(() => sendFeedback(verdicts, status)); return; }
  if (res.status === 201) { status.textContent = t("saved"); status.dataset.ok = "1"; loadStats(); return; }
  if (res.status === 404) status.textContent = t("feedback_missing");
  else if (res.status === 503) status.textContent = t("feedback_down");
  else status.textContent = errorText(res);
}

async function loadStats() {
  const res = await api("/v1/stats");
  if (res.status === 401) { askForToken(loadStats); return; }
  const box = $("stats");
  if (res.status !== 200) {
    box.replaceChildren();
    $("stats-status").textContent = res.status === 404 ? t("feedback_missing") : errorText(res);
    return;
  }
  $("stats-status").textContent = "";
  const s = res.data;
  const pct = (p) => (p === null || p === undefined ? "–" : `${Math.round(p * 100)}%`);
  const table = (head, rows) => el("table", {},
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { text: h })))),
    el("tbody", {}, rows));
  const rules = (s.rules || []).map((r) => el("tr", { class: r.below_floor ? "below" : null, "data-rule": r.rule },
    el("td", { text: r.rule }), el("td", { text: categoryName(r.category) }),
    el("td", { class: "n-reviewed", text: String(r.reviewed) }), el("td", { class: "n-correct", text: String(r.correct) }),
    el("td", { class: "n-wrong", text: String(r.wrong) }),
    el("td", { text: pct(r.precision) + (r.below_floor ? ` (${t("below_floor")})` : "") })));
  const cats = (s.categories || []).map((c) => el("tr", { "data-category": c.category },
    el("td", { text: categoryName(c.category) }), el("td", { text: String(c.reviewed) }),
    el("td", { text: pct(c.precision) }), el("td", { text: String(c.missed) })));
  box.replaceChildren(
    el("h3", { text: `${t("stats_rules")} (< ${pct(s.precision_floor)}: ${t("below_floor")})` }),
    rules.length ? table([t("rule"), t("category"), t("reviewed"), t("correct"), t("wrong"), t("precision")], rules)
      : el("p", { text: t("no_stats") }),
    el("h3", { text: t("stats_categories") }),
    cats.length ? table([t("category"), t("reviewed"), t("precision"), t("stats_missed")], cats) : el("p", { text: t("no_stats") }));
}

// ---- the rules view --------------------------------------------------------------------------

async function loadRules() {
  const res = await api("/v1/rules");
  if (res.status === 401) { askForToken(loadRules); return; }
  if (res.status !== 200) { $("rule-count").textContent = errorText(res); return; }
  state.rules = res.data.rules;
  renderRules();
}

function renderRules() {
  if (!state.rules) return;
  const list = $("rule-list");
  list.replaceChildren(...state.rules.map((r) => {
    const details = el("div", { class: "rule-detail" });
    const item = el("li", { class: "rule", "data-rule": r.id, "data-search": [
      r.id, r.name, r.category, CATEGORIES[r.category]?.zh, CATEGORIES[r.category]?.en,
      r.severity, r.message.zh, r.message.en, r.pack].join(" ").toLowerCase() },
    el("div", { class: "f-head", onclick: () => toggleRule(r.id, details) },
      el("span", { class: `badge sev-${r.severity}`, text: t(`severity_${r.severity}`) }),
      el("b", { class: "f-rule", text: r.id }), el("span", { class: "f-name", text: r.name }),
      el("span", { class: "f-cat", text: categoryName(r.category) })),
    el("div", { class: "f-body", text: state.lang === "zh" ? r.message.zh : r.message.en }),
    details);
    if (state.ruleDetails[r.id] && state.ruleDetails[r.id].open) fillRule(details, state.ruleDetails[r.id].data);
    return item;
  }));
  filterRules();
}

function filterRules() {
  const words = $("rule-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  document.querySelectorAll("#rule-list > li").forEach((li) => {
    const hit = words.every((w) => li.dataset.search.includes(w));
    li.hidden = !hit;
    if (hit) shown += 1;
  });
  $("rule-count").textContent = `${shown} / ${state.rules ? state.rules.length : 0}`;
}

async function toggleRule(id, box) {
  const known = state.ruleDetails[id];
  if (known && known.open) { known.open = false; box.replaceChildren(); return; }
  if (!known) {
    const res = await api(`/v1/rules/${encodeURIComponent(id)}`);
    if (res.status === 401) { askForToken(() => toggleRule(id, box)); return; }
    if (res.status !== 200) { box.textContent = errorText(res); return; }
    state.ruleDetails[id] = { data: res.data, open: true };
  } else {
    known.open = true;
  }
  fillRule(box, state.ruleDetails[id].data);
}

function fillRule(box, d) {
  const ex = d.examples || {};
  const exampleList = (items) => el("ul", {}, (items || []).map((e) => el("li", {},
    el("span", { text: e.text }), e.span ? el("mark", { text: e.span }) : null,
    e.fixed ? el("span", { class: "fixed", text: ` → ${e.fixed}` }) : null)));
  box.replaceChildren(el("dl", {},
    el("dt", { text: t("basis") }), el("dd", { class: "d-basis" }, el("ul", {}, (d.basis || []).map((b) => el("li", { text: b })))),
    el("dt", { text: t("fix") }), el("dd", { text: d.fix && d.fix.description ? (state.lang === "zh" ? d.fix.description.zh : d.fix.description.en) : "" }),
    el("dt", { text: `${t("examples")}: ${t("trigger")}` }), el("dd", { class: "ex-trigger" }, exampleList(ex.trigger)),
    el("dt", { text: `${t("examples")}: ${t("pass")}` }), el("dd", { class: "ex-pass" }, exampleList(ex.pass))));
}

// ---- views, language, wiring -----------------------------------------------------------------

function showView(name, push) {
  for (const v of ["check", "rules", "stats"]) {
    $(`view-${v}`).hidden = v !== name;
    $(`tab-${v}`).classList.toggle("active", v === name);
  }
  if (push) history.pushState({ view: name }, "", name === "rules" ? "/rules" : name === "stats" ? "/#stats" : "/");
  if (name === "rules" && !state.rules) loadRules();
  if (name === "stats") loadStats();
}

function viewFromLocation() {
  if (location.pathname === "/rules") return "rules";
  if (location.hash === "#stats") return "stats";
  return "check";
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
  $("lang-toggle").textContent = t("lang_button");
  const missed = $("missed-category");
  const chosen = missed.value;
  missed.replaceChildren(...Object.keys(CATEGORIES).map((c) => el("option", { value: c, text: categoryName(c) })));
  if (chosen) missed.value = chosen;
  render();
  renderRules();
  if (!$("view-stats").hidden) loadStats();
}

function init() {
  $("message").addEventListener("input", scheduleLint);
  for (const id of ["recipient", "channel", "send-at", "timezone"]) $(id).addEventListener("change", lint);
  $("apply-safe").addEventListener("click", () => {
    if (state.answer && state.answer.fixed_text !== state.answer.text) setText(state.answer.fixed_text);
  });
  $("undo").addEventListener("click", () => {
    if (!state.undo.length) return;
    $("message").value = state.undo.pop();
    state.selected = null;
    lint();
  });
  $("missed-send").addEventListener("click", () => {
    const note = $("missed-note").value;
    sendFeedback([{ kind: "missed", category: $("missed-category").value, note: note || null }], $("status"));
  });
  $("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    applyLanguage();
  });
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token-input").value.trim() || null;
    $("token-input").value = "";
    $("token-box").hidden = true;
    const retries = state.afterToken.splice(0);
    retries.forEach((fn) => fn());
  });
  $("rule-search").addEventListener("input", filterRules);
  $("stats-refresh").addEventListener("click", loadStats);
  document.querySelectorAll(".tabs a").forEach((a) => a.addEventListener("click", (e) => {
    e.preventDefault();
    showView(a.dataset.view, true);
  }));
  window.addEventListener("popstate", () => showView(viewFromLocation(), false));
  applyLanguage();
  showView(viewFromLocation(), false);
  if ($("message").value.trim()) lint();
}

document.addEventListener("DOMContentLoaded", init);
