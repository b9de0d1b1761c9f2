// The card form (SetupIntent) and 3-D Secure for paying a session, with Stripe.js.
// Card details go from this page straight to Stripe; our server only ever sees ids.
(function () {
  "use strict";

  function showError(box, message) {
    box.textContent = message;
    box.hidden = false;
    box.focus && box.focus();
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
      stripe.confirmCardSetup(form.dataset.clientSecret, { payment_method: { card: card } }).then(function (result) {
        if (result.error) {
          button.disabled = false;
          showError(errors, result.error.message || "Your card couldn't be saved. Please check the details.");
          return;
        }
        form.elements.setup_intent.value = result.setupIntent.id;
        form.submit();
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
