// The analytics dashboards in the admin (templates/admin/courses/analytics/course.html, site.html):
// the admin's pages have no site header, so the live settings activity.js reads from <body> are on the
// dashboard's element; copied over, then activity.js (loaded after, by a dynamic import) opens the
// socket. A course's dashboard receives its sections as live parts (notifications/live_analytics.py).
// Site admins' pages (the dashboard across courses, a course's opened by a site admin) read a section
// again when an event on the staff topic says it changed (notifications/signals.py,
// site_analytics_changed): at most once every READ_EVERY_MS, and once more after the last change, so
// a busy campus costs one request per interval and the page ends current.
const settings = document.querySelector("[data-live-socket]");
const READ_EVERY_MS = 2000;

// `url` answers `?sections=a,b` with those sections; `changedBy(message)` names the sections an event changes.
function followByReading(url, changedBy) {
  const wanted = new Set();
  let reading = false;
  let lastRead = 0;
  let timer = null;

  async function read() {
    timer = null;
    reading = true;
    lastRead = Date.now();
    const sections = [...wanted];
    wanted.clear();
    try {
      const response = await fetch(`${url}?sections=${sections.join(",")}`, { credentials: "same-origin" });
      if (response.ok) {
        const template = document.createElement("template");
        template.innerHTML = await response.text();
        for (const section of template.content.querySelectorAll("[data-live]")) {
          document.querySelector(`[data-live="${CSS.escape(section.dataset.live)}"]`)?.replaceWith(section);
        }
      } else {
        for (const key of sections) wanted.add(key); // try again at the next change
      }
    } catch {
      for (const key of sections) wanted.add(key);
    } finally {
      reading = false;
      if (wanted.size) schedule();
    }
  }

  function schedule() {
    if (timer || reading) return;
    timer = setTimeout(read, Math.max(0, lastRead + READ_EVERY_MS - Date.now()));
  }

  document.addEventListener("activity:event", (event) => {
    const changed = changedBy(event.detail);
    for (const key of changed) wanted.add(key);
    if (changed.length) schedule();
  });
}

function siteSectionsChangedBy(message) {
  if (message.data?.object === "site_analytics") return message.data.sections || [];
  return message.kind === "user_registered" ? ["people"] : [];
}

function courseSectionsChangedBy(message) {
  const ofThisCourse =
    message.data?.object === "site_analytics" && message.data.course_code === settings.dataset.courseCode;
  return ofThisCourse ? message.data.course_sections || [] : [];
}

if (settings) {
  const body = document.body.dataset;
  body.socketPath = settings.dataset.liveSocket;
  body.latestId = settings.dataset.latestId;
  body.userId = settings.dataset.userId;
  body.timeZone = settings.dataset.timeZone;
  if (settings.dataset.siteSections) followByReading(settings.dataset.siteSections, siteSectionsChangedBy);
  if (settings.dataset.courseSections) followByReading(settings.dataset.courseSections, courseSectionsChangedBy);
  await import("./activity.js");
  await import("./when.js");
}
