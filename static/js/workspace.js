// The course workspace's lesson order (templates/admin/courses/workspace/workspace.html): move a
// lesson without reloading the page, with its ↑/↓ buttons, with Alt + ArrowUp/ArrowDown on its
// handle, or by dragging the handle. Every move is one POST to the workspace's move view (the
// services' move_lesson), the same form that works without this script; the server answers with
// the module's new order, which the list then shows. Focus stays on what was moved, and the
// polite live region says where it went.

const status = document.querySelector("[data-move-status]");

function announce(text) {
  if (status) status.textContent = text;
}

function titleOf(item) {
  return item.querySelector("a[id$='-title']")?.textContent.trim() ?? "The lesson";
}

async function move(list, item, fields) {
  const form = item.querySelector("form[data-move]");
  const data = new FormData(form);
  data.delete("direction");
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  const response = await fetch(form.action, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    announce(answer.error ?? "The lesson could not be moved.");
    return;
  }
  const target = document.querySelector(`ol[data-module="${answer.module}"]`) ?? list;
  const items = new Map([...document.querySelectorAll("li[data-lesson]")].map((li) => [Number(li.dataset.lesson), li]));
  target.querySelector(":scope > .ws-empty")?.remove();
  for (const id of answer.order) {
    const li = items.get(id);
    if (li) target.append(li);
  }
  announce(`${titleOf(item)} is now lesson ${answer.index + 1} of ${answer.order.length}.`);
}

function position(item) {
  return [...item.parentElement.children].filter((li) => li.dataset.lesson).indexOf(item);
}

for (const list of document.querySelectorAll("ol[data-module]")) {
  list.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-move]");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("li[data-lesson]");
    const up = event.submitter?.value === "up";
    const index = position(item) + (up ? -1 : 1);
    if (index < 0) return announce(`${titleOf(item)} is already first.`);
    await move(list, item, { index, module: item.parentElement.dataset.module });
    event.submitter?.focus();
  });

  list.addEventListener("keydown", async (event) => {
    const handle = event.target.closest("[data-handle]");
    if (!handle || !event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
    event.preventDefault();
    const item = handle.closest("li[data-lesson]");
    const index = position(item) + (event.key === "ArrowUp" ? -1 : 1);
    if (index < 0) return announce(`${titleOf(item)} is already first.`);
    await move(list, item, { index, module: item.parentElement.dataset.module });
    handle.focus();
  });

  list.addEventListener("dragstart", (event) => {
    const item = event.target.closest("li[data-lesson]");
    if (!item) return;
    event.dataTransfer.setData("text/x-lesson", item.dataset.lesson);
    event.dataTransfer.effectAllowed = "move";
    item.classList.add("is-dragging");
  });
  list.addEventListener("dragend", (event) => event.target.closest("li")?.classList.remove("is-dragging"));
}

for (const list of document.querySelectorAll("ol[data-module]")) {
  list.addEventListener("dragover", (event) => {
    if (event.dataTransfer.types.includes("text/x-lesson")) event.preventDefault();
  });
  list.addEventListener("drop", async (event) => {
    const id = event.dataTransfer.getData("text/x-lesson");
    const item = document.querySelector(`li[data-lesson="${id}"]`);
    if (!item) return;
    event.preventDefault();
    const over = event.target.closest("li[data-lesson]");
    const siblings = [...list.children].filter((li) => li.dataset.lesson && li !== item);
    let index = over ? siblings.indexOf(over) : siblings.length;
    if (over) {
      const box = over.getBoundingClientRect();
      if (event.clientY > box.top + box.height / 2) index += 1;
    }
    await move(list, item, { index, module: list.dataset.module });
    item.querySelector("[data-handle]")?.focus();
  });
}
