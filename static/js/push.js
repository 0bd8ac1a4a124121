// "Notify me on this device" on /notifications/preferences/: registers the push service worker,
// subscribes with the site's VAPID key and sends the subscription to the server (one per device).
// No build step, no dependencies; docs/architecture.md, "Mail and push".

const section = document.querySelector("[data-push-key]");
const button = section?.querySelector("[data-push-toggle]");
const status = section?.querySelector("[data-push-status]");
const csrf = document.querySelector("input[name=csrfmiddlewaretoken]")?.value;

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function show(subscribed, text) {
  button.setAttribute("aria-pressed", String(subscribed));
  button.textContent = subscribed ? "Stop notifying me on this device" : "Notify me on this device";
  if (text) status.textContent = text;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(`${response.status}`);
}

async function start() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    status.textContent = "This browser cannot receive push notifications.";
    return;
  }
  const registration = await navigator.serviceWorker.register(section.dataset.workerUrl);
  let subscription = await registration.pushManager.getSubscription();
  show(Boolean(subscription));
  button.disabled = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (subscription) {
        await post(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
        subscription = null;
        show(false, "This device will not be notified any more.");
      } else {
        if ((await Notification.requestPermission()) !== "granted") {
          show(false, "Notifications are blocked for this site in the browser's settings.");
          return;
        }
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.dataset.pushKey),
        });
        await post(section.dataset.subscribeUrl, subscription.toJSON());
        show(true, "This device will be notified.");
      }
    } catch (error) {
      status.textContent = "That did not work; please try again.";
      console.error("push:", error);
    } finally {
      button.disabled = false;
    }
  });
}

if (section && button) start();
