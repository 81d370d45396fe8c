/* The extra confirmation step with Stripe.js: 3-D Secure for cards, bank collection for ACH.
   Whatever happens, the form is then posted and the server asks Stripe for the outcome. */
(function () {
  "use strict";
  var form = document.getElementById("confirm-form");
  if (!form || !window.Stripe) return;
  var start = document.getElementById("confirm-start");
  var errors = document.getElementById("confirm-errors");
  var stripe = form.dataset.account
    ? window.Stripe(form.dataset.publishableKey, { stripeAccount: form.dataset.account })
    : window.Stripe(form.dataset.publishableKey);
  var secret = form.dataset.clientSecret;

  function done() { form.submit(); }
  function run() {
    start.disabled = true;
    var step;
    if (form.dataset.ach) {
      step = stripe.collectBankAccountForPayment({
        clientSecret: secret,
        params: {
          payment_method_type: "us_bank_account",
          payment_method_data: { billing_details: { name: form.dataset.name, email: form.dataset.email } }
        }
      }).then(function (result) {
        if (result.error) throw result.error;
        return stripe.confirmUsBankAccountPayment(secret);
      });
    } else {
      step = stripe.confirmCardPayment(secret);
    }
    step.then(done, function (error) {
      errors.textContent = (error && error.message) || "Your bank could not confirm this payment.";
      start.disabled = false;
    });
  }
  start.addEventListener("click", run);
  if (!form.dataset.ach) run();
})();
