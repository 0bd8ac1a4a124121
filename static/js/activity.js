// The live activity feed: one socket per tab, resumed from the last cursor the server handed it.
// The protocol (messages, heartbeat, replay, close codes, event kinds): docs/architecture.md,
// "Socket protocol". No build step, no dependencies.

const body = document.body;
const socketPath = body.dataset.socketPath;
const WATCHDOG_MS = 70000; // silence longer than ~3 heartbeats: the connection is dead
// Reconnecting (docs/architecture.md, "Close codes"): full jitter, a random wait between nothing and
// a ceiling that doubles from FIRST_BACKOFF_MS up to MAX_BACKOFF_MS, so the tabs that lost a
// restarted server come back spread over its first seconds instead of all at once. The count
// starts again only after a socket stayed open STABLE_MS: a server that accepts and closes at
// once is not retried at the first ceiling forever.
const FIRST_BACKOFF_MS = 2000;
const MAX_BACKOFF_MS = 30000;
const STABLE_MS = 10000;
// 4013: the server is full (admission control, notifications/admission.py): wait at least
// BUSY_MIN_MS, then a random share of a ceiling that doubles with each refusal.
const CLOSE_BUSY = 4013;
const BUSY_MIN_MS = 5000;

const seen = new Set(); // ids this page holds: duplicates (replay and live) are dropped
// The server's cursor (the page's, then each heartbeat's): the page holds every event it may see up
// to here. Reconnects resume from it and list the ids held above it, not from the newest id held: a
// doorbell may overtake a lower id's, which then arrives after.
let resumeFrom = Number(body.dataset.latestId || 0);
const MAX_HELD = 1000;
let lastRead = Number(body.dataset.lastRead || 0);
const me = Number(body.dataset.userId || 0);
// The viewer's unread groups (`<course id>:<kind>`): a grouped event adds to the badge only when
// its group is not unread yet.
let groups = new Set((body.dataset.unreadGroups || "").split(" ").filter(Boolean));
const badge = document.getElementById("unread-count");
const status = document.getElementById("live-status");
let unread = Number(badge?.dataset.unread || 0);
let floor = resumeFrom; // the cursor of the current connection: what the page already had
let attempts = 0;
let socket = null;
let watchdog = null;
let stable = null;

for (const item of document.querySelectorAll("[data-event-id]")) {
  const id = Number(item.dataset.eventId);
  seen.add(id);
}

function setStatus(state, text) {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

function setUnread(count) {
  unread = Math.max(0, count);
  if (!badge) return;
  badge.dataset.unread = String(unread);
  badge.textContent = unread > 99 ? "99+" : String(unread); // the server counts up to 100
}

// The unread rule (notifications/selectors.py, counts_for) for an event that has just arrived:
// its cursor and read marks cannot concern it yet, and it is after the viewer joined; what is left
// is who it is not news for, and the groups.
function unreadEffect(message) {
  if (message.id <= lastRead || (message.not_for || []).includes(me)) return { unread: false, adds: 0 };
  if (message.group_for === me && message.group) {
    const adds = groups.has(message.group) ? 0 : 1;
    groups.add(message.group);
    return { unread: true, adds };
  }
  return { unread: true, adds: 1 };
}

// A feed's filters: a topic (a course page's feed); on /notifications/ a course, a kind, and whether
// the viewer's grouped events are listed (not unfiltered: they are one line per group there).
function belongs(feed, message) {
  const { topicFilter, courseFilter, kindFilter, skipGrouped } = feed.dataset;
  if (topicFilter && topicFilter !== message.topic) return false;
  if (courseFilter && (message.data || {}).course_code !== courseFilter) return false;
  if (kindFilter && kindFilter !== message.kind) return false;
  return !(skipGrouped !== undefined && message.group_for === me);
}

function insert(feed, html, id, unreadItem) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const item = template.content.firstElementChild;
  if (!item) return;
  if (unreadItem) item.classList.add("unread");
  feed.querySelector(":scope > [data-empty]")?.remove();
  // Newest first; a replayed older event goes to its place by id.
  const after = [...feed.querySelectorAll(":scope > [data-event-id]")].find(
    (other) => Number(other.dataset.eventId) < id,
  );
  feed.insertBefore(item, after || null);
}

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Live parts (notifications/rendering.py): the parts of this page an event changes, rendered once
// on the server. Replace every element of the key, remove it, or add it to its list (add_only: only add).
function applyParts(parts) {
  for (const part of parts || []) {
    const existing = document.querySelectorAll(`[data-live="${CSS.escape(part.key)}"]`);
    if (!part.html) {
      for (const element of existing) element.remove();
      continue;
    }
    if (existing.length) {
      if (part.add_only) continue; // only where the page has none (rendering.py)
      for (const element of existing) element.replaceWith(fragment(part.html));
      continue;
    }
    if (!part.list) continue;
    for (const list of document.querySelectorAll(`[data-live-list="${CSS.escape(part.list)}"]`)) {
      const element = fragment(part.html);
      if (!element) continue;
      list.querySelector(":scope > [data-empty]")?.remove();
      const after =
        part.sort === undefined || part.sort === null
          ? list.firstElementChild
          : [...list.children].find((other) => Number(other.dataset.sort) > Number(part.sort));
      list.insertBefore(element, after || null);
    }
  }
}

function onEvent(message) {
  // By id, not by "newest so far": events from several server processes may arrive out of order.
  if (message.id <= floor || seen.has(message.id)) return;
  seen.add(message.id);
  applyParts(message.parts);
  if (message.html) {
    // A quiet event (a change, a removal) has no feed item and is never unread.
    const effect = unreadEffect(message);
    for (const feed of document.querySelectorAll("[data-feed]")) {
      if (belongs(feed, message)) insert(feed, message.html, message.id, effect.unread);
    }
    setUnread(unread + effect.adds);
  }
  // Page modules (a thread's live replies) react to the same events without a socket of their own.
  document.dispatchEvent(new CustomEvent("activity:event", { detail: message }));
}

// The server's read state after a change in any tab (mark all read, an item opened, shown or
// marked): the badge and groups as it counted them, and the items that changed.
function onRead(message) {
  lastRead = Math.max(lastRead, message.last_read);
  setUnread(message.unread);
  groups = new Set(message.groups || []);
  const read = new Set(message.read_ids || []);
  const unreadIds = new Set(message.unread_ids || []);
  for (const item of document.querySelectorAll(".feed-item[data-event-id]")) {
    const id = Number(item.dataset.eventId);
    if (unreadIds.has(id)) item.classList.add("unread");
    else if (read.has(id) || (message.all && id <= lastRead)) item.classList.remove("unread");
  }
}

function armWatchdog() {
  clearTimeout(watchdog);
  watchdog = setTimeout(() => socket && socket.close(), WATCHDOG_MS);
}

function handle(message) {
  switch (message.type) {
    case "event":
      onEvent(message);
      break;
    case "ready":
      stable = setTimeout(() => {
        attempts = 0;
      }, STABLE_MS);
      setStatus("live", "live");
      break;
    case "heartbeat":
      // The server sent what this page missed before the beat (below ids it had sent too); the
      // page holds everything up to `cursor` now, so that is where a reconnect resumes.
      resumeFrom = Math.max(resumeFrom, message.cursor);
      break;
    case "read":
      onRead(message);
      break;
    case "resync":
      // More was missed than the server replays: the page renders the feed afresh.
      window.location.reload();
      break;
    default:
      break;
  }
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  floor = resumeFrom;
  const held = [...seen].filter((id) => id > resumeFrom).sort((a, b) => a - b).slice(-MAX_HELD);
  const have = held.length ? `&have=${held.join(",")}` : "";
  socket = new WebSocket(`${scheme}://${window.location.host}${socketPath}?after=${resumeFrom}${have}`);
  // "live" once the server says the socket is set up (`ready`), not at the handshake: a socket
  // turned away (4013, 4429, 4401) is accepted too, to carry its close code.
  socket.addEventListener("open", armWatchdog);
  socket.addEventListener("message", (message) => {
    armWatchdog();
    try {
      handle(JSON.parse(message.data));
    } catch (error) {
      console.error("activity: bad message", error);
    }
  });
  socket.addEventListener("close", (event) => {
    clearTimeout(watchdog);
    clearTimeout(stable);
    socket = null;
    if (event.code === 4401) {
      setStatus("offline", "offline");
      return;
    }
    setStatus("reconnecting", "reconnecting");
    const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempts);
    attempts += 1;
    const wait = Math.random() * ceiling;
    setTimeout(connect, event.code === CLOSE_BUSY ? BUSY_MIN_MS + wait : wait);
  });
}

if (socketPath && "WebSocket" in window) connect();
