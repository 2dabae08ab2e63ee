/* The quality dashboard: reads GET /v1/metrics/quality/daily and GET /v1/models/history (scope metrics) and
 * draws them with DeskmateCharts; every text goes in with textContent. */
(function () {
  "use strict";
  var api = window.DeskmateLogin.api, charts = window.DeskmateCharts, fmt = window.DeskmateCharts.format;
  var REASON_NAMES = {wrong_facts: "wrong facts", wrong_topic: "wrong topic", tone: "tone", outdated: "outdated",
                      other: "other"};

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function isoDay(date) { return date.toISOString().slice(0, 10); }

  function setRange(days) {
    var to = new Date();
    var from = new Date(to.getTime() - (days - 1) * 86400000);
    $("from").value = isoDay(from);
    $("to").value = isoDay(to);
  }

  function status(text, isError) {
    var node = $("status");
    node.textContent = text;
    node.classList.toggle("error", !!isError);
  }

  function card(list, label, value, id, cls) {
    var group = el("div", null, cls), def = el("dd", value);  // <div> groups a term with its value in a <dl>
    if (id) { def.id = id; }
    group.appendChild(el("dt", label));
    group.appendChild(def);
    list.appendChild(group);
  }

  function fillTotals(series) {
    var t = series.totals, routing = t.routing || {}, list = $("totals");
    list.textContent = "";
    card(list, "Suggestions", t.suggestions, "total-suggestions");
    card(list, "Reviewed", t.with_feedback, "total-reviewed");
    card(list, "Acceptance rate", fmt(t.acceptance_rate, "percent"), "total-acceptance");
    card(list, "Edited share", fmt(t.edited_share, "percent"), "total-edited");
    card(list, "Mean edit distance", fmt(t.mean_edit_distance), "total-distance");
    card(list, "Topic top-1", fmt(routing.topic_top1, "percent"), "total-top1");
    card(list, "Topic top-3", fmt(routing.topic_top3, "percent"), "total-top3");
    card(list, "Override rate", fmt(routing.topic_override_rate, "percent"), "total-override");
  }

  function pluck(days, name) { return days.map(function (d) { return d[name]; }); }

  /* Totals of override counts over the range, per key of override_by_topic / override_by_queue. */
  function overrides(days, field) {
    var sums = {};
    days.forEach(function (d) {
      Object.keys(d[field]).forEach(function (k) {
        var s = sums[k] || (sums[k] = {n: 0, overridden: 0});
        s.n += d[field][k].n;
        s.overridden += d[field][k].overridden;
      });
    });
    var keys = Object.keys(sums).sort();
    return {labels: keys, values: keys.map(function (k) { return sums[k].n ? sums[k].overridden / sums[k].n : null; }),
            note: keys.map(function (k) { return sums[k].overridden + " of " + sums[k].n; })};
  }

  function drawCharts(series) {
    var days = series.days, labels = pluck(days, "day");
    charts.lineChart($("chart-acceptance"), {days: labels, format: "percent", max: 1,
      label: "Acceptance rate and edited share by day",
      series: [{name: "Acceptance rate", values: pluck(days, "acceptance_rate"), cls: "s0"},
               {name: "Edited share", values: pluck(days, "edited_share"), cls: "s1"}]});
    charts.lineChart($("chart-volume"), {days: labels, format: "int",
      label: "Suggestions made and reviewed by day",
      series: [{name: "Suggestions", values: pluck(days, "suggestions"), cls: "s2"},
               {name: "Reviewed", values: pluck(days, "reviewed"), cls: "s0"}]});
    charts.lineChart($("chart-distance"), {days: labels, max: 1, label: "Mean edit distance by day",
      series: [{name: "Mean edit distance", values: pluck(days, "mean_edit_distance"), cls: "s1"}]});
    charts.lineChart($("chart-topk"), {days: labels, format: "percent", max: 1,
      label: "Topic top-1 and top-3 match by day",
      series: [{name: "Top-1", values: pluck(days, "topic_top1"), cls: "s0"},
               {name: "Top-3", values: pluck(days, "topic_top3"), cls: "s2"}]});
    var reasons = series.totals.rejection_reasons || {};
    var reasonKeys = Object.keys(reasons).sort(function (a, b) { return reasons[b] - reasons[a]; });
    charts.barChart($("chart-reasons"), {format: "int", label: "Rejection reasons in the range",
      labels: reasonKeys.map(function (k) { return REASON_NAMES[k] || k; }),
      values: reasonKeys.map(function (k) { return reasons[k]; })});
    var byTopic = overrides(days, "override_by_topic"), byQueue = overrides(days, "override_by_queue");
    charts.barChart($("chart-topic"), {format: "percent", max: 1, label: "Override rate by predicted topic",
      labels: byTopic.labels, values: byTopic.values, note: byTopic.note});
    charts.barChart($("chart-queue"), {format: "percent", max: 1, label: "Override rate by predicted queue",
      labels: byQueue.labels, values: byQueue.values, note: byQueue.note});
  }

  var COLUMNS = [["day", "Day", null], ["suggestions", "Suggestions", "int"], ["reviewed", "Reviewed", "int"],
                 ["acceptance_rate", "Accepted", "percent"], ["edited_share", "Edited", "percent"],
                 ["mean_edit_distance", "Edit distance", ""], ["topic_top1", "Top-1", "percent"],
                 ["topic_top3", "Top-3", "percent"], ["topic_override_rate", "Overrides", "percent"],
                 ["rejection_reasons", "Rejections", null]];

  function drawTable(series) {
    var table = $("days-table"), head = table.tHead, body = table.tBodies[0];
    head.textContent = "";
    body.textContent = "";
    var row = head.insertRow();
    COLUMNS.forEach(function (c) { var th = el("th", c[1]); th.scope = "col"; row.appendChild(th); });
    series.days.slice().reverse().forEach(function (d) {
      var tr = body.insertRow();
      COLUMNS.forEach(function (c) {
        var v = d[c[0]], text;
        if (c[0] === "day") { text = v; }
        else if (c[0] === "rejection_reasons") {
          text = Object.keys(v).map(function (k) { return (REASON_NAMES[k] || k) + " " + v[k]; }).join(", ") || "—";
        } else { text = v === null ? "—" : fmt(v, c[2]); }
        tr.appendChild(el(c[0] === "day" ? "th" : "td", text));
      });
    });
  }

  function drawHistory(history) {
    var served = $("served");
    served.textContent = "";
    card(served, "Model served", history.served_model_version || "none", "served-model");
    card(served, "Index served", history.index_version || "none", "served-index");
    card(served, "Promoted in registry", history.registry_active || "never promoted", "registry-active");
    if (history.model_dir_pinned) {
      card(served, "Note", "DESKMATE_MODEL_DIR pins the served model: promotions take effect once it is unset",
           null, "note");
    }
    var vbody = $("versions-table").tBodies[0], ebody = $("events-table").tBodies[0];
    vbody.textContent = "";
    ebody.textContent = "";
    history.versions.forEach(function (v) {
      var tr = vbody.insertRow();
      var state = v.active ? "active" : v.rollback_target ? "rollback target" : "";
      [v.version, state, v.registered_at || v.created_at || "", v.data_rows === null ? "" : v.data_rows,
       v.metrics.topic_macro_f1 === undefined ? "" : v.metrics.topic_macro_f1.toFixed(3)].forEach(function (t, i) {
        tr.appendChild(el(i === 0 ? "th" : "td", t));
      });
    });
    if (!history.versions.length) { vbody.insertRow().appendChild(el("td", "No registered versions.")).colSpan = 5; }
    history.events.forEach(function (e) {
      var tr = ebody.insertRow();
      [e.at, e.action, e.version, e.previous || "", e.reason || ""].forEach(function (t) { tr.appendChild(el("td", t)); });
    });
    if (!history.events.length) { ebody.insertRow().appendChild(el("td", "No promotion yet.")).colSpan = 5; }
  }

  function load() {
    var query = "?from=" + encodeURIComponent($("from").value) + "&to=" + encodeURIComponent($("to").value);
    status("Loading…");
    var prompt = {prompt: "Enter an API key with the metrics scope."};
    return api("/v1/metrics/quality/daily" + query, prompt).then(function (series) {
      fillTotals(series);
      drawCharts(series);
      drawTable(series);
      status("Showing " + series.first_day + " to " + series.last_day + " (UTC).");
      return api("/v1/models/history", prompt).then(drawHistory);
    }).catch(function (error) {
      status(error.status === 403 ? "This key cannot read quality metrics: " + error.message : error.message, true);
    }).then(function () { document.body.dataset.loaded = String(Date.now()); });  // tests wait on it
  }

  function start() {
    setRange(30);
    $("range").addEventListener("submit", function (event) { event.preventDefault(); load(); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-days]"), function (button) {
      button.addEventListener("click", function () { setRange(Number(button.dataset.days)); load(); });
    });
    $("logout").addEventListener("click", function () {
      window.DeskmateLogin.signOut();
      window.DeskmateLogin.ask("Signed out.").then(load);
    });
    load();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
