// The form editor and the scenario editor of the modeler: JSON in text areas, a parse error with its line and column
// at once, and a preview of the form rendered by the server with our own form renderer (what users will get).
(function () {
  "use strict";
  var NS = (window.VertrouwdModeler = window.VertrouwdModeler || {});
  var FORM_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

  // Where JSON.parse stopped, as line and column (browsers say "position N" or "line L column C").
  NS.jsonProblem = function (source) {
    try {
      JSON.parse(source);
      return null;
    } catch (error) {
      var lineColumn = /line (\d+) column (\d+)/.exec(error.message);
      if (lineColumn) { return { line: +lineColumn[1], column: +lineColumn[2] }; }
      var position = /position (\d+)/.exec(error.message);
      var before = source.slice(0, position ? +position[1] : source.length).split("\n");
      return { line: before.length, column: before[before.length - 1].length + 1 };
    }
  };

  function showProblem(textarea, errorElement, problem, text) {
    errorElement.hidden = !problem;
    errorElement.textContent = problem ? text("jsonError", problem) : "";
    if (problem) { textarea.setAttribute("aria-invalid", "true"); } else { textarea.removeAttribute("aria-invalid"); }
  }

  function pretty(value) {
    return JSON.stringify(value, null, 2);
  }

  NS.createFormEditor = function (settings, text, post, onChange) {
    var names = document.getElementById("form-editor-names");
    var schemaArea = document.getElementById("form-editor-schema");
    var uiArea = document.getElementById("form-editor-ui");
    var preview = document.getElementById("form-editor-preview");
    var previewError = document.getElementById("form-editor-preview-error");
    var newName = document.getElementById("form-editor-new");
    var forms = {}; // name -> {schema, ui: the texts; valid: the last {schema, ui} that parsed}
    var selected = null;
    var previewTimer = null;

    function renderList() {
      names.textContent = "";
      Object.keys(forms).sort().forEach(function (name) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button--link";
        button.textContent = name;
        if (name === selected) { button.setAttribute("aria-current", "true"); }
        button.addEventListener("click", function () { select(name); });
        item.appendChild(button);
        names.appendChild(item);
      });
      schemaArea.disabled = uiArea.disabled = selected === null;
    }

    function select(name) {
      selected = name;
      schemaArea.value = name ? forms[name].schema : "";
      uiArea.value = name ? forms[name].ui : "";
      validate();
      renderList();
      schedulePreview(0);
    }

    function validate() {
      var schemaProblem = NS.jsonProblem(schemaArea.value);
      var uiProblem = uiArea.value.trim() ? NS.jsonProblem(uiArea.value) : null;
      showProblem(schemaArea, document.getElementById("form-editor-schema-error"), selected && schemaProblem, text);
      showProblem(uiArea, document.getElementById("form-editor-ui-error"), selected && uiProblem, text);
      if (selected && !schemaProblem && !uiProblem) {
        var ui = uiArea.value.trim() ? JSON.parse(uiArea.value) : {};
        forms[selected].valid = { schema: JSON.parse(schemaArea.value), ui: ui };
      }
      return !schemaProblem && !uiProblem;
    }

    function edited() {
      if (!selected) { return; }
      forms[selected].schema = schemaArea.value;
      forms[selected].ui = uiArea.value;
      if (validate()) { schedulePreview(600); }
      onChange();
    }

    function schedulePreview(delay) {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(showPreview, delay);
    }

    function showPreview() {
      if (!selected || !forms[selected].valid) { preview.textContent = ""; return; }
      var form = forms[selected].valid;
      post(settings.urls.preview, { name: selected, schema: form.schema, ui: form.ui }, "text").then(function (answer) {
        previewError.hidden = answer.status === 200;
        if (answer.status === 200) {
          preview.innerHTML = answer.body; // our own server's rendering, every text escaped there
        } else {
          previewError.textContent = text("previewFailed", { reason: (answer.json && answer.json.error) || answer.status });
        }
      });
    }

    function addForm() {
      var name = newName.value.trim();
      if (!FORM_NAME.test(name) || forms[name]) {
        previewError.hidden = false;
        previewError.textContent = text("formNameBad");
        newName.focus();
        return;
      }
      var schema = { title: text("newFormTitle"), type: "object", properties: {} };
      forms[name] = { schema: pretty(schema), ui: "{}", valid: { schema: schema, ui: {} } };
      newName.value = "";
      select(name);
      onChange();
      schemaArea.focus();
    }

    schemaArea.addEventListener("input", edited);
    uiArea.addEventListener("input", edited);
    document.getElementById("form-editor-add").addEventListener("click", addForm);
    newName.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); addForm(); }
    });

    return {
      load: function (loaded) {
        forms = {};
        Object.keys(loaded).forEach(function (name) {
          var form = loaded[name];
          var ui = form.ui || {};
          forms[name] = { schema: pretty(form.schema), ui: pretty(ui), valid: { schema: form.schema, ui: ui } };
        });
        var first = Object.keys(forms).sort()[0];
        select(first === undefined ? null : first);
      },
      names: function () { return Object.keys(forms).sort(); },
      // The forms to save: each its last valid JSON; the names of those whose text does not parse now.
      collect: function () {
        var result = {};
        var broken = [];
        Object.keys(forms).forEach(function (name) {
          result[name] = forms[name].valid;
          var schemaBad = NS.jsonProblem(forms[name].schema);
          var uiBad = forms[name].ui.trim() && NS.jsonProblem(forms[name].ui);
          if (schemaBad || uiBad) { broken.push(name); }
        });
        return { forms: result, broken: broken };
      },
    };
  };

  NS.createScenarioEditor = function (text, onChange) {
    var area = document.getElementById("scenario-editor");
    var errorElement = document.getElementById("scenario-editor-error");
    var valid = {};
    area.addEventListener("input", function () {
      var problem = NS.jsonProblem(area.value || "{}");
      showProblem(area, errorElement, problem, text);
      if (!problem) {
        var parsed = JSON.parse(area.value || "{}");
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) { valid = parsed; }
      }
      onChange();
    });
    return {
      load: function (scenarios) { valid = scenarios || {}; area.value = pretty(valid); },
      collect: function () { return { scenarios: valid, broken: !!NS.jsonProblem(area.value || "{}") }; },
    };
  };
})();
