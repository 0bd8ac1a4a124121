// Passkeys: registering one on the security page, and using one as the second step of a log-in.
// The server side is accounts/passkeys.py (py_webauthn): it makes the options (with a challenge it
// keeps in the session) and checks what the authenticator signed. Options and answers travel as
// WebAuthn's JSON forms (PublicKeyCredential.parse*OptionsFromJSON and credential.toJSON()).
// A browser without them keeps the code form and the "not supported" note.

const supported =
  window.PublicKeyCredential &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function";

function csrfToken() {
  return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? "{}" : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The server answered ${response.status}.`);
  return data;
}

function showError(section, error) {
  const box = section.querySelector("[data-passkey-error]");
  box.textContent =
    error.name === "NotAllowedError" ? "The passkey request was cancelled or timed out. Please try again." : error.message;
  box.hidden = false;
}

async function register(section) {
  const options = await post(section.dataset.optionsUrl);
  const credential = await navigator.credentials.create({
    publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
  });
  const name = section.querySelector("input[name=name]").value;
  const answer = await post(section.dataset.url, { credential: credential.toJSON(), name, next: section.dataset.next });
  window.location.assign(answer.redirect);
}

async function authenticate(section) {
  const options = await post(section.dataset.optionsUrl);
  const credential = await navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
  });
  const answer = await post(section.dataset.url, { credential: credential.toJSON(), next: section.dataset.next });
  window.location.assign(answer.redirect);
}

if (supported) {
  for (const note of document.querySelectorAll("[data-passkey-unsupported]")) note.hidden = true;
  for (const section of document.querySelectorAll("[data-passkey]")) {
    section.hidden = false;
    const run = section.dataset.passkey === "register" ? register : authenticate;
    const start = async (event) => {
      event.preventDefault();
      section.querySelector("[data-passkey-error]").hidden = true;
      try {
        await run(section);
      } catch (error) {
        showError(section, error);
      }
    };
    section.querySelector("[data-passkey-form]")?.addEventListener("submit", start);
    section.querySelector("[data-passkey-start]")?.addEventListener("click", start);
  }
}
