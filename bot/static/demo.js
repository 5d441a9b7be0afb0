// Demo chat over the gateway's REST channel. Text is always inserted as text, never as HTML.
(function () {
  "use strict";
  var KEY = "aduan-demo-sender";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var status = document.getElementById("status");

  function newSender() {
    var id = "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
    localStorage.setItem(KEY, id);
    return id;
  }
  var sender = localStorage.getItem(KEY) || newSender();

  function add(who, text, buttons) {
    var item = document.createElement("li");
    item.className = "msg msg--" + who;
    item.textContent = text || "";
    if (buttons && buttons.length) {
      var row = document.createElement("div");
      row.className = "msg__buttons";
      buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () {
          row.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
          send(b.payload, b.title);
        });
        row.appendChild(button);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function send(message, shown) {
    add("user", shown || message);
    status.textContent = "";
    return fetch("/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender, message: message })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.detail || ("HTTP " + r.status)); }
        body.forEach(function (m) {
          if (m.text || m.buttons) { add("bot", m.text, m.buttons); }
        });
      });
    }).catch(function (err) {
      status.textContent = "Pesan belum terkirim ke asisten: " + err.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
  document.getElementById("restart").addEventListener("click", function () {
    sender = newSender();
    log.textContent = "";
  });
}());
