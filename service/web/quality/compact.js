/* /app/compact?suggestion=<id>: one stored suggestion in Deskmate's compact view, for a desk without an app
 * (a Freshdesk or Zammad link or iframe). Reads GET /v1/suggestions/{id} (scope agent); "Insert" copies the
 * approved reply to the clipboard for pasting into the desk, then posts the feedback with an Idempotency-Key. */
(function () {
  "use strict";
  var login = window.DeskmateLogin, AGENT = "deskmate.agent";

  /* The review API's decision, shaped as the /v1/suggest route the compact view reads. */
  function asSuggestion(detail) {
    var d = detail.decision || {};
    return {suggestion_id: detail.suggestion_id, ticket: detail.ticket, draft: detail.draft,
            draft_error: detail.draft_error, warnings: detail.warnings || [], stale: detail.stale || null,
            route: {topic: {label: d.topic, confidence: d.confidence}, queue: d.queue, urgency: {label: d.urgency},
                    needs_human_triage: d.needs_human, reason: d.reason}};
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    var box = document.getElementById("dm-text");
    box.focus();
    box.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy the text by hand"));
  }

  function start() {
    var root = document.getElementById("deskmate"), agent = document.getElementById("agent-id");
    agent.value = window.sessionStorage.getItem(AGENT) || "";
    agent.addEventListener("change", function () { window.sessionStorage.setItem(AGENT, agent.value.trim()); });
    var view = window.DeskmateCompact.mount(root, {
      insert: copy,
      doneText: "Copied: paste it into the reply. Feedback sent.",
      feedback: function (id, body, key) {
        if (!agent.value.trim()) { agent.focus(); return Promise.reject(new Error("enter your agent id first")); }
        return login.api("/v1/suggestions/" + encodeURIComponent(id) + "/feedback", {
          method: "POST", headers: {"Idempotency-Key": key},
          body: Object.assign({agent_id: agent.value.trim(), if_unreviewed: true}, body)});
      }
    });
    var id = new URLSearchParams(window.location.search).get("suggestion");
    if (!id) { view.message("Open this page with ?suggestion=<suggestion id>.", "error"); return; }
    view.message("Loading the draft…", "pending");
    login.api("/v1/suggestions/" + encodeURIComponent(id), {prompt: "Enter an API key with the agent scope."})
      .then(function (detail) {
        view.render(asSuggestion(detail));
        var insert = document.getElementById("dm-insert");
        if (insert) { insert.textContent = "Copy reply"; }
      }, function (error) {
        view.message(error.status === 404 ? "This suggestion no longer exists." : "Deskmate: " + error.message,
                     "error");
      });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
