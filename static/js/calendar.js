// The calendar page: the "Copy" button of the feed address (shown only where the clipboard works;
// the address stays selectable by hand).
const button = document.querySelector("[data-copy]");
const status = document.querySelector("[data-copy-status]");
if (button && navigator.clipboard) {
  const source = document.getElementById(button.dataset.copy);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      status.textContent = "Copied.";
    } catch {
      source.select();
      status.textContent = "Press Ctrl+C (⌘C) to copy.";
    }
  });
}

// Live: the Upcoming panel's parts (notifications/upcoming.py) also reach this page. activity.js has
// already removed a changed item (its data-live key); this puts the new one on its day, in the
// page's time zone, in time order. Items of other months are not shown here.
const calendar = document.querySelector("[data-calendar]");
const announcer = document.querySelector("[data-calendar-status]");

function dayOf(seconds, zone) {
  const parts = new Intl.DateTimeFormat("en", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(seconds * 1000));
  const value = (type) => parts.find((part) => part.type === type).value;
  return `${value("year")}-${value("month")}-${value("day")}`;
}

function dayHeading(day) {
  const [year, month, date] = day.split("-").map(Number);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).formatToParts(new Date(Date.UTC(year, month - 1, date)));
  const value = (type) => parts.find((part) => part.type === type).value;
  return `${value("weekday")} ${value("day")} ${value("month")} ${value("year")}`;
}

function agendaDay(day) {
  // An agenda shows only days that have items: a new day gets its heading, in date order.
  const group = document.createElement("li");
  group.className = "agenda-day";
  group.dataset.day = day;
  const heading = document.createElement("h2");
  heading.className = "agenda-date";
  heading.textContent = dayHeading(day);
  group.append(heading);
  const after = [...calendar.children].find((other) => other.dataset.day > day);
  calendar.insertBefore(group, after || null);
  document.querySelector("[data-calendar-empty]")?.remove();
  return group;
}

function listFor(day) {
  if (!day.startsWith(calendar.dataset.month)) return null;
  const holder = calendar.querySelector(`[data-day="${day}"]`) || (calendar.tagName === "OL" ? agendaDay(day) : null);
  if (!holder) return null;
  let list = holder.querySelector(".due-list");
  if (!list) {
    list = document.createElement("ul");
    list.className = "plain-list due-list";
    holder.append(list);
  }
  return list;
}

if (calendar) {
  document.addEventListener("activity:event", (event) => {
    const placed = new Set();
    for (const part of event.detail.parts || []) {
      if (!part.key.startsWith("due-lesson-") || !part.html || placed.has(part.key)) continue;
      placed.add(part.key);
      const list = listFor(dayOf(part.sort, calendar.dataset.timeZone));
      if (!list) continue;
      const template = document.createElement("template");
      template.innerHTML = part.html.trim();
      const item = template.content.firstElementChild;
      for (const old of document.querySelectorAll(`[data-live="${CSS.escape(part.key)}"]`)) old.remove();
      const after = [...list.children].find((other) => Number(other.dataset.sort) > Number(part.sort));
      list.insertBefore(item, after || null);
      if (announcer) announcer.textContent = `Calendar updated: ${item.querySelector("a")?.textContent || ""}`;
    }
  });
}
