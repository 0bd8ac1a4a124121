// The dashboard's course cards: each card's "N new since your last visit" is the number of its new
// items. Live parts (notifications/live.py) add, rename and remove those items, and remove a card whose
// course was unpublished; this module recounts after every event. "New" is per viewer (since their
// last visit), so the count is kept here, not rendered on the server.
//
// activity.js owns the socket and dispatches each new event as an "activity:event" on document.

function recount() {
  for (const counter of document.querySelectorAll("[data-new-count]")) {
    const items = counter.parentElement.querySelector(".new-items");
    const count = items ? items.children.length : 0;
    const text = count ? `${count} new` : "";
    if (counter.dataset.newCount === String(count)) continue;
    counter.dataset.newCount = String(count);
    counter.classList.toggle("muted", !count);
    counter.replaceChildren();
    if (count) {
      const strong = document.createElement("strong");
      strong.textContent = text;
      counter.append(strong, " since your last visit");
    } else {
      counter.textContent = "Nothing new";
    }
  }
}

document.addEventListener("activity:event", recount);
