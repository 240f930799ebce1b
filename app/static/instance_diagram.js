// The instance page's diagram: the version's BPMN drawn by bpmn-js (bpmn.io's NavigatedViewer, global BpmnJS), its
// completed, active and waiting elements marked. The list of steps under it says the same in words: without
// JavaScript, or when a diagram cannot be drawn, the list is all there is and the figure stays hidden.
(function () {
  "use strict";
  var figure = document.querySelector("figure.diagram[data-diagram-url]");
  if (!figure || typeof window.BpmnJS !== "function" || !window.fetch) {
    return;
  }
  fetch(figure.getAttribute("data-diagram-url"), {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (response) {
      if (!response.ok) {
        throw new Error("diagram " + response.status);
      }
      return response.json();
    })
    .then(function (diagram) {
      if (!diagram.xml) {
        return;
      }
      figure.hidden = false; // before drawing: the viewer measures its container
      var viewer = new window.BpmnJS({container: figure.querySelector(".diagram__canvas")});
      return viewer.importXML(diagram.xml).then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        Object.keys(diagram.elements).forEach(function (id) {
          if (registry.get(id)) {
            canvas.addMarker(id, "step-" + diagram.elements[id]);
          }
        });
        canvas.zoom("fit-viewport", "auto");
        figure.setAttribute("data-drawn", "true");
        window.addEventListener("resize", function () { // a phone turned, a window resized: the whole diagram again
          window.requestAnimationFrame(function () {
            canvas.resized();
            canvas.zoom("fit-viewport", "auto");
          });
        });
      });
    })
    .catch(function () {
      figure.hidden = true;
    });
})();
