// The agent console's pages: live transcript, replies (the queue: queue.js). Whatever a customer wrote
// is inserted with textContent, never as HTML. Every change carries the session's CSRF token.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function follow(url, handlers, live) {
    if (!window.EventSource) { return null; }
    var source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) { handlers[name](JSON.parse(event.data)); });
    });
    if (live) {
      source.addEventListener("open", function () { live.dataset.state = "live"; live.textContent = "langsung"; });
      source.addEventListener("error", function () { live.dataset.state = "offline"; live.textContent = "menyambung ulang…"; });
    }
    return source;
  }

  // A conversation: new messages and the chat's state as they change.
  var transcript = document.getElementById("transcript");
  var reply = document.getElementById("reply");
  var state = document.getElementById("chat-state");

  function addMessage(m) {
    if (transcript.querySelector('[data-id="' + m.id + '"]')) { return; }
    var item = el("li", "msg msg--" + m.sender);
    item.dataset.id = m.id;
    item.appendChild(el("span", "msg__who", m.sender_label + (m.agent ? " · " + m.agent : "") + " · " + m.at));
    item.appendChild(el("span", "msg__text", m.text));
    if (m.buttons && m.buttons.length) {
      var row = el("span", "msg__buttons");
      m.buttons.forEach(function (title) { row.appendChild(el("span", "chip", title)); });
      item.appendChild(row);
    }
    transcript.appendChild(item);
    transcript.scrollTop = transcript.scrollHeight;
  }

  if (transcript) {
    transcript.scrollTop = transcript.scrollHeight;
    var url = transcript.dataset.stream + "?after=" + encodeURIComponent(transcript.dataset.after || "0");
    follow(url, {
      messages: function (messages) { messages.forEach(addMessage); },
      state: function (s) {
        if (state.dataset.handledBy !== s.handled_by || state.dataset.mine !== (s.mine ? "yes" : "no")) {
          window.location.reload();  // who holds the chat changed elsewhere: show the right controls
          return;
        }
        state.textContent = s.label;
      }
    });
  }

  if (reply) {
    reply.addEventListener("submit", function (event) {
      event.preventDefault();
      var field = reply.querySelector("textarea");
      var status = document.getElementById("reply-status");
      var text = field.value.trim();
      if (!text) { return; }
      status.textContent = "Mengirim…";
      fetch(reply.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ text: text })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.detail || ("HTTP " + response.status)); }
          field.value = "";
          status.textContent = body.pushed ? "Terkirim." : "Tersimpan; pelanggan menerimanya saat kanalnya mengambil pesan.";
        });
      }).catch(function (error) {
        status.textContent = "Belum terkirim: " + error.message;
      });
    });
  }
}());
