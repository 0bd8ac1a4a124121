// The time left in a quiz attempt, counted down on the page. The server enforces the limit;
// this only tells the student: the visible count every second, and a screen reader once at
// 5 minutes and once at 1 minute left (a polite live region; the count itself is not live).
const box = document.getElementById("time-left");
const counter = box?.querySelector("[data-countdown]");
const announcer = document.querySelector("[data-countdown-announcer]");
const WARNINGS = [
  [300, "5 minutes left to submit."],
  [60, "1 minute left to submit."],
];
if (box && counter) {
  const end = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  let before = Number(box.dataset.secondsLeft);
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    counter.textContent = minutes ? `${minutes} min ${left % 60} s` : `${left} seconds`;
    // Only a crossing announces: a page opened with 3 minutes left hears the 1-minute warning only,
    // and a timer that skips a second (a busy or hidden tab) still announces once.
    const crossed = WARNINGS.filter(([at]) => before > at && left <= at).pop();
    if (crossed && announcer) announcer.textContent = crossed[1];
    before = left;
    if (left > 0) setTimeout(tick, 1000);
  };
  tick();
}
