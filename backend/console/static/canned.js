// Canned responses in the reply box: the list comes from the console (already filled with the
// customer's name and register number); "Sisipkan" puts the chosen text where the cursor is.
// Texts are set with textContent / value only, never as HTML.
(function () {
  "use strict";

  var box = document.getElementById("canned");
  var select = document.getElementById("canned-select");
  var insert = document.getElementById("canned-insert");
  var field = document.getElementById("reply-text");
  if (!box || !select || !insert || !field) { return; }
  var texts = {};

  fetch(box.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (body) {
      body.items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.key;
        option.textContent = item.title;
        select.appendChild(option);
        texts[item.key] = item.text;
      });
      box.dataset.loaded = String(body.items.length);
    })
    .catch(function (error) { box.dataset.loaded = "error: " + error.message; });

  insert.addEventListener("click", function () {
    var text = texts[select.value];
    if (!text || field.disabled) { return; }
    var start = field.selectionStart, end = field.selectionEnd;
    field.setRangeText(text, start, end, "end");
    field.focus();
  });
}());
