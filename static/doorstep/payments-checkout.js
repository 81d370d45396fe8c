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
      ? window.Stripe(form.dataset.publishableKey, { stripeAccount: form.dataset.account })
      : window.Stripe(form.dataset.publishableKey);
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
  /* The same reading as the server's money.parse_amount: the company's decimal and thousands
     marks only, thousands in groups of three; anything that could mean two amounts ("1,00" in
     en_US) is no amount, and the button then says just "Pay". Returns cents, or null. */
  function parseAmount(text) {
    var decimal = button.dataset.decimal || ".", group = button.dataset.group || "";
    var digits = parseInt(button.dataset.digits || "2", 10);
    var cleaned = text.trim().replace(/^[^0-9.,\s]+/, "").replace(/[^0-9.,\s]+$/, "").trim();
    if (group === " ") cleaned = cleaned.replace(/[\u00a0\u202f\u2009]/g, " ");
    if (!cleaned || cleaned.length > 32) return null;
    for (var i = 0; i < cleaned.length; i++) {
      var c = cleaned.charAt(i);
      if (!(c >= "0" && c <= "9") && c !== decimal && c !== group) return null;
    }
    var at = cleaned.indexOf(decimal);
    var whole = at < 0 ? cleaned : cleaned.slice(0, at), fraction = at < 0 ? "" : cleaned.slice(at + 1);
    if (fraction.indexOf(decimal) >= 0 || (group && fraction.indexOf(group) >= 0)) return null;
    var groups = group ? whole.split(group) : [whole];
    if (groups.length > 1) {
      if (groups[0].length < 1 || groups[0].length > 3) return null;
      for (var g = 1; g < groups.length; g++) if (groups[g].length !== 3) return null;
    }
    var integer = groups.join("");
    if ((!integer && !fraction) || fraction.length > digits || integer.replace(/^0+/, "").length > 12) return null;
    while (fraction.length < digits) fraction += "0";
    return parseInt(integer || "0", 10) * Math.pow(10, digits) + parseInt(fraction || "0", 10);
  }
  function labelButton() {
    var typed = amount.value.trim() ? amount.value : button.dataset.total || "";
    var cents = parseAmount(typed);
    var digits = parseInt(button.dataset.digits || "2", 10);
    // The same "$1,056.13" / "1 056,13 $" as the rest of the page.
    var money = new Intl.NumberFormat(button.dataset.locale || "en-US", { style: "currency", currency: button.dataset.currency || "USD" });
    button.textContent = cents === null || cents <= 0 ? "Pay" : "Pay " + money.format(cents / Math.pow(10, digits));
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
