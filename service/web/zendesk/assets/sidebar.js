/* Deskmate's compact draft view, and its Zendesk ticket-sidebar start-up (ZAF SDK v2).
 *
 * DeskmateCompact.mount(root, hooks) draws one suggestion (a /v1/suggest answer): the routing in one line, the
 * warnings, the draft in an editable text box with its placeholders and sentences to confirm listed, and
 * Insert / Reject. Insert stays disabled while a placeholder of `draft.unfilled` (e.g. "[amount]", the
 * "[confirm before sending]" marker) is still in the text. hooks.insert(text) puts the text in the desk;
 * hooks.feedback(body, idempotencyKey) posts the verdict (retried with the same key on network loss).
 * All ticket and draft text is set with textContent / value: nothing from a ticket is ever parsed as HTML.
 *
 * In Zendesk (window.ZAFClient exists and <body data-mode="zendesk">): reads the ticket with
 * client.get('ticket'), calls Deskmate with client.request({secure: true}) so that the key setting
 * ({{setting.deskmate_key}}) is filled in by Zendesk's proxy and never reaches the browser, and inserts with
 * client.invoke('ticket.editor.insert', text). */
(function (global) {
  "use strict";
  var REASONS = [["wrong_facts", "Wrong facts"], ["wrong_topic", "Wrong topic"], ["tone", "Tone"],
                 ["outdated", "Outdated"], ["other", "Other"]];
  var RETRIES = 3;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "className") { node.className = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function newKey(suggestionId) {
    var random = global.crypto && global.crypto.randomUUID ? global.crypto.randomUUID()
      : String(Date.now()) + "-" + Math.random().toString(16).slice(2);
    return "dm-" + suggestionId + "-" + random;
  }

  function occurrences(text, part) {
    var count = 0, at = text.indexOf(part);
    while (part && at !== -1) { count += 1; at = text.indexOf(part, at + part.length); }
    return count;
  }

  function pct(value) { return typeof value === "number" ? Math.round(value * 100) + " %" : "?"; }

  /* The placeholders still to fix: each entry of draft.unfilled whose text is still in `text`. */
  function pending(draft, text) {
    var seen = {}, left = [];
    (draft.unfilled || []).forEach(function (u) {
      seen[u.placeholder] = (seen[u.placeholder] || 0) + 1;
      if (occurrences(text, u.placeholder) >= seen[u.placeholder]) { left.push(u); }
    });
    return left;
  }

  function View(root, hooks) {
    this.root = root;
    this.hooks = hooks;
    this.suggestion = null;
    this.key = null;
  }

  View.prototype.status = function (text, kind) {
    var node = this.root.querySelector(".dm-status");
    node.textContent = text;
    node.className = "dm-status" + (kind ? " dm-" + kind : "");
  };

  View.prototype.message = function (text, kind) {
    this.root.textContent = "";
    this.root.appendChild(el("p", {className: "dm-status" + (kind ? " dm-" + kind : ""), role: "status"}, text));
  };

  View.prototype.render = function (suggestion) {
    var self = this, route = suggestion.route || {}, draft = suggestion.draft;
    this.suggestion = suggestion;
    this.key = null;
    this.root.textContent = "";
    if (suggestion.ticket && suggestion.ticket.subject) {  // the compact page: which ticket this is
      this.root.appendChild(el("h2", {className: "dm-subject"}, suggestion.ticket.subject));
    }
    var head = el("div", {className: "dm-route"});
    var topic = route.topic || {};
    head.appendChild(el("strong", {}, topic.label || "?"));
    head.appendChild(el("span", {className: "dm-muted"}, " " + pct(topic.confidence) + " · queue " +
      (route.queue || "?") + " · " + ((route.urgency || {}).label || "?") + " urgency"));
    this.root.appendChild(head);
    if (suggestion.stale) {  // a newer suggestion exists (the customer wrote again): never insert this one
      this.root.appendChild(el("p", {className: "dm-warn dm-stale", id: "dm-stale"},
        "Stale: the customer wrote again; review the newer suggestion" +
        (suggestion.stale.superseded_by ? " (" + suggestion.stale.superseded_by + ")" : "") + " instead."));
    }
    if (route.needs_human_triage) {
      this.root.appendChild(el("p", {className: "dm-warn"}, "Needs human triage: " + (route.reason || "unsure")));
    }
    (suggestion.warnings || []).forEach(function (w) { self.root.appendChild(el("p", {className: "dm-warn"}, w)); });
    if (!draft) {
      this.root.appendChild(el("p", {className: "dm-warn"}, "No draft: " + (suggestion.draft_error || "unknown")));
      return;
    }
    var label = el("label", {"for": "dm-text"}, "Draft (edit before inserting)");
    var box = el("textarea", {id: "dm-text", rows: "12", spellcheck: "true"});
    box.value = draft.text;
    var todo = el("ul", {className: "dm-todo", "aria-label": "To fix before inserting"});
    var status = el("p", {className: "dm-status", role: "status", "aria-live": "polite", tabindex: "-1"});
    var insert = el("button", {type: "button", className: "dm-primary", id: "dm-insert"}, "Insert reply");
    var reasonLabel = el("label", {"for": "dm-reason"}, "Reason");
    var reason = el("select", {id: "dm-reason"});
    REASONS.forEach(function (r) { reason.appendChild(el("option", {value: r[0]}, r[1])); });
    var reject = el("button", {type: "button", id: "dm-reject"}, "Reject draft");
    var rejectRow = el("div", {className: "dm-row"});
    [reasonLabel, reason, reject].forEach(function (n) { rejectRow.appendChild(n); });
    var actions = draft.agent_actions || [];
    var checklist = el("ul", {className: "dm-actions", "aria-label": "Actions for you to decide on"});
    actions.forEach(function (a, i) {
      var item = el("li"), id = "dm-action-" + i, check = el("input", {type: "checkbox", id: id});
      item.appendChild(check);
      item.appendChild(el("label", {"for": id}, a.text));
      checklist.appendChild(item);
    });

    var confirms = (draft.unfilled || []).filter(function (u) { return u.kind === "confirm"; });

    // Sentences to confirm without a marker in the text (e.g. an LLM's draft): a tick each.
    var unmarked = (draft.needs_confirmation || []).slice(confirms.length), ticked = {};
    self.blocked = function () {
      return (suggestion.stale ? 1 : 0) + pending(draft, box.value).length +
        unmarked.filter(function (i) { return !ticked[i]; }).length;
    };

    function refresh() {
      var text = box.value, left = pending(draft, text);
      todo.textContent = "";
      unmarked.forEach(function (index) {
        if (ticked[index]) { return; }
        var item = el("li", {className: "dm-mark"}), id = "dm-check-" + index;
        var check = el("input", {type: "checkbox", id: id});
        check.addEventListener("change", function () { ticked[index] = true; refresh(); status.focus(); });
        item.appendChild(check);
        item.appendChild(el("label", {"for": id}, "I checked: “" + ((draft.sentences || [])[index] || {}).text + "”"));
        todo.appendChild(item);
      });
      var from = {};  // where to look for the next copy of each placeholder
      left.forEach(function (u) {
        var item = el("li", {className: "dm-mark"});
        var at = text.indexOf(u.placeholder, from[u.placeholder] || 0);
        from[u.placeholder] = at + u.placeholder.length;
        if (u.kind === "confirm") {
          var nth = confirms.indexOf(u);  // the n-th marker goes with the n-th sentence to confirm
          var sentence = (draft.sentences || [])[(draft.needs_confirmation || [])[nth]];
          var said = sentence ? sentence.text.replace(u.placeholder, "").trim() : "";
          item.appendChild(el("span", {}, "Confirm or delete: "));
          item.appendChild(el("mark", {}, u.placeholder));
          item.appendChild(el("span", {}, " " + said + " "));
          var ok = el("button", {type: "button", className: "dm-confirm"}, "Confirmed");
          ok.addEventListener("click", function () {
            box.value = box.value.replace(u.placeholder + " ", "").replace(u.placeholder, "");
            refresh();
          });
          item.appendChild(ok);
        } else {
          item.appendChild(el("span", {}, "Fill in: "));
          item.appendChild(context(text, at, u.placeholder.length));
          var pick = el("button", {type: "button", className: "dm-select"}, "Select");
          pick.addEventListener("click", function () {  // select it in the box: typing replaces it
            box.focus();
            box.setSelectionRange(at, at + u.placeholder.length);
          });
          item.appendChild(el("span", {}, " "));
          item.appendChild(pick);
        }
        todo.appendChild(item);
      });
      var blocked = self.blocked();
      insert.disabled = blocked > 0 || !text.trim();
      insert.setAttribute("aria-disabled", String(insert.disabled));
      status.textContent = suggestion.stale ? "Stale: not to be inserted"
        : blocked ? blocked + " item(s) to fix before inserting" : "Ready to insert";
      status.className = "dm-status" + (blocked ? " dm-blocked" : " dm-ok");
    }

    box.addEventListener("input", refresh);
    insert.addEventListener("click", function () { self.approve(box.value); });
    reject.addEventListener("click", function () { self.send({action: "rejected", reason_code: reason.value}); });
    [todo, status, label, box].forEach(function (n) { self.root.appendChild(n); });
    if (actions.length) {
      this.root.appendChild(el("h3", {}, "Actions from similar cases (do them only if they apply)"));
      this.root.appendChild(checklist);
    }
    var row = el("div", {className: "dm-row"});
    row.appendChild(insert);
    this.root.appendChild(row);
    this.root.appendChild(rejectRow);
    this.root.appendChild(el("p", {className: "dm-status dm-result", role: "status", "aria-live": "polite"}));
    refresh();
  };

  /* The placeholder at `at` with some text around it, the placeholder highlighted. */
  function context(text, at, length) {
    var span = el("span", {className: "dm-context"});
    var start = Math.max(0, at - 32), end = Math.min(text.length, at + length + 32);
    var flat = function (part) { return part.replace(/\s+/g, " "); };
    span.appendChild(document.createTextNode((start > 0 ? "…" : "") + flat(text.slice(start, at))));
    span.appendChild(el("mark", {}, text.slice(at, at + length)));
    span.appendChild(document.createTextNode(flat(text.slice(at + length, end)) + (end < text.length ? "…" : "")));
    return span;
  }

  View.prototype.result = function (text, kind) {
    var node = this.root.querySelector(".dm-result");
    node.textContent = text;
    node.className = "dm-status dm-result" + (kind ? " dm-" + kind : "");
  };

  View.prototype.approve = function (text) {
    var self = this, draft = this.suggestion.draft;
    if (pending(draft, text).length || (this.blocked && this.blocked())) { return Promise.resolve(false); }
    return Promise.resolve(this.hooks.insert(text)).then(function () {
      // if_current: refused (409 stale_suggestion) if the customer wrote again since this draft was made
      var body = text === draft.text ? {action: "accepted", if_current: true}
        : {action: "edited", final_text: text, if_current: true};
      return self.send(body);
    }, function (error) { self.result("Could not insert: " + (error && error.message || error), "error"); });
  };

  /* Post the verdict once: the same Idempotency-Key for every retry of this review (never stored twice). */
  View.prototype.send = function (body) {
    var self = this, id = this.suggestion.suggestion_id;
    this.key = this.key || newKey(id);
    var key = this.key;
    function attempt(n) {
      self.result(n ? "Network trouble: retrying (" + n + "/" + RETRIES + ")…" : "Sending feedback…", "pending");
      return Promise.resolve(self.hooks.feedback(id, body, key)).then(function () {
        self.result(body.action === "rejected" ? "Rejected: thank you, noted."
          : (self.hooks.doneText || "Inserted; feedback sent."), "ok");
        self.root.dataset.feedback = body.action;
        Array.prototype.forEach.call(self.root.querySelectorAll("button, textarea, select"), function (n) {
          n.disabled = true;  // reviewed: nothing more to send from this view
        });
        return true;
      }, function (error) {
        var status = error && error.status;
        if ((!status || status >= 500) && n < RETRIES) {
          return new Promise(function (r) { setTimeout(r, 400 * (n + 1)); }).then(function () {
            return attempt(n + 1);
          });
        }
        var message = error && error.message || String(error);
        self.result(error && error.code === "stale_suggestion"
          ? "Stale: the customer wrote again since this draft; feedback not stored. Reopen for a fresh draft."
          : status === 409 ? "Already reviewed: " + message : "Feedback not sent: " + message, "error");
        return false;
      });
    }
    return attempt(0);
  };

  function mount(root, hooks) { return new View(root, hooks); }

  /* Zendesk: ZAF client → ticket → /v1/suggest → view; insert into the composer; feedback. */
  function parse(response) { return typeof response === "string" ? JSON.parse(response) : response; }

  function zafError(error) {
    var body = null;
    try { body = JSON.parse(error.responseText); } catch (ignored) { body = null; }
    var out = new Error(body && body.error ? body.error.message : (error.statusText || "request failed"));
    out.status = error.status;
    out.code = body && body.error ? body.error.code : undefined;
    return out;
  }

  function channel(ticket) {
    var name = ticket && ticket.via && ticket.via.channel;
    return ["email", "chat", "phone", "web"].indexOf(name) !== -1 ? name : (name === "api" ? "app" : "other");
  }

  function startZendesk() {
    var root = document.getElementById("deskmate");
    var client = global.ZAFClient.init();
    var view = mount(root, {});
    var base = "", agent = "zendesk";
    function call(path, body, headers) {
      return client.request({
        url: base + path, type: "POST", secure: true, contentType: "application/json", dataType: "json",
        headers: Object.assign({Authorization: "Bearer {{setting.deskmate_key}}"}, headers || {}),
        data: JSON.stringify(body)
      }).then(parse, function (error) { throw zafError(error); });
    }
    view.hooks.insert = function (text) { return client.invoke("ticket.editor.insert", text); };
    view.hooks.feedback = function (id, body, key) {
      return call("/v1/suggestions/" + encodeURIComponent(id) + "/feedback",
                  Object.assign({agent_id: agent}, body), {"Idempotency-Key": key});
    };
    client.invoke("resize", {width: "100%", height: "560px"});
    view.message("Asking Deskmate for a draft…", "pending");
    return client.metadata().then(function (meta) {
      base = String((meta.settings || {}).deskmate_url || "").replace(/\/+$/, "");
      if (!/^https?:\/\//.test(base)) { throw new Error("set the Deskmate URL in the app's settings"); }
      return client.get("currentUser").catch(function () { return {}; });
    }).then(function (user) {
      if (user && user.currentUser && user.currentUser.id) { agent = "zendesk:" + user.currentUser.id; }
      return client.get("ticket");
    }).then(function (data) {
      var t = data.ticket || {};
      var requester = t.requester || {};
      return call("/v1/suggest", {id: String(t.id || ""), subject: t.subject || "", body: t.description || "",
                                  channel: channel(t), desk: "zendesk",
                                  customer: requester.name ? {name: requester.name} : undefined});
    }).then(function (suggestion) { view.render(suggestion); return view; }, function (error) {
      view.message("Deskmate: " + (error && error.message || error), "error");
      return view;
    });
  }

  global.DeskmateCompact = {mount: mount, pending: pending, startZendesk: startZendesk};
  if (global.ZAFClient && document.body && document.body.dataset.mode === "zendesk") {
    global.DeskmateSidebar = startZendesk();
  }
})(window);
