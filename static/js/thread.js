// Live replies on a thread page: a new post of this thread appears where it belongs, for every
// member with the page open. The event says which post; the post itself is fetched as HTML,
// rendered by the server for this viewer (their edit and moderation links), from the same partial
// as the page.
//
// activity.js owns the socket and dispatches each new event as an "activity:event" on document.

const thread = document.querySelector("[data-thread]");
const path = thread?.dataset.threadPath;
const list = thread?.querySelector("[data-posts]");
const announcer = thread?.querySelector("[data-live-announcer]");
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
  if (message.kind !== "discussion_post" || !message.data?.url) return;
  const url = new URL(message.data.url, window.location.origin);
  const id = Number(url.hash.replace("#post-", ""));
  if (url.pathname === path && id) showPost(id);
}

if (thread && path && list) {
  document.addEventListener("activity:event", (event) => onEvent(event.detail));
}
