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
