// Small progressive enhancements for the customer portal. Every page works without this
// file: password fields stay plain password fields and "More" stays a <details> disclosure.
(function () {
  "use strict";

  // Show-password toggle. Added by script only, so without JavaScript there is no button
  // that does nothing; type="button" so it never submits the form it sits in.
  function addPasswordToggle(input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle link-button";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", "Show password");
    if (input.id) button.setAttribute("aria-controls", input.id);
    button.textContent = "Show";
    button.addEventListener("click", function () {
      var showing = input.type === "text";
      input.type = showing ? "password" : "text";
      button.setAttribute("aria-pressed", showing ? "false" : "true");
      button.textContent = showing ? "Show" : "Hide";
    });
    // A password must never be remembered in clear by autofill or sent shown: hide it again
    // when the form is submitted.
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
        button.setAttribute("aria-pressed", "false");
        button.textContent = "Show";
      });
    }
    var wrap = document.createElement("span");
    wrap.className = "password-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(button);
  }

  // "More" menu: close on Escape (focus back on its summary) and on a click outside.
  function enhanceMoreMenu(menu) {
    var summary = menu.querySelector("summary");
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        if (summary) summary.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  function start() {
    document.querySelectorAll("input[type=password]").forEach(addPasswordToggle);
    document.querySelectorAll("details.nav-more").forEach(enhanceMoreMenu);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
