// peersnet: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }

  // Remember the browser's zone so pages for signed-out visitors show times in it.
  if (zone && document.cookie.indexOf("tz=") === -1) {
    document.cookie = "tz=" + encodeURIComponent(zone) + ";path=/;max-age=31536000;samesite=lax";
  }

  // htmx requests that change something carry the CSRF token from Django's csrftoken cookie (pages never
  // render it into the page, so signed-out pages set no cookie). Forms still carry their own hidden token.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb === "get") { return; }
    var token = csrfToken();
    if (token) { event.detail.headers["X-CSRFToken"] = token; }
  });

  // Pre-fill time zone selects from the browser, unless the person already chose one.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autofill-tz]").forEach(function (select) {
      if (!zone || select.dataset.touched) { return; }
      var form = select.form;
      var isBound = form && form.querySelector(".errorlist");
      if (isBound) { return; }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === zone) { select.value = zone; break; }
      }
    });
  });
})();

// An open message thread asks for new messages every few seconds (htmx polling). While the tab is
// hidden those requests are skipped; the thread catches up as soon as it is shown again.
document.addEventListener("htmx:beforeRequest", function (evt) {
  var elt = evt.detail && evt.detail.elt;
  if (document.hidden && elt && elt.hasAttribute && elt.hasAttribute("data-poll-when-visible")) {
    evt.preventDefault();
  }
});

// A request made in place that fails (the server busy or erroring, the connection dropped, a page open
// so long its session expired) would otherwise do nothing visible: htmx swaps nothing for an error. Say
// what happened in an alert (templates/includes/request_problem.html holds the words), put just before
// the form or link that asked, so it is seen where the person is looking (a message box at the foot of a
// long thread, "Next" at the foot of the directory); the next request that works takes it away.
(function () {
  "use strict";
  var box = null;
  var home = null;
  var homeNext = null;
  // Kept here once found: a working answer can replace the region the alert was put in (the directory's
  // results, where "Next page" is), and hide() then brings the node back under the header.
  function find() {
    if (!box) {
      box = document.getElementById("request-problem");
      if (box) { home = box.parentNode; homeNext = box.nextSibling; }
    }
    return box;
  }
  // The element whose request it was. Not evt.detail.elt: when the answer replaced that element (a
  // thread's poller, a form, swapped outerHTML), htmx announces the end of the request from its nearest
  // parent still in the page, with detail.elt set to that parent.
  function asker(evt) {
    var detail = evt.detail || {};
    return (detail.requestConfig && detail.requestConfig.elt) || detail.elt || null;
  }
  function kindOf(status) {
    if (status === 401) { return "signed-out"; }  // peersnet/kernel/htmx.py: nothing was sent or saved
    if (status === 429) { return "limited"; }
    if (status === 403) { return "expired"; }
    if (status === 502 || status === 503 || status === 504) { return "busy"; }
    return "failed";
  }
  function show(kind, evt) {
    if (!find()) { return; }
    var config = evt.detail && evt.detail.requestConfig;
    var verb = config ? config.verb : "";
    var text = box.getAttribute("data-" + kind) || box.getAttribute("data-failed");
    if (verb && verb !== "get" && kind !== "signed-out") { text += " " + box.getAttribute("data-check"); }
    var elt = asker(evt);
    var anchor = elt && elt.closest ? (elt.closest("form") || elt) : null;
    if (anchor && anchor.parentNode && document.body.contains(anchor)) {
      anchor.parentNode.insertBefore(box, anchor);
      box.classList.remove("container");
    }
    box.hidden = false;
    // Set after it is shown, so screen readers announce the alert.
    box.querySelector("[data-request-problem-text]").textContent = text;
    box.scrollIntoView({ block: "nearest" });
  }
  function hide() {
    if (!find() || box.hidden) { return; }
    box.hidden = true;
    box.querySelector("[data-request-problem-text]").textContent = "";
    if (home && box.parentNode !== home) {  // back under the header, out of any region a swap replaces
      home.insertBefore(box, homeNext && homeNext.parentNode === home ? homeNext : null);
      box.classList.add("container");
    }
  }
  // What the page asks by itself (the unread badge on load, a thread's or the safety queue's polling:
  // the elements marked data-poll-when-visible) neither shows nor clears the alert. Its failure was
  // nobody's click, and the alert must not land inside the header's Messages link (a failed poll says
  // so in its own place: pollProblem); its success says nothing about what the person tried. (The
  // badge answering after a message failed to send used to take that message's alert away on a slow
  // server.)
  function byPerson(evt) {
    var elt = asker(evt);
    return !(elt && elt.closest && elt.closest("[data-poll-when-visible]"));
  }
  // A poll that fails says so quietly where its answers appear (a thread: "can't check for new
  // messages"), in the element its data-poll-problem names, until one works again.
  function pollProblem(evt, failed) {
    var elt = asker(evt);
    var id = elt && elt.getAttribute ? elt.getAttribute("data-poll-problem") : null;
    var note = id ? document.getElementById(id) : null;
    if (!note || note.hidden === !failed) { return; }
    note.hidden = !failed;
    note.textContent = failed ? note.getAttribute("data-text") : "";  // after showing: announced
  }
  function failed(kind, evt) {
    if (byPerson(evt)) { show(kind, evt); } else { pollProblem(evt, true); }
  }
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    failed(kindOf(xhr ? xhr.status : 0), evt);
  });
  document.addEventListener("htmx:sendError", function (evt) { failed("offline", evt); });
  document.addEventListener("htmx:timeout", function (evt) { failed("offline", evt); });
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (!(evt.detail && evt.detail.successful)) { return; }
    if (byPerson(evt)) { hide(); } else { pollProblem(evt, false); }
  });
})();
