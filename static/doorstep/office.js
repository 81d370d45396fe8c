/* Doorstep office: a form posts once. After the first submit its buttons are disabled (a
   moment later, so the pressed button's name and value still go with the form), so a double
   click records one payment, shares one document, sends one invitation. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.hasAttribute("hx-post") || form.hasAttribute("data-repeat")) return; /* htmx swaps */
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-disabled", "true");
    });
  }, 0);
});
/* Coming back with the browser's Back button shows the page from its cache: allow again. */
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submitted]").forEach(function (form) {
    delete form.dataset.submitted;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-disabled");
    });
  });
});
