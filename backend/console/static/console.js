// The agent console's pages: live transcript, replies (the queue: queue.js). Whatever a customer wrote
// is inserted with textContent, never as HTML. Every change carries the session's CSRF token.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var TYPING_EVERY_MS = 3000;   // the agent's typing signal, at most this often
  var TYPING_SHOWN_MS = 6000;   // the customer's typing shows this long after their last signal

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
    var item = el("li", "msg msg--" + m.sender + (m.notice ? " msg--notice" : ""));
    item.dataset.id = m.id;
    item.appendChild(el("span", "msg__who", m.sender_label + (m.agent ? " · " + m.agent : "") + " · " + m.at));
    if (m.file) {
      item.appendChild(el("span", "msg__text msg__file", "📎 " + m.file.name + (m.file.size ? " (" + m.file.size + ")" : "")));
    } else {
      item.appendChild(el("span", "msg__text", m.text));
    }
    if (m.raw) {
      var raw = el("span", "msg__raw", m.raw);
      raw.title = "Isi yang dikirim kanal (untuk audit)";
      item.appendChild(raw);
    }
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
    var leaving = false;
    document.addEventListener("submit", function (event) {
      if (event.target !== reply) { leaving = true; }  // a control posts; the page is replaced
    });
    var customerTyping = document.getElementById("customer-typing");
    var typingTimer = null;
    follow(url, {
      messages: function (messages) {
        messages.forEach(addMessage);
        if (customerTyping && messages.some(function (m) { return m.sender === "user"; })) { customerTyping.hidden = true; }
      },
      typing: function () {
        if (!customerTyping) { return; }
        customerTyping.hidden = false;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { customerTyping.hidden = true; }, TYPING_SHOWN_MS);
      },
      state: function (s) {
        if (leaving) { return; }  // this page's own take-over or hand-back: its answer follows
        if (state.dataset.handledBy !== s.handled_by || state.dataset.mine !== (s.mine ? "yes" : "no")) {
          window.location.reload();  // who holds the chat changed elsewhere: show the right controls
          return;
        }
        state.textContent = s.label;
      }
    });
  }

  if (reply) {
    // The agent's typing reaches the customer's widget, at most one signal every few seconds.
    var lastTyping = 0;
    reply.querySelector("textarea").addEventListener("input", function () {
      if (reply.dataset.mine !== "yes" || Date.now() - lastTyping < TYPING_EVERY_MS) { return; }
      lastTyping = Date.now();
      fetch(reply.action.replace(/\/reply$/, "/typing"), {
        method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
      }).catch(function () { /* only a hint */ });
    });
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
