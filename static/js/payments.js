// The card form of the pay pages (templates/courses/payments/_card_form.html).
// Stripe.js mounts Stripe's card field; on submit the card is sent to Stripe to confirm a
// SetupIntent (confirmCardSetup), and only the SetupIntent's id is posted to this site, which
// charges the saved card (a PaymentIntent) or starts the plan. When the bank asks for 3-D
// Secure, Stripe.js shows it (confirmCardPayment). Then the browser goes to the return page.
const form = document.getElementById("card-form");
const errors = document.getElementById("card-errors");
const button = document.getElementById("card-submit");

function csrfToken() {
  return form.querySelector("input[name=csrfmiddlewaretoken]").value;
}

function fail(message) {
  errors.textContent = message || "The payment did not go through.";
  button.disabled = false;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  return { ok: response.ok, body: await response.json().catch(() => ({})) };
}

if (form && typeof Stripe === "function") {
  const stripe = Stripe(form.dataset.stripeKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  button.disabled = false;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    const setup = await stripe.confirmCardSetup(form.dataset.setupSecret, { payment_method: { card } });
    if (setup.error) return fail(setup.error.message);
    const answer = await post(form.dataset.confirmUrl, { setup_intent: setup.setupIntent.id });
    if (!answer.ok) return fail(answer.body.error);
    if (answer.body.status === "requires_action") {
      const secure = await stripe.confirmCardPayment(answer.body.client_secret);
      if (secure.error) return fail(secure.error.message);
    }
    window.location.assign(answer.body.next);
  });
} else if (form) {
  errors.textContent = "Stripe's card field could not be loaded. Check your connection and reload the page.";
}
