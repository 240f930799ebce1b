// A bulk migration's page follows its run: every two seconds it asks the run's numbers (GET .../progress) and
// writes them in place; when the run is done it loads the page again for the report and the results. Without
// JavaScript the page's own "Vernieuwen" link does the same by hand.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url][data-running]");
  if (!section || !window.fetch) {
    return;
  }
  function show(numbers) {
    Object.keys(numbers).forEach(function (name) {
      var field = section.querySelector("[data-field='" + name + "']");
      if (field && typeof numbers[name] === "number") {
        field.textContent = String(numbers[name]);
      }
    });
  }
  function poll() {
    fetch(section.getAttribute("data-progress-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (numbers) {
        show(numbers);
        if (numbers.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // a moment without the server: try again a little later
      });
  }
  window.setTimeout(poll, 1000);
})();
