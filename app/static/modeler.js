// The admin's modeler (admin/modeler.html): bpmn-js with its properties panel and our own panel, dmn-js per decision
// file, the form and scenario editors; the draft is saved on the server (a button, and by itself a few seconds after
// a change), checked, deployed or thrown away. Every word shown comes from the page (data-settings), in the admin's
// language; status messages go to the page's live region.
(function () {
  "use strict";
  var NS = window.VertrouwdModeler;
  var root = document.getElementById("modeler");
  if (!root || !NS || !window.BpmnJS) { return; }
  var settings = JSON.parse(root.getAttribute("data-settings"));
  var csrf = root.getAttribute("data-csrf");
  var $ = function (id) { return document.getElementById(id); };
  var AUTOSAVE_MS = 4000;
  var draft = null;
  var dirty = false;
  var autosave = null;
  var decisionEditors = {}; // file name -> dmn-js modeler, made when its tab is first opened
  var marked = [];

  function text(key, values) {
    return (settings.texts[key] || key).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  function say(message) {
    $("modeler-status").textContent = message;
  }

  function post(url, body, kind) {
    return fetch(url, {
      method: body === undefined ? "GET" : "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json, text/html" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
      return (json ? response.json() : response.text()).then(function (content) {
        return { status: response.status, json: json ? content : null, body: kind === "text" && !json ? content : null };
      });
    }, function () {
      return { status: 0, json: { error: text("requestFailed") } };
    });
  }

  function reason(answer) {
    var json = answer.json || {};
    var details = json.errors && !Array.isArray(json.errors) ? Object.values(json.errors).join(" ") : "";
    return details || json.error || text("requestFailed");
  }

  // ---- The editors ----

  var modeler = new window.BpmnJS({
    container: $("modeler-canvas"),
    propertiesPanel: { parent: $("modeler-properties") },
    additionalModules: [window.BpmnJSPropertiesPanel.BpmnPropertiesPanelModule,
      window.BpmnJSPropertiesPanel.BpmnPropertiesProviderModule],
    moddleExtensions: { spiffworkflow: settings.descriptor },
  });
  var forms = NS.createFormEditor(settings, text, post, changed);
  var scenarios = NS.createScenarioEditor(text, changed);

  function decisions() {
    var found = [];
    Object.keys(draft.files).filter(function (name) { return /\.dmn$/.test(name); }).forEach(function (name) {
      var doc = new DOMParser().parseFromString(draft.files[name], "application/xml");
      Array.prototype.forEach.call(doc.getElementsByTagNameNS("*", "decision"), function (decision) {
        found.push([decision.getAttribute("id"), decision.getAttribute("name") || decision.getAttribute("id")]);
      });
    });
    return found;
  }

  function openDecisionFile(container) {
    var name = container.getAttribute("data-dmn-file");
    if (decisionEditors[name] || !window.DmnJS) { return; }
    var editor = new window.DmnJS({ container: container });
    decisionEditors[name] = editor;
    editor.importXML(draft.files[name]).then(function () {
      var table = editor.getViews().filter(function (view) { return view.type === "decisionTable"; })[0];
      return table ? editor.open(table) : null;
    }).then(function () {
      editor.getActiveViewer().on("commandStack.changed", changed);
    }).catch(function (error) {
      say(text("dmnFailed", { reason: error.message }));
    });
  }

  // ---- Tabs (arrow keys move between them, as the ARIA tabs pattern says) ----

  var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));

  function choose(tab, focus) {
    tabs.forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !selected;
    });
    if (focus) { tab.focus(); }
    var panel = $(tab.getAttribute("aria-controls"));
    var dmn = panel.querySelector("[data-dmn-file]");
    if (dmn) { openDecisionFile(dmn); }
    if (tab.id === "tab-diagram") { modeler.get("canvas").resized(); }
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { choose(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (event.key === "Home" || event.key === "End") {
        choose(tabs[event.key === "Home" ? 0 : tabs.length - 1], true);
      } else if (step) {
        choose(tabs[(index + step + tabs.length) % tabs.length], true);
      } else {
        return;
      }
      event.preventDefault();
    });
  });

  // ---- Saving ----

  function changed() {
    dirty = true;
    $("modeler-saved").textContent = text("unsaved");
    clearTimeout(autosave);
    autosave = setTimeout(function () { save(false); }, AUTOSAVE_MS);
  }

  function savedAt(iso) {
    if (!iso) { return ""; } // opened, not saved yet: the draft exists from its first save
    var time = new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
    $("modeler-saved").textContent = text("saved", { time: time });
    return $("modeler-saved").textContent;
  }

  function collect() {
    var files = Object.assign({}, draft.files);
    var pending = [modeler.saveXML({ format: true }).then(function (result) { files[settings.main] = result.xml; })];
    Object.keys(decisionEditors).forEach(function (name) {
      pending.push(decisionEditors[name].saveXML({ format: true }).then(function (result) { files[name] = result.xml; }));
    });
    return Promise.all(pending).then(function () {
      var formsNow = forms.collect();
      var scenariosNow = scenarios.collect();
      var warnings = formsNow.broken.map(function (name) { return text("notSavedForm", { name: name }); });
      if (scenariosNow.broken) { warnings.push(text("notSavedScenarios")); }
      var body = { files: files, forms: formsNow.forms, scenarios: scenariosNow.scenarios, note: $("modeler-comment").value };
      return { body: body, warnings: warnings };
    });
  }

  // Saves the draft; resolves to true when the server kept it. ``announce``: say so in the live region.
  function save(announce) {
    clearTimeout(autosave);
    if (announce) { say(text("saving")); }
    return collect().then(function (collected) {
      return post(settings.urls.save, collected.body).then(function (answer) {
        if (answer.status !== 200) {
          say(text("saveFailed", { reason: reason(answer) }));
          return false;
        }
        draft.files = collected.body.files;
        dirty = false;
        var saved = savedAt(answer.json.updated_at);
        if (announce || collected.warnings.length) { say([saved].concat(collected.warnings).join(" ")); }
        return true;
      });
    }, function (error) {
      say(text("saveFailed", { reason: error.message }));
      return false;
    });
  }

  // ---- Checking: the report as a list; the canvas marks each element with an error ----

  function clearMarks() {
    var canvas = modeler.get("canvas");
    marked.forEach(function (id) { canvas.removeMarker(id, "modeler-error"); });
    modeler.get("overlays").remove({ type: "modeler-error" });
    marked = [];
  }

  function goTo(id) {
    var element = modeler.get("elementRegistry").get(id);
    if (!element) { return; }
    choose($("tab-diagram"), false);
    modeler.get("selection").select(element);
    modeler.get("canvas").scrollToElement(element);
    $("modeler-own-panel").focus();
  }

  function markError(id) {
    var registry = modeler.get("elementRegistry");
    if (!id || !registry.get(id) || marked.indexOf(id) >= 0) { return; }
    modeler.get("canvas").addMarker(id, "modeler-error");
    var badge = document.createElement("span");
    badge.className = "modeler-error-badge";
    badge.textContent = "!";
    badge.setAttribute("aria-hidden", "true");
    modeler.get("overlays").add(id, "modeler-error", { position: { top: -10, right: 10 }, html: badge });
    marked.push(id);
  }

  function list(title, items, render) {
    var body = $("modeler-results-body");
    var heading = document.createElement("h3");
    heading.textContent = title;
    body.appendChild(heading);
    var listElement = document.createElement("ul");
    listElement.className = "modeler-results__list";
    items.forEach(function (item) {
      var entry = document.createElement("li");
      render(item, entry);
      listElement.appendChild(entry);
    });
    body.appendChild(listElement);
  }

  function problem(item, entry) {
    entry.appendChild(document.createTextNode(item.message + " "));
    if (item.element && modeler.get("elementRegistry").get(item.element)) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "modeler-results__goto";
      button.textContent = text("goTo");
      button.addEventListener("click", function () { goTo(item.element); });
      entry.appendChild(button);
    }
  }

  function showReport(report) {
    clearMarks();
    var body = $("modeler-results-body");
    body.textContent = "";
    var errors = report.errors || [];
    var paragraph = document.createElement("p");
    paragraph.textContent = errors.length ? text("checkErrors", { count: errors.length }) : text("checkOk");
    body.appendChild(paragraph);
    if (errors.length) { list(text("errors"), errors, problem); }
    if ((report.warnings || []).length) { list(text("warnings"), report.warnings, problem); }
    if (report.scenarios) {
      list(text("scenarios"), report.scenarios.length ? report.scenarios : [null], function (result, entry) {
        if (!result) { entry.textContent = text("noScenarios"); return; }
        entry.className = result.passed ? "modeler-results__passed" : "modeler-results__failed";
        entry.textContent = result.name + ": " + text(result.passed ? "passed" : "failed") +
          (result.message ? " (" + result.message + ")" : "");
      });
    }
    errors.forEach(function (item) { markError(item.element); });
    $("modeler-results").hidden = false;
    say(paragraph.textContent);
  }

  function check() {
    return save(false).then(function (kept) {
      if (!kept) { return; }
      say(text("checking"));
      return post(settings.urls.check, {}).then(function (answer) {
        if (answer.status === 200) {
          showReport(answer.json);
        } else {
          say(text("checkFailed", { reason: reason(answer) }));
        }
      });
    });
  }

  // ---- Deploying and discarding ----

  function deploy() {
    var comment = $("modeler-comment");
    if (!comment.value.trim()) {
      say(text("commentNeeded"));
      comment.setAttribute("aria-invalid", "true");
      comment.focus();
      return;
    }
    comment.removeAttribute("aria-invalid");
    var replacing = draft.newer !== null;
    var question = replacing ? text("confirmReplace", { version: draft.newer.version }) : text("confirmDeploy");
    if (!window.confirm(question)) { return; }
    save(false).then(function (kept) {
      if (!kept) { return; }
      say(text("deploying"));
      return post(settings.urls.deploy, { comment: comment.value, replace_newer: replacing }).then(function (answer) {
        if (answer.status === 200 || answer.status === 201) {
          dirty = false;
          window.location.assign(answer.json.url);
        } else if (answer.status === 422 && Array.isArray(answer.json.errors)) {
          showReport({ errors: answer.json.errors });
          say(text("deployRefused"));
        } else {
          say(reason(answer));
        }
      });
    });
  }

  function discard() {
    if (!window.confirm(text("confirmDiscard"))) { return; }
    post(settings.urls.discard, {}).then(function (answer) {
      if (answer.status === 200) {
        dirty = false;
        window.location.assign(answer.json.url);
      } else {
        say(reason(answer));
      }
    });
  }

  // ---- Start ----

  function start(loaded) {
    draft = loaded;
    forms.load(draft.forms);
    scenarios.load(draft.scenarios);
    $("modeler-comment").value = draft.note;
    NS.createOwnPanel(modeler, $("modeler-own-fields"), settings, { forms: forms.names, decisions: decisions }, text);
    return modeler.importXML(draft.files[settings.main]).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      modeler.get("canvas").scroll({ dx: 130, dy: 10 }); // the palette covers the left edge: the lanes' names
      modeler.on("commandStack.changed", changed);
      savedAt(draft.updated_at);
      say("");
    });
  }

  $("modeler-app").hidden = false;
  say(text("loading"));
  $("modeler-save").addEventListener("click", function () { save(true); });
  $("modeler-check").addEventListener("click", check);
  $("modeler-deploy").addEventListener("click", deploy);
  $("modeler-discard").addEventListener("click", discard);
  $("modeler-comment").addEventListener("input", changed);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  post(settings.urls.draft)
    .then(function (answer) {
      if (answer.status !== 200) { throw new Error(reason(answer)); }
      return start(answer.json);
    })
    .catch(function (error) {
      say(text("bpmnFailed", { reason: error.message }));
      window.console.error(error);
    });
})();
