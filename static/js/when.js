// Times in the viewer's zone, for what the server could not render in it (docs/architecture.md,
// "Time zones"). The {% when %} tag (accounts/templatetags/when.py) writes
// <time datetime data-when="datetime|date|time" data-zone="<zone it was rendered in>">. A page is
// rendered in the user's zone, but a feed item or live part is rendered once for everyone, in UTC,
// and inserted later by activity.js; an anonymous visitor's page is in UTC too. This module
// rewrites every such element whose zone is not the viewer's: the user's setting
// (<body data-time-zone>), else the browser's. The format is the tag's: "3 Dec 2026, 14:00 CET".
// Relative texts ("2 hours ago", "in 3 days") are kept true on a page left open: recounted every
// minute, in the tag's words (relative_text). It also fills the sign-up form's hidden time zone
// field with the browser's zone.

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zone = document.body.dataset.timeZone || browserZone;

const formatter = (locale, timeZone) =>
  new Intl.DateTimeFormat(locale, {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });

let british, american;
try {
  british = formatter("en-GB", zone);
  american = formatter("en-US", zone);
} catch {
  british = null; // a zone this browser does not know: leave the server's text
}

const parts = (format, moment) =>
  Object.fromEntries(format.formatToParts(moment).map((part) => [part.type, part.value]));

// The zone's abbreviation where the browser has one ("CET", "BST", "EDT"), else its offset
// ("UTC+9"), as the server's zone_label writes it.
function zoneLabel(moment, own) {
  const named = [own.timeZoneName, parts(american, moment).timeZoneName].find((n) => !/^GMT[+-]/.test(n));
  return named ?? own.timeZoneName.replace(/^GMT/, "UTC");
}

function text(moment, style) {
  const p = parts(british, moment);
  const day = `${p.day} ${p.month} ${p.year}`;
  const time = `${p.hour}:${p.minute} ${zoneLabel(moment, p)}`;
  return { date: day, time, datetime: `${day}, ${time}` }[style] ?? `${day}, ${time}`;
}

function rewrite(element) {
  if (element.dataset.zone === zone) return;
  const moment = new Date(element.getAttribute("datetime"));
  if (Number.isNaN(moment.getTime())) return;
  const shown = text(moment, element.dataset.when);
  if (element.hasAttribute("data-relative")) element.title = shown;
  else element.textContent = shown;
  element.dataset.zone = zone;
}

function rewriteWithin(root) {
  if (root.matches?.("time[data-when]")) rewrite(root);
  root.querySelectorAll?.("time[data-when]").forEach(rewrite);
}

if (british) {
  rewriteWithin(document);
  // Whatever activity.js (or any page module) inserts later: feed items, live parts.
  new MutationObserver((changes) => {
    for (const change of changes) change.addedNodes.forEach(rewriteWithin);
  }).observe(document.body, { childList: true, subtree: true });
}

// Django's timesince units, the largest that fits, as "3\u00a0days" (a no-break space, like Django).
const UNITS = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

function relativeText(moment, now) {
  const seconds = Math.round((moment - now) / 1000);
  const span = Math.abs(seconds);
  if (span < 60) return "just now";
  const [unit, size] = UNITS.find(([, size]) => span >= size);
  const count = Math.floor(span / size);
  const amount = `${count}\u00a0${unit}${count === 1 ? "" : "s"}`;
  return seconds > 0 ? `in ${amount}` : `${amount} ago`;
}

function recount() {
  const now = Date.now();
  for (const element of document.querySelectorAll("time[data-when][data-relative]")) {
    element.textContent = relativeText(new Date(element.getAttribute("datetime")), now);
  }
  for (const element of document.querySelectorAll("time[data-when] + .when-relative")) {
    element.textContent = `(${relativeText(new Date(element.previousElementSibling.getAttribute("datetime")), now)})`;
  }
}

setInterval(recount, 60_000);

for (const field of document.querySelectorAll("input[data-browser-time-zone]")) {
  if (!field.value) field.value = browserZone ?? "";
}
