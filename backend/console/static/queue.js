// The queue page: the server sends the page's lines (`queue`) and its figures (`meta`) whenever
// they change. Whatever a customer wrote is inserted with textContent, never as HTML.
// The title counts the chats waiting for an agent; an optional beep (off by default, kept in
// localStorage) says when a new one starts waiting.
(function () {
  "use strict";

  var queue = document.getElementById("queue");
  if (!queue) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var sections = JSON.parse(queue.dataset.sections || "{}");
  var soundBox = document.getElementById("queue-sound");
  var SOUND_KEY = "aduan.console.queueSound";
  var baseTitle = document.title.replace(/^\(\d+\)\s*/, "");
  var waiting = Number(queue.dataset.waiting || "0");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function soundOn() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }

  if (soundBox) {
    soundBox.checked = soundOn();
    soundBox.addEventListener("change", function () {
      try { window.localStorage.setItem(SOUND_KEY, soundBox.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }

  // A short generated tone: no sound file to ship.
  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.35);
      tone.onended = function () { audio.close(); };
    } catch (e) { /* no audio: the title still counts */ }
  }

  function showWaiting(count) {
    document.title = (count > 0 ? "(" + count + ") " : "") + baseTitle;
    if (count > waiting && soundOn()) { beep(); }
    waiting = count;
    document.body.dataset.waiting = String(count);
  }

  function row(item) {
    var line = el("tr", "prio--" + item.priority);
    line.dataset.kind = item.kind;
    line.dataset.conversation = item.conversation_id;
    line.dataset.register = item.register_number;
    var first = el("td");
    if (item.priority_label) { first.appendChild(el("span", "badge badge--" + item.priority, item.priority_label)); }
    line.appendChild(first);
    line.appendChild(el("td", "", item.kind_label));
    var title = el("td", "", item.title);
    if (item.unread) {
      title.appendChild(document.createTextNode(" "));
      var unread = el("span", "unread", item.unread); unread.title = "Pesan belum dibaca";
      title.appendChild(unread);
    }
    if (item.register_number) { title.appendChild(el("br")); title.appendChild(el("small", "", item.register_number)); }
    line.appendChild(title);
    line.appendChild(el("td", "", item.channel));
    line.appendChild(el("td", "", item.state_label));
    line.appendChild(el("td", "", item.agent));
    line.appendChild(el("td", "", item.due_label));
    var actions = el("td");
    var link = el("a", "", "Buka"); link.href = item.url; actions.appendChild(link);
    if (item.take_over_url) {
      var form = el("form", "inline"); form.method = "post"; form.action = item.take_over_url;
      var token = el("input"); token.type = "hidden"; token.name = "csrf_token"; token.value = csrf;
      var button = el("button", "", "Ambil alih"); button.type = "submit";
      form.appendChild(token); form.appendChild(button);
      actions.appendChild(document.createTextNode(" ")); actions.appendChild(form);
    }
    line.appendChild(actions);
    return line;
  }

  function draw(items) {
    var rows = [];
    var section = "";
    items.forEach(function (item) {
      if (item.section !== section) {
        section = item.section;
        var head = el("tr", "section"); head.dataset.section = section;
        var cell = el("th", "", sections[section] || section); cell.colSpan = 8;
        head.appendChild(cell); rows.push(head);
      }
      rows.push(row(item));
    });
    if (!rows.length) {
      var empty = el("tr", "empty"); var cell = el("td", "", "Antrean kosong."); cell.colSpan = 8;
      empty.appendChild(cell); rows = [empty];
    }
    queue.replaceChildren.apply(queue, rows);
  }

  function pager(link, url, show) {
    if (!link) { return; }
    link.hidden = !show;
    if (show) { link.href = url; }
  }

  function figures(meta) {
    Object.keys(meta.counts || {}).forEach(function (tab) {
      var count = document.querySelector('[data-count="' + tab + '"]');
      if (count) { count.textContent = String(meta.counts[tab]); }
    });
    var online = document.getElementById("online");
    if (online) { online.textContent = meta.online.length ? meta.online.join(", ") : "tidak ada"; }
    pager(document.getElementById("page-previous"), meta.previous_url, meta.has_previous);
    pager(document.getElementById("page-next"), meta.next_url, meta.has_next);
    showWaiting(meta.waiting);
  }

  showWaiting(waiting);
  if (!window.EventSource) { return; }
  var live = document.getElementById("live");
  var source = new EventSource(queue.dataset.stream);
  source.addEventListener("queue", function (event) { draw(JSON.parse(event.data)); });
  source.addEventListener("meta", function (event) { figures(JSON.parse(event.data)); });
  source.addEventListener("open", function () { live.dataset.state = "live"; live.textContent = "langsung"; });
  source.addEventListener("error", function () { live.dataset.state = "offline"; live.textContent = "menyambung ulang…"; });
}());
