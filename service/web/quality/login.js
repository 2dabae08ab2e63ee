/* Key prompt and keyed API calls for the dashboard and the compact view.
 * The key is asked for in the page's <dialog id="login">, kept in this tab's sessionStorage only and sent only
 * to this server, in the Authorization header. A refused key (401) is forgotten and asked for again, with the
 * server's message; a key without the needed scope (403) is shown as an error. */
(function (global) {
  "use strict";
  var STORE = "deskmate.key";

  function key() { return global.sessionStorage.getItem(STORE); }

  function signOut() { global.sessionStorage.removeItem(STORE); }

  function ask(message) {
    var dialog = document.getElementById("login");
    var form = document.getElementById("login-form");
    var input = document.getElementById("login-key");
    document.getElementById("login-message").textContent = message || "";
    input.value = "";
    return new Promise(function (resolve) {
      function done(event) {
        event.preventDefault();
        var value = input.value.trim();
        if (!value) { input.focus(); return; }
        form.removeEventListener("submit", done);
        global.sessionStorage.setItem(STORE, value);
        dialog.close();
        resolve(value);
      }
      form.addEventListener("submit", done);
      if (!dialog.open) { dialog.showModal(); }
      input.focus();
    });
  }

  function errorMessage(body, status) {
    var err = body && body.error;
    return (err && err.message) ? err.message : "HTTP " + status;
  }

  /* api(path, {method, body, headers}) -> Promise of the parsed JSON; rejects with an Error carrying .status. */
  function api(path, options) {
    options = options || {};
    var attempt = function (secret) {
      var headers = Object.assign({"Accept": "application/json"}, options.headers || {});
      headers.Authorization = "Bearer " + secret;
      if (options.body !== undefined) { headers["Content-Type"] = "application/json"; }
      return fetch(path, {method: options.method || "GET", headers: headers, cache: "no-store",
                          body: options.body === undefined ? undefined : JSON.stringify(options.body)})
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            if (response.status === 401) {
              signOut();
              return ask("Your key was refused (" + errorMessage(body, 401) + "). Enter a valid key.").then(attempt);
            }
            if (!response.ok) {
              var error = new Error(errorMessage(body, response.status));
              error.status = response.status;
              error.code = body && body.error ? body.error.code : undefined;
              error.body = body;
              throw error;
            }
            return body;
          });
        });
    };
    var secret = key();
    return secret ? attempt(secret) : ask(options.prompt || "").then(attempt);
  }

  global.DeskmateLogin = {key: key, ask: ask, api: api, signOut: signOut};
})(window);
