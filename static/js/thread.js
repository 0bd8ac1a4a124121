// Live replies on a thread page: a new post of this thread appears where it belongs, for every
// member with the page open. The event says which post; the post itself is fetched as HTML,
// rendered by the server for this viewer (their edit and moderation links), from the same partial
// as the page.
//
// activity.js does not re-dispatch its socket's messages as DOM events, so this module listens on
// its own activity socket (same protocol: notifications/consumers.py). It also accepts an
// "activity:event" CustomEvent on document, so it keeps working if activity.js dispatches one.

const thread = document.querySelector("[data-thread]");
const path = thread?.dataset.threadPath;
const list = thread?.querySelector("[data-posts]");
const announcer = thread?.querySelector("[data-live-announcer]");
const MAX_BACKOFF_MS = 15000;
let latest = Number(document.body.dataset.latestId || 0);
let attempts = 0;
const pending = new Set();

async function showPost(id) {
  if (document.getElementById(`post-${id}`) || pending.has(id)) return;
  pending.add(id);
  try {
    const response = await fetch(`${path}posts/${id}/`, { credentials: "same-origin" });
    if (!response.ok) return;
    const template = document.createElement("template");
    template.innerHTML = (await response.text()).trim();
    const item = template.content.querySelector("[data-post-id]");
    if (!item || document.getElementById(item.id)) return;
    item.classList.add("is-new");
    const parent = document.getElementById(`post-${item.dataset.parentId}`);
    (parent?.querySelector(":scope > [data-replies]") ?? list).append(item);
    if (announcer) {
      const author = item.querySelector(".post-meta strong")?.textContent ?? "someone";
      announcer.textContent = `New reply from ${author}`;
    }
  } finally {
    pending.delete(id);
  }
}

function onEvent(message) {
  if (message?.type !== "event") return;
  latest = Math.max(latest, Number(message.id) || 0);
  if (message.kind !== "discussion_post" || !message.data?.url) return;
  const url = new URL(message.data.url, window.location.origin);
  const id = Number(url.hash.replace("#post-", ""));
  if (url.pathname === path && id) showPost(id);
}

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socketPath = document.body.dataset.socketPath || "/ws/activity/";
  const socket = new WebSocket(`${scheme}://${window.location.host}${socketPath}?after=${latest}`);
  socket.addEventListener("open", () => {
    attempts = 0;
    thread.dataset.live = "true";
  });
  socket.addEventListener("message", (raw) => {
    let message;
    try {
      message = JSON.parse(raw.data);
    } catch {
      return;
    }
    if (message.type === "heartbeat" && message.latest > latest) {
      socket.send(JSON.stringify({ type: "replay", after: latest }));
    }
    onEvent(message);
  });
  socket.addEventListener("close", (event) => {
    delete thread.dataset.live;
    if (event.code === 4401) return;
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts);
    attempts += 1;
    setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  });
}

if (thread && path && list) {
  document.addEventListener("activity:event", (event) => onEvent(event.detail));
  if ("WebSocket" in window) connect();
}
