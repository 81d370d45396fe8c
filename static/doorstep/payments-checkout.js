/* Checkout: card details go to the provider's own fields and come back as a pm_... reference.
   Stripe: Card Element + confirmCardSetup. Demo: the same shape, offline (no card number is
   ever sent to our server: the demo fields have no name attribute). */
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form) return;
  var provider = form.dataset.provider;
  var errorBox = document.getElementById("card-errors");
  var methodInput = form.querySelector("input[name=payment_method]");
  var savedInput = form.querySelector("input[name=saved_method]");
  var button = form.querySelector("button[type=submit]");
  var stripe = null, card = null;

  if (provider === "stripe" && window.Stripe) {
    stripe = form.dataset.account
      ? window.Stripe(form.dataset.stripeKey, { stripeAccount: form.dataset.account })
      : window.Stripe(form.dataset.stripeKey);
    card = stripe.elements().create("card");
    card.mount("#card-element");
  }

  function choice() {
    var checked = form.querySelector("input[name=method_choice]:checked");
    return checked ? checked.value : "card";
  }
  function showPanels() {
    var current = choice();
    form.querySelectorAll("[data-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.panel !== current;
    });
    var checked = form.querySelector("input[name=method_choice]:checked");
    if (savedInput && checked && checked.dataset.saved) savedInput.value = checked.dataset.saved;
  }
  form.querySelectorAll("input[name=method_choice]").forEach(function (radio) {
    radio.addEventListener("change", showPanels);
  });
  showPanels();

  var amount = document.getElementById("amount");
  function labelButton() {
    var value = amount.value.replace(/[^0-9.]/g, "");
    // The same "$1,056.13" as the rest of the page (not "$1056.13").
    var money = new Intl.NumberFormat("en-US", { style: "currency", currency: button.dataset.currency || "USD" });
    button.textContent = value && !isNaN(parseFloat(value)) ? "Pay " + money.format(parseFloat(value)) : "Pay";
  }
  if (amount) { amount.addEventListener("input", labelButton); labelButton(); }

  function fail(message) {
    errorBox.textContent = message;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
  function digits(id) {
    var el = document.getElementById(id);
    return el ? el.value.replace(/\D/g, "") : "";
  }
  function luhn(number) {
    var sum = 0, double = false;
    for (var i = number.length - 1; i >= 0; i--) {
      var d = parseInt(number.charAt(i), 10);
      if (double) { d *= 2; if (d > 9) d -= 9; }
      sum += d; double = !double;
    }
    return sum % 10 === 0;
  }
  function demoCard() {
    var number = digits("demo-number");
    if (number.length < 13 || !luhn(number)) return { error: "Your card number is incomplete or invalid." };
    var exp = digits("demo-exp");
    if (exp.length !== 4) return { error: "Enter the expiry date as MM / YY." };
    var month = parseInt(exp.slice(0, 2), 10), year = parseInt(exp.slice(2), 10);
    var now = new Date(), thisYear = now.getFullYear() % 100;
    if (month < 1 || month > 12) return { error: "The expiry month is not valid." };
    if (year < thisYear || (year === thisYear && month < now.getMonth() + 1)) return { error: "Your card has expired." };
    var cvc = digits("demo-cvc");
    if (cvc.length < 3 || cvc.length > 4) return { error: "Enter the 3 or 4 digit security code." };
    var brand = number[0] === "4" ? "visa" : number[0] === "5" ? "mastercard" : number[0] === "3" ? "amex" : "card";
    return { id: "pm_demo_" + brand + "_" + number.slice(-4) + "_" + exp.slice(0, 2) + "_" + exp.slice(2) };
  }
  function demoBank() {
    var routing = digits("demo-routing"), account = digits("demo-account");
    if (routing.length !== 9) return { error: "Enter the 9-digit routing number." };
    if (account.length < 4) return { error: "Enter the account number." };
    return { id: "pm_demo_bank_" + account.slice(-4) };
  }

  form.addEventListener("submit", function (event) {
    var current = choice();
    if (current === "saved" || (current === "ach" && provider === "stripe")) return;
    event.preventDefault();
    errorBox.textContent = "";
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (provider === "demo") {
      var token = current === "ach" ? demoBank() : demoCard();
      if (token.error) return fail(token.error);
      methodInput.value = token.id;
      form.submit();
      return;
    }
    if (!stripe) return fail("Card payments are unavailable for a moment. Please try again shortly.");
    stripe.confirmCardSetup(form.dataset.clientSecret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) return fail(result.error.message || "Your card was declined.");
      var pm = result.setupIntent.payment_method;
      methodInput.value = typeof pm === "string" ? pm : pm.id;
      form.submit();
    });
  });
})();
