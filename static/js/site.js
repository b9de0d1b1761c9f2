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
