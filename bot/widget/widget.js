/*
 * Aduan web widget: a complaint chat for any web page, embedded with one tag.
 *
 *   <script src="https://cs.example.co.id/widget/widget.js" data-title="Layanan Pengaduan"
 *           data-language="id" defer></script>
 *
 * Optional configuration, set before the tag (data-* attributes work too):
 *   window.AduanWidget = { title: "…", language: "id" | "en", server: "https://…",
 *                          open: false, position: "right" | "left",
 *                          colors: { primary: "#0b5cab", onPrimary: "#fff", background: "#fff",
 *                                    text: "#1c2430", bot: "#eef2f6" } };
 *
 * Plain JavaScript, no build step, no outside requests. Text from the server is always
 * inserted as text, never as HTML. Protocol: bot/channels/web_socket.py.
 *
 * A message stays queued (in local storage) until the server says it stored it
 * (`received`, or a `duplicate` answer after a re-send). The bot's and agents' messages
 * carry their id: the widget keeps the highest it saw, asks for what came after it on every
 * (re)connect (`hello.after`) and never shows a message twice.
 */
(function () {
  "use strict";
  if (window.__aduanWidget) { return; }
  window.__aduanWidget = true;

  var MAX_BYTES = 10 * 1024 * 1024;
  var TYPES = { "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png" };
  var EXTENSIONS = /\.(pdf|jpe?g|png)$/i;
  var ANSWER_TIMEOUT_MS = 60000;
  var TYPING_EVERY_MS = 2000;      // the customer's typing signal, at most this often
  var AGENT_TYPING_MS = 6000;      // the agent's typing shows this long after their last signal
  var STATUS_EVERY_MS = 15000;     // while waiting for an agent, the queue place is asked this often
  var WIB_OFFSET_MS = 7 * 3600 * 1000;

  var STRINGS = {
    id: {
      title: "Layanan Pengaduan",
      launcher: "Chat pengaduan",
      open: "Buka chat layanan pengaduan",
      close: "Tutup chat",
      log: "Percakapan",
      message: "Pesan",
      placeholder: "Tulis pesan…",
      send: "Kirim pesan",
      attach: "Lampirkan dokumen (PDF, JPG atau PNG, maks. 10 MB)",
      typing: "Asisten sedang mengetik…",
      connecting: "Menghubungkan…",
      online: "Terhubung",
      offline: "Koneksi terputus — menyambung ulang…",
      queued: "menunggu koneksi",
      failed: "tidak terkirim",
      uploading: "mengunggah…",
      agent: "Petugas",
      you: "Anda",
      bot: "Bot",
      chosen: "Anda memilih: {title}",
      image: "Gambar dari layanan pengaduan",
      choices: "Pilihan jawaban",
      unread: "pesan baru",
      badType: "Hanya file PDF, JPG atau PNG yang dapat dikirim.",
      tooBig: "Ukuran file paling besar 10 MB.",
      uploadOffline: "Dokumen belum dapat diunggah karena koneksi terputus. Coba lagi setelah terhubung.",
      uploadFailed: "Dokumen gagal diunggah. Silakan coba lagi.",
      docAttached: "Dokumen diterima dan dilampirkan pada pengaduan {rn}.",
      docPending: "Dokumen diterima. Dokumen akan dilampirkan pada pengaduan Anda begitu pengaduan terdaftar.",
      docsAttached: "{count} dokumen telah dilampirkan pada pengaduan {rn}.",
      tooLong: "Pesan terlalu panjang. Mohon kirim dalam beberapa pesan yang lebih pendek.",
      unavailable: "Pesan Anda sudah tersimpan, tetapi asisten belum dapat menjawab. Silakan coba lagi sebentar lagi.",
      failedSend: "Pesan tidak dapat dikirim. Silakan coba lagi.",
      slowDown: "Terlalu banyak pesan sekaligus. Pesan Anda akan dikirim sebentar lagi.",
      uploadLater: "Terlalu banyak dokumen sekaligus. Silakan coba lagi nanti.",
      agentTyping: "Petugas sedang mengetik…",
      queuePlace: "Anda di urutan ke-{n}. Petugas kami segera menyapa Anda.",
      newChat: "Percakapan baru",
      newChatConfirm: "Akhiri percakapan ini dan mulai percakapan baru? Percakapan ini tidak akan tampil lagi di sini.",
      sentAt: "Dikirim pukul"
    },
    en: {
      title: "Complaint service",
      launcher: "Complaint chat",
      open: "Open the complaint service chat",
      close: "Close chat",
      log: "Conversation",
      message: "Message",
      placeholder: "Type a message…",
      send: "Send message",
      attach: "Attach a document (PDF, JPG or PNG, at most 10 MB)",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      online: "Connected",
      offline: "Connection lost — reconnecting…",
      queued: "waiting for connection",
      failed: "not sent",
      uploading: "uploading…",
      agent: "Agent",
      you: "You",
      bot: "Bot",
      chosen: "You chose: {title}",
      image: "Image from the complaint service",
      choices: "Answer choices",
      unread: "new messages",
      badType: "Only PDF, JPG or PNG files can be sent.",
      tooBig: "Files can be at most 10 MB.",
      uploadOffline: "The document cannot be uploaded while offline. Please try again once connected.",
      uploadFailed: "The document could not be uploaded. Please try again.",
      docAttached: "Document received and attached to complaint {rn}.",
      docPending: "Document received. It will be attached to your complaint as soon as the complaint is registered.",
      docsAttached: "{count} document(s) attached to complaint {rn}.",
      tooLong: "The message is too long. Please send it as a few shorter messages.",
      unavailable: "Your message was saved, but the assistant cannot answer right now. Please try again in a moment.",
      failedSend: "The message could not be sent. Please try again.",
      slowDown: "Too many messages at once. Yours will be sent in a moment.",
      uploadLater: "Too many documents at once. Please try again later.",
      agentTyping: "An agent is typing…",
      queuePlace: "You are number {n} in the queue. An agent will be with you shortly.",
      newChat: "New conversation",
      newChatConfirm: "End this conversation and start a new one? It will no longer be shown here.",
      sentAt: "Sent at"
    }
  };

  // ---- configuration -------------------------------------------------------------------
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var config = window.AduanWidget || {};
  var scriptUrl = new URL((script && script.src) || location.href, location.href);
  var server = String(config.server || data.server || scriptUrl.origin).replace(/\/+$/, "");
  var language = String(config.language || data.language || "id").slice(0, 2) === "en" ? "en" : "id";
  var t = STRINGS[language];
  var title = config.title || data.title || t.title;
  var colors = config.colors || {};
  var maxChars = Number(config.maxChars || data.maxChars) || 4000;
  var storeKey = "aduan-widget:" + server;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(storeKey + ":" + key)) || fallback; } catch (e) { return fallback; }
  }

  function write(key, value) {
    try { localStorage.setItem(storeKey + ":" + key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  // ---- DOM (in a shadow root, so the host page's styles cannot reach it) ------------------
  var host = document.createElement("div");
  host.id = "aduan-widget";
  host.style.visibility = "hidden";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var colorVars = { primary: "--aduan-primary", onPrimary: "--aduan-on-primary",
    background: "--aduan-background", text: "--aduan-text", bot: "--aduan-bot" };
  Object.keys(colorVars).forEach(function (name) {
    if (colors[name]) { host.style.setProperty(colorVars[name], String(colors[name])); }
  });
  if ((config.position || data.position) === "left") { host.setAttribute("data-position", "left"); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  var ICONS = {
    chat: "M4 4h16v11H7l-3 3z",
    close: "M6 6l12 12M18 6L6 18",
    clip: "M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7l-7.8 7.8a6 6 0 0 0 8.5 8.5l6.4-6.4",
    send: "M4 12l16-8-6 16-2.5-6.5z"
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  var style = el("link", { rel: "stylesheet", href: server + "/widget/widget.css" });
  style.addEventListener("load", function () { host.style.visibility = ""; });
  style.addEventListener("error", function () { host.style.visibility = ""; });

  var launcher = el("button", { type: "button", class: "launcher", "aria-label": t.open,
    "aria-expanded": "false", "aria-controls": "aduan-panel" });
  launcher.appendChild(icon("chat"));
  launcher.appendChild(el("span", { class: "launcher__label" }, t.launcher));
  var badge = el("span", { class: "badge", hidden: "" });
  launcher.appendChild(badge);

  var panel = el("section", { id: "aduan-panel", class: "panel", role: "dialog",
    "aria-labelledby": "aduan-title", "aria-describedby": "aduan-connection", hidden: "" });
  var header = el("header", { class: "header" });
  var heading = el("div", { class: "header__text" });
  heading.appendChild(el("h2", { id: "aduan-title", class: "title" }, title));
  var connection = el("p", { id: "aduan-connection", class: "connection", role: "status" }, t.connecting);
  heading.appendChild(connection);
  var closer = el("button", { type: "button", class: "icon-button close", "aria-label": t.close });
  closer.appendChild(icon("close"));
  var restart = el("button", { type: "button", class: "text-button restart" }, t.newChat);
  header.appendChild(heading);
  header.appendChild(restart);
  header.appendChild(closer);

  // A div, not a list: role="log" would take the list semantics away from <li> items.
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": t.log, tabindex: "0" });
  // Says which answer the customer chose (a button's own pressed state is not read out by all readers).
  var announcer = el("p", { class: "announcer visually-hidden", role: "status", "aria-live": "polite" });
  var typing = el("div", { class: "typing", role: "status", hidden: "" });
  typing.appendChild(el("span", { class: "dots", "aria-hidden": "true" }));
  typing.appendChild(el("span", { class: "visually-hidden" }, t.typing));
  var alertBox = el("p", { class: "alert", role: "alert" });
  var place = el("p", { class: "queue-place", role: "status", hidden: "" });
  var agentTyping = el("p", { class: "agent-typing", role: "status", hidden: "" }, t.agentTyping);

  var form = el("form", { class: "composer", autocomplete: "off" });
  var fileInput = el("input", { type: "file", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true",
    accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" });
  var attach = el("button", { type: "button", class: "icon-button attach", "aria-label": t.attach, title: t.attach });
  attach.appendChild(icon("clip"));
  var label = el("label", { for: "aduan-text", class: "visually-hidden" }, t.message);
  var input = el("textarea", { id: "aduan-text", class: "input", rows: "1", maxlength: String(maxChars),
    placeholder: t.placeholder, enterkeyhint: "send" });
  var sendButton = el("button", { type: "submit", class: "icon-button send", "aria-label": t.send });
  sendButton.appendChild(icon("send"));
  [fileInput, attach, label, input, sendButton].forEach(function (node) { form.appendChild(node); });

  [header, place, log, announcer, typing, agentTyping, alertBox, form].forEach(function (node) { panel.appendChild(node); });
  [style, launcher, panel].forEach(function (node) { root.appendChild(node); });

  // ---- rendering ------------------------------------------------------------------------
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function disableChoices() {
    log.querySelectorAll(".choices button").forEach(function (button) { button.disabled = true; });
  }

  function showAlert(text) {
    alertBox.textContent = text || "";
  }

  // "HH:MM" in WIB (UTC+7, no daylight saving) of an ISO time; "" if there is none.
  function wib(iso) {
    var at = iso ? new Date(iso) : null;
    if (!at || isNaN(at.getTime())) { return ""; }
    var local = new Date(at.getTime() + WIB_OFFSET_MS);
    return ("0" + local.getUTCHours()).slice(-2) + ":" + ("0" + local.getUTCMinutes()).slice(-2);
  }

  function stamp(item, iso) {
    var shown = wib(iso);
    var time = item.querySelector(".message__time");
    if (!time) {
      time = el("time", { class: "message__time" });
      item.appendChild(time);
    }
    time.textContent = shown;
    time.setAttribute("datetime", iso || "");
    time.setAttribute("title", shown ? t.sentAt + " " + shown + " WIB" : "");
  }

  function renderAnswer(message, sender, live) {
    if (message.notice) {
      var note = el("div", { class: "note note--" + message.notice }, message.text || "");
      stamp(note, message.created_at);
      log.appendChild(note);
      return;
    }
    if (!message.text && !message.image && !(message.buttons && message.buttons.length)) { return; }
    var item = el("div", { class: "message message--" + (sender === "agent" ? "agent" : "bot") });
    if (sender === "agent") {
      var who = el("span", { class: "message__sender" }, t.agent + (message.agent_name ? " · " + message.agent_name : ""));
      who.appendChild(el("span", { class: "visually-hidden" }, ": "));
      item.appendChild(who);
    } else {
      item.appendChild(el("span", { class: "visually-hidden" }, t.bot + ": "));
    }
    if (message.text) { item.appendChild(el("p", { class: "message__text" }, message.text)); }
    var image = typeof message.image === "string" ? message.image : "";
    if (/^(https?:)?\//.test(image)) {
      item.appendChild(el("img", { class: "message__image", src: new URL(image, server + "/").href,
        alt: t.image, loading: "lazy" }));
    }
    var buttons = (message.buttons || []).filter(function (b) { return b && b.title; });
    if (buttons.length) {
      var row = el("div", { class: "choices", role: "group", "aria-label": t.choices });
      buttons.forEach(function (b) {
        var button = el("button", { type: "button", class: "choice", "aria-pressed": "false" }, b.title);
        button.disabled = !live;
        button.addEventListener("click", function () {
          say(b.payload || b.title, b.title);
          button.classList.add("is-chosen");
          button.setAttribute("aria-pressed", "true");
          announcer.textContent = t.chosen.replace("{title}", b.title);
          input.focus();  // the clicked button is disabled now; keep the keyboard in the chat
        });
        row.appendChild(button);
      });
      item.appendChild(row);
    }
    stamp(item, message.created_at);
    log.appendChild(item);
  }

  function renderUser(entry) {
    var item = el("div", { class: "message message--user", "data-id": entry.id });
    item.appendChild(el("span", { class: "visually-hidden" }, t.you + ": "));
    if (entry.attachment) {
      item.classList.add("message--file");
      var name = el("p", { class: "message__text" });
      name.appendChild(icon("clip"));
      name.appendChild(document.createTextNode(" " + entry.attachment.filename));
      item.appendChild(name);
    } else {
      item.appendChild(el("p", { class: "message__text" }, entry.title || entry.text));
    }
    item.appendChild(el("span", { class: "message__state" }));
    stamp(item, entry.at || new Date().toISOString());
    log.appendChild(item);
    return item;
  }

  // The note under an upload: attached to the case, or waiting for it (marked, so that it
  // says "attached" once the case is registered, as the restored transcript then does).
  function documentNote(attachment) {
    return attachment.register_number ? fill(t.docAttached, { rn: attachment.register_number }) : t.docPending;
  }

  function documentNoteItem(attachment) {
    var item = el("div", { class: "note" }, documentNote(attachment));
    if (!attachment.register_number) { item.setAttribute("data-pending", "1"); }
    return item;
  }

  // The chat's uploads waiting for its case are attached now: their notes say so.
  function documentsAttached(frame) {
    var waiting = log.querySelectorAll('.note[data-pending="1"]');
    if (!waiting.length) {
      return note(fill(t.docsAttached, { rn: frame.register_number, count: frame.count }));
    }
    Array.prototype.forEach.call(waiting, function (item) {
      item.removeAttribute("data-pending");
      item.textContent = fill(t.docAttached, { rn: frame.register_number });
    });
    announcer.textContent = fill(t.docsAttached, { rn: frame.register_number, count: frame.count });
  }

  function setState(item, state) {
    if (!item) { return; }
    item.classList.remove("is-queued", "is-failed", "is-uploading");
    var text = { queued: t.queued, failed: t.failed, uploading: t.uploading }[state] || "";
    if (state) { item.classList.add("is-" + state); }
    item.querySelector(".message__state").textContent = text;
  }

  function note(text) {
    log.appendChild(el("div", { class: "note" }, text));
    scrollDown();
  }

  function entryItem(id) {
    return log.querySelector('[data-id="' + String(id).replace(/[^A-Za-z0-9_-]/g, "") + '"]');
  }

  function renderTranscript(items) {
    log.textContent = "";
    shown = {};
    var lastUser = -1;
    items.forEach(function (item, index) {
      if (item.sender === "user" && !item.attachment) { lastUser = index; }  // an upload answers nothing
    });
    items.forEach(function (item, index) {
      if (item.sender === "user") {
        renderUser({ id: "t" + item.id, text: item.text, attachment: item.attachment, at: item.created_at });
        if (item.attachment) { log.appendChild(documentNoteItem(item.attachment)); }
      } else {
        remember(item.id);
        renderAnswer(item, item.sender, index > lastUser && !queue.length);
      }
    });
    queue.forEach(function (entry) {
      if (!entry.hidden) { setState(renderUser(entry), "queued"); }
    });
    scrollDown();
  }

  // ---- the conversation: session, queue, socket ----------------------------------------
  var session = read("session", null);
  var queue = read("queue", []);
  var seen = read("seen", { conversation_id: null, last: 0 });
  var shown = {};
  var inFlight = {};
  var awaiting = {};
  var loading = false;
  var held = [];
  var socket = null;
  var ready = false;
  var attempt = 0;
  var reconnectTimer = null;
  var answerTimer = null;
  var slowDownTimer = null;
  var statusTimer = null;
  var agentTypingTimer = null;
  var typedAt = 0;
  var unread = 0;

  function newId() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function saveQueue() { write("queue", queue); }

  // The highest bot or agent message id seen in this conversation: `after` in the hello.
  function lastSeen() {
    return session && seen.conversation_id === session.conversation_id ? Number(seen.last) || 0 : 0;
  }

  // Whether a message (by id) is new here; it counts as seen from now on.
  function remember(id) {
    if (typeof id !== "number") { return true; }
    if (shown[id]) { return false; }
    shown[id] = true;
    if (session && id > lastSeen()) {
      seen = { conversation_id: session.conversation_id, last: id };
      write("seen", seen);
    }
    return true;
  }

  function setConnection(state) {
    connection.textContent = t[state];
    panel.setAttribute("data-connection", state);
  }

  function showTyping() {
    var waiting = Object.keys(inFlight).length + Object.keys(awaiting).length > 0;
    typing.hidden = !waiting;
    clearTimeout(answerTimer);
    if (waiting) {
      answerTimer = setTimeout(function () { awaiting = {}; typing.hidden = true; }, ANSWER_TIMEOUT_MS);
      scrollDown();
    }
  }

  function settle(id) {
    queue = queue.filter(function (entry) { return entry.id !== id; });
    saveQueue();
    delete inFlight[id];
    setState(entryItem(id), "");
    showTyping();
  }

  function transmit(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function flush() {
    if (!ready) { return; }
    queue.forEach(function (entry) {
      if (inFlight[entry.id]) { return; }
      if (transmit({ type: "message", text: entry.text, id: entry.id })) {
        inFlight[entry.id] = true;
        setState(entryItem(entry.id), "");
      }
    });
    showTyping();
  }

  function say(text, shown) {
    var entry = { id: newId(), text: text, title: shown && shown !== text ? shown : undefined };
    queue.push(entry);
    saveQueue();
    disableChoices();
    showAlert("");
    var item = renderUser(entry);
    if (!ready) { setState(item, "queued"); }
    scrollDown();
    flush();
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (socket) { return; }
    setConnection("connecting");
    try {
      socket = new WebSocket(server.replace(/^http/, "ws") + "/webhooks/web/socket");
    } catch (e) {
      socket = null;
      retry();
      return;
    }
    var own = socket;
    socket.addEventListener("open", function () {
      transmit({ type: "hello", language: language, after: lastSeen(),
        conversation_id: session && session.conversation_id, token: session && session.token });
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame === "object") { take(frame); }
    });
    socket.addEventListener("close", function () {
      if (socket !== own) { return; }  // replaced (a new conversation)
      socket = null;
      ready = false;
      inFlight = {};
      awaiting = {};
      showTyping();
      setConnection("offline");
      queue.forEach(function (entry) { setState(entryItem(entry.id), "queued"); });
      retry();
    });
  }

  function retry() {
    var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }

  function take(frame) {
    if (frame.type === "session") { return begin(frame); }
    if (loading && (frame.type === "answers" || frame.type === "notice")) {
      held.push(frame);  // shown once the transcript is, without what it already has
      return;
    }
    if (frame.type === "received") { return received(frame); }
    if (frame.type === "answers") { return answered(frame); }
    if (frame.type === "notice" && frame.notice === "documents_attached") { return documentsAttached(frame); }
    if (frame.type === "error") { return refused(frame); }
    if (frame.type === "status") { return presence(frame); }
    if (frame.type === "typing" && frame.who === "agent") { return agentTypes(); }
  }

  // Who answers: while the chat waits for an agent, its place in the queue, asked again now and then.
  function presence(frame) {
    var waiting = typeof frame.queue_position === "number" && frame.queue_position > 0;
    place.hidden = !waiting;
    place.textContent = waiting ? fill(t.queuePlace, { n: frame.queue_position }) : "";
    clearTimeout(statusTimer);
    if (waiting) { statusTimer = setTimeout(askStatus, STATUS_EVERY_MS); }
  }

  function askStatus() {
    if (ready) { transmit({ type: "status" }); }
  }

  function agentTypes() {
    agentTyping.hidden = false;
    clearTimeout(agentTypingTimer);
    agentTypingTimer = setTimeout(function () { agentTyping.hidden = true; }, AGENT_TYPING_MS);
    scrollDown();
  }

  function begin(frame) {
    session = { conversation_id: frame.conversation_id, token: frame.token };
    write("session", session);
    attempt = 0;
    if (!frame.resumed) {
      log.textContent = "";
      shown = {};
      seen = { conversation_id: session.conversation_id, last: 0 };
      write("seen", seen);
      queue = queue.filter(function (entry) { return !entry.hidden; });
      queue.unshift({ id: newId(), text: "/greet", hidden: true });
      saveQueue();
      queue.forEach(function (entry) { if (!entry.hidden) { setState(renderUser(entry), "queued"); } });
      return start();
    }
    loading = true;
    held = [];
    transcript().then(renderTranscript, function () { /* keep what is shown */ }).then(function () {
      var frames = held;
      loading = false;
      held = [];
      frames.forEach(take);
      start();
    });
  }

  function start() {
    ready = true;
    setConnection("online");
    flush();
    askStatus();
  }

  // The server stored the message: it leaves the queue; the bot's answer follows.
  function received(frame) {
    if (!frame.reply_to) { return; }
    if (frame.handled_by !== "agent") { awaiting[frame.reply_to] = true; }
    var item = entryItem(frame.reply_to);
    if (item && frame.created_at) { stamp(item, frame.created_at); }
    settle(frame.reply_to);
    if (frame.handled_by === "agent") { askStatus(); }
  }

  function answered(frame) {
    if (frame.reply_to) {
      delete awaiting[frame.reply_to];
      settle(frame.reply_to);
    }
    var messages = (frame.messages || []).filter(function (message) { return remember(message.id); });
    if (frame.sender === "agent" && messages.length) { agentTyping.hidden = true; }
    messages.forEach(function (message) { renderAnswer(message, frame.sender, true); });
    if (messages.length) { askStatus(); }
    if (messages.length && panel.hidden) {
      unread += messages.length;
      badge.textContent = String(unread);
      badge.hidden = false;
      launcher.setAttribute("aria-label", t.open + " (" + unread + " " + t.unread + ")");
    }
    scrollDown();
  }

  function refused(frame) {
    if (!frame.reply_to) { return; }
    var item = entryItem(frame.reply_to);
    if (frame.error === "rate_limited") { return sendLater(frame.reply_to, item, frame.retry_after); }
    settle(frame.reply_to);
    if (frame.error === "assistant_unavailable") { return note(t.unavailable); }
    setState(item, "failed");
    showAlert(frame.error === "message_too_long" ? t.tooLong : t.failedSend);
  }

  // Throttled: the message stays queued and goes again once the server allows it.
  function sendLater(id, item, seconds) {
    delete inFlight[id];
    setState(item, "queued");
    showTyping();
    showAlert(t.slowDown);
    clearTimeout(slowDownTimer);
    slowDownTimer = setTimeout(function () { showAlert(""); flush(); }, Math.max(1, seconds || 1) * 1000);
  }

  function transcript() {
    var url = server + "/webhooks/web/conversations/" + encodeURIComponent(session.conversation_id) + "/transcript";
    return fetch(url, { headers: { "X-Widget-Token": session.token } }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (body) { return body.items || []; });
  }

  // ---- documents ------------------------------------------------------------------------
  function acceptable(file) {
    return TYPES[file.type] !== undefined || (!file.type && EXTENSIONS.test(file.name));
  }

  function upload(file) {
    showAlert("");
    if (!acceptable(file)) { return showAlert(t.badType); }
    if (file.size > MAX_BYTES) { return showAlert(t.tooBig); }
    if (!ready || !session) { return showAlert(t.uploadOffline); }
    var item = renderUser({ id: "u" + newId(), attachment: { filename: file.name } });
    setState(item, "uploading");
    scrollDown();
    var body = new FormData();
    body.append("file", file, file.name);
    var url = server + "/webhooks/web/conversations/" + encodeURIComponent(session.conversation_id) + "/documents";
    fetch(url, { method: "POST", headers: { "X-Widget-Token": session.token }, body: body })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) { throw answer; }
          return answer;
        });
      })
      .then(function (answer) {
        setState(item, "");
        log.appendChild(documentNoteItem({ register_number: answer.pending ? null : answer.register_number }));
        scrollDown();
      }, function (problem) {
        setState(item, "failed");
        var reason = problem && problem.reason;
        var later = problem && (problem.error === "rate_limited" || problem.error === "pending_documents_full");
        showAlert(later ? t.uploadLater : reason === "too_large" ? t.tooBig : (reason ? t.badType : t.uploadFailed));
      });
  }

  // ---- opening, closing, keyboard --------------------------------------------------------
  function open() {
    panel.hidden = false;
    host.setAttribute("data-open", "");
    launcher.setAttribute("aria-expanded", "true");
    unread = 0;
    badge.hidden = true;
    launcher.setAttribute("aria-label", t.open);
    try { sessionStorage.setItem(storeKey + ":open", "1"); } catch (e) { /* private mode */ }
    connect();
    scrollDown();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    host.removeAttribute("data-open");
    launcher.setAttribute("aria-expanded", "false");
    try { sessionStorage.removeItem(storeKey + ":open"); } catch (e) { /* private mode */ }
    launcher.focus();
  }

  // "Start a new conversation": after a confirm, forget this one here and open a new one.
  function startOver() {
    if (!window.confirm(t.newChatConfirm)) { return; }
    var old = socket;
    socket = null;
    ready = false;
    session = null;
    write("session", null);
    queue = [];
    saveQueue();
    inFlight = {};
    awaiting = {};
    shown = {};
    seen = { conversation_id: null, last: 0 };
    write("seen", seen);
    log.textContent = "";
    place.hidden = true;
    agentTyping.hidden = true;
    clearTimeout(statusTimer);
    showTyping();
    showAlert("");
    if (old) { old.close(); }
    attempt = 0;
    connect();
    input.focus();
  }

  function submit() {
    var text = input.value.trim();
    if (!text) { return; }
    if (text.length > maxChars) { return showAlert(t.tooLong); }
    input.value = "";
    autosize();
    say(text);
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { close(); } });
  closer.addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    var focus = document.activeElement;
    if (event.key === "Escape" && !panel.hidden && (focus === host || focus === document.body)) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
  });
  input.addEventListener("input", function () {
    autosize();
    if (ready && input.value.trim() && Date.now() - typedAt > TYPING_EVERY_MS) {
      typedAt = Date.now();
      transmit({ type: "typing" });
    }
  });
  restart.addEventListener("click", startOver);
  attach.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (file) { upload(file); }
  });
  window.addEventListener("online", function () { attempt = 0; if (!socket) { connect(); } });

  function mount() {
    document.body.appendChild(host);
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(storeKey + ":open") === "1"; } catch (e) { /* private mode */ }
    if (wasOpen || config.open === true || data.open === "true") {
      open();
    } else if (session) {
      connect();  // a returning visitor: restore the chat and receive an agent's messages
    }
  }

  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
