// The library's file fields (templates/library/_macros.html file_field): a document over the limit would be refused
// by the server only after the whole upload, so say so as soon as it is chosen, and keep the form from being sent.
(function () {
  function tooLarge(input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    return Boolean(max && input.files && input.files.length && input.files[0].size > max);
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-max-bytes")) {
      return;
    }
    var note = document.getElementById(input.id + "-size");
    if (note) {
      note.hidden = !tooLarge(input);
    }
  });
  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("input[data-max-bytes]");
    if (input && tooLarge(input)) {
      event.preventDefault();
      input.focus();
    }
  });
})();
