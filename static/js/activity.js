// The live activity feed: one socket per tab, resumed from the last id this page holds.
// The protocol (messages, heartbeat, replay, close codes, event kinds): docs/architecture.md,
// "Socket protocol". No build step, no dependencies.

const body = document.body;
const socketPath = body.dataset.socketPath;
const WATCHDOG_MS = 70000; // silence longer than ~3 heartbeats: the connection is dead
const MAX_BACKOFF_MS = 15000;

const seen = new Set(); // ids this page holds: duplicates (replay and live) are dropped
let latest = Number(body.dataset.latestId || 0);
let lastRead = Number(body.dataset.lastRead || 0);
const me = Number(body.dataset.userId || 0);
// The viewer's unread groups (`<course id>:<kind>`): a grouped event adds to the badge only when
// its group is not unread yet.
let groups = new Set((body.dataset.unreadGroups || "").split(" ").filter(Boolean));
const badge = document.getElementById("unread-count");
const status = document.getElementById("live-status");
let unread = Number(badge?.dataset.unread || 0);
let floor = latest; // the cursor of the current connection: what the page already had
let attempts = 0;
let socket = null;
let watchdog = null;

for (const item of document.querySelectorAll("[data-event-id]")) {
  const id = Number(item.dataset.eventId);
  seen.add(id);
  latest = Math.max(latest, id);
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
  latest = Math.max(latest, message.id);
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

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
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
    case "heartbeat":
      // A message this page missed: ask for everything after the newest one it holds.
      if (message.latest > latest) send({ type: "replay", after: latest });
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
  floor = latest;
  socket = new WebSocket(`${scheme}://${window.location.host}${socketPath}?after=${latest}`);
  socket.addEventListener("open", () => {
    attempts = 0;
    setStatus("live", "live");
    armWatchdog();
  });
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
    socket = null;
    if (event.code === 4401) {
      setStatus("offline", "offline");
      return;
    }
    setStatus("reconnecting", "reconnecting");
    // Exponential backoff with equal jitter (between half the ceiling and the ceiling), so a
    // restarted server is not hit by every tab at once.
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts);
    attempts += 1;
    setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  });
}

if (socketPath && "WebSocket" in window) connect();
