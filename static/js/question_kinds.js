// The admin's question forms (a quiz's questions, a question's own page) show only the fields of
// the chosen kind: choices for single and multiple choice, the answer for true or false, accepted
// answers for short answer. Without this file every field shows and the server still decides.
"use strict";

(() => {
  const FIELDS = {
    choices: ["single", "multiple"],
    is_true: ["true_false"],
    accepted_answers: ["short"],
  };

  function follow(select) {
    const form = select.closest(".inline-related") || select.closest("form");
    const apply = () => {
      for (const [name, kinds] of Object.entries(FIELDS)) {
        const row = form.querySelector(`.form-row.field-${name}`);
        if (row) row.hidden = !kinds.includes(select.value);
      }
    };
    select.addEventListener("change", apply);
    apply();
  }

  function start(root) {
    for (const select of root.querySelectorAll('select[name$="kind"]')) {
      if (!select.name.includes("__prefix__")) follow(select);
    }
  }

  document.addEventListener("DOMContentLoaded", () => start(document));
  document.addEventListener("formset:added", (event) => start(event.target));
})();
