// Submits a form marked data-autosubmit once the page has loaded (single sign-on hand-offs:
// the token travels in the POST body, never in a URL). Without scripts the form's button works.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form && !form.dataset.sent) {
    form.dataset.sent = "1";
    form.submit();
  }
});
