// The course workspace (templates/admin/courses/workspace/): its forms work without this script,
// each a POST and a new page. With it, nothing reloads:
// - a lesson moves with its ↑/↓ buttons, with Alt + ArrowUp/ArrowDown on its handle, or by
//   dragging the handle; each move is one POST to the move view (services.move_lesson), which
//   answers with the module's new order;
// - the forms marked data-inplace (add a module, add a lesson, publish) are sent the same way and
//   answered with the new part of the tree, rendered by the server from the page's own partials.
// Focus stays on what was used, and the polite live region says what happened.

const status = document.querySelector("[data-move-status]");

function announce(text) {
  if (status) status.textContent = text;
}

function titleOf(item) {
  return item.querySelector("a[id$='-title']")?.textContent.trim() ?? "The lesson";
}

async function post(form, fields = {}) {
  const data = new FormData(form);
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  const response = await fetch(form.action, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  const answer = await response.json().catch(() => ({ error: "Something went wrong; reload the page." }));
  if (!response.ok) announce(answer.error ?? "Something went wrong; reload the page.");
  return response.ok ? answer : null;
}

function lessonsOf(list) {
  return [...list.children].filter((li) => li.dataset.lesson);
}

async function move(item, index, list = item.parentElement) {
  if (index < 0) return announce(`${titleOf(item)} is already first.`);
  const form = item.querySelector("form[data-move]");
  const answer = await post(form, { index, module: list.dataset.module, direction: "" });
  if (!answer) return;
  const target = document.querySelector(`ol[data-module="${answer.module}"]`) ?? list;
  const items = new Map([...document.querySelectorAll("li[data-lesson]")].map((li) => [Number(li.dataset.lesson), li]));
  target.querySelector(":scope > .ws-empty")?.remove();
  for (const id of answer.order) {
    const li = items.get(id);
    if (li) target.append(li);
  }
  announce(`${titleOf(item)} is now lesson ${answer.index + 1} of ${answer.order.length}.`);
}

function place(answer) {
  const template = document.createElement("template");
  template.innerHTML = answer.html.trim();
  const part = template.content.firstElementChild;
  const target = document.querySelector(answer.target);
  if (!part || !target) return null;
  if (answer.mode === "append") {
    target.querySelector(":scope > .ws-empty")?.remove();
    target.append(part);
  } else {
    target.replaceWith(part);
  }
  return part;
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.matches("form[data-move]")) {
    event.preventDefault();
    const item = form.closest("li[data-lesson]");
    const up = event.submitter?.value === "up";
    await move(item, lessonsOf(item.parentElement).indexOf(item) + (up ? -1 : 1));
    event.submitter?.focus();
  } else if (form.matches("form[data-inplace]")) {
    event.preventDefault();
    const button = event.submitter;
    const fields = button?.name ? { [button.name]: button.value } : {};
    const answer = await post(form, fields);
    if (!answer) return;
    const part = place(answer);
    announce(answer.message);
    if (answer.mode === "append") {
      form.reset();
      form.querySelector("input:not([type=hidden]), select, textarea")?.focus();
    } else {
      part?.querySelector("form[data-inplace] button")?.focus();
    }
  }
});

document.addEventListener("keydown", async (event) => {
  const handle = event.target.closest?.("[data-handle]");
  if (!handle || !event.altKey || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
  event.preventDefault();
  const item = handle.closest("li[data-lesson]");
  await move(item, lessonsOf(item.parentElement).indexOf(item) + (event.key === "ArrowUp" ? -1 : 1));
  handle.focus();
});

document.addEventListener("dragstart", (event) => {
  const item = event.target.closest?.("li[data-lesson]");
  if (!item) return;
  event.dataTransfer.setData("text/x-lesson", item.dataset.lesson);
  event.dataTransfer.effectAllowed = "move";
  item.classList.add("is-dragging");
});

document.addEventListener("dragend", (event) => event.target.closest?.("li")?.classList.remove("is-dragging"));

document.addEventListener("dragover", (event) => {
  if (event.target.closest?.("ol[data-module]") && event.dataTransfer.types.includes("text/x-lesson")) {
    event.preventDefault();
  }
});

document.addEventListener("drop", async (event) => {
  const list = event.target.closest?.("ol[data-module]");
  const item = document.querySelector(`li[data-lesson="${event.dataTransfer.getData("text/x-lesson")}"]`);
  if (!list || !item) return;
  event.preventDefault();
  const over = event.target.closest("li[data-lesson]");
  const siblings = lessonsOf(list).filter((li) => li !== item);
  let index = over && over !== item ? siblings.indexOf(over) : siblings.length;
  if (over && over !== item && event.clientY > over.getBoundingClientRect().top + over.offsetHeight / 2) index += 1;
  await move(item, index, list);
  item.querySelector("[data-handle]")?.focus();
});
