// The card form (SetupIntent) and 3-D Secure for paying a session, with Stripe.js.
// Card details go from this page straight to Stripe; our server only ever sees ids.
(function () {
  "use strict";

  function showError(box, message) {
    box.textContent = message;
    box.hidden = false;
    box.focus && box.focus();
  }

  // The SetupIntent is made when the person submits a card (the card page asks our server for it then,
  // so loading the page never waits on Stripe); a gift's pay page carries its secret in the form.
  function setupSecret(form) {
    if (form.dataset.clientSecret) { return Promise.resolve(form.dataset.clientSecret); }
    return fetch(form.dataset.setupUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok || !data.client_secret) {
          throw new Error(data.error || "We can't reach our payment provider right now. Please try again in a few minutes.");
        }
        form.dataset.clientSecret = data.client_secret; // reused if this card is declined and another tried
        return data.client_secret;
      });
    });
  }

  function setupCardForm(form) {
    var stripe = window.Stripe(form.dataset.publishableKey);
    var card = stripe.elements().create("card");
    card.mount("#card");
    var errors = document.getElementById("card-errors");
    var button = document.getElementById("card-submit");
    form.addEventListener("submit", function (event) {
      if (form.elements.setup_intent.value) { return; }
      event.preventDefault();
      button.disabled = true;
      errors.hidden = true;
      setupSecret(form).then(function (secret) {
        return stripe.confirmCardSetup(secret, { payment_method: { card: card } });
      }).then(function (result) {
        if (result.error) {
          button.disabled = false;
          showError(errors, result.error.message || "Your card couldn't be saved. Please check the details.");
          return;
        }
        form.elements.setup_intent.value = result.setupIntent.id;
        form.submit();
      }).catch(function (error) {
        button.disabled = false;
        showError(errors, error.message);
      });
    });
  }

  function confirmPayment(form) {
    var stripe = window.Stripe(form.dataset.publishableKey);
    stripe.confirmCardPayment(form.dataset.actionSecret).then(function () {
      // Whatever happened, the server asks Stripe for the final state.
      form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Stripe) { return; }
    var cardForm = document.getElementById("card-form");
    if (cardForm) { setupCardForm(cardForm); }
    var confirmForm = document.getElementById("confirm-payment");
    if (confirmForm) { confirmPayment(confirmForm); }
  });
})();
