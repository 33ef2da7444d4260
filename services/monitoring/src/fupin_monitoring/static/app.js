/* Fupin dynamic-monitoring dashboard: overview, drill-down, trends, alerts; live over SSE. */
(function () {
  "use strict";
  const CFG = window.FUPIN || { apiBase: "", tokenUrl: null, registryBase: null };
  const CITY = "441200000000";

  const I18N = {
    zh: {
      title: "肇庆市精准扶贫动态监测", year: "年度", current: "当前", offline: "未连接", live: "实时",
      signin: "登录", client: "演示账号", connect: "连接", token: "访问令牌", signout: "退出",
      children: "下级区划", status: "户状态分布", trends: "历年趋势", compare: "下级区划对比",
      causes: "致贫原因", guarantees: "两不愁三保障未达标项", alerts: "预警", active: "未处置", all: "全部",
      resolved: "已处置", kind: "类型", division: "区划", raised: "发现日期", due: "处置时限", state: "状态",
      more: "更多", asof: "数据截至", lag: "延迟", events: "已处理事件",
      k_registered: "在册户数", k_households: "建档立卡户", k_poor: "未脱贫户", k_exited: "已脱贫户",
      k_exit_rate: "脱贫率", k_exits: "当年脱贫", k_returns: "当年返贫", k_compliance: "两不愁三保障达标率",
      k_income: "收入达标率", k_spending: "资金支出率", k_disclosure: "公示及时率", k_villages: "贫困村出列",
      k_alerts: "未处置预警", k_tasks: "任务进度正常", households: "户", persons: "人",
      s_identified: "未脱贫", s_exited: "已脱贫", s_returned: "返贫", s_pre_exit: "预退出", s_exit_notice: "退出公示中",
      s_applied: "申请", s_appraised: "民主评议通过", s_identification_notice: "识别公示中", s_town_reviewed: "乡镇审核通过",
      s_rejected: "不予识别", s_removed: "已清退",
      t_identified: "建档立卡户", t_exited: "已脱贫户", t_poor: "未脱贫户", t_exits: "当年脱贫", t_returns: "当年返贫",
      c_illness: "因病", c_disability: "因残", c_schooling: "因学", c_disaster: "因灾", c_marriage: "因婚",
      c_lack_of_land: "缺土地", c_lack_of_water: "缺水", c_lack_of_skills: "缺技术", c_lack_of_funds: "缺资金",
      c_lack_of_labour: "缺劳力", c_poor_transport: "交通条件落后", c_lack_of_motivation: "自身发展动力不足", c_other: "其他",
      g_food: "吃", g_clothing: "穿", g_compulsory_education: "义务教育", g_basic_medical: "基本医疗",
      g_housing_safety: "住房安全", g_drinking_water: "饮水安全",
      st_open: "待处置", st_assigned: "处置中", st_resolved: "已处置", overdue: "超期",
      assign: "指派", resolve: "处置", assignee_prompt: "指派给（姓名或单位）", resolution_prompt: "处置结果",
      no_scope: "该账号没有 monitoring:read 权限", no_alerts: "暂无预警", allocated: "下达资金(万元)", disbursed: "支出资金(万元)",
      exit_rate_axis: "脱贫率",
    },
    en: {
      title: "Zhaoqing poverty-alleviation monitoring", year: "Year", current: "Now", offline: "offline", live: "live",
      signin: "Sign in", client: "Demo client", connect: "Connect", token: "Access token", signout: "Sign out",
      children: "Divisions", status: "Households by status", trends: "Trends by year", compare: "Divisions compared",
      causes: "Causes of poverty", guarantees: "Unmet basic guarantees", alerts: "Alerts", active: "Active", all: "All",
      resolved: "Resolved", kind: "Kind", division: "Division", raised: "Raised", due: "Due", state: "State",
      more: "More", asof: "As of", lag: "lag", events: "events applied",
      k_registered: "Registered households", k_households: "Identified households", k_poor: "Not yet exited", k_exited: "Exited",
      k_exit_rate: "Exit rate", k_exits: "Exits this year", k_returns: "Returns this year", k_compliance: "Guarantees met",
      k_income: "Income above line", k_spending: "Funds spent", k_disclosure: "Disclosed on time", k_villages: "Poor villages exited",
      k_alerts: "Active alerts", k_tasks: "Tasks on track", households: "households", persons: "persons",
      s_identified: "Not yet exited", s_exited: "Exited", s_returned: "Returned", s_pre_exit: "Pre-exit", s_exit_notice: "Exit notice",
      s_applied: "Applied", s_appraised: "Appraised", s_identification_notice: "Identification notice", s_town_reviewed: "Town reviewed",
      s_rejected: "Rejected", s_removed: "Removed",
      t_identified: "Identified", t_exited: "Exited", t_poor: "Not yet exited", t_exits: "Exits", t_returns: "Returns",
      c_illness: "Illness", c_disability: "Disability", c_schooling: "Schooling", c_disaster: "Disaster", c_marriage: "Marriage",
      c_lack_of_land: "No land", c_lack_of_water: "No water", c_lack_of_skills: "No skills", c_lack_of_funds: "No funds",
      c_lack_of_labour: "No labour", c_poor_transport: "Transport", c_lack_of_motivation: "Motivation", c_other: "Other",
      g_food: "Food", g_clothing: "Clothing", g_compulsory_education: "Schooling", g_basic_medical: "Medical",
      g_housing_safety: "Housing", g_drinking_water: "Water",
      st_open: "open", st_assigned: "assigned", st_resolved: "resolved", overdue: "overdue",
      assign: "Assign", resolve: "Resolve", assignee_prompt: "Assign to (person or unit)", resolution_prompt: "What was done",
      no_scope: "This client lacks monitoring:read", no_alerts: "No alerts", allocated: "Allocated (10k yuan)",
      disbursed: "Disbursed (10k yuan)", exit_rate_axis: "Exit rate",
    },
  };

  const state = {
    lang: localStorage.getItem("fupin.lang") || "zh",
    token: sessionStorage.getItem("fupin.token"),
    claims: null, path: [], year: "", alertState: "active", alertCursor: null,
    names: {}, charts: {}, kinds: {}, stream: null, refreshTimer: null, loading: false, pending: false,
  };

  const $ = (id) => document.getElementById(id);
  const t = (key) => (I18N[state.lang][key] !== undefined ? I18N[state.lang][key] : key);
  const label = (prefix, key) => { const v = I18N[state.lang][prefix + key]; return v === undefined ? key : v; };
  const fmt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-US"));
  const pct = (r) => (r === null || r === undefined ? "–" : (r * 100).toFixed(1) + "%");
  const wan = (fen) => Math.round(fen / 1000000);

  function claimsOf(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(part + "===".slice((part.length + 3) % 4)))));
    } catch (e) { return null; }
  }
  const scopes = () => ((state.claims && state.claims.scope) || "").split(" ");
  const division = () => state.path[state.path.length - 1] || (state.claims && state.claims.division) || CITY;
  const nameOf = (code) => state.names[code] || code;

  async function api(path, options) {
    const response = await fetch(CFG.apiBase + path, Object.assign({}, options || {}, {
      headers: Object.assign({ Authorization: "Bearer " + state.token, Accept: "application/json" },
        (options && options.headers) || {}),
    }));
    if (response.status === 401) { signOut(); throw new Error("unauthorized"); }
    const body = response.headers.get("content-type") && response.headers.get("content-type").includes("json")
      ? await response.json() : null;
    if (!response.ok) { const e = new Error((body && body.detail) || response.statusText); e.status = response.status; throw e; }
    return body;
  }

  // ---- sign-in ----
  function showLogin(message) {
    $("main").hidden = true; $("login").hidden = false;
    $("login-embedded").hidden = !CFG.tokenUrl; $("login-token").hidden = !!CFG.tokenUrl;
    $("login-error").textContent = message || "";
  }
  async function signInDemo() {
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: $("client").value, client_secret: "demo" });
    try {
      const response = await fetch(CFG.tokenUrl, { method: "POST", body: form,
        headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      const body = await response.json();
      if (!response.ok) { showLogin(body.detail || response.statusText); return; }
      useToken(body.access_token);
    } catch (e) { showLogin(String(e.message || e)); }
  }
  function useToken(token) {
    const claims = claimsOf(token);
    if (!claims) { showLogin("invalid token"); return; }
    if (!(claims.scope || "").split(" ").includes("monitoring:read")) { showLogin(t("no_scope")); return; }
    state.token = token; state.claims = claims; sessionStorage.setItem("fupin.token", token);
    state.path = [claims.division || CITY];
    $("login").hidden = true; $("main").hidden = false;
    start();
  }
  function signOut() {
    sessionStorage.removeItem("fupin.token"); state.token = null; stopStream(); showLogin("");
  }

  // ---- rendering ----
  function applyI18n() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    $("lang").textContent = state.lang === "zh" ? "English" : "中文";
    document.title = t("title");
  }
  function renderCrumbs() {
    const nav = $("crumbs"); nav.textContent = "";
    state.path.forEach((code, i) => {
      if (i) { const s = document.createElement("span"); s.className = "sep"; s.textContent = "›"; nav.appendChild(s); }
      const a = document.createElement(i === state.path.length - 1 ? "span" : "a");
      a.textContent = nameOf(code);
      if (i < state.path.length - 1) a.addEventListener("click", () => { state.path = state.path.slice(0, i + 1); reconnect(); });
      nav.appendChild(a);
    });
  }
  function kpi(id, labelKey, value, sub) {
    return `<div class="kpi" id="kpi-${id}"><div class="label">${t(labelKey)}</div>` +
      `<div class="value" data-testid="kpi-${id}">${value}</div><div class="sub">${sub || ""}</div></div>`;
  }
  let lastKpis = {};
  function renderKpis(o, ind) {
    const m = {}; (ind ? ind.indicators : []).forEach((i) => { m[i.metric] = i.value; });
    const items = [
      ["registered", "k_registered", fmt(o.households_total), fmt(o.persons_total) + " " + t("persons")],
      ["households", "k_households", fmt(o.identified.households), fmt(o.identified.persons) + " " + t("persons")],
      ["poor", "k_poor", fmt(o.poor.households), fmt(o.poor.persons) + " " + t("persons")],
      ["exited", "k_exited", fmt(o.exited.households), pct(m.exit_rate)],
      ["exits", "k_exits", fmt(o.exits.households), o.flow_year],
      ["returns", "k_returns", fmt(o.returns.households), o.flow_year],
      ["compliance", "k_compliance", pct(o.guarantees.compliance_rate), fmt(o.guarantees.assessed)],
      ["income", "k_income", pct(o.incomes.above_line_rate), fmt(o.incomes.recorded)],
      ["villages", "k_villages", fmt(o.villages.poor_exited) + " / " + fmt(o.villages.provincial_poor), pct(o.villages.exit_rate)],
      ["spending", "k_spending", pct(o.funds.spending_rate), fmt(wan(o.funds.disbursed_fen)) + " / " + fmt(wan(o.funds.allocated_fen))],
      ["disclosure", "k_disclosure", pct(o.funds.disclosure_timeliness_rate), fmt(o.funds.disclosed) + " / " + fmt(o.funds.due_disclosure)],
      ["tasks", "k_tasks", fmt(o.tasks.on_track), fmt(o.tasks.reports_overdue) + " overdue"],
      ["alerts", "k_alerts", fmt(o.alerts.open + o.alerts.assigned), fmt(o.alerts.assigned) + " " + t("st_assigned")],
    ];
    $("kpis").innerHTML = items.map((i) => kpi(i[0], i[1], i[2], i[3])).join("");
    items.forEach((i) => { if (lastKpis[i[0]] !== undefined && lastKpis[i[0]] !== i[2]) $("kpi-" + i[0]).classList.add("flash"); lastKpis[i[0]] = i[2]; });
  }
  function chart(id) {
    if (!window.echarts) return null;
    if (!state.charts[id]) state.charts[id] = window.echarts.init($(id));
    return state.charts[id];
  }
  function renderStatus(o) {
    const c = chart("chart-status"); if (!c) return;
    const data = Object.entries(o.households_by_status).map(([k, v]) => ({ name: label("s_", k), value: v.households }));
    c.setOption({ tooltip: { trigger: "item" }, legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["40%", "68%"], data, label: { formatter: "{b}\n{c}" } }] }, true);
  }
  function renderTrends(tr) {
    const c = chart("chart-trends"); if (!c) return;
    const years = tr.years.map((y) => String(y.year));
    const line = (key, fn) => ({ name: t(key), type: "line", data: tr.years.map(fn) });
    const bar = (key, fn) => ({ name: t(key), type: "bar", data: tr.years.map(fn) });
    c.setOption({ tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 50, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: years }, yAxis: { type: "value" },
      series: [line("t_identified", (y) => y.households_identified), line("t_exited", (y) => y.households_exited),
        line("t_poor", (y) => y.poor_households), bar("t_exits", (y) => y.exits), bar("t_returns", (y) => y.returns)] }, true);
  }
  function renderChildren(ch) {
    const box = $("children"); box.textContent = "";
    ch.children.forEach((c) => {
      if (c.name) state.names[c.code] = c.name;
      const tile = document.createElement("div"); tile.className = "tile"; tile.dataset.code = c.code;
      tile.innerHTML = `<div class="name"></div><div class="nums">${fmt(c.households_identified)} ${t("households")} · ` +
        `${t("k_exit_rate")} ${pct(c.exit_rate)}</div><div class="rate"><i style="width:${Math.round(c.exit_rate * 100)}%"></i></div>` +
        (c.open_alerts ? `<div class="warn">${t("alerts")} ${fmt(c.open_alerts)}</div>` : "");
      tile.querySelector(".name").textContent = nameOf(c.code);
      if (c.level !== "village") tile.addEventListener("click", () => { state.path.push(c.code); reconnect(); });
      box.appendChild(tile);
    });
    const c = chart("chart-children"); if (!c) return;
    const names = ch.children.map((x) => nameOf(x.code));
    c.setOption({ tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 60, right: 50, top: 20, bottom: 70 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 8 ? 45 : 0 } },
      yAxis: [{ type: "value" }, { type: "value", max: 1, axisLabel: { formatter: (v) => Math.round(v * 100) + "%" } }],
      series: [{ name: t("allocated"), type: "bar", data: ch.children.map((x) => wan(x.funds_allocated_fen)) },
        { name: t("disbursed"), type: "bar", data: ch.children.map((x) => wan(x.funds_disbursed_fen)) },
        { name: t("exit_rate_axis"), type: "line", yAxisIndex: 1, data: ch.children.map((x) => x.exit_rate) }] }, true);
  }
  function renderBars(id, entries, prefix) {
    const c = chart(id); if (!c) return;
    entries.sort((a, b) => b[1] - a[1]);
    c.setOption({ tooltip: { trigger: "axis" }, grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: entries.map((e) => label(prefix, e[0])) },
      series: [{ type: "bar", data: entries.map((e) => e[1]), itemStyle: { color: "#b8232f" } }] }, true);
  }
  function alertRow(a) {
    const tr = document.createElement("tr"); tr.dataset.id = a.id;
    const kind = document.createElement("td"); kind.className = "kind";
    kind.textContent = state.lang === "zh" ? a.label_zh : a.label_en;
    const div = document.createElement("td"); div.textContent = nameOf(a.division_code) + (a.unit ? " · " + a.unit : "");
    const raised = document.createElement("td"); raised.textContent = a.raised_on;
    const due = document.createElement("td"); due.textContent = a.due_on || "–";
    const st = document.createElement("td");
    st.innerHTML = `<span class="badge ${a.state}">${t("st_" + a.state)}</span>` + (a.overdue ? ` <span class="badge overdue">${t("overdue")}</span>` : "");
    if (a.assignee) st.append(" " + a.assignee);
    const act = document.createElement("td");
    if (a.state !== "resolved" && scopes().includes("monitoring:write")) {
      const b1 = document.createElement("button"); b1.textContent = t("assign");
      b1.addEventListener("click", () => act_(a, "assign"));
      const b2 = document.createElement("button"); b2.textContent = t("resolve");
      b2.addEventListener("click", () => act_(a, "resolve"));
      act.append(b1, b2);
    }
    tr.append(kind, div, raised, due, st, act);
    return tr;
  }
  async function act_(a, action) {
    const text = window.prompt(t(action === "assign" ? "assignee_prompt" : "resolution_prompt"));
    if (!text) return;
    const body = action === "assign" ? { assignee: text } : { resolution: text };
    try {
      await api(`/v1/alerts/${a.id}/${action}`, { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "If-Match": `"v${a.version}"` } });
    } catch (e) { window.alert(e.message); }
    loadAlerts(false);
  }
  async function loadAlerts(append) {
    const q = new URLSearchParams({ division: division(), limit: "20" });
    if (state.alertState) q.set("state", state.alertState);
    if (append && state.alertCursor) q.set("cursor", state.alertCursor);
    const page = await api("/v1/alerts?" + q);
    const body = $("alerts").querySelector("tbody");
    if (!append) body.textContent = "";
    page.items.forEach((a) => body.appendChild(alertRow(a)));
    if (!body.children.length) { const tr = document.createElement("tr"); tr.innerHTML = `<td colspan="6">${t("no_alerts")}</td>`; body.appendChild(tr); }
    state.alertCursor = page.next_cursor; $("more-alerts").hidden = !page.next_cursor;
  }
  async function loadRegistryNames(code) {
    if (!CFG.registryBase || !scopes().includes("registry:read")) return;
    if (state.registryPaths === undefined) {
      state.registryPaths = null;
      try {
        const r = await fetch(CFG.registryBase + "/openapi.json");
        if (r.ok) state.registryPaths = Object.keys((await r.json()).paths || {});
      } catch (e) { state.registryPaths = null; }
    }
    if (!state.registryPaths || !state.registryPaths.includes("/v1/divisions")) return;
    try {
      const r = await fetch(`${CFG.registryBase}/v1/divisions?parent=${code}&limit=500`, { headers: { Authorization: "Bearer " + state.token } });
      if (!r.ok) return;
      const body = await r.json();
      (Array.isArray(body) ? body : body.items || []).forEach((d) => { if (d.code && d.name) state.names[d.code] = d.name; });
    } catch (e) { /* names are a nicety; codes stand in for them */ }
  }

  async function load() {
    if (state.loading) { state.pending = true; return; }
    state.loading = true;
    try {
      const code = division();
      const yq = state.year ? `&year=${state.year}` : "";
      const [o, ch, tr, ind] = await Promise.all([
        api(`/v1/overview?division=${code}${yq}`), api(`/v1/divisions/${code}/children?${yq.slice(1)}`),
        api(`/v1/divisions/${code}/trends`), api(`/v1/divisions/${code}/indicators?${yq.slice(1)}`)]);
      if (o.name) state.names[code] = o.name;
      await loadRegistryNames(code);
      renderCrumbs(); renderKpis(o, ind); renderStatus(o); renderTrends(tr); renderChildren(ch);
      renderBars("chart-causes", Object.entries(o.poverty_causes), "c_");
      renderBars("chart-guarantees", Object.entries(o.guarantees.failures), "g_");
      fillYears(tr);
      $("asof").textContent = `${t("asof")} ${o.as_of ? new Date(o.as_of).toLocaleString() : "–"} · ${t("lag")} ${o.lag_ms === null ? "–" : o.lag_ms + " ms"} · ${t("events")} ${fmt(o.events_applied)}`;
      $("main").dataset.loaded = String(Date.now());
      await loadAlerts(false);
    } catch (e) {
      if (e.status === 403) showLogin(e.message);
    } finally {
      state.loading = false;
      if (state.pending) { state.pending = false; schedule(); }
    }
  }
  function fillYears(tr) {
    const sel = $("year"); const wanted = ["", ...tr.years.map((y) => String(y.year))];
    const have = Array.from(sel.options).map((o) => o.value);
    if (have.join() === wanted.join()) { sel.options[0].textContent = t("current"); return; }
    sel.textContent = "";
    wanted.forEach((y) => { const o = document.createElement("option"); o.value = y; o.textContent = y || t("current"); sel.appendChild(o); });
    sel.value = state.year;
  }
  function schedule() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(load, 300);
  }

  // ---- live updates: server-sent events over fetch (EventSource cannot send the bearer token) ----
  function setLive(on) {
    $("live").className = "live " + (on ? "on" : "off");
    $("live").querySelector("b").textContent = t(on ? "live" : "offline");
  }
  function stopStream() { if (state.stream) { state.stream.abort(); state.stream = null; } setLive(false); }
  async function openStream(retry) {
    const controller = new AbortController(); state.stream = controller;
    try {
      const response = await fetch(`${CFG.apiBase}/v1/stream?division=${division()}`,
        { headers: { Authorization: "Bearer " + state.token, Accept: "text/event-stream" }, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error("stream " + response.status);
      setLive(true); retry = 0;
      const reader = response.body.getReader(); const decoder = new TextDecoder(); let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
          const ev = (block.match(/^event: (.*)$/m) || [])[1];
          if (ev === "view" || ev === "alert") schedule();
        }
      }
    } catch (e) { /* reconnects below unless aborted */ }
    if (state.stream !== controller) return;
    setLive(false);
    setTimeout(() => { if (state.stream === controller) openStream((retry || 0) + 1); }, Math.min(10000, 1000 * 2 ** (retry || 0)));
  }
  function reconnect() { stopStream(); state.alertCursor = null; load(); openStream(0); }
  function start() { applyI18n(); reconnect(); }

  // ---- wiring ----
  document.addEventListener("DOMContentLoaded", () => {
    applyI18n();
    $("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("fupin.lang", state.lang); applyI18n(); if (state.token) load(); });
    $("signin").addEventListener("click", signInDemo);
    $("use-token").addEventListener("click", () => useToken($("token-input").value.trim()));
    $("signout").addEventListener("click", signOut);
    $("year").addEventListener("change", (e) => { state.year = e.target.value; load(); });
    $("alert-state").addEventListener("change", (e) => { state.alertState = e.target.value; loadAlerts(false); });
    $("more-alerts").addEventListener("click", () => loadAlerts(true));
    window.addEventListener("resize", () => Object.values(state.charts).forEach((c) => c.resize()));
    if (state.token && claimsOf(state.token) && claimsOf(state.token).exp * 1000 > Date.now()) useToken(state.token);
    else if (CFG.tokenUrl) { showLogin(""); signInDemo(); }
    else showLogin("");
  });
})();
