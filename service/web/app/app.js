// Deskmate review page: plain JavaScript, no build step, no third-party code.
// SAFETY: every text that comes from the API (ticket, draft, cases, labels) is put in the page with textContent
// or as a text node, never as markup; this file contains no innerHTML, and the page's Content-Security-Policy
// allows only this script.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const session = window.sessionStorage;
  const KEY = "deskmate.key";
  const AGENT = "deskmate.agent";
  const PENDING = "deskmate.pending";
  // Placeholders the agent must fill (models/drafting/types.py: _PLACEHOLDER); a Markdown link is not one.
  const PLACEHOLDER = /\[[^[\]\n]{1,60}\](?!\()|\{\{[^{}\n]{1,60}\}\}|<[A-Za-z][A-Za-z _-]{0,30}>/g;
  const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

  const state = {
    items: [], selected: -1, cursor: null, current: null, confirmed: new Set(), sending: false,
    filters: {},
  };

  class AuthError extends Error {}

  class ApiFailure extends Error {
    constructor(status, code, message, details) {
      super(message);
      this.status = status;
      this.code = code;
      this.details = details;
    }
  }

  // -- DOM helpers: text only -----------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name === "className") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function setStatus(id, text, kind) {
    const node = $(id);
    node.textContent = text || "";
    node.dataset.kind = kind || "";
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return "app-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function duration(seconds) {
    const s = Math.abs(seconds);
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m";
    if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }

  function slaText(decision) {
    if (decision.sla_seconds_left === null || decision.sla_seconds_left === undefined) return "no SLA";
    const left = decision.sla_seconds_left;
    return left < 0 ? "SLA overdue " + duration(left) : "SLA " + duration(left) + " left";
  }

  function when(iso) {
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleString();
  }

  // -- API ----------------------------------------------------------------------------------------------
  async function api(path, options) {
    const opts = options || {};
    const key = session.getItem(KEY);
    if (!key) {
      showLogin("");
      throw new AuthError("no key");
    }
    const headers = Object.assign({ Authorization: "Bearer " + key, Accept: "application/json" }, opts.headers);
    const init = { method: opts.method || "GET", headers, cache: "no-store", credentials: "omit" };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    const response = await fetch(path, init); // a network failure throws a TypeError
    let data = null;
    try {
      data = await response.json();
    } catch (_) {
      data = null;
    }
    const error = data && data.error ? data.error : null;
    const message = error ? error.message : "HTTP " + response.status;
    if (response.status === 401) {
      session.removeItem(KEY);
      showLogin("The key was refused (" + message + "). Enter a valid key with the agent scope.");
      throw new AuthError(message);
    }
    if (response.status === 403 && error && error.code === "forbidden") {
      session.removeItem(KEY);
      showLogin("This key cannot review drafts (" + message + "). Enter a key with the agent scope.");
      throw new AuthError(message);
    }
    if (!response.ok) throw new ApiFailure(response.status, error ? error.code : "http_error", message,
      error ? error.details : null);
    return { status: response.status, data, headers: response.headers };
  }

  // -- login --------------------------------------------------------------------------------------------
  function showLogin(message) {
    const dialog = $("login");
    $("login-message").textContent = message || "";
    $("login-agent").value = session.getItem(AGENT) || "";
    $("login-key").value = "";
    if (!dialog.open) dialog.showModal();
    (session.getItem(AGENT) ? $("login-key") : $("login-agent")).focus();
  }

  function whoami() {
    const agent = session.getItem(AGENT);
    $("whoami").textContent = agent ? "Signed in as " + agent : "";
  }

  $("login").addEventListener("cancel", (event) => {
    if (!session.getItem(KEY)) event.preventDefault(); // nothing works without a key
  });

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("login-key").value.trim();
    const agent = $("login-agent").value.trim();
    if (!key || !agent) {
      $("login-message").textContent = "Enter both the key and your agent id.";
      return;
    }
    session.setItem(KEY, key);
    session.setItem(AGENT, agent);
    $("login").close();
    whoami();
    start();
  });

  $("logout").addEventListener("click", () => {
    session.removeItem(KEY);
    state.items = [];
    state.current = null;
    renderInbox();
    showDetail(false);
    showLogin("Signed out.");
  });

  // -- inbox --------------------------------------------------------------------------------------------
  function filterQuery() {
    const params = new URLSearchParams();
    const f = state.filters;
    if (f.queue) params.set("queue", f.queue);
    if (f.urgency) params.set("urgency", f.urgency);
    if (f.language) params.set("language", f.language);
    if (f.needs_human) params.set("needs_human", "true");
    if (f.unreviewed) params.set("unreviewed", "true");
    if (f.unreviewed && f.include_stale) params.set("include_stale", "true");
    params.set("limit", "50");
    return params;
  }

  async function loadInbox(more) {
    const params = filterQuery();
    if (more && state.cursor) params.set("cursor", state.cursor);
    setStatus("inbox-status", "Loading…");
    try {
      const { data } = await api("/v1/suggestions?" + params.toString());
      state.items = more ? state.items.concat(data.items) : data.items;
      state.cursor = data.next_cursor;
      if (!more) state.selected = state.items.length ? 0 : -1;
      const current = state.current && state.items.findIndex((i) => i.suggestion_id === state.current.suggestion_id);
      if (!more && current >= 0) state.selected = current;
      renderInbox();
      setStatus("inbox-status", state.items.length ? state.items.length + " suggestion(s)" : "No suggestions match.");
    } catch (error) {
      if (error instanceof AuthError) return;
      setStatus("inbox-status", "Could not load the inbox: " + error.message, "error");
    }
  }

  function addOptions(list, values) {
    const seen = new Set(Array.from(list.children, (o) => o.value));
    for (const value of values) {
      if (value && !seen.has(value)) {
        seen.add(value);
        list.append(el("option", { value, text: value }));
      }
    }
  }

  function staleText(stale) {
    return "stale — superseded by " + (stale.superseded_by || "a newer suggestion");
  }

  function renderInbox() {
    const list = clear($("inbox-list"));
    state.items.forEach((item, index) => {
      const d = item.decision;
      const review = item.review;
      const badges = el("span", { className: "badges" },
        el("span", { className: "badge urgency-" + (d.urgency || "none"), text: d.urgency || "?" }),
        d.needs_human ? el("span", { className: "badge human", text: "needs human" }) : null,
        review ? el("span", { className: "badge reviewed " + review.action, text: review.action })
          : el("span", { className: "badge new", text: "not reviewed" }),
        item.stale ? el("span", { className: "badge stale", text: staleText(item.stale) }) : null);
      const sla = el("span", { className: d.sla_seconds_left < 0 ? "sla overdue" : "sla", text: slaText(d) });
      const button = el("button", {
        type: "button", className: "item", "data-id": item.suggestion_id,
        "aria-current": index === state.selected ? "true" : null,
        onclick: () => { state.selected = index; open(item.suggestion_id); },
      }, el("span", { className: "subject", text: item.subject || "(no subject)" }), badges,
      el("span", { className: "meta", text: d.topic + " · " + d.queue + " · " + (item.language || "?") }), sla);
      list.append(el("li", { className: index === state.selected ? "selected" : null }, button));
    });
    $("more").hidden = !state.cursor;
    addOptions($("queues"), state.items.map((i) => i.decision.queue));
    addOptions($("languages"), state.items.map((i) => i.language));
    addOptions($("f-urgency"), state.items.map((i) => i.decision.urgency));
  }

  function move(step) {
    if (!state.items.length) return;
    state.selected = Math.max(0, Math.min(state.items.length - 1, state.selected + step));
    renderInbox();
    const selected = $("inbox-list").querySelector('li.selected button');
    if (selected) selected.focus();
  }

  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    state.filters = {
      queue: $("f-queue").value.trim(), urgency: $("f-urgency").value, language: $("f-language").value.trim(),
      needs_human: $("f-human").checked, unreviewed: $("f-unreviewed").checked,
      include_stale: $("f-stale").checked,
    };
    loadInbox(false);
  });
  for (const id of ["f-urgency", "f-human", "f-unreviewed", "f-stale"]) {
    $(id).addEventListener("change", () => $("filters").requestSubmit());
  }
  $("more").addEventListener("click", () => loadInbox(true));

  // -- one ticket ---------------------------------------------------------------------------------------
  function open(id) {
    const target = "#/s/" + encodeURIComponent(id);
    if (location.hash === target) loadDetail(id);
    else location.hash = target;
  }

  function showDetail(visible) {
    $("detail-body").hidden = !visible;
    $("detail-empty").hidden = visible;
    document.body.classList.toggle("viewing", visible);
  }

  async function loadDetail(id) {
    setStatus("detail-status", "Loading…");
    // Until this one is shown, a/r/e act on nothing (never on the ticket shown before it).
    if (!state.current || state.current.suggestion_id !== id) state.current = null;
    delete $("detail").dataset.loaded;
    try {
      const { data } = await api("/v1/suggestions/" + encodeURIComponent(id));
      state.current = data;
      state.confirmed = new Set();
      renderDetail(data);
      showDetail(true);
      $("detail").dataset.loaded = id;
      if (!$("detail").contains(document.activeElement)) $("detail").focus();
      const pending = readPending();
      if (pending && pending.id === id) {
        send(pending, 0);
      } else {
        setStatus("detail-status", data.reviews.length ? "Already reviewed: see Reviews below." : "");
      }
    } catch (error) {
      if (error instanceof AuthError) return;
      state.current = null;
      showDetail(true);
      clear($("draft-sentences"));
      if (error.status === 404) {
        setStatus("detail-status", "This suggestion no longer exists (it was erased or never stored).", "error");
        state.items = state.items.filter((i) => i.suggestion_id !== id);
        renderInbox();
      } else {
        setStatus("detail-status", "Could not load the ticket: " + error.message, "error");
      }
      for (const node of ["ticket-subject", "ticket-meta", "ticket-body"]) $(node).textContent = "";
      clear($("routing"));
      clear($("reviews"));
      updateBlockers();
    }
  }

  function renderDetail(data) {
    const t = data.ticket;
    $("ticket-subject").textContent = t.subject || "(no subject)";
    $("ticket-meta").textContent = [t.channel, t.language, "received " + when(data.created_at)]
      .filter(Boolean).join(" · ");
    $("ticket-body").textContent = t.body;
    renderStale(data);
    renderRouting(data.decision);
    renderDraft(data);
    renderReviews(data.reviews);
  }

  function renderStale(data) {
    // A newer suggestion superseded this one (the customer replied): say so, link it, and block accepting.
    const box = clear($("stale"));
    box.hidden = !data.stale;
    if (!data.stale) return;
    const newer = data.stale.superseded_by;
    box.append(el("strong", { text: staleText(data.stale) }),
      el("span", { text: " (the customer replied " + when(data.stale.stale_at) + "). Accepting is blocked; review "
        + "the newer suggestion instead. " }),
      newer ? el("button", { type: "button", className: "link", id: "open-newer", text: "Open " + newer,
        onclick: () => open(newer) }) : null);
  }

  function renderSignals(d) {
    if (d.signals === null || d.signals === undefined) return el("dd", { text: "not stored with this suggestion" });
    if (!d.signals.length) return el("dd", { text: "none" });
    return el("dd", {}, el("ul", { className: "signals", id: "signals" }, ...d.signals.map((s) => el("li", {},
      el("strong", { text: s.name }), " (" + s.kind + ") raised to " + s.raised_to + ": ",
      el("q", { className: "evidence", text: s.evidence })))));
  }

  function renderRules(d) {
    if (d.applied_rules === null || d.applied_rules === undefined) {
      return el("dd", { text: "not stored with this suggestion" });
    }
    if (!d.applied_rules.length) return el("dd", { text: "none" });
    return el("dd", {}, el("ul", { className: "rules", id: "rules" },
      ...d.applied_rules.map((name) => el("li", {}, el("code", { text: name })))));
  }

  function renderRouting(d) {
    const box = clear($("routing"));
    const confidence = d.confidence === null ? null : Math.round(d.confidence * 100);
    const bar = el("meter", { id: "confidence", min: "0", max: "1", low: "0.5", high: "0.8", optimum: "1",
      value: d.confidence === null ? "0" : String(d.confidence), "aria-label": "Topic confidence" });
    const dl = el("dl", { className: "facts" },
      el("dt", { text: "Topic" }), el("dd", {}, el("strong", { text: d.topic }), " ",
        bar, " ", el("span", { text: confidence === null ? "n/a" : confidence + "%" })),
      el("dt", { text: "Alternatives" }), el("dd", { text: d.alternatives.length ? d.alternatives.join(", ") : "none" }),
      el("dt", { text: "Urgency" }), el("dd", { text: d.urgency || "?" }),
      el("dt", { text: "Queue" }), el("dd", { text: d.queue }),
      el("dt", { text: "Priority" }), el("dd", { text: d.priority || "?" }),
      el("dt", { text: "SLA" }), el("dd", { className: d.sla_seconds_left < 0 ? "overdue" : null, text: slaText(d) }),
      el("dt", { text: "Needs human" }),
      el("dd", { text: d.needs_human ? "yes" + (d.reason ? " (" + d.reason + ")" : "") : "no" }),
      el("dt", { text: "Urgency signals" }), renderSignals(d),
      el("dt", { text: "Rules applied" }), renderRules(d),
      el("dt", { text: "Model" }), el("dd", { className: "small", text: d.model_version }));
    box.append(dl);
  }

  function withPlaceholders(text) {
    // The sentence as text nodes, each placeholder in a highlighted <mark>.
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (match.index > last) frag.append(document.createTextNode(text.slice(last, match.index)));
      frag.append(el("mark", { className: "placeholder", title: "Fill this in before sending", text: match[0] }));
      last = match.index + match[0].length;
    }
    if (last < text.length) frag.append(document.createTextNode(text.slice(last)));
    return frag;
  }

  function renderDraft(data) {
    const warnings = clear($("warnings"));
    const all = (data.warnings || []).concat(data.draft_error ? ["No draft: " + data.draft_error] : []);
    if (all.length) {
      warnings.append(el("ul", { className: "warnings", "aria-label": "Warnings" },
        ...all.map((w) => el("li", { text: w }))));
    }
    const box = clear($("draft-sentences"));
    const draft = data.draft;
    const sources = new Map((data.sources || []).map((s, i) => [s.source_id, Object.assign({ n: i + 1 }, s)]));
    if (draft) {
      const needs = new Set(draft.needs_confirmation || []);
      let at = 0; // the text between sentences (line breaks, paragraphs) is kept from draft.text
      draft.sentences.forEach((sentence, index) => {
        const found = draft.text.indexOf(sentence.text, at);
        if (found > at) box.append(draft.text.slice(at, found));
        else if (index > 0 && found < 0) box.append(" ");
        if (found >= 0) at = found + sentence.text.length;
        const node = el("span", { className: "sentence" + (needs.has(index) ? " confirm" : ""),
          "data-index": String(index) }, withPlaceholders(sentence.text));
        for (const sourceId of sentence.sources || []) {
          const source = sources.get(sourceId) || { source_id: sourceId, kind: "case", status: "unavailable", n: "?",
            quotes: [] };
          const link = el("button", { type: "button", className: "cite" + (source.status === "erased" ? " erased" : ""),
            "aria-label": "Source " + source.source_id + (source.status === "erased" ? " (erased)" : ""),
            "aria-describedby": "source-popup", text: "[" + source.n + "]" });
          const showIt = () => showSource(link, source, sentence.text);
          link.addEventListener("mouseenter", showIt);
          link.addEventListener("focus", showIt);
          link.addEventListener("click", showIt);
          link.addEventListener("mouseleave", hideSource);
          link.addEventListener("blur", hideSource);
          node.append(" ", link);
        }
        box.append(node);
      });
      if (at < draft.text.length) box.append(draft.text.slice(at));
    } else {
      box.append(el("p", { className: "muted", text: "No draft for this ticket; write the reply below or reject." }));
    }
    const actions = clear($("actions-list"));
    if (draft && draft.agent_actions && draft.agent_actions.length) {
      actions.append(el("h4", { text: "Actions to decide on (never stated as done in the draft)" }),
        el("ul", { className: "checklist" }, ...draft.agent_actions.map((action, i) => el("li", {},
          el("input", { type: "checkbox", id: "action-" + i }),
          el("label", { for: "action-" + i }, action.text, el("span", { className: "muted small",
            text: " (from " + action.source_id + ")" }))))));
    }
    $("reply").value = draft ? draft.text : "";
    $("reject-code").value = "";
    $("reject-text").value = "";
    for (const id of ["c-topic", "c-urgency", "c-queue"]) $(id).value = "";
    updateBlockers();
  }

  function showSource(anchor, source, cited) {
    const popup = clear($("source-popup"));
    popup.append(el("strong", { text: source.kind + " " + source.source_id }));
    if (source.title) popup.append(el("p", { className: "source-title", text: source.title }));
    if (source.status === "erased") {
      popup.append(el("p", { text: "This source was erased; its text is no longer available." }));
    } else if (source.status === "unavailable") {
      popup.append(el("p", { text: "The source's text is not available right now." }));
    }
    if (source.text) popup.append(el("p", { className: "passage", text: source.text }));
    for (const quote of source.quotes || []) popup.append(el("blockquote", { text: quote }));
    if (!source.text && !(source.quotes || []).length && source.status === "available") {
      popup.append(el("p", { className: "muted", text: "Cited for:" }), el("blockquote", { text: cited }));
    }
    popup.hidden = false;
    // Just below the link, in the coordinates of the popup's positioned ancestor (the draft's card).
    const box = (popup.offsetParent || document.body).getBoundingClientRect();
    const at = anchor.getBoundingClientRect();
    popup.style.top = (at.bottom - box.top + 6) + "px";
  }

  function hideSource() {
    $("source-popup").hidden = true;
  }

  // -- blocking accept until every placeholder is filled and every marked sentence confirmed ----------------
  function unresolved() {
    const data = state.current;
    const text = $("reply").value;
    const found = Array.from(text.matchAll(PLACEHOLDER), (m) => m[0]);
    const confirmations = [];
    if (data && data.draft) {
      for (const index of data.draft.needs_confirmation || []) {
        const sentence = data.draft.sentences[index];
        if (sentence && !state.confirmed.has(index) && text.includes(sentence.text)) confirmations.push(index);
      }
    }
    // A sentence's "[confirm before sending]" marker is resolved by its checkbox, not listed twice.
    const placeholders = confirmations.length ? found.filter((p) => !/confirm/i.test(p)) : found;
    return { placeholders, confirmations };
  }

  function stripMarkers(sentence) {
    return sentence.replace(PLACEHOLDER, (p) => (/confirm/i.test(p) ? "" : p)).replace(/^\s+/, "");
  }

  function updateBlockers() {
    const box = clear($("blockers"));
    const data = state.current;
    const { placeholders, confirmations } = unresolved();
    if (data && data.draft && (data.draft.needs_confirmation || []).length) {
      box.append(el("h4", { text: "Confirm before sending" }));
      box.append(el("ul", { className: "checklist" }, ...data.draft.needs_confirmation.map((index) => {
        const sentence = data.draft.sentences[index];
        const id = "confirm-" + index;
        const box = el("input", { type: "checkbox", id, checked: state.confirmed.has(index) });
        box.addEventListener("change", () => {
          if (box.checked) {
            state.confirmed.add(index);
            const reply = $("reply");
            if (sentence && reply.value.includes(sentence.text)) {
              reply.value = reply.value.replace(sentence.text, stripMarkers(sentence.text));
            }
          } else {
            state.confirmed.delete(index);
          }
          updateBlockers();
        });
        return el("li", {}, box, el("label", { for: id }, "I checked and confirm: ",
          el("q", { text: sentence ? stripMarkers(sentence.text) : "sentence " + index })));
      })));
    }
    if (placeholders.length) {
      box.append(el("h4", { text: "Fill in before sending" }));
      box.append(el("ul", { className: "checklist" }, ...placeholders.map((p) => el("li", {},
        el("button", { type: "button", className: "link", text: p, "aria-label": "Select " + p + " in the reply",
          onclick: () => selectPlaceholder(p) })))));
    }
    const blocked = placeholders.length + confirmations.length;
    const accept = $("accept");
    const changed = data && data.draft ? $("reply").value !== data.draft.text : true;
    accept.textContent = changed ? "Send edited" : "Accept";
    const stale = Boolean(data && data.stale);
    accept.disabled = !data || state.sending || blocked > 0 || stale || !$("reply").value.trim();
    accept.title = stale ? "This suggestion is stale: review the newer one" : blocked ? "Resolve " + blocked
      + " item(s) first: fill the placeholders, confirm the marked sentences" : "";
    $("reject").disabled = !data || state.sending;
    $("edit").disabled = !data;
    if (blocked) box.append(el("p", { className: "blocked", id: "blocked-note",
      text: blocked + " item(s) to resolve before accepting." }));
  }

  function selectPlaceholder(placeholder) {
    const reply = $("reply");
    const text = reply.value;
    const at = placeholder ? text.indexOf(placeholder) : text.search(PLACEHOLDER);
    reply.focus();
    if (at >= 0) {
      const match = placeholder || text.slice(at).match(PLACEHOLDER)[0];
      reply.setSelectionRange(at, at + match.length);
    }
  }

  $("reply").addEventListener("input", updateBlockers);
  $("edit").addEventListener("click", () => selectPlaceholder(null));
  $("accept").addEventListener("click", () => review("accept"));
  $("reject").addEventListener("click", () => review("reject"));
  $("back").addEventListener("click", back);

  function back() {
    history.replaceState(null, "", location.pathname);
    state.current = null;
    showDetail(false);
    const selected = $("inbox-list").querySelector("li.selected button");
    if (selected) selected.focus();
  }

  // -- sending a review: one Idempotency-Key per review, reused for every retry ------------------------------
  function readPending() {
    try {
      return JSON.parse(session.getItem(PENDING) || "null");
    } catch (_) {
      return null;
    }
  }

  function review(kind) {
    const data = state.current;
    if (!data || state.sending) return;
    const body = { agent_id: session.getItem(AGENT) || "", if_unreviewed: true };
    if (kind === "accept") {
      if (data.stale) {
        setStatus("detail-status", staleText(data.stale) + ": accept the newer suggestion instead.", "error");
        return;
      }
      body.if_current = true;
      const { placeholders, confirmations } = unresolved();
      if (placeholders.length || confirmations.length) {
        setStatus("detail-status", "Resolve the highlighted items before accepting.", "error");
        return;
      }
      const text = $("reply").value;
      if (data.draft && text === data.draft.text) body.action = "accepted";
      else {
        body.action = "edited";
        body.final_text = text;
      }
    } else {
      const code = $("reject-code").value;
      if (!code) {
        setStatus("detail-status", "Choose a reason to reject.", "error");
        $("reject-code").focus();
        return;
      }
      body.action = "rejected";
      body.reason_code = code;
      if ($("reject-text").value.trim()) body.reason = $("reject-text").value.trim();
    }
    const corrected = {};
    for (const [id, name] of [["c-topic", "topic"], ["c-urgency", "urgency"], ["c-queue", "queue"]]) {
      if ($(id).value.trim()) corrected[name] = $(id).value.trim();
    }
    if (Object.keys(corrected).length) body.corrected = corrected;
    const pending = { id: data.suggestion_id, key: randomKey(), body };
    session.setItem(PENDING, JSON.stringify(pending));
    send(pending, 0);
  }

  async function send(pending, attempt) {
    state.sending = true;
    updateBlockers();
    setStatus("detail-status", attempt ? "Pending: retrying (attempt " + (attempt + 1) + ")…" : "Sending…", "pending");
    try {
      const { data } = await api("/v1/suggestions/" + encodeURIComponent(pending.id) + "/feedback",
        { method: "POST", body: pending.body, headers: { "Idempotency-Key": pending.key } });
      session.removeItem(PENDING);
      state.sending = false;
      await afterReview(pending.id, "Saved: " + data.action + (data.replayed ? " (already stored, not stored twice)" : ""));
    } catch (error) {
      if (error instanceof AuthError) {
        state.sending = false; // kept as pending: sent again with the same key after signing in
        return;
      }
      if (error instanceof ApiFailure && error.status < 500 && ![408, 429].includes(error.status)) {
        session.removeItem(PENDING);
        state.sending = false;
        let message = error.message;
        if (error.code === "already_reviewed") {
          const who = (error.details || [])[0];
          message = "Already reviewed" + (who ? " by " + who.agent_id + " (" + who.action + ", " + when(who.reviewed_at)
            + ")" : "") + ": your review was not stored.";
        } else if (error.code === "stale_suggestion") {
          const newer = (error.details || [])[0];
          message = "This suggestion is stale" + (newer && newer.superseded_by ? " — superseded by "
            + newer.superseded_by : "") + " (the customer replied): your review was not stored.";
        }
        await afterReview(pending.id, message, "error");
        return;
      }
      const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
      setStatus("detail-status", "Pending: could not reach Deskmate (" + error.message + "); retrying in "
        + Math.round(wait / 1000) + " s with the same Idempotency-Key.", "pending");
      window.setTimeout(() => {
        const still = readPending();
        if (still && still.key === pending.key) send(pending, attempt + 1);
        else state.sending = false;
      }, wait);
    }
  }

  async function afterReview(id, message, kind) {
    state.sending = false;
    if (state.current && state.current.suggestion_id === id) await loadDetail(id);
    setStatus("detail-status", message, kind || "ok");
    loadInbox(false);
  }

  function renderReviews(reviews) {
    const list = clear($("reviews"));
    if (!reviews.length) list.append(el("li", { className: "muted", text: "Not reviewed yet." }));
    for (const r of reviews) {
      const extra = [r.reason_code, r.reason].filter(Boolean).join(": ");
      const corrected = r.corrected ? Object.entries(r.corrected).filter(([, v]) => v)
        .map(([k, v]) => k + " → " + v).join(", ") : "";
      list.append(el("li", {}, el("strong", { text: r.action }), " by ", r.agent_id, " · ", when(r.created_at),
        extra ? " · " + extra : "", corrected ? " · corrected " + corrected : ""));
    }
  }

  // -- keyboard -----------------------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      if (event.key === "Escape" && !target.closest("dialog")) target.blur();
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    const onButton = target instanceof Element && target.closest("button, a");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter":
        if (onButton) return;
        if (state.selected >= 0 && state.items[state.selected]) open(state.items[state.selected].suggestion_id);
        break;
      case "a": review("accept"); break;
      case "e": if (state.current) selectPlaceholder(null); break;
      case "r": if (state.current) $("reject-code").focus(); break;
      case "u": back(); break;
      case "?": $("help").showModal(); break;
      default: return;
    }
    event.preventDefault();
  });
  $("help-button").addEventListener("click", () => $("help").showModal());

  // -- start --------------------------------------------------------------------------------------------
  function route() {
    const match = location.hash.match(/^#\/s\/(.+)$/);
    if (match) loadDetail(decodeURIComponent(match[1]));
  }

  window.addEventListener("hashchange", route);

  function start() {
    loadInbox(false).then(() => {
      if (!session.getItem(KEY)) return;
      const pending = readPending(); // a review not yet stored when the tab was reloaded: open it, send it again
      if (pending && !location.hash.endsWith(encodeURIComponent(pending.id))) open(pending.id);
      else route();
    });
  }

  whoami();
  updateBlockers();
  if (session.getItem(KEY)) start();
  else showLogin("");
})();
