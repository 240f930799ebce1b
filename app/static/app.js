// Vertrouwd works without JavaScript; this only asks before an action marked data-confirm is sent, and tells the
// server it was asked (confirmed=1), so that the server does not ask a second time on a page of its own.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-confirm");
  if (!message) {
    return;
  }
  if (!window.confirm(message)) {
    event.preventDefault();
    return;
  }
  var confirmed = form.querySelector("input[name=confirmed]");
  if (confirmed) {
    confirmed.value = "1";
  }
});
